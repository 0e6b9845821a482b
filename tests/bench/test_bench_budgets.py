"""Equal budgets: within an entry every agent trains as long and is evaluated the same way, in both suites."""

import pytest

from rldojo.bench.plan import equal_budget_problems, plan_runs
from rldojo.bench.suites import AgentSpec, Entry, all_entries
from rldojo.bench.summarize import entry_table

ENTRIES = all_entries()


@pytest.mark.parametrize("suite", ["quick", "full"])
def test_every_agent_of_every_entry_gets_the_same_budget_and_evaluation(suite):
    assert equal_budget_problems(ENTRIES, [suite]) == []
    runs = plan_runs(ENTRIES, suite, 1)
    by_label = {}
    for run in runs:
        by_label.setdefault(run.label, []).append(run)
    assert by_label, "the suite plans no run"
    for label, entry_runs in by_label.items():
        # the budget, its unit, and what is evaluated, how often and by which metric: one value per entry
        for field in ("budget", "unit", "metric", "curve_metric", "eval_points", "select", "env_id"):
            values = {getattr(run, field) for run in entry_runs}
            assert len(values) == 1, f"{label} ({suite}): agents differ in {field}: {values}"


def test_the_check_names_an_entry_with_unequal_budgets():
    entry = Entry(
        label="Maze/uneven",
        env_id="Maze-v0",
        env_kwargs={},
        agents=[AgentSpec("qlearning", {"quick": 3_000}), AgentSpec("sb3-dqn", {"quick": 5_000})],
        metric="m:f",
        headline="win_rate",
        suites=("quick",),
    )
    assert equal_budget_problems([entry]) == [
        "Maze/uneven (quick): unequal budgets in env steps: qlearning 3,000, sb3-dqn 5,000"
    ]


def test_cfr_entries_count_iterations_and_have_no_ratio_to_sb3():
    cfr = [e for e in ENTRIES if e.label.endswith("/cfr")]
    assert {e.label for e in cfr} == {"KuhnPoker-v0/cfr", "LeducHoldem-v0/cfr"}
    for entry in cfr:
        assert entry.unit == "CFR iterations"
        assert not any(spec.agent.startswith("sb3-") for spec in entry.agents)
    # every other entry counts env steps, and every entry with an SB3 agent has them in one unit
    assert {e.unit for e in ENTRIES if e not in cfr} == {"env steps"}
    # the table says which unit its budget is in, and prints no ratio column without an SB3 agent
    record = {
        "label": "KuhnPoker-v0/cfr",
        "env_id": "KuhnPoker-v0",
        "env_kwargs": {},
        "agent": "cfr+",
        "budget": 300,
        "seed": 0,
        "unit": "CFR iterations",
        "headline": "exploitability",
        "higher_is_better": False,
        "solved_at": 1e-3,
        "metrics": {"exploitability": 5e-4},
        "curve": [{"steps": 300, "wall_time": 0.1, "metrics": {"exploitability": 5e-4}}],
        "hyperparameters": {},
        "settings": "library defaults",
    }
    table, _ = entry_table("KuhnPoker-v0/cfr", [record])
    assert "| budget (CFR iterations) |" in table and "÷ SB3" not in table


def test_every_counterpart_is_an_sb3_agent_of_the_same_entry():
    for entry in ENTRIES:
        names = {spec.agent: spec for spec in entry.agents}
        for spec in entry.agents:
            if spec.counterpart is None:
                continue
            assert not spec.agent.startswith("sb3-") and spec.counterpart.startswith("sb3-"), entry.label
            assert spec.counterpart in names, f"{entry.label}: {spec.agent}'s counterpart is not in the entry"
