"""Benchmark entries for Maze-v0: the course's seed maze and the 8x8 classic maze.

Each runs tabular Q-learning (on cell indices), the hand-written DQN, and SB3's DQN and PPO.
Training starts from random cells, as the course's training loop does, so that winning from
every cell is learnable. The metric (``rldojo.envs.maze.evaluation:maze_metric``) plays one
greedy episode from every cell that can reach the exit and reports ``won_all``, ``win_rate``
and ``path_optimality`` (the mean of BFS length / greedy path length, 0 for a lost cell).

Observations: the Q-table reads cell indices; on the seed maze the networks read the course's
(col, row) coordinates; on the classic maze they read a one-hot of the cell, because from raw
coordinates SB3's DQN had won from 1 of 39 cells after 40k steps (from one-hot: 17 of 39 after 30k).
"""

from __future__ import annotations

from benchmarks.suite import AgentSpec, Entry

METRIC = "rldojo.envs.maze.evaluation:maze_metric"
_TABULAR = {"obs_mode": "index"}

ENTRIES = [
    Entry(
        label="Maze-v0/seed",
        env_id="Maze-v0",
        env_kwargs={"layout": "seed", "start": "random", "obs_mode": "coords"},
        agents=[
            AgentSpec(agent="qlearning", env_kwargs=_TABULAR, timesteps={"quick": 3_000, "full": 20_000}),
            AgentSpec(agent="dqn", timesteps={"quick": 5_000, "full": 30_000}),
            AgentSpec(agent="sb3-dqn", timesteps={"quick": 5_000, "full": 30_000}),
            AgentSpec(agent="sb3-ppo", timesteps={"quick": 5_000, "full": 30_000}),
        ],
        metric=METRIC,
        headline="win_rate",
        solved_at=1.0,
    ),
    Entry(
        label="Maze-v0/classic",
        env_id="Maze-v0",
        env_kwargs={"layout": "classic", "start": "random", "obs_mode": "onehot"},
        agents=[
            AgentSpec(agent="qlearning", env_kwargs=_TABULAR, timesteps={"quick": 10_000, "full": 60_000}),
            AgentSpec(agent="dqn", timesteps={"quick": 10_000, "full": 100_000}),
            # SB3 needs tens of thousands of steps here: too slow for the 5-minute quick suite.
            AgentSpec(agent="sb3-dqn", timesteps={"full": 100_000}, suites=("full",)),
            AgentSpec(agent="sb3-ppo", timesteps={"full": 100_000}, suites=("full",)),
        ],
        metric=METRIC,
        headline="win_rate",
        solved_at=1.0,
    ),
]
