"""Maze-v0's speed against Gymnasium's FrozenLake-v1 4x4, measured side by side in one run.

    python -m benchmarks.throughput_maze [--seconds 2]

Two rows: env steps per second through ``gym.make`` (goal: at least FrozenLake's), and
``rgb_array`` frames per second at the same image size, 256x256 (goal: 3x FrozenLake's).
Each contestant runs in short timed slices, alternated (``benchmarks.timing``), and the
slices are summed, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import gymnasium as gym
import numpy as np
import torch

import rldojo  # noqa: F401  (registers Maze-v0)
from benchmarks.throughput import text_table
from benchmarks.timing import interleave

torch.set_num_threads(1)


class _Runner:
    """Steps (and optionally renders) one env in bursts of 256 steps, with actions drawn up front."""

    def __init__(self, env_id: str, render: bool, **kwargs):
        self.env = gym.make(env_id, render_mode="rgb_array" if render else None, **kwargs)
        self.env.reset(seed=0)
        self.actions = np.random.default_rng(0).integers(0, 4, size=4096).tolist()
        self.render = render
        self.count = 0

    def burst(self) -> int:
        env, actions, render, count = self.env, self.actions, self.render, self.count
        n = len(actions)
        for i in range(256):  # the timer checks the clock every 256 steps, not every step
            _, _, terminated, truncated, _ = env.step(actions[(count + i) % n])
            if render:
                env.render()
            if terminated or truncated:
                env.reset()
        self.count += 256
        return 256


def _side_by_side(ours: _Runner, peer: _Runner, seconds: float) -> tuple[float, float]:
    rates = interleave({"ours": ours.burst, "peer": peer.burst}, seconds)
    return rates["ours"].rate, rates["peer"].rate


def rows(seconds: float = 2.0) -> list[dict]:
    """Maze-v0 against FrozenLake-v1 4x4: env steps/s (goal 1.0x) and rgb_array frames/s (goal 3.0x)."""
    result = []
    ours, peer = _Runner("Maze-v0", render=False), _Runner("FrozenLake-v1", render=False, map_name="4x4")
    maze_rate, lake_rate = _side_by_side(ours, peer, seconds)
    result.append(
        {
            "env": "Maze-v0",
            "what": "env steps/s through gym.make (seed layout, coords)",
            "ours": maze_rate,
            "peer": "FrozenLake-v1 4x4",
            "peer_value": lake_rate,
            "ratio": maze_rate / lake_rate,
            "goal": 1.0,
        }
    )

    ours, peer = _Runner("Maze-v0", render=True), _Runner("FrozenLake-v1", render=True, map_name="4x4")
    shape, peer_shape = ours.env.render().shape, peer.env.render().shape
    if shape != peer_shape:
        raise RuntimeError(f"frame sizes differ: Maze-v0 {shape}, FrozenLake-v1 {peer_shape}")
    maze_rate, lake_rate = _side_by_side(ours, peer, seconds)
    result.append(
        {
            "env": "Maze-v0",
            "what": f"rgb_array frames/s, step + render, {shape[1]}x{shape[0]}",
            "ours": maze_rate,
            "peer": "FrozenLake-v1 4x4",
            "peer_value": lake_rate,
            "ratio": maze_rate / lake_rate,
            "goal": 3.0,
        }
    )
    for runner in (ours, peer):
        runner.env.close()
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per contestant and row")
    args = parser.parse_args(argv)
    print(text_table(rows(args.seconds)))


if __name__ == "__main__":
    main()
