"""How good is a chatbot policy? Its true (oracle) score, as a fraction of the oracle's, and its regret.

The reward a policy trains on may come from a noisy or human rater; these functions
always judge it by the oracle's exact score table, on every query of the corpus (text
mode) or on fixed random queries (the course's toy), with the greedy response.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np


def _greedy_actions(agent, observations: np.ndarray) -> np.ndarray:
    """The agent's deterministic responses to a batch of observations (any ``predict`` or a callable)."""
    if hasattr(agent, "predict"):
        actions, _ = agent.predict(observations, deterministic=True)
        return np.asarray(actions).reshape(-1)
    return np.asarray([agent(obs) for obs in observations]).reshape(-1)


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
    actions = _greedy_actions(agent, observations)
    scores = np.array([task.oracle_score(q, int(a)) for q, a in zip(queries, actions)])
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
    import rldojo  # noqa: F401  (registers the ids)

    env = gym.make(env_id, **env_kwargs)
    try:
        return true_score_report(agent, env, seed=seed)
    finally:
        env.close()


def sampled_best_rate(agent, env, n_random: int = 1000, seed: int = 0) -> float:
    """The share of queries on which the agent's *sampled* (not greedy) response is the oracle's best."""
    task = env.unwrapped.task
    observations, queries = evaluation_queries(env, n_random, seed)
    actions, _ = agent.predict(observations, deterministic=False)
    return float(np.mean([task.oracle_score(q, int(a)) >= task.best_score(q) for q, a in zip(queries, actions)]))


def main(argv: list[str] | None = None) -> int:
    """Train an agent on ChatbotFeedback-v0 for a few seeds and print its true score (the numbers in the README's ChatbotFeedback-v0 section).

        python -m rldojo.envs.chatbot.evaluation --agent reinforce --timesteps 1000 --seeds 5
        python -m rldojo.envs.chatbot.evaluation --queries text --agent ppo --timesteps 6144 --seeds 3
    """
    import argparse
    import json
    import time

    import torch

    import rldojo  # noqa: F401
    from rldojo.baselines.core import make_agent
    from rldojo.baselines.hyperparams import defaults
    from rldojo.baselines.hyperparams.chatbot import text_defaults

    parser = argparse.ArgumentParser(prog="python -m rldojo.envs.chatbot.evaluation", description=main.__doc__)
    parser.add_argument("--queries", choices=("course", "text"), default="course")
    parser.add_argument("--rater", choices=("oracle", "noisy"), default="oracle", help="the rater it trains on")
    parser.add_argument("--agent", default="reinforce", help="a make_agent name")
    parser.add_argument("--timesteps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1")
    parser.add_argument("-k", "--kwarg", action="append", default=[], metavar="KEY=VALUE",
                        help="a hyperparameter over the defaults (value parsed as JSON), repeatable")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    env_id = "ChatbotFeedback-v0"
    # Text mode starts from the corpus's tuned settings (hyperparams/chatbot.py: TEXT_OVERRIDES).
    kwargs = text_defaults(args.agent) if args.queries == "text" else defaults(env_id, args.agent)
    for pair in args.kwarg:
        key, _, raw = pair.partition("=")
        try:
            kwargs[key] = json.loads(raw)
        except json.JSONDecodeError:
            kwargs[key] = raw
    if "hidden_sizes" in kwargs:
        kwargs["hidden_sizes"] = tuple(kwargs["hidden_sizes"])
    print(f"{args.agent} on {env_id} queries={args.queries} rater={args.rater}, {args.timesteps} steps, {kwargs}")
    fractions = []
    for seed in range(args.seeds):
        env = gym.make(env_id, queries=args.queries, rater=args.rater)
        started = time.process_time()
        agent = make_agent(args.agent, env, seed=seed, **kwargs)
        agent.learn(args.timesteps)
        cpu = time.process_time() - started
        report = true_score_report(agent, env, seed=1000 + seed)
        sampled = sampled_best_rate(agent, env, seed=1000 + seed)
        fractions.append(report["score_fraction"])
        print(f"seed {seed}: true score {report['mean_true_score']:.2f} / {report['oracle_score']:.2f} "
              f"({report['score_fraction']:.1%} of the oracle), regret {report['regret']:.2f}, "
              f"greedy best {report['best_response_rate']:.1%}, sampled best {sampled:.1%}, "
              f"query-blind ceiling {report['query_blind_score']:.2f}, {cpu:.1f} s CPU")
    print(f"mean over {args.seeds} seeds: {np.mean(fractions):.1%} of the oracle (min {np.min(fractions):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
