"""Maze-v0's native vector env against Gymnasium's SyncVectorEnv: env steps/s, and PPO's time to win the maze.

    python -m benchmarks.throughput_vector [--seconds 2] [--ppo-seeds 3]   # Maze, then cards and Go if present
    python -m benchmarks.throughput --only vector                            # Maze only, in the big table

Rows (issue 16's goals):

- Maze-v0, 64 envs, env steps/s: native ÷ ``SyncVectorEnv`` of 64 ``gym.make`` envs (goal >= 20x);
- Maze-v0, 1,024 native envs, env steps/s on one core (goal >= 10,000,000; the ratio column is
  the rate ÷ 10^7);
- PPO on Maze ``classic`` (random starts, one-hot cells): time until a greedy episode wins from
  every cell, 64 native envs against 8 ``SyncVectorEnv`` copies, same PPO settings, median over
  seeds (goal: native <= 0.5x the sync time, shown as sync ÷ native >= 2).

The step rates are measured side by side in one :func:`benchmarks.timing.interleave` call
(alternated slices, so a busy machine slows all alike), random actions drawn up front,
NEXT_STEP autoreset as ``make_vec`` makes it. The PPO runs alternate their order per seed;
their time is the process CPU time of learning (BLAS and torch on one thread), a
convergence check after every update (every rollout), the checks' own time left out, as
in ``benchmarks/maze_walltime.py``; wall time is reported in the note.

``benchmarks/throughput_vector_cards.py`` and ``throughput_vector_go.py`` measure the other
native vector envs; this module's ``main`` runs them after Maze when they are present.
"""

from __future__ import annotations

import argparse
import importlib
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy loads BLAS
    os.environ.setdefault(_name, "1")

import statistics  # noqa: E402
import time  # noqa: E402

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

import rldojo  # noqa: E402,F401  (registers Maze-v0 and its vector entry point)
from benchmarks.throughput import text_table  # noqa: E402
from benchmarks.timing import interleave  # noqa: E402

RATE_GOAL = 1e7  # env steps/s of 1,024 native envs
PPO_SETTINGS = dict(n_steps=16, batch_size=256, n_epochs=4, learning_rate=3e-3, gamma=0.95, ent_coef=0.01)
PPO_ENV = dict(layout="classic", start="random", obs_mode="onehot")
MAX_STEPS = 60_000  # give up after this many env steps (counted as never winning)


class VectorRunner:
    """Steps a vector env of Maze-v0 in bursts, with actions drawn up front; counts env steps."""

    def __init__(self, num_envs: int, mode: str, steps_per_burst: int):
        self.env = gym.make_vec("Maze-v0", num_envs=num_envs, vectorization_mode=mode)
        self.env.reset(seed=0)
        self.actions = np.random.default_rng(0).integers(0, 4, size=(64, num_envs))
        self.steps_per_burst = steps_per_burst
        self.num_envs = num_envs
        self.count = 0

    def burst(self) -> int:
        env, actions = self.env, self.actions
        for i in range(self.steps_per_burst):
            env.step(actions[(self.count + i) % len(actions)])
        self.count += self.steps_per_burst
        return self.steps_per_burst * self.num_envs


def step_rows(seconds: float) -> list[dict]:
    """Env steps/s of 64 native envs, 64 in a SyncVectorEnv, and 1,024 native envs, interleaved."""
    native64 = VectorRunner(64, "vector_entry_point", 32)
    sync64 = VectorRunner(64, "sync", 1)
    native1024 = VectorRunner(1024, "vector_entry_point", 8)
    rates = interleave({"native64": native64.burst, "sync64": sync64.burst, "native1024": native1024.burst}, seconds)
    ours, peer, big = rates["native64"].rate, rates["sync64"].rate, rates["native1024"].rate
    return [
        {
            "env": "Maze-v0",
            "what": "env steps/s, 64 envs (seed layout, coords)",
            "ours": ours,
            "peer": "SyncVectorEnv of 64 Maze-v0",
            "peer_value": peer,
            "ratio": ours / peer,
            "goal": 20.0,
            "note": f"median of the slices' ratios {rates['native64'].median_rate / rates['sync64'].median_rate:.2f}",
        },
        {
            "env": "Maze-v0",
            "what": "env steps/s, 1,024 native envs, one core",
            "ours": big,
            "peer": "the goal, 10^7 steps/s",
            "peer_value": RATE_GOAL,
            "ratio": big / RATE_GOAL,
            "goal": 1.0,
            "note": f"best slice {max(rates['native1024'].round_rates):,.0f} steps/s (the least loaded moment)",
        },
    ]


