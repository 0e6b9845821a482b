"""The summary, made from a handwritten results file alone: the table's numbers, failures, curves."""

import json

import numpy as np
import pytest

from rldojo.bench.store import read_results
from rldojo.bench.summarize import bootstrap_ci, main, summarize


def record(
    agent,
    seed,
    headline_values,
    steps_per_second,
    status="ok",
    error=None,
    label="Maze/seed",
    solved_at=1.0,
    higher=True,
    extra=None,
    counterpart=None,
):
    steps = [1000 * (i + 1) for i in range(len(headline_values))]
    curve = [
        {"steps": s, "wall_time": s / steps_per_second, "metrics": {"win": v}}
        for s, v in zip(steps, headline_values, strict=True)
    ]
    final = {"win": headline_values[-1], **(extra or {})}
    return {
        "format": 1,
        "key": f"{label}-{agent}-{seed}",
        "name": f"{label} {agent} seed={seed}",
        "label": label,
        "env_id": "Maze-v0",
        "env_kwargs": {"layout": "seed"},
        "agent": agent,
        "kind": "sb3" if agent.startswith("sb3-") else "hand-written",
        "counterpart": counterpart,
        "hyperparameters": {},
        "seed": seed,
        "budget": steps[-1],
        "suite": "quick",
        "metric": "m:f",
        "headline": "win",
        "higher_is_better": higher,
        "solved_at": solved_at,
        "eval_points": len(steps),
        "status": status,
        "env_steps": steps[-1] if status == "ok" else 0,
        "wall_time": steps[-1] / steps_per_second,
        "steps_per_second": steps_per_second,
        "eval_time": 0.1,
        "curve": curve if status == "ok" else [],
        "metrics": final if status == "ok" else {},
        "error": error,
        "started_at": "2026-11-25T06:00:00+00:00",
        "finished_at": f"2026-11-25T06:0{seed}:30+00:00",
        "machine": {"host": "box", "cpu": "Test CPU", "cpus": 2},
    }


def write(path, records, tail=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail)


def table_rows(summary: str, label: str) -> dict:
    section = summary.split(f"## {label}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| agent")]
    return {cells[0]: cells for cells in ([c.strip() for c in row.strip("|").split("|")] for row in rows)}


def test_summary_table_numbers_from_a_handwritten_file(tmp_path):
    records = [
        # dqn: solves at 2000 steps on seed 0 only; final wins 1 and 0
        record("dqn", 0, [0.0, 1.0, 1.0], 300.0, extra={"optimality": 0.8}, counterpart="sb3-dqn"),
        record("dqn", 1, [0.0, 0.0, 0.0], 100.0, extra={"optimality": 0.6}, counterpart="sb3-dqn"),
        # reinforce is compared with its counterpart sb3-ppo, though sb3-dqn scores higher
        record("reinforce", 0, [0.0, 0.1, 0.4], 400.0, counterpart="sb3-ppo"),
        # sb3-dqn: 0.5 on both seeds, never solves; sb3-ppo worse
        record("sb3-dqn", 0, [0.5, 0.5, 0.5], 100.0),
        record("sb3-dqn", 1, [0.25, 0.5, 0.5], 100.0),
        record("sb3-ppo", 0, [0.0, 0.1, 0.2], 50.0),
        # a failed run, and a failure later retried successfully (the retry wins)
        record(
            "dqn",
            2,
            [0.0],
            1.0,
            status="failed",
            error="Traceback (most recent call last):\n  ...\nValueError: boom",
            counterpart="sb3-dqn",
        ),
        record(
            "dqn", 3, [0.0], 1.0, status="failed", error="Traceback ...\nRuntimeError: flaky", counterpart="sb3-dqn"
        ),
        record("dqn", 3, [1.0, 1.0, 1.0], 200.0, extra={"optimality": 1.0}, counterpart="sb3-dqn"),
        # another entry where lower is better, and whose hand-written agent has no SB3 counterpart
        record("bandit-ucb", 0, [30.0, 20.0, 10.0], 1000.0, label="Bandit", solved_at=15.0, higher=False),
        record("sb3-ppo", 0, [40.0, 40.0, 40.0], 500.0, label="Bandit", solved_at=15.0, higher=False),
    ]
    write(tmp_path / "results.jsonl", records, tail='{"key": "torn", "sta')
    with pytest.warns(UserWarning, match="not a whole JSON line"):
        path = summarize(tmp_path)
    summary = path.read_text()

    maze = table_rows(summary, "Maze/seed")
    assert list(maze) == ["dqn", "reinforce", "sb3-dqn", "sb3-ppo"]  # hand-written first
    dqn = maze["dqn"]
    # seeds 0, 1 and the retried 3: wins 1, 0, 1
    assert dqn[1:3] == ["3", "3,000"]
    low, high = bootstrap_ci([1.0, 0.0, 1.0])
    assert dqn[3] == f"0.667 [{low:.3f}, {high:.3f}]" and low == 0.0 and high == 1.0
    assert dqn[4] == "0.000 (seed 1)"  # the worst seed
    assert dqn[5] == "0.800"  # optimality, mean of 0.8, 0.6, 1.0
    assert dqn[6] == "1,500 (2/3)"  # solved at 2000 (seed 0) and 1000 (seed 3)
    assert dqn[7] == f"{np.mean([3000 / 300, 3000 / 100, 3000 / 200]):.1f}"  # train time (s)
    assert dqn[8] == "200.0"  # steps/s, mean of 300, 100, 200
    assert dqn[9] == "—"  # no record says where its settings come from
    assert dqn[10] == f"{(2 / 3) / 0.5:.2f}×" and dqn[11] == "2.00×"  # against sb3-dqn, its counterpart
    assert maze["reinforce"][10:12] == ["2.00×", "8.00×"]  # against sb3-ppo, its counterpart: 0.4 / 0.2, 400 / 50
    sb3 = maze["sb3-dqn"]
    assert sb3[3] == "0.500 [0.500, 0.500]" and sb3[6] == "not solved" and sb3[10] == "—"
    assert "sb3-dqn reached the mark (1) at no evaluation point of any seed" in summary
    assert maze["sb3-ppo"][1] == "1" and maze["sb3-ppo"][3] == "0.200 [0.200, 0.200]"
    assert (
        "each hand-written agent ÷ its SB3 counterpart of the same family (dqn ÷ sb3-dqn, reinforce ÷ sb3-ppo)"
        in summary
    )

    bandit = table_rows(summary, "Bandit")
    ucb = bandit["bandit-ucb"]  # no second metric here, so one column fewer
    assert ucb[3] == "10.0 [10.0, 10.0]" and ucb[5] == "3,000"  # first at or below 15 at 3000 steps
    assert len(ucb) == 9  # SB3 has no bandit algorithm: no ratio columns
    assert "÷" not in summary.split("## Bandit\n", 1)[1].split("\n## ", 1)[0]

    failed = summary.split("## Failed runs", 1)[1]
    assert "| Maze/seed | dqn | 2 | ValueError: boom |" in failed
    assert "flaky" not in failed
    assert "10 runs (9 ok, 1 failed)" in summary and "box (Test CPU, 2 CPUs)" in summary
    for name in ("Maze_seed", "Bandit"):
        png = tmp_path / "curves" / f"{name}.png"
        assert png.read_bytes()[:4] == b"\x89PNG"
        assert f"](curves/{name}.png)" in summary


