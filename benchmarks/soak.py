"""Soak every env id: random documented options, random legal play, and the Gymnasium contract checked at every step.

    python -m benchmarks.soak --steps 1000000          # 10^6 steps per env id (the closing notes' figure)
    python -m benchmarks.soak --steps 10000 --only Go-v0

Each episode draws one option set from the env's grid below, then plays random legal
actions (from ``action_masks()`` where the env has one). Every step must return an
observation inside the observation space, a finite Python float reward and Python bool
flags; any exception is a failure. The test suite runs the same soak with 10^4 steps.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import gymnasium as gym
import numpy as np

import rldojo

# Documented options per env id; each episode draws one dict from its list.
OPTION_GRID: dict[str, list[dict]] = {
    "Maze-v0": [
        {},
        {"layout": "classic", "obs_mode": "onehot", "start": "random"},
        {"layout": "random", "size": (9, 9), "loops": 0.2, "regenerate": True, "obs_mode": "index"},
        {"layout": "classic", "slip_prob": 0.2, "obs_mode": "grid"},
        {"layout": "seed", "obs_mode": "local", "view_size": 5},
        {"layout": "seed", "obs_mode": "rgb"},
    ],
    "ChatbotFeedback-v0": [
        {},
        {"queries": "text"},
        {"rater": "noisy"},
        {"queries": "text", "rater": "noisy", "embedding_dim": 16},
    ],
    "Go-v0": [
        {},
        {"board_size": 7, "opponent": "greedy", "agent_color": "white"},
        {"board_size": 5, "reward": "score", "ko_rule": "simple", "agent_color": "random"},
        {"board_size": 9, "komi": 5.5, "max_moves": 40},
    ],
    "KuhnPoker-v0": [{}, {"opponent": "nash", "seat": "second"}, {"opponent": "always_raise", "seat": "first"}],
    "LeducHoldem-v0": [{}, {"opponent": "always_call"}, {"opponent": "always_raise", "seat": "second"}],
    "Bandit-v0": [{}, {"k": 3, "horizon": 50}, {"arms": "bernoulli", "horizon": 100}, {"drift": 0.01, "horizon": 200}],
    "CartPolePixels-v0": [{}, {"frame_stack": 2, "downscale": 4}, {"difference": True, "frame_stack": 3}],
}


@dataclass
class SoakReport:
    env_id: str
    steps: int
    episodes: int
    seconds: float


def soak(env_id: str, steps: int, seed: int = 0) -> SoakReport:
    """Play ``steps`` random legal steps on ``env_id`` over random option sets; raise on any contract breach."""
    rng = np.random.default_rng(seed)
    grid = OPTION_GRID[env_id]
    envs = [gym.make(env_id, **options) for options in grid]  # made once: construction is not what is soaked
    started = time.perf_counter()
    done_steps = episodes = 0
    try:
        while done_steps < steps:
            choice = int(rng.integers(len(envs)))
            env = envs[choice]
            obs, info = env.reset(seed=int(rng.integers(2**31)))
            episodes += 1
            ended = False
            while not ended and done_steps < steps:
                _check_observation(env, obs, env_id, grid[choice])
                mask = info.get("action_mask")
                if mask is None and hasattr(env.unwrapped, "action_masks"):
                    mask = env.unwrapped.action_masks()
                if mask is not None:
                    action = int(rng.choice(np.flatnonzero(mask)))
                else:
                    action = int(rng.integers(env.action_space.n))
                obs, reward, terminated, truncated, info = env.step(action)
                done_steps += 1
                where = f"{env_id} {grid[choice]} step {done_steps}"
                assert type(reward) is float and math.isfinite(reward), f"{where}: reward {reward!r}"
                assert type(terminated) is bool and type(truncated) is bool, f"{where}: flags {terminated!r}"
                assert isinstance(info, dict), f"{where}: info {info!r}"
                ended = terminated or truncated
    finally:
        for env in envs:
            env.close()
    return SoakReport(env_id, done_steps, episodes, time.perf_counter() - started)


def _check_observation(env, obs, env_id: str, options: dict) -> None:
    assert env.observation_space.contains(obs), f"{env_id} {options}: observation outside its space"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=1_000_000, help="steps per env id")
    parser.add_argument("--only", default=None, help="comma-separated env ids")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    env_ids = args.only.split(",") if args.only else list(rldojo.ENV_IDS)
    for env_id in env_ids:
        report = soak(env_id, args.steps, args.seed)
        print(f"{env_id}: {report.steps:,} steps in {report.episodes:,} episodes, {report.seconds:.1f} s, no failure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
