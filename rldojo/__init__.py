"""rldojo: the classic environments of a deep reinforcement learning course, as a Gymnasium suite.

``import rldojo`` registers every environment id with Gymnasium, so that
``gymnasium.make("Maze-v0")`` works afterwards. ``gymnasium.make("rldojo:Maze-v0")``
imports this package itself and needs no import first.

The front door::

    import rldojo
    agent = rldojo.make_agent("dqn", "Maze-v0", seed=0).learn(5_000)
    print(rldojo.evaluate(agent, "Maze-v0", n_episodes=10).win_rate)
    agent.save("maze.pt"); agent = rldojo.load_agent("maze.pt")

``make_agent``, ``load_agent`` and ``evaluate`` load the agents (and torch) on first use,
so ``import rldojo`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gymnasium.envs.registration import register, registry

if TYPE_CHECKING:
    from rldojo.baselines.evaluation import evaluate
    from rldojo.baselines.registry import load_agent, make_agent

__version__ = "0.1.0"

# (id, entry point, max_episode_steps). Entry points are strings, so nothing
# heavy is imported until an environment is made.
_ENVIRONMENTS: list[tuple[str, str, int | None]] = [
    ("Maze-v0", "rldojo.envs.maze.env:MazeEnv", 200),
    ("ChatbotFeedback-v0", "rldojo.envs.chatbot.env:ChatbotFeedbackEnv", None),
    ("Go-v0", "rldojo.envs.go.env:GoEnv", None),
    ("KuhnPoker-v0", "rldojo.envs.cards.env:KuhnPokerEnv", None),
    ("LeducHoldem-v0", "rldojo.envs.cards.env:LeducHoldemEnv", None),
    ("Bandit-v0", "rldojo.envs.bandit.env:BanditEnv", None),
    ("CartPolePixels-v0", "rldojo.envs.pixels:CartPolePixelsEnv", 500),
]

# id -> its native vector env, made by gym.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point").
_VECTOR_ENTRY_POINTS: dict[str, str] = {
    "Maze-v0": "rldojo.envs.maze.vector:MazeVectorEnv",
    "Bandit-v0": "rldojo.envs.bandit.vector:BanditVectorEnv",
    "ChatbotFeedback-v0": "rldojo.envs.chatbot.vector:ChatbotFeedbackVectorEnv",
    "KuhnPoker-v0": "rldojo.envs.cards.vector:KuhnPokerVectorEnv",
    "LeducHoldem-v0": "rldojo.envs.cards.vector:LeducHoldemVectorEnv",
    "Go-v0": "rldojo.envs.go.vector:GoVectorEnv",
}


def register_envs() -> None:
    """Register every rldojo environment id; safe to call more than once."""
    for env_id, entry_point, max_episode_steps in _ENVIRONMENTS:
        if env_id not in registry:
            register(
                id=env_id,
                entry_point=entry_point,
                max_episode_steps=max_episode_steps,
                vector_entry_point=_VECTOR_ENTRY_POINTS.get(env_id),
            )


register_envs()

ENV_IDS: tuple[str, ...] = tuple(env_id for env_id, _, _ in _ENVIRONMENTS)
"""Every environment id rldojo registers."""

# The agent-side names, imported on first use (they need torch).
_LAZY = {
    "make_agent": "rldojo.baselines.registry",
    "load_agent": "rldojo.baselines.registry",
    "evaluate": "rldojo.baselines.evaluation",
}

__all__ = ["ENV_IDS", "__version__", "evaluate", "load_agent", "make_agent", "register_envs"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
