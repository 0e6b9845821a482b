"""Exact measures of a trained agent on KuhnPoker-v0 / LeducHoldem-v0, for tests and the benchmark.

Nothing here samples: the agent's greedy policy is read at every information state
(:func:`~rldojo.envs.cards.analysis.policy_from_agent`) and valued over the whole tree.

- :func:`fraction_of_best_response` — the agent's exact value against the env's fixed
  opponent, divided by the best value any agent can get against it (1.0 = a best response);
- :func:`cfr_exploitability` — the exploitability and NashConv of a CFR agent's average strategy.

Both have the benchmark's metric signature ``f(agent, env_id, env_kwargs, seed) -> dict``.
"""

from __future__ import annotations

import numpy as np

from rldojo.envs.cards import analysis

GAMES_BY_ENV = {"KuhnPoker-v0": "kuhn", "LeducHoldem-v0": "leduc"}


def _game_of(env_id: str) -> str:
    if env_id not in GAMES_BY_ENV:
        raise ValueError(f"env_id must be one of {', '.join(GAMES_BY_ENV)}, got {env_id!r}")
    return GAMES_BY_ENV[env_id]


def opponent_policy(game, env_kwargs: dict):
    """The env's opponent (named in ``env_kwargs["opponent"]``, default "random") as a tabular policy."""
    opponent = env_kwargs.get("opponent", "random")
    if isinstance(opponent, str):
        return analysis.named_policy(game, opponent, env_kwargs.get("alpha", 1.0 / 6.0))
    if callable(getattr(opponent, "policy", None)) and hasattr(opponent, "tree"):
        return opponent.policy()
    return opponent  # a tabular dict or a callable policy


def exact_values(agent, env_id: str, env_kwargs: dict | None = None) -> dict[str, float]:
    """The agent's greedy value against the env's opponent, the best-response value, and their ratio."""
    env_kwargs = env_kwargs or {}
    game = _game_of(env_id)
    seat = env_kwargs.get("seat", "random")
    opponent = opponent_policy(game, env_kwargs)
    policy = analysis.policy_from_agent(game, agent)
    value = analysis.value_vs(game, policy, opponent, seat)
    best = analysis.best_response_value_vs(game, opponent, seat)
    result = {"value": value, "best_response_value": best, "fraction_of_best_response": value / best}
    if not (callable(getattr(agent, "policy", None)) and hasattr(agent, "tree")):
        tree = analysis.game_tree(game)
        actions = analysis.greedy_actions(game, agent)
        # an agent without masks may choose an illegal action (counted as a call in the value above)
        result["illegal_choices"] = float((~tree.legal_mask[np.arange(tree.num_infosets), actions]).sum())
    return result


def fraction_of_best_response(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """Benchmark metric: the agent's exact value over the best-response value against the env's opponent."""
    return exact_values(agent, env_id, env_kwargs)


def cfr_exploitability(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """Benchmark metric: exploitability (NashConv / 2) and NashConv of the agent's policy, and its iterations."""
    game = _game_of(env_id)
    policy = analysis.policy_from_agent(game, agent)
    conv = analysis.nash_conv(game, policy)
    return {"exploitability": conv / 2.0, "nash_conv": conv, "iterations": float(getattr(agent, "iterations", 0))}
