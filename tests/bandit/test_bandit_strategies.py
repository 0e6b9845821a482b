"""The bandit strategies: the testbed's textbook results, learning on Bandit-v0, checkpoints, errors."""

import gymnasium as gym
import numpy as np
import pytest

import rldojo.baselines.bandits as bandits  # a module import: pytest would collect a bare `testbed`
from rldojo.baselines import load_agent, make_agent

AGENT_NAMES = ["bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson", "bandit-gradient"]


# ---------------------------------------------------------------- the testbed's claims


def test_ucb_beats_epsilon_greedy_on_the_10_armed_testbed():
    result = bandits.testbed(
        {"epsilon-greedy": ("bandit-epsilon-greedy", {"epsilon": 0.1}), "UCB": ("bandit-ucb", {"c": 2.0})},
        n_problems=400,
        n_steps=1000,
        seed=0,
    )
    ucb = result.window_mean("average_reward", "UCB", 200, 1000)
    greedy = result.window_mean("average_reward", "epsilon-greedy", 200, 1000)
    assert ucb > greedy + 0.04, (ucb, greedy)
    # and the textbook's levels: about 1.35 for epsilon = 0.1, 1.45 for UCB
    assert 1.25 < greedy < 1.45 and 1.35 < ucb < 1.55


def test_constant_step_size_beats_sample_averages_when_the_problem_drifts():
    result = bandits.testbed(
        {
            "sample averages": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
            "alpha 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1, "alpha": 0.1}),
        },
        n_problems=100,
        n_steps=10_000,
        nonstationary=True,
        seed=0,
    )
    constant = result.window_mean("percent_optimal", "alpha 0.1", 9_000, 10_000)
    averages = result.window_mean("percent_optimal", "sample averages", 9_000, 10_000)
    assert constant > averages + 10, (constant, averages)


def test_thompson_sampling_regret_grows_sublinearly_on_bernoulli_arms():
    result = bandits.testbed({"thompson": "bandit-thompson"}, n_problems=200, n_steps=2000, arms="bernoulli", seed=0)
    regret = result.regret["thompson"]
    first, second = regret[:1000].sum(), regret[1000:].sum()
    assert second < 0.4 * first, (first, second)
    assert result.percent_optimal["thompson"][-200:].mean() > 80


def test_optimistic_initial_values_make_a_greedy_agent_explore():
    result = bandits.testbed(
        {
            "realistic": ("bandit-epsilon-greedy", {"epsilon": 0.0, "alpha": 0.1}),
            "optimistic": ("bandit-epsilon-greedy", {"epsilon": 0.0, "alpha": 0.1, "initial_value": 5.0}),
        },
        n_problems=300,
        n_steps=500,
        seed=1,
    )
    assert (
        result.window_mean("percent_optimal", "optimistic", 400)
        > result.window_mean("percent_optimal", "realistic", 400) + 20
    )


def test_gradient_bandit_learns_and_its_baseline_helps_when_rewards_are_offset():
    # Sutton & Barto's figure 2.5: true values around +4, where a zero baseline misleads
    bandit_values = np.random.default_rng(0).standard_normal((200, 10)) + 4.0
    rule_with = bandits.make_rule(("bandit-gradient", {"alpha": 0.1}), 200, 10)
    rule_without = bandits.make_rule(("bandit-gradient", {"alpha": 0.1, "use_baseline": False}), 200, 10)
    rows = np.arange(200)
    scores = []
    for rule in (rule_with, rule_without):
        rng = np.random.default_rng(1)
        hits = 0
        for step in range(600):
            arms = rule.choose(rng)
            rule.update(arms, bandit_values[rows, arms] + rng.standard_normal(200))
            hits += (arms == bandit_values.argmax(axis=1)).sum() if step >= 400 else 0
        scores.append(hits / (200 * 200))
    assert scores[0] > 0.6 and scores[0] > scores[1] + 0.15, scores


def test_the_testbed_is_reproducible_and_all_strategies_meet_the_same_problems():
    spec = {"a": ("bandit-ucb", {"c": 1.0}), "b": ("bandit-ucb", {"c": 1.0})}
    first = bandits.testbed(spec, n_problems=20, n_steps=50, seed=3)
    again = bandits.testbed(spec, n_problems=20, n_steps=50, seed=3)
    np.testing.assert_array_equal(first.average_reward["a"], first.average_reward["b"])
    np.testing.assert_array_equal(first.percent_optimal["a"], again.percent_optimal["a"])
    other = bandits.testbed(spec, n_problems=20, n_steps=50, seed=4)
    assert not np.array_equal(first.average_reward["a"], other.average_reward["a"])


# ---------------------------------------------------------------- the agents on Bandit-v0


@pytest.mark.parametrize("name", AGENT_NAMES)
@pytest.mark.parametrize("problem_seed", [0, 2])  # gaps of 0.36 and 0.66 between the top two arms
def test_agents_find_the_best_arm_of_a_fixed_problem(name, problem_seed):
    env = gym.make("Bandit-v0", problem_seed=problem_seed, horizon=500)
    agent = make_agent(name, env, seed=0).learn(1_500)
    best = int(env.unwrapped.values.argmax())
    assert agent.predict(np.zeros(1, dtype=np.float32))[0] == best
    returns = [row["return"] for row in agent.episodes.rows]
    # the last episode earns well above what a random arm would (the mean true value)
    assert returns[-1] / 500 > env.unwrapped.values.mean() + 0.6 * (
        env.unwrapped.values.max() - env.unwrapped.values.mean()
    )


