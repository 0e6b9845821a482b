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

from rldojo.bench.suites import AgentSpec, Entry

_ENV = {"board_size": 5, "komi": 7.5, "opponent": "greedy"}
# One budget for all, in moves the learner makes: an SB3 step is its move (the greedy opponent's
# reply comes with it), a self-play step is one move of either colour, each learned from.
# 4,096 is eight of MaskablePPO's 512-step rollouts.
# The full suite's 30k (not 100k) is for its two hours: SB3's MaskablePPO here costs 4 ms a move.
BUDGET = {"quick": 4_096, "full": 30_000}
# win_rate_vs_greedy of random play (python -m rldojo.bench.reference --seeds 2 --envs Go-v0/5x5-quick,
# 2026-12-01: 40 games a seed), used for both entries
RANDOM = 0.05
_AGENTS = [
    AgentSpec(agent="selfplay-sarsa", timesteps=BUDGET, counterpart="sb3-dqn"),
    AgentSpec(agent="sb3-maskable-ppo", timesteps=BUDGET),
    AgentSpec(agent="sb3-dqn", env_kwargs={"illegal_action": "lose"}, timesteps=BUDGET),
]


def _entry(label: str, metric: str, suite: str, **fields) -> Entry:
    """The 5x5 entry of one suite, measured by ``rldojo.envs.go.evaluation:<metric>``."""
    return Entry(
        label=label,
        env_id="Go-v0",
        env_kwargs=dict(_ENV),
        agents=list(_AGENTS),
        metric=f"rldojo.envs.go.evaluation:{metric}",
        curve_metric="rldojo.envs.go.evaluation:curve_metric",
        headline="win_rate_vs_greedy",
        solved_at=0.8,
        random_score=RANDOM,
        suites=(suite,),
        **fields,
    )


ENTRIES = [
    _entry("Go-v0/5x5", "benchmark_metric", "full"),
    _entry("Go-v0/5x5-quick", "quick_metric", "quick", eval_points=2),
]
