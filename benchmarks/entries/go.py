"""Benchmark entries for Go-v0 on 5x5: SARSA self-play against stable-baselines3.

The self-play agent trains against itself (black and white learners in the AEC env);
SB3's MaskablePPO and DQN train as the Go-v0 agent against the greedy opponent, DQN with
``illegal_action="lose"`` because it has no masks. Every agent is then measured the same
way (``rldojo.envs.go.evaluation``): win rates against random, greedy and GNU Go level 1,
half the games with each colour. ``win_rate_vs_gnugo`` is absent when GNU Go is missing.

Two entries: "Go-v0/5x5" is the full suite's (200 games against random and greedy, 40
against GNU Go); "Go-v0/5x5-quick" is the quick suite's (40 and 4 games), so that a
quick run takes seconds.
"""

from __future__ import annotations

from benchmarks.suite import AgentSpec, Entry

_ENV = {"board_size": 5, "komi": 7.5, "opponent": "greedy"}
_AGENTS = [
    AgentSpec(agent="selfplay-sarsa", timesteps={"quick": 6_000, "full": 200_000}),
    AgentSpec(agent="sb3-maskable-ppo", timesteps={"quick": 2_048, "full": 100_000}),
    AgentSpec(agent="sb3-dqn", env_kwargs={"illegal_action": "lose"}, timesteps={"quick": 2_000, "full": 100_000}),
]

ENTRIES = [
    Entry(
        label="Go-v0/5x5",
        env_id="Go-v0",
        env_kwargs=dict(_ENV),
        agents=list(_AGENTS),
        metric="rldojo.envs.go.evaluation:benchmark_metric",
        curve_metric="rldojo.envs.go.evaluation:curve_metric",
        headline="win_rate_vs_greedy",
        solved_at=0.8,
        suites=("full",),
    ),
    Entry(
        label="Go-v0/5x5-quick",
        env_id="Go-v0",
        env_kwargs=dict(_ENV),
        agents=list(_AGENTS),
        metric="rldojo.envs.go.evaluation:quick_metric",
        curve_metric="rldojo.envs.go.evaluation:curve_metric",
        headline="win_rate_vs_greedy",
        solved_at=0.8,
        eval_points=2,
        suites=("quick",),
    ),
]