@pytest.mark.parametrize("name", AGENT_NAMES)
def test_agents_forget_when_a_reset_brings_a_new_problem(name):
    agent = make_agent(name, gym.make("Bandit-v0", horizon=200), seed=0).learn(500)
    assert agent.rule.t == 100  # 500 = 200 + 200 + 100 pulls, the last 100 on the third problem
    kept = make_agent(name, gym.make("Bandit-v0", horizon=200, problem_seed=0), seed=0).learn(500)
    assert kept.rule.t == 500


def test_thompson_picks_its_prior_from_the_arms():
    assert make_agent("bandit-thompson", gym.make("Bandit-v0", arms="bernoulli")).rule.prior == "beta"
    assert make_agent("bandit-thompson", gym.make("Bandit-v0")).rule.prior == "gaussian"


@pytest.mark.parametrize("name", AGENT_NAMES)
def test_save_and_load_keep_what_was_learned(name, tmp_path):
    env = gym.make("Bandit-v0", k=6, problem_seed=2, horizon=100)
    agent = make_agent(name, env, seed=1).learn(150)
    path = agent.save(tmp_path / "bandit.pt")
    loaded = load_agent(path)
    assert type(loaded) is type(agent) and loaded.hyperparameters == agent.hyperparameters
    np.testing.assert_array_equal(loaded.estimates, agent.estimates)
    assert loaded.rule.t == agent.rule.t == 150  # one fixed problem: nothing forgotten
    obs = np.zeros((3, 1), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict(obs)[0], agent.predict(obs)[0])
    with pytest.raises(ValueError, match="action_space"):
        type(agent).load(path, env=gym.make("Bandit-v0", k=7))
    # a fresh env of the same problem: learning goes on from where it stopped
    assert loaded.learn(30).rule.t == 180
    # another problem: it starts afresh
    other = type(agent).load(path, env=gym.make("Bandit-v0", k=6, problem_seed=3, horizon=100))
    assert other.learn(30).rule.t == 30


def test_stochastic_predict_explores_without_learning():
    agent = make_agent("bandit-epsilon-greedy", gym.make("Bandit-v0", problem_seed=0), seed=0, epsilon=1.0)
    agent.learn(50)
    before = agent.estimates
    actions, _ = agent.predict(np.zeros((400, 1), dtype=np.float32), deterministic=False)
    assert len(set(actions.tolist())) == 10  # epsilon = 1: every arm turns up
    np.testing.assert_array_equal(agent.estimates, before)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("bandit-epsilon-greedy", {"epsilon": 1.5}, "epsilon must be a number in \\[0, 1\\]"),
        (
            "bandit-epsilon-greedy",
            {"alpha": 0.0},
            "alpha must be None or a number in \\(0, 1\\]",
        ),
        ("bandit-ucb", {"c": -1.0}, "c must be a finite number of at least 0"),
        ("bandit-thompson", {"prior": "dirichlet"}, "prior must be one of 'auto', 'gaussian', 'beta'"),
        ("bandit-thompson", {"noise_std": 0.0}, "noise_std must be a finite number greater than 0"),
        ("bandit-gradient", {"alpha": -0.1}, "alpha must be a finite number greater than 0"),
        ("bandit-gradient", {"baseline_alpha": 2.0}, "baseline_alpha must be None"),
        ("bandit-ucb", {"epsilon": 0.1}, "UCB has no hyperparameter 'epsilon'"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_agent(name, gym.make("Bandit-v0"), **kwargs)


def test_bandit_agents_need_a_discrete_action_space():
    with pytest.raises(ValueError, match="needs a Bandit-v0 env"):
        make_agent("bandit-ucb", gym.make("Pendulum-v1"))


def test_beta_prior_refuses_rewards_outside_the_unit_interval():
    agent = make_agent("bandit-thompson", gym.make("Bandit-v0", problem_seed=0), seed=0, prior="beta")
    with pytest.raises(ValueError, match="beta prior needs rewards in \\[0, 1\\]"):
        agent.learn(100)


@pytest.mark.parametrize(
    "strategies, kwargs, message",
    [
        ({}, {}, "strategies must be a non-empty dict"),
        ({"x": "ucb"}, {}, "unknown bandit strategy 'ucb'; the strategies are bandit-epsilon-greedy"),
        ({"x": ("bandit-ucb", {"alpha": 0.1, "eps": 1})}, {}, "UCB has no hyperparameter 'eps'"),
        ({"x": 3}, {}, "a strategy is a bandit agent name"),
        ({"x": "bandit-ucb"}, {"arms": "cauchy"}, "arms must be one of"),
        ({"x": "bandit-ucb"}, {"n_steps": 0}, "n_steps must be a positive integer"),
        ({"x": "bandit-ucb"}, {"n_problems": 0}, "n_problems must be a positive integer"),
    ],
)
def test_testbed_rejects_bad_arguments(strategies, kwargs, message):
    with pytest.raises(ValueError, match=message):
        bandits.testbed(strategies, **{"n_problems": 5, "n_steps": 5, **kwargs})


def test_window_mean_names_what_is_wrong():
    result = bandits.testbed({"u": "bandit-ucb"}, n_problems=5, n_steps=5)
    with pytest.raises(ValueError, match="metric must be one of"):
        result.window_mean("reward", "u")
    with pytest.raises(ValueError, match="no strategy labelled 'v'"):
        result.window_mean("regret", "v")
