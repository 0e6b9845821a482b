"""Metric helpers of the benchmark: the shape a metric's answer must have, and the greedy-return metrics.

A metric is a function ``f(agent, env_id, env_kwargs, seed) -> dict[str, float]`` named by
an entry as ``"module:function"``. The measures of rldojo's own envs live with their env
(``rldojo.envs.<env>.evaluation``, taking a policy); here are the ones that need an agent
from ``rldojo.baselines`` and fit any Gymnasium env: the mean return of greedy episodes,
for Gymnasium's own envs (Taxi, CartPole) that have no evaluation module of ours.
"""

from __future__ import annotations

import math

EVAL_SEED_OFFSET = 10_000  # evaluation episodes use seeds apart from the training seeds
FINAL_EPISODES = 100
CURVE_EPISODES = 10


def metric_values(values) -> dict:
    """A metric function's answer as {name: float or None} (non-finite numbers become None)."""
    if not isinstance(values, dict):
        raise TypeError(f"a metric function must return a dict of floats, got {type(values).__name__}")
    clean = {}
    for name, value in values.items():
        if value is None:
            clean[str(name)] = None
            continue
        number = float(value)
        clean[str(name)] = number if math.isfinite(number) else None
    return clean


def mean_return(agent, env_id: str, env_kwargs: dict, seed: int, n_episodes: int) -> dict[str, float]:
    """Mean return, its standard deviation and the mean length of ``n_episodes`` greedy episodes."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)
    from rldojo.baselines.evaluation import evaluate

    env = gym.make(env_id, **env_kwargs)
    try:
        result = evaluate(agent, env, n_episodes=n_episodes, deterministic=True, seed=seed + EVAL_SEED_OFFSET)
    finally:
        env.close()
    return {"mean_return": result.mean_return, "std_return": result.std_return, "mean_length": result.mean_length}


def mean_return_100(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """Mean return (and its std, and the mean length) of 100 greedy episodes."""
    return mean_return(agent, env_id, env_kwargs, seed, FINAL_EPISODES)


def mean_return_10(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """The same over 10 episodes: the cheaper learning-curve metric."""
    return mean_return(agent, env_id, env_kwargs, seed, CURVE_EPISODES)
