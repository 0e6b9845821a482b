"""The benchmark runner on tiny entries: plans, keys, a whole suite, failures, resuming, the results file."""

import json
import os

import pytest

import benchtiny
from benchmarks import run as runner
from benchmarks.suite import AgentSpec, Entry
from benchmarks.summarize import read_results


def lines_of(out_dir):
    return (out_dir / "results.jsonl").read_text().splitlines()


def test_run_key_is_stable_and_tells_runs_apart():
    key = runner.run_key("Lake/a", "FrozenLake-v1", {"map_name": "4x4", "is_slippery": False}, "dqn",
                         {"lr": 0.001, "net": (64, 64)}, 0, 1000)
    # the same run written another way (dict order, tuple or list) has the same key
    assert key == runner.run_key("Lake/a", "FrozenLake-v1", {"is_slippery": False, "map_name": "4x4"}, "dqn",
                                 {"net": [64, 64], "lr": 0.001}, 0, 1000)
    others = {
        runner.run_key("Lake/b", "FrozenLake-v1", {}, "dqn", {}, 0, 1000),
        runner.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {}, 1, 1000),
        runner.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {}, 0, 2000),
        runner.run_key("Lake/a", "FrozenLake-v1", {}, "ppo", {}, 0, 1000),
        runner.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {"lr": 0.01}, 0, 1000),
    }
    assert len(others) == 5 and key not in others


def test_plan_resolves_hyperparameters_and_filters(monkeypatch):
    from rldojo.baselines import hyperparams

    monkeypatch.setattr(hyperparams, "_CACHE", {("FrozenLake-v1", "benchtiny:TinyQ"): {"gamma": 0.9, "epsilon": 0.2}})
    entries = benchtiny.tiny_entries(failing=True)
    runs = runner.plan_runs(entries, "quick", seeds=2)
    assert len(runs) == (3 + 1) * 2
    first = runs[0]
    # the shared default, overridden by the AgentSpec's agent_kwargs where both name a field
    assert first.hyperparameters == {"gamma": 0.9, "epsilon": 0.2, "sleep": 0.0}
    assert runs[2].hyperparameters["epsilon"] == 0.5
    assert [r.budget for r in runs[:2]] == [600, 600]
    assert len(runner.plan_runs(entries, "full", seeds=[3])) == 4
    assert {r.label for r in runner.plan_runs(entries, "quick", 1, envs=["Lake/b"])} == {"Lake/b"}
    assert len(runner.plan_runs(entries, "quick", 1, envs=["FrozenLake-v1"])) == 4  # an env id keeps its entries
    with pytest.raises(ValueError, match="unknown 'Maze-v9'.*Lake/a"):
        runner.plan_runs(entries, "quick", 1, envs=["Maze-v9"])
    with pytest.raises(ValueError, match="unknown 'sb3-ppo'"):
        runner.plan_runs(entries, "quick", 1, agents=["sb3-ppo"])
    with pytest.raises(ValueError, match="suite"):
        runner.plan_runs(entries, "huge", 1)


def test_tiny_suite_runs_end_to_end_and_resumes(tmp_path, monkeypatch):
    # a registry name goes through make_agent, as the real entries' agents do
    from rldojo.baselines import registry

    monkeypatch.setitem(registry.AGENTS, "tiny-q", "benchtiny:TinyQ")
    entry = Entry(label="Lake", env_id="FrozenLake-v1", env_kwargs=dict(benchtiny.LAKE),
                  agents=[AgentSpec("tiny-q", {"quick": 600, "full": 2000})],
                  metric="benchtiny:lake_metric", headline="success", solved_at=1.0, eval_points=3)
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
    again = runner.run_suite([entry], "quick", seeds=3, out=tmp_path, workers=0, progress=False, summarize=False,
                             log=lambda s: None)
    assert (again.skipped, again.finished) == (3, 0)
    assert lines_of(tmp_path) == before
    # one more seed runs only the new run
    more = runner.run_suite([entry], "quick", seeds=4, out=tmp_path, workers=0, progress=False, summarize=False,
                            log=lambda s: None)
    assert (more.skipped, more.finished) == (3, 1)
    assert lines_of(tmp_path)[:3] == before


