"""SARSA self-play on Go: train, checkpoint, and report win rates and an Elo table between checkpoints.

The experiment behind the Go numbers in the docs. It trains agents, so it lives here,
above the envs, which only measure a policy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import torch

from rldojo.baselines import SelfPlaySarsa, defaults, load_agent
from rldojo.envs.go.evaluation import round_robin, win_rate
from rldojo.envs.go.gtp import gnugo_available


def main(argv=None) -> None:
    """Train SARSA self-play on 5x5, checkpoint it, and report win rates and an Elo table.

    python -m benchmarks.go_selfplay --steps 200000 --checkpoints 20000,50000,100000 --games 200 --gnugo-games 50
    """
    parser = argparse.ArgumentParser(description="SARSA self-play on Go: win rates and Elo between checkpoints")
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--komi", type=float, default=7.5)
    parser.add_argument("--steps", type=int, default=200_000, help="training moves in all")
    parser.add_argument("--checkpoints", default="20000,50000,100000", help="also save at these step counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--games", type=int, default=200, help="games against random and greedy")
    parser.add_argument("--gnugo-games", type=int, default=50, help="games against GNU Go level 1")
    parser.add_argument("--elo-games", type=int, default=20, help="games per pair in the round robin")
    parser.add_argument("--out", default=None, help="folder for the checkpoints (a temporary one by default)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    out = Path(args.out or tempfile.mkdtemp(prefix="rldojo-go-"))
    env = gym.make("Go-v0", board_size=args.size, komi=args.komi)
    agent = SelfPlaySarsa(env, seed=args.seed, **defaults("Go-v0", "selfplay-sarsa"))
    marks = {int(s) for s in args.checkpoints.split(",") if s and 0 < int(s) < args.steps}
    paths = {}

    def checkpoint(agent_):
        # One learn call with saves along the way, so the schedules run as in a single training.
        if agent_.num_timesteps in marks:
            paths[f"sarsa@{agent_.num_timesteps}"] = agent_.save(out / f"sarsa_{agent_.num_timesteps}.pt")

    started = time.perf_counter()
    agent.learn(args.steps, callback=checkpoint)
    paths[f"sarsa@{args.steps}"] = agent.save(out / f"sarsa_{args.steps}.pt")
    print(f"trained {args.steps} moves in {time.perf_counter() - started:.0f} s; checkpoints in {out}")
    for name in ("random", "greedy") + (("gnugo",) if gnugo_available() else ()):
        n = args.gnugo_games if name == "gnugo" else args.games
        r = win_rate(
            agent, name, n, args.size, args.komi, args.seed, opponent_kwargs={"level": 1} if name == "gnugo" else None
        )
        print(
            f"win_rate_vs_{name}: {r.win_rate:.3f} = {r.wins}/{r.games} (as black {r.wins_as_black}/"
            f"{r.games // 2 + r.games % 2}, as white {r.wins_as_white}/{r.games // 2}), "
            f"draws {r.draws}, mean score {r.mean_score:+.1f}"
        )
    players = {name: load_agent(path, env=env) for name, path in paths.items()}
    players.update({"greedy": "greedy", "random": "random"})
    table = round_robin(players, args.size, args.komi, games_per_pair=args.elo_games, seed=args.seed)
    print(table.to_markdown())


if __name__ == "__main__":
    main()