def time_to_win(n_envs: int, native: bool, seed: int) -> dict:
    """PPO on Maze classic until a greedy episode wins from every cell: CPU and wall seconds of learning."""
    import torch

    from rldojo.baselines.ppo import PPO

    torch.set_num_threads(1)
    env = gym.make("Maze-v0", **PPO_ENV)
    if native:
        envs = gym.make_vec("Maze-v0", num_envs=n_envs, vectorization_mode="vector_entry_point", **PPO_ENV)
    else:
        envs = gym.make_vec("Maze-v0", num_envs=n_envs, vectorization_mode="sync", **PPO_ENV)
    check = gym.make("Maze-v0", layout="classic", obs_mode="onehot").unwrapped
    agent = PPO(envs, seed=seed, **PPO_SETTINGS)
    cpu = wall = 0.0
    won = False
    rollout = n_envs * PPO_SETTINGS["n_steps"]  # the check comes after every update
    while not won and agent.num_timesteps < MAX_STEPS:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        agent.learn(rollout, reset_num_timesteps=False)
        cpu += time.process_time() - cpu0
        wall += time.perf_counter() - wall0
        won = bool(check.check_win_all(agent)[0])
    env.close()
    return {"won": won, "cpu": cpu, "wall": wall, "steps": agent.num_timesteps}


def ppo_rows(seeds: int) -> list[dict]:
    """Median time to win Maze classic, 64 native envs and 8 SyncVectorEnv copies, order alternating by seed."""
    results: dict[str, list[dict]] = {"native": [], "sync": []}
    for seed in range(seeds):
        order = [("native", 64, True), ("sync", 8, False)]
        for name, n_envs, native in order if seed % 2 == 0 else reversed(order):
            result = time_to_win(n_envs, native, seed)
            results[name].append(result)
            print(f"PPO seed {seed} {name:>6} x{n_envs}: {result}", flush=True)

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] if r["won"] else float("inf") for r in results[name])

    ours, peer = median("native", "cpu"), median("sync", "cpu")
    won = f"won {sum(r['won'] for r in results['native'])}/{seeds} and {sum(r['won'] for r in results['sync'])}/{seeds}"
    steps = f"median steps {median('native', 'steps'):.0f} and {median('sync', 'steps'):.0f}"
    walls = f"median wall s {median('native', 'wall'):.1f} and {median('sync', 'wall'):.1f}"
    return [
        {
            "env": "Maze-v0 classic",
            "what": f"PPO CPU s to win from every cell, 64 native envs (median of {seeds} seeds)",
            "ours": ours,
            "peer": "8 SyncVectorEnv copies",
            "peer_value": peer,
            "ratio": peer / ours if ours not in (0.0, float("inf")) else None,  # sync ÷ native: goal >= 2
            "goal": 2.0,
            "note": f"native ÷ sync = {ours / peer:.2f} (goal <= 0.5); {won}; {steps}; {walls}",
        }
    ]


def rows(seconds: float = 2.0, ppo_seeds: int = 3) -> list[dict]:
    """Every Maze row of issue 16 (the benchmarks.throughput entry point)."""
    return step_rows(seconds) + ppo_rows(ppo_seeds)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per contestant")
    parser.add_argument("--ppo-seeds", type=int, default=3, help="seeds of the PPO time-to-win runs")
    args = parser.parse_args(argv)
    table = rows(args.seconds, args.ppo_seeds)
    for name in ("benchmarks.throughput_vector_cards", "benchmarks.throughput_vector_go"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        table += module.rows(args.seconds)
    print(text_table(table))  # a row's note is shown beside its "what"


if __name__ == "__main__":
    main()