def test_bootstrap_interval_brackets_the_mean_and_is_repeatable():
    values = [0.1, 0.4, 0.35, 0.8, 0.55]
    low, high = bootstrap_ci(values)
    assert low < np.mean(values) < high
    assert min(values) <= low and high <= max(values)
    assert bootstrap_ci(values) == (low, high)
    assert bootstrap_ci([2.0]) == (2.0, 2.0)


def test_summarize_cli(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no results.jsonl" in capsys.readouterr().err
    write(tmp_path / "results.jsonl", [record("qlearning", 0, [0.5, 1.0], 10.0)])
    assert main([str(tmp_path), "--no-plots"]) == 0
    assert "| qlearning | 1 | 2,000 | 1.000 [1.000, 1.000]" in capsys.readouterr().out
    assert not (tmp_path / "curves").exists()
    assert len(read_results(tmp_path)) == 1


def test_one_agent_with_two_hyperparameter_sets_gets_two_rows(tmp_path):
    old, new = record("dqn", 0, [0.0, 0.5], 10.0), record("dqn", 0, [1.0, 1.0], 10.0)
    old["hyperparameters"], new["hyperparameters"] = {"lr": 0.01, "gamma": 0.9}, {"lr": 0.001, "gamma": 0.9}
    new["key"] = "changed-defaults"
    write(tmp_path / "results.jsonl", [old, new])
    summary = summarize(tmp_path, plots=False).read_text()
    rows = table_rows(summary, "Maze/seed")
    assert rows["dqn #1"][3] == "1.000 [1.000, 1.000]" and rows["dqn #2"][3] == "0.500 [0.500, 0.500]"
    assert "dqn #1: lr=0.001; dqn #2: lr=0.01" in summary


def test_summary_counts_only_the_runs_of_the_current_plan(tmp_path):
    from rldojo.bench.store import write_plan

    old = record("dqn", 0, [0.0, 0.0], 100.0)  # superseded: a run of settings since changed
    old["key"] = "old-dqn-0"
    current = [record("dqn", 0, [0.0, 1.0], 100.0), record("dqn", 1, [1.0, 1.0], 100.0)]
    current[0]["hyperparameters"] = current[1]["hyperparameters"] = {"learning_rate": 0.1}
    write(tmp_path / "results.jsonl", [old, *current])
    # without a plan every run counts, and the old settings make a second row
    summary = summarize(tmp_path, plots=False).read_text()
    assert "3 runs (3 ok, 0 failed)" in summary and "dqn #2" in summary

    write_plan(tmp_path, "quick", [0, 1], [r["key"] for r in current], "2026-11-25T07:00:00+00:00")
    summary = summarize(tmp_path, plots=False).read_text()
    assert "2 runs (2 ok, 0 failed)" in summary
    assert "2 planned, seeds 0, 1; 1 superseded record in the file not counted" in summary
    rows = table_rows(summary, "Maze/seed")
    assert list(rows) == ["dqn"] and rows["dqn"][1] == "2"  # one row, two seeds
    assert rows["dqn"][3].startswith("1.000 [1.000, 1.000]")
    assert len(read_results(tmp_path)) == 3  # the superseded record stays in the file


def test_worst_seed_sits_beside_the_mean(tmp_path):
    records = [record("dqn", 0, [1.0], 100.0), record("dqn", 1, [0.25], 100.0), record("dqn", 2, [0.5], 100.0)]
    write(tmp_path / "results.jsonl", records)
    rows = table_rows(summarize(tmp_path, plots=False).read_text(), "Maze/seed")
    assert rows["dqn"][3].startswith("0.583 [") and rows["dqn"][4] == "0.250 (seed 1)"
    for r in records:
        r["higher_is_better"] = False
    write(tmp_path / "results.jsonl", records)
    rows = table_rows(summarize(tmp_path, plots=False).read_text(), "Maze/seed")
    assert rows["dqn"][4] == "1.000 (seed 0)"  # lower is better: the highest is the worst


def test_a_rerun_after_a_change_supersedes_the_old_records(tmp_path):
    import benchtiny

    from rldojo.bench import runner
    from rldojo.bench.store import read_plan

    def run(budget, envs=None):
        return runner.run_suite(
            benchtiny.tiny_entries(budget=budget),
            "quick",
            2,
            tmp_path,
            workers=0,
            envs=envs,
            progress=False,
            summarize=False,
            log=lambda s: None,
        )

    assert run(300).finished == 6
    report = run(400, envs=["Lake/b"])  # a partial rerun after the budgets changed: Lake/b only
    assert report.finished == 2
    plan = read_plan(tmp_path)
    assert len(plan["keys"]) == 6 and plan["seeds"] == [0, 1]  # the whole suite's plan at the new budgets
    assert len(read_results(tmp_path)) == 8  # nothing is deleted
    summary = summarize(tmp_path, plots=False).read_text()
    assert "2 runs (2 ok, 0 failed)" in summary and "6 superseded records in the file not counted" in summary
    assert "## Lake/a" not in summary  # its runs are of the old budgets: not yet rerun, not counted


def test_an_agent_whose_counterpart_did_not_run_has_no_ratio_and_the_note_says_why(tmp_path):
    records = [
        record("dqn", 0, [0.0, 1.0], 200.0, counterpart="sb3-dqn"),
        record("ppo", 0, [0.5, 0.5], 400.0, counterpart="sb3-ppo"),  # no sb3-ppo run in this file
        record("lin", 0, [0.5, 1.0], 800.0),  # no counterpart at all
        record("sb3-dqn", 0, [0.5, 0.5], 100.0),
    ]
    write(tmp_path / "results.jsonl", records)
    summary = summarize(tmp_path, plots=False).read_text()
    rows = table_rows(summary, "Maze/seed")
    assert rows["dqn"][-2:] == ["2.00×", "2.00×"]
    assert rows["ppo"][-2:] == ["—", "—"] and rows["lin"][-2:] == ["—", "—"]
    assert "(dqn ÷ sb3-dqn)" in summary
    assert "No SB3 agent is of the family of lin: no ratio." in summary
    assert "No run of the counterpart of ppo (sb3-ppo) is in this table: no ratio." in summary


def test_a_ratio_to_a_negative_score_is_not_printed_and_the_note_names_the_tuning(tmp_path):
    # Taxi in miniature: Q-learning earns 7.5, SB3's DQN never delivers (-200) after its tuning study.
    records = [record("qlearning", 0, [-50.0, 7.5], 10_000.0, solved_at=7.0, counterpart="sb3-dqn")]
    records.append(record("sb3-dqn", 0, [-200.0, -200.0], 200.0, solved_at=7.0))
    records[1]["settings"] = "Optuna study: 4 trials x 30,000 steps (2026-12-02)"
    write(tmp_path / "results.jsonl", records)
    summary = summarize(tmp_path, plots=False).read_text()
    qlearning = table_rows(summary, "Maze/seed")["qlearning"]
    assert qlearning[-2:] == ["—", "50.00×"]  # no ratio of returns; the speed ratio stays
    assert "A ratio of win needs two positive means, so none for qlearning (7.500 against -200.0)." in summary
    assert (
        "sb3-dqn reached the mark (7) at no evaluation point of any seed; its settings are the winner of an "
        "Optuna study of 4 trials x 30,000 steps (2026-12-02), the tuning it was given." in summary
    )
