"""rldojo's environments. Each package keeps its rules (no Gymnasium, no pygame), its env and its renderer apart.

    from rldojo.envs import MazeEnv, GoEnv
    env = MazeEnv(layout="classic", obs_mode="onehot")

The env classes load on first use, so importing a rules module (``rldojo.envs.go.board``)
does not import Gymnasium.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rldojo.envs.bandit.env import BanditEnv
    from rldojo.envs.cards.env import KuhnPokerEnv, LeducHoldemEnv
    from rldojo.envs.chatbot.env import ChatbotFeedbackEnv
    from rldojo.envs.go.env import GoEnv
    from rldojo.envs.maze.env import MazeEnv
    from rldojo.envs.pixels import CartPolePixelsEnv

# name -> the module that defines it
_ENV_CLASSES = {
    "MazeEnv": "rldojo.envs.maze.env",
    "ChatbotFeedbackEnv": "rldojo.envs.chatbot.env",
    "GoEnv": "rldojo.envs.go.env",
    "KuhnPokerEnv": "rldojo.envs.cards.env",
    "LeducHoldemEnv": "rldojo.envs.cards.env",
    "BanditEnv": "rldojo.envs.bandit.env",
    "CartPolePixelsEnv": "rldojo.envs.pixels",
}

__all__ = ["BanditEnv", "CartPolePixelsEnv", "ChatbotFeedbackEnv", "GoEnv", "KuhnPokerEnv", "LeducHoldemEnv", "MazeEnv"]


def __getattr__(name: str) -> Any:
    if name in _ENV_CLASSES:
        return getattr(importlib.import_module(_ENV_CLASSES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
