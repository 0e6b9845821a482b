"""Benchmark entries for Maze-v0: the course's seed maze and the 8x8 classic maze.

Each runs tabular Q-learning (on cell indices), the hand-written DQN, and SB3's DQN and PPO.
Training starts from random cells, as the course's training loop does, so that winning from
every cell is learnable. The metric (``rldojo.envs.maze.evaluation:maze_metric``) plays one
greedy episode from every cell that can reach the exit and reports ``won_all``, ``win_rate``
and ``path_optimality`` (the mean of BFS length / greedy path length, 0 for a lost cell).

Every agent of an entry gets the same budget; Q-learning and our DQN are compared with SB3's
DQN (the value-based family). ``random_score`` was measured by ``python -m rldojo.bench.reference``.

Observations: the Q-table reads cell indices; on the seed maze the networks read the course's
(col, row) coordinates; on the classic maze they read a one-hot of the cell, because from raw
coordinates SB3's DQN had won from 1 of 39 cells after 40k steps (from one-hot: 17 of 39 after 30k).
"""

from __future__ import annotations

from rldojo.bench.suites import AgentSpec, Entry

METRIC = "rldojo.envs.maze.evaluation:maze_metric"
_TABULAR = {"obs_mode": "index"}
COUNTERPARTS = {"qlearning": "sb3-dqn", "dqn": "sb3-dqn"}
RANDOM = {"seed": 0.40909, "classic": 0.12821}  # python -m rldojo.bench.reference --seeds 2, 2026-12-01


def _entry(layout: str, obs_mode: str, budgets: dict[str, dict[str, int]]) -> Entry:
    """One layout's entry: its four agents with their budgets ({agent: {suite: steps}}); an agent
    without a quick budget runs in the full suite only."""
    agents = []
    for agent, timesteps in budgets.items():
        agents.append(
            AgentSpec(
                agent=agent,
                timesteps=timesteps,
                env_kwargs=_TABULAR if agent == "qlearning" else {},
                suites=("quick", "full") if "quick" in timesteps else ("full",),
                counterpart=COUNTERPARTS.get(agent),
            )
        )
    return Entry(
        label=f"Maze-v0/{layout}",
        env_id="Maze-v0",
        env_kwargs={"layout": layout, "start": "random", "obs_mode": obs_mode},
        agents=agents,
        metric=METRIC,
        headline="win_rate",
        solved_at=1.0,
        random_score=RANDOM[layout],
    )


ENTRIES = [
    _entry(
        "seed",
        "coords",
        {
            "qlearning": {"quick": 5_000, "full": 30_000},
            "dqn": {"quick": 5_000, "full": 30_000},
            "sb3-dqn": {"quick": 5_000, "full": 30_000},
            "sb3-ppo": {"quick": 5_000, "full": 30_000},
        },
    ),
    _entry(
        "classic",
        "onehot",
        {
            # 60k, not 100k: the full suite's two-hour budget (our DQN wins from every cell at 10k)
            "qlearning": {"quick": 10_000, "full": 60_000},
            "dqn": {"quick": 10_000, "full": 60_000},
            # SB3 needs tens of thousands of steps here: too slow for the 5-minute quick suite, so
            # the quick table has no SB3 row (an SB3 row at 10k steps would only say "not yet").
            "sb3-dqn": {"full": 60_000},
            "sb3-ppo": {"full": 60_000},
        },
    ),
]
