"""rldojo: the classic environments of a deep reinforcement learning course, as a Gymnasium suite.

``import rldojo`` registers every environment id with Gymnasium, so that
``gymnasium.make("Maze-v0")`` works afterwards. ``gymnasium.make("rldojo:Maze-v0")``
imports this package itself and needs no import first.
"""

from gymnasium.envs.registration import register, registry

__version__ = "0.1.0"

# (id, entry point, registration keywords). Entry points are strings, so nothing
# heavy is imported until an environment is made.
_ENVIRONMENTS = [
    ("Maze-v0", "rldojo.envs.maze.env:MazeEnv", {"max_episode_steps": 200}),
    ("ChatbotFeedback-v0", "rldojo.envs.chatbot.env:ChatbotFeedbackEnv", {}),
    ("Go-v0", "rldojo.envs.go.env:GoEnv", {}),
    ("KuhnPoker-v0", "rldojo.envs.cards.env:KuhnPokerEnv", {}),
    ("LeducHoldem-v0", "rldojo.envs.cards.env:LeducHoldemEnv", {}),
    ("Bandit-v0", "rldojo.envs.bandit.env:BanditEnv", {}),
    ("CartPolePixels-v0", "rldojo.envs.pixels:CartPolePixelsEnv", {"max_episode_steps": 500}),
]


def register_envs() -> None:
    """Register every rldojo environment id; safe to call more than once."""
    for env_id, entry_point, kwargs in _ENVIRONMENTS:
        if env_id not in registry:
            register(id=env_id, entry_point=entry_point, **kwargs)


register_envs()

ENV_IDS = tuple(env_id for env_id, _, _ in _ENVIRONMENTS)
