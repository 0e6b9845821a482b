"""Benchmark entries for KuhnPoker-v0 and LeducHoldem-v0.

- ``<env>/cfr``: CFR and CFR+ (a "timestep" is one iteration over the whole tree); the
  metric is the exact exploitability (NashConv / 2) of the average strategy, and NashConv.
  Bars: Kuhn exploitability < 1e-3, Leduc NashConv <= 0.005.
- ``<env>/vs-random`` and ``<env>/vs-always_call``: hand-written DQN and PPO, SB3's PPO
  and MaskablePPO, trained against that fixed opponent from a random seat; the metric is
  the exact value of the agent's greedy policy divided by the exact best-response value
  against that opponent (:func:`rldojo.envs.cards.evaluation.fraction_of_best_response`).
  Bar: 0.9. SB3's plain PPO has no masks, so it trains with ``illegal_action="forfeit"``
  (an illegal action folds the hand) and learns to avoid them.

The quick suite runs CFR+ and the Kuhn learners on a small budget (seconds); Leduc's
learners and the full budgets are in the full suite.
"""

from __future__ import annotations

from rldojo.bench.suites import AgentSpec, Entry

CFR_METRIC = "rldojo.envs.cards.evaluation:cfr_exploitability"
VALUE_METRIC = "rldojo.envs.cards.evaluation:fraction_of_best_response"


def _learners(quick: int | None, full: dict[str, int]) -> list[AgentSpec]:
    """The four learners; ``full`` is each one's full budget (measured to leave margin over the 0.9 bar)."""
    suites = ("quick", "full") if quick else ("full",)

    def budget(agent: str) -> dict[str, int]:
        return {"quick": quick, "full": full[agent]} if quick else {"full": full[agent]}

    return [
        AgentSpec(agent="dqn", timesteps=budget("dqn"), suites=suites),
        AgentSpec(agent="ppo", timesteps=budget("ppo"), suites=suites),
        AgentSpec(
            agent="sb3-ppo", timesteps=budget("sb3-ppo"), env_kwargs={"illegal_action": "forfeit"}, suites=("full",)
        ),
        AgentSpec(agent="sb3-maskable-ppo", timesteps=budget("sb3-maskable-ppo"), suites=("full",)),
    ]


KUHN_BUDGETS = {"dqn": 10_000, "ppo": 10_000, "sb3-ppo": 10_000, "sb3-maskable-ppo": 10_000}
LEDUC_BUDGETS = {"dqn": 60_000, "ppo": 100_000, "sb3-ppo": 100_000, "sb3-maskable-ppo": 50_000}

ENTRIES = [
    Entry(
        label="KuhnPoker-v0/cfr",
        env_id="KuhnPoker-v0",
        env_kwargs={},
        agents=[
            AgentSpec(agent="cfr+", timesteps={"quick": 300, "full": 1_000}),
            AgentSpec(agent="cfr", timesteps={"quick": 300, "full": 1_000}),
        ],
        metric=CFR_METRIC,
        headline="exploitability",
        higher_is_better=False,
        solved_at=1e-3,
    ),
    Entry(
        label="LeducHoldem-v0/cfr",
        env_id="LeducHoldem-v0",
        env_kwargs={},
        agents=[
            AgentSpec(agent="cfr+", timesteps={"quick": 100, "full": 1_000}),
            AgentSpec(agent="cfr", timesteps={"full": 1_000}, suites=("full",)),
        ],
        metric=CFR_METRIC,
        headline="nash_conv",
        higher_is_better=False,
        solved_at=0.005,
    ),
]

for _env_id, _quick, _full in (("KuhnPoker-v0", 1_000, KUHN_BUDGETS), ("LeducHoldem-v0", None, LEDUC_BUDGETS)):
    for _opponent in ("random", "always_call"):
        ENTRIES.append(
            Entry(
                label=f"{_env_id}/vs-{_opponent}",
                env_id=_env_id,
                env_kwargs={"opponent": _opponent, "seat": "random"},
                agents=_learners(_quick if _opponent == "random" else None, _full),
                metric=VALUE_METRIC,
                headline="fraction_of_best_response",
                solved_at=0.9,
                eval_points=4,
                suites=("quick", "full") if (_quick and _opponent == "random") else ("full",),
            )
        )
