"""ChatbotFeedback-v0: the course's RLHF chatbot, from its toy to a miniature RLHF pipeline.

- ``queries.py``: the rules (:class:`ChatTask`): queries, responses, the oracle's score table;
  the help-desk corpus lives in ``data/corpus.json``.
- ``embedders.py``: query text to vector (built-in hashed n-grams, or all-MiniLM-L6-v2).
- ``raters.py``: oracle, noisy panel and human raters; scores, pairwise preferences, demonstrations.
- ``env.py``: the Gymnasium environment; ``render.py``: the chat window and text transcript.
- ``evaluation.py``: a policy's true score, its fraction of the oracle's, and its regret.

The three-step pipeline is :mod:`rldojo.baselines.rlhf` (``rldojo rlhf``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rldojo.envs.chatbot.queries import ChatTask, Query, make_task
from rldojo.envs.chatbot.raters import HumanRater, NoisyRater, OracleRater, Rater, make_rater

if TYPE_CHECKING:
    from rldojo.envs.chatbot.env import ChatbotFeedbackEnv

__all__ = [
    "ChatTask",
    "ChatbotFeedbackEnv",
    "HumanRater",
    "NoisyRater",
    "OracleRater",
    "Query",
    "Rater",
    "make_rater",
    "make_task",
]


def __getattr__(name: str) -> Any:
    if name in ("ChatbotFeedbackEnv",):  # the env imports Gymnasium: loaded when asked, so the rules stay light
        return getattr(importlib.import_module("rldojo.envs.chatbot.env"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
