"""Benchmark entries for Maze-v0: the course's seed maze and the 8x8 classic maze.

Each runs tabular Q-learning (on cell indices), the hand-written DQN, and SB3's DQN and PPO.
Training starts from random cells, as the course's training loop does, so that winning from
every cell is learnable. The metric (``rldojo.envs.maze.evaluation.maze_metric``) plays one
greedy episode from every cell that can reach the exit and reports ``won_all``, ``win_rate``
and ``path_optimality`` (the mean of BFS length / greedy path length, 0 for a lost cell).
"""

from __future__ import annotations

from benchmarks.suite import AgentSpec, Entry

METRIC = "rldojo.envs.maze.evaluation:maze_metric"

# The Q-table reads cell indices; the networks read the course's (col, row) coordinates.
_TABULAR = {"obs_mode": "index"}


def _agents(scale: int) -> list[AgentSpec]:
    """The four agents, with budgets ``scale`` times the seed maze's."""
    return [
        AgentSpec(agent="qlearning", env_kwargs=_TABULAR, timesteps={"quick": 3_000 * scale, "full": 20_000 * scale}),
        AgentSpec(agent="dqn", timesteps={"quick": 5_000 * scale, "full": 30_000 * scale}),
        AgentSpec(agent="sb3-dqn", timesteps={"quick": 5_000 * scale, "full": 30_000 * scale}),
        AgentSpec(agent="sb3-ppo", timesteps={"quick": 5_000 * scale, "full": 30_000 * scale}),
    ]


ENTRIES = [
    Entry(
        label="Maze-v0/seed",
        env_id="Maze-v0",
        env_kwargs={"layout": "seed", "start": "random"},
        agents=_agents(1),
        metric=METRIC,
        headline="win_rate",
        solved_at=1.0,
    ),
    Entry(
        label="Maze-v0/classic",
        env_id="Maze-v0",
        env_kwargs={"layout": "classic", "start": "random"},
        agents=_agents(4),
        metric=METRIC,
        headline="win_rate",
        solved_at=1.0,
    ),
]
