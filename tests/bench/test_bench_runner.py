"""The benchmark runner on tiny entries: a whole suite, failures in the pool, a dying worker, resuming."""

import os

import benchtiny
import pytest

from rldojo.bench import runner
from rldojo.bench.execute import execute_run
from rldojo.bench.plan import RunSpec
from rldojo.bench.store import read_results
from rldojo.bench.suites import AgentSpec, Entry


def lines_of(out_dir):
    return (out_dir / "results.jsonl").read_text().splitlines()


def test_tiny_suite_runs_end_to_end_and_resumes(tmp_path, monkeypatch):
    # a registry name goes through make_agent, as the real entries' agents do
    from rldojo.baselines import registry

    monkeypatch.setitem(registry.AGENTS, "tiny-q", "benchtiny:TinyQ")
    entry = Entry(
        label="Lake",
        env_id="FrozenLake-v1",
        env_kwargs=dict(benchtiny.LAKE),
        agents=[AgentSpec("tiny-q", {"quick": 600, "full": 2000})],
        metric="benchtiny:lake_metric",
        headline="success",
        solved_at=1.0,
        eval_points=3,
    )
    report = runner.run_suite([entry], "quick", seeds=3, out=tmp_path, workers=0, progress=False, log=lambda s: None)
    assert (report.planned, report.finished, report.failed, report.interrupted) == (3, 3, 0, False)
    records = read_results(tmp_path / "results.jsonl")
    assert sorted(r["seed"] for r in records) == [0, 1, 2]
    assert len({r["key"] for r in records}) == 3
    for record in records:
        assert record["status"] == "ok" and record["error"] is None
        assert record["env_steps"] == 600 and record["kind"] == "hand-written"
        assert [p["steps"] for p in record["curve"]] == [200, 400, 600]
        assert record["metrics"] == record["curve"][-1]["metrics"]
        assert record["metrics"]["success"] == 1.0  # Q-learning finds the way across the still lake
        assert record["steps_per_second"] > 0 and record["wall_time"] > 0
    summary = (tmp_path / "summary.md").read_text()
    assert "## Lake" in summary and "| tiny-q | 3 | 600 | 1.000 [1.000, 1.000]" in summary
    assert (tmp_path / "curves" / "Lake.png").read_bytes()[:4] == b"\x89PNG"

    before = lines_of(tmp_path)
    again = runner.run_suite(
        [entry], "quick", seeds=3, out=tmp_path, workers=0, progress=False, summarize=False, log=lambda s: None
    )
    assert (again.skipped, again.finished) == (3, 0)
    assert lines_of(tmp_path) == before
    # one more seed runs only the new run
    more = runner.run_suite(
        [entry], "quick", seeds=4, out=tmp_path, workers=0, progress=False, summarize=False, log=lambda s: None
    )
    assert (more.skipped, more.finished) == (3, 1)
    assert lines_of(tmp_path)[:3] == before


def test_failed_run_is_recorded_and_the_others_finish_in_the_pool(tmp_path):
    entries = benchtiny.tiny_entries(failing=True)
    report = runner.run_suite(
        entries, "quick", seeds=2, out=tmp_path, workers=2, progress=False, summarize=False, log=lambda s: None
    )
    assert (report.planned, report.finished, report.failed) == (8, 8, 2)
    records = read_results(tmp_path / "results.jsonl")
    failed = [r for r in records if r["status"] == "failed"]
    ok = [r for r in records if r["status"] == "ok"]
    assert len(failed) == 2 and len(ok) == 6
    for record in failed:
        assert record["hyperparameters"]["fail_after"] == 300
        assert "Traceback" in record["error"] and "fails on purpose after 300 steps" in record["error"]
        assert record["metrics"] == {} and record["env_steps"] == 300
    assert all(r["pid"] != os.getpid() for r in ok)  # they ran in the pool

    # failures are skipped on a plain rerun, and run again with retry_failed
    rerun = runner.run_suite(
        entries, "quick", seeds=2, out=tmp_path, workers=0, progress=False, summarize=False, log=lambda s: None
    )
    assert rerun.finished == 0
    retry = runner.run_suite(
        entries,
        "quick",
        seeds=2,
        out=tmp_path,
        workers=0,
        progress=False,
        summarize=False,
        retry_failed=True,
        log=lambda s: None,
    )
    assert (retry.finished, retry.failed) == (2, 2)
    assert len(lines_of(tmp_path)) == 10


def test_a_worker_that_dies_fails_its_run_and_the_pool_carries_on(tmp_path):
    entry = benchtiny.tiny_entries()[1]
    entry.agents = [AgentSpec("benchtiny:TinyQ", {"quick": 300}, agent_kwargs={"die": die}) for die in (False, True)]
    report = runner.run_suite(
        [entry], "quick", seeds=2, out=tmp_path, workers=1, progress=False, summarize=False, log=lambda s: None
    )
    assert (report.finished, report.failed) == (4, 2)
    records = read_results(tmp_path / "results.jsonl")
    assert [(r["hyperparameters"]["die"], r["seed"], r["status"]) for r in records] == [
        (False, 0, "ok"),
        (False, 1, "ok"),
        (True, 0, "failed"),
        (True, 1, "failed"),
    ]
    assert all("worker process died" in r["error"] for r in records[2:])


@pytest.mark.parametrize("agent", ["dqn", "sb3-dqn"])
def test_the_number_of_curve_points_does_not_change_what_is_learned(agent):
    # Epsilon falls over the first half of the budget. When the runner called learn once per curve point,
    # our DQN restarted epsilon at 1 in every call and SB3's squeezed the fall into the first call.
    def run(points: int) -> dict:
        spec = RunSpec(
            key="k",
            label="CartPole",
            env_id="CartPole-v1",
            env_kwargs={},
            agent=agent,
            hyperparameters={"exploration_fraction": 0.5, "learning_starts": 100, "target_update_interval": 100},
            seed=0,
            budget=1200,
            suite="quick",
            metric="benchtiny:q_checksum",
            curve_metric=None,
            headline="q_sum",
            higher_is_better=True,
            solved_at=None,
            eval_points=points,
        )
        record = execute_run(spec)
        assert record["status"] == "ok", record["error"]
        return record

    two, four = run(2), run(4)
    assert [point["steps"] for point in four["curve"]] == [300, 600, 900, 1200]
    assert four["curve"][1]["metrics"] == two["curve"][0]["metrics"]  # at 600 steps in both
    assert four["metrics"] == two["metrics"] and four["curve"][0]["metrics"] != four["metrics"]
