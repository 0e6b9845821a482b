"""Agent names to classes, and the one loader for every checkpoint.

``make_agent("dqn", env, seed=0)`` builds an agent by name. :func:`load_agent` reads a
checkpoint's format once (:func:`~rldojo.baselines.checkpoint.checkpoint_kind`) and
dispatches: a stable-baselines3 zip to the safe SB3 loader, an rldojo file to the class
it names. Only the classes of :data:`AGENTS` are ever imported for a checkpoint.
"""

from __future__ import annotations

import importlib
import os
import reprlib
from pathlib import Path
from typing import Any

from rldojo.baselines.checkpoint import checkpoint_kind, read_checkpoint

__all__ = ["AGENTS", "agent_class", "check_env", "class_of_checkpoint", "load_agent", "make_agent"]

# make_agent's names. Values are "module:callable"; only these are ever imported
# when a checkpoint is loaded, so a checkpoint cannot name arbitrary code.
AGENTS: dict[str, str] = {
    "qlearning": "rldojo.baselines.tabular:QLearning",
    "sarsa": "rldojo.baselines.tabular:Sarsa",
    "expected_sarsa": "rldojo.baselines.tabular:ExpectedSarsa",
    "dqn": "rldojo.baselines.dqn:DQN",
    "reinforce": "rldojo.baselines.reinforce:Reinforce",
    "ppo": "rldojo.baselines.ppo:PPO",
    "a2c": "rldojo.baselines.a2c:A2C",
    "selfplay-sarsa": "rldojo.baselines.selfplay:SelfPlaySarsa",
    "mcts": "rldojo.baselines.mcts:MCTS",
    "cfr": "rldojo.baselines.cfr:CFR",
    "cfr+": "rldojo.baselines.cfr:CFRPlus",
    "bandit-epsilon-greedy": "rldojo.baselines.bandits:EpsilonGreedy",
    "bandit-ucb": "rldojo.baselines.bandits:UCB",
    "bandit-thompson": "rldojo.baselines.bandits:ThompsonSampling",
    "bandit-gradient": "rldojo.baselines.bandits:GradientBandit",
    "linucb": "rldojo.baselines.linear_bandits:LinUCB",
    "lin-ts": "rldojo.baselines.linear_bandits:LinearThompsonSampling",
    "sb3-dqn": "rldojo.baselines.sb3.agents:SB3DQN",
    "sb3-ppo": "rldojo.baselines.sb3.agents:SB3PPO",
    "sb3-a2c": "rldojo.baselines.sb3.agents:SB3A2C",
    "sb3-maskable-ppo": "rldojo.baselines.sb3.agents:SB3MaskablePPO",
}


def _import(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def agent_class(name: str) -> Any:
    """The class registered under ``name``."""
    if name not in AGENTS:
        raise ValueError(f"unknown agent {name!r}; known agents: {', '.join(sorted(AGENTS))}")
    return _import(AGENTS[name])


def check_env(env: Any) -> None:
    """Refuse what is not an env an agent can take.

    A ``gymnasium.Env``, a Gymnasium ``VectorEnv``, a stable-baselines3 ``VecEnv`` or a registered
    env id passes; anything else is a TypeError saying what it is, and an unknown id a ValueError naming it.
    """
    import gymnasium as gym
    from gymnasium.vector import VectorEnv

    if isinstance(env, str):
        try:
            gym.spec(env)
        except gym.error.Error as error:
            raise ValueError(f"unknown env id {env!r}: no registered environment has it ({error})") from None
        return
    if isinstance(env, (gym.Env, VectorEnv)):
        return
    try:
        from stable_baselines3.common.vec_env import VecEnv
    except ImportError:  # stable-baselines3 not installed: its VecEnvs cannot be here either
        pass
    else:
        if isinstance(env, VecEnv):
            return
    raise TypeError(
        "env must be a gymnasium.Env, a Gymnasium VectorEnv, a stable-baselines3 VecEnv or a registered env id, "
        f"got {type(env).__name__} {reprlib.repr(env)}"
    )


def make_agent(name: str, env: Any, **kwargs: Any) -> Any:
    """Build the agent registered under ``name`` on ``env`` (an env or an env id).

    >>> agent = make_agent("qlearning", gym.make("Maze-v0", obs_mode="index"), seed=0)
    """
    cls = agent_class(name)
    check_env(env)
    return cls(env, **kwargs)


def class_of_checkpoint(path: str | os.PathLike, stored_class: str) -> Any:
    """The class an rldojo checkpoint names (``"module:Class"``), if it is a registered agent's."""
    if stored_class not in AGENTS.values():
        raise ValueError(f"{path} holds an agent of unknown class {stored_class!r}")
    return _import(stored_class)


def load_agent(path: str | os.PathLike, env: Any = None) -> Any:
    """Load any agent checkpoint: an rldojo ``.pt`` file or a stable-baselines3 ``.zip``.

    :param env: the env to attach; by default the one the checkpoint records
    """
    path = Path(path)
    if checkpoint_kind(path) == "sb3":
        from rldojo.baselines.sb3 import load_sb3

        return load_sb3(path, env=env)
    payload = read_checkpoint(path)
    return class_of_checkpoint(path, payload["class"]).from_checkpoint(payload, path, env=env)
