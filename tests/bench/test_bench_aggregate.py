"""The aggregate across entries, from a handwritten results file: normalised scores, IQM, its stratified
bootstrap CI, the performance profile and the probability of improvement, against values worked out by hand."""

import itertools

import numpy as np
import pytest

from rldojo.bench import aggregate as agg
from rldojo.bench.summarize import summary_markdown


def record(label, agent, seed, value, random_score, target, higher=True, counterpart=None):
    return {
        "key": f"{label}-{agent}-{seed}",
        "label": label,
        "env_id": "X-v0",
        "env_kwargs": {},
        "agent": agent,
        "kind": "sb3" if agent.startswith("sb3-") else "hand-written",
        "hyperparameters": {},
        "seed": seed,
        "budget": 1000,
        "suite": "quick",
        "headline": "score",
        "higher_is_better": higher,
        "solved_at": target,
        "random_score": random_score,
        "target_score": target,
        "counterpart": counterpart,
        "status": "ok",
        "env_steps": 1000,
        "wall_time": 1.0,
        "steps_per_second": 1000.0,
        "curve": [{"steps": 1000, "wall_time": 1.0, "metrics": {"score": value}}],
        "metrics": {"score": value},
    }


# Entry A: higher is better, random 0, mark 10. Entry B: lower is better (a regret), random 1, mark 0.
RECORDS = [
    record("A", "dqn", 0, 10.0, 0.0, 10.0, counterpart="sb3-dqn"),  # normalised 1.0
    record("A", "dqn", 1, 5.0, 0.0, 10.0, counterpart="sb3-dqn"),  # 0.5
    record("A", "sb3-dqn", 0, 2.0, 0.0, 10.0),  # 0.2
    record("A", "sb3-dqn", 1, 4.0, 0.0, 10.0),  # 0.4
    record("B", "ppo", 0, 0.25, 1.0, 0.0, higher=False, counterpart="sb3-ppo"),  # 0.75
    record("B", "ppo", 1, 0.75, 1.0, 0.0, higher=False, counterpart="sb3-ppo"),  # 0.25
    record("B", "sb3-ppo", 0, 0.5, 1.0, 0.0, higher=False),  # 0.5
    record("B", "sb3-ppo", 1, 1.5, 1.0, 0.0, higher=False),  # worse than random: clipped to 0
    record("B", "reinforce", 0, 0.1, 1.0, 0.0, higher=False),  # no counterpart: not a task
]
HAND = np.array([[1.0, 0.75], [0.5, 0.25]])  # runs (seeds) x tasks (A dqn, B ppo)
SB3 = np.array([[0.2, 0.5], [0.4, 0.0]])


def test_normalised_matrices_from_the_records():
    found = agg.aggregate(RECORDS)
    assert [(p.label, p.agent, p.counterpart) for p in found.pairs] == [
        ("A", "dqn", "sb3-dqn"),
        ("B", "ppo", "sb3-ppo"),
    ]
    np.testing.assert_allclose(found.hand, HAND)
    np.testing.assert_allclose(found.sb3, SB3)
    assert agg.normalise(12.0, 0.0, 10.0) == 1.0 and agg.normalise(None, 0.0, 10.0) is None


def test_iqm_profile_and_probability_of_improvement_equal_the_hand_computed_values():
    # IQM: the middle two of four sorted scores. Hand: 0.25 0.5 | 0.75 1.0 -> (0.5 + 0.75) / 2
    assert agg.iqm(HAND) == pytest.approx(0.625)
    assert agg.iqm(SB3) == pytest.approx(0.3)  # 0.0 0.2 0.4 0.5 -> (0.2 + 0.4) / 2
    # P(X > Y): task A, every hand run beats every SB3 run (4/4); task B, 3 of 4 pairs -> (1 + 0.75) / 2
    assert agg.probability_of_improvement(HAND, SB3) == pytest.approx(0.875)
    assert agg.probability_of_improvement(SB3, HAND) == pytest.approx(0.125)
    # a tie counts half: identical runs give 0.5
    assert agg.probability_of_improvement(HAND, HAND) == pytest.approx(0.5)
    # the fraction of the four runs above tau
    np.testing.assert_allclose(agg.performance_profile(HAND, [0.0, 0.3, 0.5, 0.9, 1.0]), [1.0, 0.75, 0.5, 0.25, 0.0])
    np.testing.assert_allclose(agg.performance_profile(SB3, [0.0, 0.3, 0.5]), [0.75, 0.5, 0.0])


def test_stratified_bootstrap_ci_on_a_fixed_seed_is_the_extreme_resamples():
    # Resampling runs within each task: each task has 4 equally likely ordered draws, so 16 resamples
    # in all, each of probability 1/16 > 2.5%: the 95% percentile interval is the smallest and the
    # largest IQM of the 16, worked out here by enumeration.
    draws = [list(itertools.product(HAND[:, task], repeat=2)) for task in range(2)]
    iqms = [agg.iqm(np.array([a, b]).T) for a in draws[0] for b in draws[1]]
    assert (min(iqms), max(iqms)) == (0.375, 0.875)
    low, high = agg.stratified_bootstrap_ci(agg.iqm, HAND, seed=0)
    assert (low, high) == (0.375, 0.875)
    assert agg.stratified_bootstrap_ci(agg.iqm, HAND, seed=0) == (low, high)  # seeded: repeatable
    # within a task only: a matrix whose tasks each hold one value has no spread at all
    assert agg.stratified_bootstrap_ci(agg.iqm, np.array([[0.2, 0.8], [0.2, 0.8]]), seed=3) == (0.5, 0.5)


def test_the_summary_reports_the_aggregate_table():
    text = summary_markdown(RECORDS, plots=False)
    section = text.split("## Across entries", 1)[1].split("\n## ", 1)[0]
    assert "| IQM of normalised scores (95% CI) | 0.625 [0.375, 0.875] |" in section
    assert "| P(hand-written > SB3) (95% CI) | 0.875 [" in section
    assert "| A | dqn | sb3-dqn | 2 | 0.750 | 0.300 | 1.00 |" in section
    assert "| B | ppo | sb3-ppo | 2 | 0.500 | 0.250 | 0.75 |" in section


def test_the_definitions_match_scipy_and_rliable():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(7)
    x, y = rng.random((5, 6)), rng.random((4, 6))
    y[:, 0] = x[:4, 0]  # some ties
    assert agg.iqm(x) == pytest.approx(stats.trim_mean(x, 0.25, axis=None))
    u = [stats.mannwhitneyu(x[:, m], y[:, m], alternative="greater").statistic / 20 for m in range(6)]
    assert agg.probability_of_improvement(x, y) == pytest.approx(np.mean(u))
    metrics = pytest.importorskip("rliable.metrics")  # rliable.library needs arch, broken on pandas 3
    assert agg.iqm(x) == pytest.approx(metrics.aggregate_iqm(x))
    assert agg.probability_of_improvement(x, y) == pytest.approx(metrics.probability_of_improvement(x, y))
