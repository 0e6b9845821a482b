"""How good is a chatbot policy? Its true (oracle) score, as a fraction of the oracle's, and its regret.

The reward a policy trains on may come from a noisy or human rater; these functions
always judge it by the oracle's exact score table, on every query of the corpus (text
mode) or on fixed random queries (the course's toy), with the greedy response.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from rldojo.envs.common import policy_action


def evaluation_queries(env, n_random: int = 1000, seed: int = 0):
    """The observations and queries a policy is judged on: the whole corpus, or ``n_random`` random vectors."""
    env = env.unwrapped
    task = env.task
    if task.has_text:
        return np.array(env.query_embeddings), list(task.queries)
    rng = np.random.default_rng(seed)
    observations = rng.standard_normal((n_random, env.embedding_dim)).astype(np.float32)
    return observations, [task.sample_query(rng)] * n_random


def true_score_report(agent, env, n_random: int = 1000, seed: int = 0) -> dict[str, float]:
    """The agent's greedy policy judged by the oracle.

    Returns ``mean_true_score``, ``oracle_score``, ``score_fraction`` (mean / oracle's),
    ``regret`` (oracle's - mean), ``best_response_rate`` (share of queries answered with
    the oracle's best) and ``query_blind_score`` (the best a query-blind policy can do).
    """
    task = env.unwrapped.task
    observations, queries = evaluation_queries(env, n_random, seed)
    actions = policy_action(agent, observations, batch=True).reshape(-1)
    scores = np.array([task.oracle_score(q, int(a)) for q, a in zip(queries, actions, strict=True)])
    best = np.array([task.best_score(q) for q in queries])
    oracle = float(best.mean())
    mean = float(scores.mean())
    return {
        "mean_true_score": mean,
        "oracle_score": oracle,
        "score_fraction": mean / oracle,
        "regret": oracle - mean,
        "best_response_rate": float((scores >= best).mean()),
        "query_blind_score": task.query_blind_score(),
    }


def chatbot_metric(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """The benchmark's metric: :func:`true_score_report` on a fresh env (signature of ``Entry.metric``)."""
    env = gym.make(env_id, **env_kwargs)
    try:
        return true_score_report(agent, env, seed=seed)
    finally:
        env.close()


def sampled_best_rate(agent, env, n_random: int = 1000, seed: int = 0) -> float:
    """The share of queries on which the agent's *sampled* (not greedy) response is the oracle's best."""
    task = env.unwrapped.task
    observations, queries = evaluation_queries(env, n_random, seed)
    actions = policy_action(agent, observations, deterministic=False, batch=True).reshape(-1)
    return float(
        np.mean([task.oracle_score(q, int(a)) >= task.best_score(q) for q, a in zip(queries, actions, strict=True)])
    )
