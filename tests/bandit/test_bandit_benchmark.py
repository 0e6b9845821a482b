"""The bandit benchmark pieces: the suite entry and its metric, the default hyperparameters, the testbed plots."""

import json

import gymnasium as gym
import numpy as np
import pytest

from benchmarks import bandit_testbed
from rldojo.baselines import AGENTS, make_agent
from rldojo.baselines.hyperparams import defaults
from rldojo.baselines.hyperparams.bandit import HYPERPARAMS
from rldojo.bench.entries.bandit import ENTRIES, bandit_metrics
from rldojo.envs.bandit.env import BanditEnv


def test_entry_names_registered_agents_and_a_lower_is_better_regret():
    (entry,) = ENTRIES
    assert entry.env_id == "Bandit-v0" and entry.headline == "regret_per_step" and not entry.higher_is_better
    names = [spec.agent for spec in entry.agents]
    assert set(names) == {
        "bandit-epsilon-greedy",
        "bandit-ucb",
        "bandit-thompson",
        "bandit-gradient",
        "sb3-ppo",
        "sb3-dqn",
    }
    assert all(name in AGENTS for name in names)
    gym.make(entry.env_id, **entry.env_kwargs)  # the kwargs are valid


@pytest.mark.parametrize("name", ["bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson", "bandit-gradient"])
def test_default_hyperparameters_build_the_agents(name):
    assert ("Bandit-v0", name) in HYPERPARAMS
    make_agent(name, gym.make("Bandit-v0"), **defaults("Bandit-v0", name))


def test_metric_reads_the_regret_paid_while_learning():
    (entry,) = ENTRIES
    kwargs = entry.env_kwargs
    env = gym.make("Bandit-v0", **kwargs)
    agent = make_agent("bandit-epsilon-greedy", env, seed=0, epsilon=1.0).learn(1_000)
    values = env.unwrapped.values
    random_play = bandit_metrics(agent, "Bandit-v0", kwargs, seed=0)
    # epsilon = 1 pulls uniformly: the last 200 pulls' regret is near max - mean, 10% of them the best
    assert random_play["regret_per_step"] == pytest.approx(values.max() - values.mean(), abs=0.25)
    assert 0 < random_play["percent_optimal"] < 25
    assert random_play["cumulative_regret"] == pytest.approx(env.unwrapped.total_regret)
    assert random_play["cumulative_regret"] == pytest.approx(sum(env.unwrapped.regret_history))

    agent = make_agent("bandit-ucb", gym.make("Bandit-v0", **kwargs), seed=0, c=1.0).learn(2_000)
    good = bandit_metrics(agent, "Bandit-v0", kwargs, seed=0)
    assert good["greedy_regret_per_step"] == 0.0
    assert good["regret_per_step"] < 0.3 * random_play["regret_per_step"] and good["percent_optimal"] > 70

    def worst_arm(obs, deterministic=True):
        return np.array(int(values.argmin())), None

    worst_arm.predict = worst_arm  # anything with predict will do; it has no training env
    bad = bandit_metrics(worst_arm, "Bandit-v0", kwargs, seed=0)
    assert bad["greedy_regret_per_step"] == pytest.approx(values.max() - values.min())
    assert bad["regret_per_step"] is None and bad["percent_optimal"] is None


def test_env_keeps_the_pull_history_across_episodes():
    env = BanditEnv(k=3, horizon=4)
    env.reset(seed=0, options={"values": [0.0, 1.0, 0.5]})
    for arm in (0, 1, 2, 1):
        env.step(arm)
    env.reset(options={"values": [0.0, 1.0, 0.5]})
    env.step(2)
    assert env.total_pulls == 5 and env.total_regret == pytest.approx(2.0)
    assert list(env.regret_history) == pytest.approx([1.0, 0.0, 0.5, 0.0, 0.5])
    assert list(env.optimal_history) == [False, True, False, True, False]


def test_make_plots_writes_the_pngs_and_a_summary(tmp_path):
    report = bandit_testbed.make_plots(tmp_path, n_problems=4, n_steps=20, nonstationary_steps=30)
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["testbed_bernoulli_regret.png", "testbed_nonstationary.png", "testbed_stationary.png"]
    assert all((tmp_path / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
    summary = json.loads((tmp_path / "testbed_summary.json").read_text())
    assert summary["summary"]["nonstationary"]["window"] == [27, 30]
    assert set(summary["summary"]["stationary"]["strategies"]) == set(bandit_testbed.STATIONARY)
    assert "% optimal" in bandit_testbed.format_table(report)
