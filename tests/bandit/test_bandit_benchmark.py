"""The bandit benchmark pieces: the suite entry and its metric, the default hyperparameters, the testbed plots."""

import json

import gymnasium as gym
import numpy as np
import pytest

from benchmarks import bandit_testbed
from benchmarks.entries.bandit import ENTRIES, bandit_metrics
from rldojo.baselines.core import AGENTS, make_agent
from rldojo.baselines.hyperparams import defaults
from rldojo.baselines.hyperparams.bandit import HYPERPARAMS


def test_entry_names_registered_agents_and_a_lower_is_better_regret():
    (entry,) = ENTRIES
    assert entry.env_id == "Bandit-v0" and entry.headline == "regret_per_step" and not entry.higher_is_better
    names = [spec.agent for spec in entry.agents]
    assert set(names) == {"bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson", "bandit-gradient",
                          "sb3-ppo", "sb3-dqn"}
    assert all(name in AGENTS for name in names)
    gym.make(entry.env_id, **entry.env_kwargs)  # the kwargs are valid


@pytest.mark.parametrize("name", ["bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson", "bandit-gradient"])
def test_default_hyperparameters_build_the_agents(name):
    assert ("Bandit-v0", name) in HYPERPARAMS
    make_agent(name, gym.make("Bandit-v0"), **defaults("Bandit-v0", name))


def test_metric_scores_training_regret_and_the_greedy_choice():
    (entry,) = ENTRIES
    kwargs = entry.env_kwargs
    env = gym.make("Bandit-v0", **kwargs)
    values = env.unwrapped.reset()[0] is not None and env.unwrapped.values
    agent = make_agent("bandit-epsilon-greedy", env, seed=0, epsilon=1.0).learn(5_000)
    random_play = bandit_metrics(agent, "Bandit-v0", kwargs, seed=0)
    # epsilon = 1 pulls uniformly: the realised regret over the last 1,000 pulls is near max - mean
    assert random_play["regret_per_step"] == pytest.approx(values.max() - values.mean(), abs=0.2)
    agent = make_agent("bandit-ucb", gym.make("Bandit-v0", **kwargs), seed=0, c=1.0).learn(2_000)
    good = bandit_metrics(agent, "Bandit-v0", kwargs, seed=0)
    assert good["greedy_regret_per_step"] == 0.0 and good["percent_optimal"] == 100.0
    assert good["regret_per_step"] < 0.5 * random_play["regret_per_step"]

    def worst_arm(obs, deterministic=True):
        return np.array(int(values.argmin())), None

    worst_arm.predict = worst_arm  # anything with predict will do; it has no training log
    bad = bandit_metrics(worst_arm, "Bandit-v0", kwargs, seed=0)
    assert bad["greedy_regret_per_step"] == pytest.approx(values.max() - values.min())
    assert bad["percent_optimal"] == 0.0 and bad["regret_per_step"] is None
    fresh_problems = {k: v for k, v in kwargs.items() if k != "problem_seed"}
    assert bandit_metrics(agent, "Bandit-v0", fresh_problems, seed=0)["regret_per_step"] is None


def test_make_plots_writes_the_pngs_and_a_summary(tmp_path):
    report = bandit_testbed.make_plots(tmp_path, n_problems=4, n_steps=20, nonstationary_steps=30)
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["testbed_bernoulli_regret.png", "testbed_nonstationary.png", "testbed_stationary.png"]
    assert all((tmp_path / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
    summary = json.loads((tmp_path / "testbed_summary.json").read_text())
    assert summary["summary"]["nonstationary"]["window"] == [27, 30]
    assert set(summary["summary"]["stationary"]["strategies"]) == set(bandit_testbed.STATIONARY)
    assert "% optimal" in bandit_testbed.format_table(report)
