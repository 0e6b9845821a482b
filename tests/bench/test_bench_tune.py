"""Tuning studies end to end on a tiny entry, and the SB3 settings copied from rl-zoo3 against its files."""

import ast

import benchtiny
import pytest

from rldojo.baselines import hyperparams
from rldojo.bench import tune


def tiny_space(trial):
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.1, 1.0),
        "epsilon": trial.suggest_float("eps", 0.05, 0.5),
    }


def test_a_tiny_study_runs_end_to_end_and_writes_its_best_settings(tmp_path, monkeypatch):
    pytest.importorskip("optuna")
    monkeypatch.setitem(tune.SPACES, "benchtiny:TinyQ", (tiny_space, {"eps": "epsilon"}))
    entries = benchtiny.tiny_entries(budget=300)[1:]  # Lake/b: one TinyQ agent
    result = tune.run_study(
        "Lake/b", "benchtiny:TinyQ", trials=3, budget=300, seeds=[0, 1], entries=entries, log=lambda s: None
    )
    assert len(result.values) == 3 and all(v is not None for v in result.values)
    assert result.study["best_value"] == max(result.values)  # success: higher is better
    assert set(result.params) == {"learning_rate", "epsilon"}  # in the agent's own names
    assert 0.05 <= result.params["epsilon"] <= 0.5
    assert result.study | {"date": "?", "best_value": 0} == {
        "entry": "Lake/b",
        "trials": 3,
        "budget": 300,
        "seeds": [0, 1],
        "sampler": "optuna.samplers.TPESampler(seed=0)",
        "objective": "maximize the mean over the seeds of success (benchtiny:lake_metric)",
        "best_value": 0,
        "date": "?",
        "optuna": result.study["optuna"],
    }
    # the same arguments give the same trials: the same sampler and seeds for every agent studied
    again = tune.run_study(
        "Lake/b", "benchtiny:TinyQ", trials=3, budget=300, seeds=[0, 1], entries=entries, log=lambda s: None
    )
    assert again.params == result.params and again.values == result.values

    path = tmp_path / "tuned.py"
    path.write_text('"""Winners."""\n\nSTUDIES = {}\n')
    tune.write_study(result, path)
    text = path.read_text()
    ast.parse(text)
    assert "# Optuna study: Lake/b, benchtiny:TinyQ; 3 trials x 300 env steps on seeds 0, 1;" in text
    namespace = {}
    exec(text, namespace)
    assert namespace["STUDIES"][("FrozenLake-v1", "benchtiny:TinyQ")]["params"] == result.params
    assert namespace["__doc__"].strip() == "Winners."


def test_a_study_refuses_an_unknown_agent_or_entry():
    with pytest.raises(ValueError, match="no search space for 'nope'"):
        tune.run_study("Taxi", "nope", trials=1)
    with pytest.raises(ValueError, match="no entry named 'Nowhere' has the agent 'dqn'"):
        tune.run_study("Nowhere", "dqn", trials=1)


def test_a_study_winner_is_laid_over_the_family_defaults(monkeypatch):
    study = {"study": {"trials": 4, "budget": 30_000, "date": "2026-12-01"}, "params": {"learning_rate": 0.7}}
    monkeypatch.setitem(hyperparams.studies(), ("Taxi-v4", "qlearning"), study)
    settings = hyperparams.defaults("Taxi-v4", "qlearning")
    assert settings["learning_rate"] == 0.7 and settings["gamma"] == 0.99  # the rest from value_agents.py
    assert hyperparams.source("Taxi-v4", "qlearning") == "Optuna study: 4 trials x 30,000 steps (2026-12-01)"


def test_sb3_settings_copied_from_rl_zoo3_equal_its_files():
    import importlib.util
    from importlib.metadata import version
    from pathlib import Path

    # Find the package without importing it: importing rl_zoo3 patches Gymnasium's TimeLimit for
    # the whole process (rl_zoo3/gym_patches.py), which would change every later test in this worker.
    spec = importlib.util.find_spec("rl_zoo3")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("rl_zoo3 is not installed")
    yaml = pytest.importorskip("yaml")
    assert f"rl_zoo3 {version('rl_zoo3')}" == hyperparams.ZOO_VERSION
    folder = Path(next(iter(spec.submodule_search_locations)))
    for (env_id, agent), file in hyperparams.ZOO.items():
        zoo = dict(yaml.safe_load((folder / file).read_text())[env_id])
        zoo.pop("n_timesteps"), zoo.pop("policy")
        if "policy_kwargs" in zoo:  # rl-zoo3 writes it as Python source: "dict(net_arch=[256, 256])"
            zoo["policy_kwargs"] = eval(zoo["policy_kwargs"], {"dict": dict})
        ours = hyperparams.defaults(env_id, agent)
        if agent.startswith("sb3-"):
            assert ours == zoo, (env_id, agent)
        else:  # our PPO spells rl-zoo3's linear schedules as anneal flags
            translated = {k: v for k, v in zoo.items() if k not in ("learning_rate", "clip_range")}
            assert {k: ours[k] for k in translated} == translated
            assert ours["learning_rate"] == float(zoo["learning_rate"].removeprefix("lin_")) and ours["anneal_lr"]
            assert ours["clip_epsilon"] == float(zoo["clip_range"].removeprefix("lin_")) and ours["anneal_clip"]
