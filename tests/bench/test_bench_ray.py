"""The Ray backend gives the same results as the local pool on the tiny suite (CI runs this on a local Ray)."""

import benchtiny
import pytest

from rldojo.bench import runner
from rldojo.bench.store import read_results

ray = pytest.importorskip("ray")


def by_key(path):
    return {r["key"]: r for r in read_results(path / "results.jsonl")}


def test_ray_backend_matches_the_local_one(tmp_path):
    entries = benchtiny.tiny_entries(failing=True, budget=400)
    local = runner.run_suite(
        entries, "quick", 1, tmp_path / "local", workers=0, progress=False, summarize=False, log=lambda s: None
    )
    # Ray's workers import rldojo as installed, and benchtiny by name from its folder
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(benchtiny.HERE)}},
    )
    try:
        remote = runner.run_suite(
            entries,
            "quick",
            1,
            tmp_path / "ray",
            workers=2,
            ray_address="local",
            progress=False,
            summarize=False,
            log=lambda s: None,
        )
    finally:
        ray.shutdown()
    assert (remote.finished, remote.failed) == (local.finished, local.failed) == (4, 1)
    ours, theirs = by_key(tmp_path / "local"), by_key(tmp_path / "ray")
    assert set(ours) == set(theirs)
    for key, record in ours.items():
        other = theirs[key]
        assert other["pid"] != record["pid"]  # it really ran elsewhere
        for field in ("status", "env_steps", "metrics", "hyperparameters", "seed", "budget"):
            assert other[field] == record[field], field
        assert [p["metrics"] for p in other["curve"]] == [p["metrics"] for p in record["curve"]]
    assert any(r["metrics"].get("success") == 1.0 for r in ours.values())
