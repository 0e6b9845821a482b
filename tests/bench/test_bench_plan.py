"""Planning a suite: run keys, hyperparameters resolved, entries and agents filtered."""

import benchtiny
import pytest

from rldojo.bench import plan


def test_run_key_is_stable_and_tells_runs_apart():
    key = plan.run_key(
        "Lake/a",
        "FrozenLake-v1",
        {"map_name": "4x4", "is_slippery": False},
        "dqn",
        {"lr": 0.001, "net": (64, 64)},
        0,
        1000,
    )
    # the same run written another way (dict order, tuple or list) has the same key
    assert key == plan.run_key(
        "Lake/a",
        "FrozenLake-v1",
        {"is_slippery": False, "map_name": "4x4"},
        "dqn",
        {"net": [64, 64], "lr": 0.001},
        0,
        1000,
    )
    others = {
        plan.run_key("Lake/b", "FrozenLake-v1", {}, "dqn", {}, 0, 1000),
        plan.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {}, 1, 1000),
        plan.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {}, 0, 2000),
        plan.run_key("Lake/a", "FrozenLake-v1", {}, "ppo", {}, 0, 1000),
        plan.run_key("Lake/a", "FrozenLake-v1", {}, "dqn", {"lr": 0.01}, 0, 1000),
    }
    assert len(others) == 5 and key not in others


def test_plan_resolves_hyperparameters_and_filters(monkeypatch):
    from rldojo.baselines import hyperparams

    monkeypatch.setattr(hyperparams, "_CACHE", {("FrozenLake-v1", "benchtiny:TinyQ"): {"gamma": 0.9, "epsilon": 0.2}})
    entries = benchtiny.tiny_entries(failing=True)
    runs = plan.plan_runs(entries, "quick", seeds=2)
    assert len(runs) == (3 + 1) * 2
    first = runs[0]
    # the shared default, overridden by the AgentSpec's agent_kwargs where both name a field
    assert first.hyperparameters == {"gamma": 0.9, "epsilon": 0.2, "sleep": 0.0}
    assert runs[2].hyperparameters["epsilon"] == 0.5
    assert [r.budget for r in runs[:2]] == [600, 600]
    assert len(plan.plan_runs(entries, "full", seeds=[3])) == 4
    assert {r.label for r in plan.plan_runs(entries, "quick", 1, envs=["Lake/b"])} == {"Lake/b"}
    assert len(plan.plan_runs(entries, "quick", 1, envs=["FrozenLake-v1"])) == 4  # an env id keeps its entries
    with pytest.raises(ValueError, match=r"unknown 'Maze-v9'.*Lake/a"):
        plan.plan_runs(entries, "quick", 1, envs=["Maze-v9"])
    with pytest.raises(ValueError, match="unknown 'sb3-ppo'"):
        plan.plan_runs(entries, "quick", 1, agents=["sb3-ppo"])
    with pytest.raises(ValueError, match="suite"):
        plan.plan_runs(entries, "huge", 1)
