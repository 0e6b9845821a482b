"""Benchmark entries for KuhnPoker-v0 and LeducHoldem-v0.

- ``<env>/cfr``: CFR and CFR+ (a "timestep" is one iteration over the whole tree); the
  metric is the exact exploitability (NashConv / 2) of the average strategy, and NashConv.
  Bars: Kuhn exploitability < 1e-3, Leduc NashConv <= 0.005.
- ``<env>/vs-random`` and ``<env>/vs-always_call``: hand-written DQN and PPO, SB3's DQN, PPO
  and MaskablePPO, trained against that fixed opponent from a random seat; the metric is
  the exact value of the agent's greedy policy divided by the exact best-response value
  against that opponent (:func:`rldojo.envs.cards.evaluation.fraction_of_best_response`).
  Bar: 0.9. SB3's plain PPO and DQN have no masks, so they train with
  ``illegal_action="forfeit"`` (an illegal action folds the hand) and learn to avoid them.
  Our DQN is compared with SB3's DQN, our PPO with MaskablePPO (both use the masks).

Every agent of an entry gets the same budget: env steps (decisions) for the learners, CFR
iterations over the whole tree for CFR (``unit``); SB3 has no CFR, so the CFR tables have no
SB3 row and no ratio. The quick suite runs CFR+ and the Kuhn learners on a small budget
(seconds); Leduc's learners and the full budgets are in the full suite. ``random_score``:
the uniform strategy's exploitability and the uniformly random policy's fraction of the best
response, measured by ``python -m rldojo.bench.reference``.
"""

from __future__ import annotations

from rldojo.bench.suites import AgentSpec, Entry

CFR_METRIC = "rldojo.envs.cards.evaluation:cfr_exploitability"
VALUE_METRIC = "rldojo.envs.cards.evaluation:fraction_of_best_response"


def _learners(quick: int | None, full: int) -> list[AgentSpec]:
    """The five learners, each with the same budget (the full one measured to leave margin over the 0.9 bar)."""
    suites = ("quick", "full") if quick else ("full",)
    budget = {"quick": quick, "full": full} if quick else {"full": full}
    forfeit = {"illegal_action": "forfeit"}
    return [
        AgentSpec(agent="dqn", timesteps=budget, suites=suites, counterpart="sb3-dqn"),
        AgentSpec(agent="ppo", timesteps=budget, suites=suites, counterpart="sb3-maskable-ppo"),
        AgentSpec(agent="sb3-dqn", timesteps=budget, env_kwargs=forfeit, suites=suites),
        AgentSpec(agent="sb3-ppo", timesteps=budget, env_kwargs=forfeit, suites=suites),
        AgentSpec(agent="sb3-maskable-ppo", timesteps=budget, suites=suites),
    ]


KUHN_BUDGET = 10_000
# 30k, for the full suite's two hours: five learners on two opponents and five seeds cost about
# 8.5 CPU-s per 1,000 steps (rates at 5k steps, 2026-12-02). Before, DQN needed 60k, MaskablePPO
# 50k and our PPO 100k to reach the mark, so at 30k the table shows how far each got.
LEDUC_BUDGET = 30_000
# python -m rldojo.bench.reference --seeds 2, 2026-12-01: the uniform strategy's exploitability (Kuhn)
# and NashConv (Leduc), exact; random play's fraction of the best response (vs-*), exact per seat
RANDOM = {
    "KuhnPoker-v0/cfr": 0.458333,
    "LeducHoldem-v0/cfr": 4.747222,
    "KuhnPoker-v0/vs-random": 0.090909,
    "KuhnPoker-v0/vs-always_call": -0.5,
    "LeducHoldem-v0/vs-random": -0.152837,
    "LeducHoldem-v0/vs-always_call": 0.022727,
}

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
        unit="CFR iterations",
        random_score=RANDOM["KuhnPoker-v0/cfr"],
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
        unit="CFR iterations",
        random_score=RANDOM["LeducHoldem-v0/cfr"],
    ),
]

for _env_id, _quick, _full in (("KuhnPoker-v0", 1_000, KUHN_BUDGET), ("LeducHoldem-v0", None, LEDUC_BUDGET)):
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
                random_score=RANDOM[f"{_env_id}/vs-{_opponent}"],
                eval_points=4,
                suites=("quick", "full") if (_quick and _opponent == "random") else ("full",),
            )
        )
