"""Train an agent on ChatbotFeedback-v0 for a few seeds and print its true score against the oracle.

The experiment behind the ChatbotFeedback-v0 numbers in the docs.
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np
import torch

from rldojo.baselines import defaults, make_agent
from rldojo.baselines.hyperparams.chatbot import text_defaults
from rldojo.cli import parse_key_values
from rldojo.envs.chatbot.evaluation import sampled_best_rate, true_score_report


def main(argv: list[str] | None = None) -> int:
    """Train an agent on ChatbotFeedback-v0 for a few seeds and print its true score
    (the numbers in docs/guide/chatbot.md).

    python -m benchmarks.chatbot_seeds --agent reinforce --timesteps 1000 --seeds 5
    python -m benchmarks.chatbot_seeds --queries text --agent ppo --timesteps 6144 --seeds 3
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chatbot_seeds", description=main.__doc__)
    parser.add_argument("--queries", choices=("course", "text"), default="course")
    parser.add_argument("--rater", choices=("oracle", "noisy"), default="oracle", help="the rater it trains on")
    parser.add_argument("--agent", default="reinforce", help="a make_agent name")
    parser.add_argument("--timesteps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1")
    parser.add_argument(
        "-k",
        "--kwarg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a hyperparameter over the defaults (value parsed as JSON), repeatable",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    env_id = "ChatbotFeedback-v0"
    # Text mode starts from the corpus's tuned settings (hyperparams/chatbot.py: TEXT_OVERRIDES).
    kwargs = text_defaults(args.agent) if args.queries == "text" else defaults(env_id, args.agent)
    kwargs.update(parse_key_values(args.kwarg, "--kwarg"))
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
        print(
            f"seed {seed}: true score {report['mean_true_score']:.2f} / {report['oracle_score']:.2f} "
            f"({report['score_fraction']:.1%} of the oracle), regret {report['regret']:.2f}, "
            f"greedy best {report['best_response_rate']:.1%}, sampled best {sampled:.1%}, "
            f"query-blind ceiling {report['query_blind_score']:.2f}, {cpu:.1f} s CPU"
        )
    print(f"mean over {args.seeds} seeds: {np.mean(fractions):.1%} of the oracle (min {np.min(fractions):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