def test_failed_run_is_recorded_and_the_others_finish_in_the_pool(tmp_path):
    entries = benchtiny.tiny_entries(failing=True)
    report = runner.run_suite(entries, "quick", seeds=2, out=tmp_path, workers=2, progress=False, summarize=False,
                              log=lambda s: None)
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
    rerun = runner.run_suite(entries, "quick", seeds=2, out=tmp_path, workers=0, progress=False, summarize=False,
                             log=lambda s: None)
    assert rerun.finished == 0
    retry = runner.run_suite(entries, "quick", seeds=2, out=tmp_path, workers=0, progress=False, summarize=False,
                             retry_failed=True, log=lambda s: None)
    assert (retry.finished, retry.failed) == (2, 2)
    assert len(lines_of(tmp_path)) == 10


def test_a_worker_that_dies_fails_its_run_and_the_pool_carries_on(tmp_path):
    entry = benchtiny.tiny_entries()[1]
    entry.agents = [AgentSpec("benchtiny:TinyQ", {"quick": 300}, agent_kwargs={"die": die}) for die in (False, True)]
    report = runner.run_suite([entry], "quick", seeds=2, out=tmp_path, workers=1, progress=False, summarize=False,
                              log=lambda s: None)
    assert (report.finished, report.failed) == (4, 2)
    records = read_results(tmp_path / "results.jsonl")
    assert [(r["hyperparameters"]["die"], r["seed"], r["status"]) for r in records] == [
        (False, 0, "ok"), (False, 1, "ok"), (True, 0, "failed"), (True, 1, "failed")]
    assert all("worker process died" in r["error"] for r in records[2:])


def test_results_file_repairs_a_torn_line_and_refuses_a_second_writer(tmp_path):
    whole = json.dumps({"key": "a", "status": "ok"})
    (tmp_path / "results.jsonl").write_text(whole + "\n" + '{"key": "b", "sta')
    with runner.ResultsFile(tmp_path) as results:
        assert "torn" in results.repaired
        assert [r["key"] for r in results.records()] == ["a"]
        with pytest.raises(RuntimeError, match="another benchmark run"):
            runner.ResultsFile(tmp_path).__enter__()
        results.append({"key": "c", "status": "ok"})
    assert lines_of(tmp_path) == [whole, json.dumps({"key": "c", "status": "ok"})]
    # a whole record that only lacks its newline is kept
    with open(tmp_path / "results.jsonl", "a") as f:
        f.write(json.dumps({"key": "d", "status": "ok"}))
    with runner.ResultsFile(tmp_path) as results:
        assert "completed" in results.repaired
        assert [r["key"] for r in results.records()] == ["a", "c", "d"]


def test_cli_dry_run_lists_the_plan_and_estimates_it(capsys, tmp_path):
    assert runner.main(["--entries", "benchtiny:tiny_entries", "--dry-run", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "quick suite: 6 runs, 3,000 env steps" in out and "Lake/b benchtiny:TinyQ seed=1" in out
    assert runner.main(["--entries", "benchtiny:tiny_entries", "--dry-run", "--envs", "Nope"]) == 2
    assert "unknown 'Nope'" in capsys.readouterr().err
    # a measured run: 2 CPU seconds, half of its wall time training 600 steps, half evaluating
    measured = {"key": "k", "status": "ok", "label": "Lake/a", "agent": "benchtiny:TinyQ", "env_steps": 600,
                "wall_time": 1.0, "eval_time": 1.0, "cpu_time": 2.0}
    (tmp_path / "results.jsonl").write_text(json.dumps(measured) + "\n")
    assert runner.main(["--entries", "benchtiny:tiny_entries", "--dry-run", "--seeds", "1", "--suite", "full",
                        "--estimate-from", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[-1] for line in out[:3]] == ["cpu~5.0s", "cpu~2.0s", "cpu=?"]  # 2400, 600 steps; Lake/b
    assert "7 CPU seconds for 2 of 3 runs, about 0.1 minutes on 2 idle cores" in out[-1]
