"""LinUCB and linear Thompson sampling: the ridge update, sublinear regret on a linear contextual
bandit, learning ChatbotFeedback-v0 from the oracle's scores, checkpoints, determinism, bad input."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import rldojo  # noqa: F401  (registers the envs)
from rldojo.baselines import LinearThompsonSampling, LinUCB, load_agent, make_agent
from rldojo.baselines.linear_bandits import LinUCBRule
from rldojo.envs.chatbot.evaluation import true_score_report

LINEAR_AGENTS = ["linucb", "lin-ts"]
SYNTHETIC_ID = "LinearContextualBanditTest-v0"


class LinearContextualBandit(gym.Env):
    """k arms, contexts uniform on the unit sphere in d dimensions, reward θ_aᵀx + N(0, 0.1²).

    ``regrets`` keeps, for every step, the best arm's expected reward minus the chosen arm's.
    """

    def __init__(self, dim: int = 6, k: int = 5, problem_seed: int = 0):
        self.theta = np.random.default_rng(problem_seed).standard_normal((k, dim))
        self.observation_space = spaces.Box(-1.0, 1.0, (dim,), np.float32)
        self.action_space = spaces.Discrete(k)
        self.regrets: list[float] = []

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        x = self.np_random.standard_normal(self.observation_space.shape)
        self.context = (x / np.linalg.norm(x)).astype(np.float32)
        return self.context.copy(), {}

    def step(self, action):
        means = self.theta @ self.context
        self.regrets.append(float(means.max() - means[action]))
        reward = float(means[action] + 0.1 * self.np_random.standard_normal())
        return self.context.copy(), reward, True, False, {}


if SYNTHETIC_ID not in gym.registry:
    gym.register(SYNTHETIC_ID, entry_point=LinearContextualBandit, max_episode_steps=1)


@pytest.mark.parametrize("name, kwargs", [("linucb", {"alpha": 1.0}), ("lin-ts", {"noise_std": 0.3})])
def test_regret_is_sublinear_on_a_linear_contextual_bandit(name, kwargs):
    env = gym.make(SYNTHETIC_ID)
    make_agent(name, env, seed=0, fit_intercept=False, **kwargs).learn(2000)
    regrets = np.array(env.unwrapped.regrets)
    first, second = regrets[:1000].sum(), regrets[1000:].sum()
    # A learner that never learned would pay as much in each half. Seed 0: first halves 20 (LinUCB) and 33
    # (linear TS), second halves 0.9 and 2.1, the last 500 steps 0.0006 and 0.002 a step.
    assert first > 10
    assert second < 0.2 * first, (first, second)
    assert regrets[-500:].mean() < 0.01


def test_the_sherman_morrison_update_gives_the_ridge_solution():
    class Config:
        regularization = 0.5
        alpha = 1.0

    rng = np.random.default_rng(1)
    rule = LinUCBRule(Config, k=2, dim=4)
    contexts, rewards = rng.standard_normal((300, 4)), rng.standard_normal(300)
    for x, r in zip(contexts, rewards, strict=True):
        rule.update(1, x, r)
    gram = 0.5 * np.eye(4) + contexts.T @ contexts
    np.testing.assert_allclose(rule.a_inverse[1], np.linalg.inv(gram), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rule.theta[1], np.linalg.solve(gram, contexts.T @ rewards), rtol=1e-9)
    np.testing.assert_array_equal(rule.theta[0], 0.0)  # the arm never pulled learned nothing
    assert rule.counts.tolist() == [0, 300]


def test_linucb_pulls_the_arm_with_the_highest_upper_bound():
    class Config:
        regularization = 1.0
        alpha = 2.0

    rule = LinUCBRule(Config, k=2, dim=1)
    for _ in range(100):
        rule.update(0, np.array([1.0]), 1.0)  # arm 0: well known, worth 100/101
    rule.update(1, np.array([1.0]), 0.0)  # arm 1: pulled once, estimate 0, width 1/sqrt(2)
    x = np.array([[1.0]])
    assert rule.choose(x, np.random.default_rng(0))[0] == 1  # 0 + 2/sqrt(2) > 0.99 + 2/sqrt(101)
    assert rule.greedy(x)[0] == 0


# --------------------------------------------------------------------------- ChatbotFeedback-v0


@pytest.mark.parametrize(
    "name, steps, at_least",
    [("linucb", 600, 0.72), ("lin-ts", 600, 0.70)],  # seeds 0-5 give 0.76-0.81 and 0.75-0.77
)
def test_a_small_budget_learns_the_corpus_from_the_oracle(name, steps, at_least):
    env = gym.make("ChatbotFeedback-v0", queries="text")
    agent = make_agent(name, env, seed=0).learn(steps)
    report = true_score_report(agent, env)
    # A query-blind policy scores at most 52.9% of the oracle; these must read the query.
    assert report["query_blind_score"] / report["oracle_score"] < 0.53
    assert report["score_fraction"] >= at_least, report


@pytest.mark.parametrize("name", LINEAR_AGENTS)
def test_the_course_toy_is_solved_in_a_hundred_queries(name):
    env = gym.make("ChatbotFeedback-v0")
    agent = make_agent(name, env, seed=0).learn(100)
    assert true_score_report(agent, env)["score_fraction"] == 1.0


@pytest.mark.parametrize("name", LINEAR_AGENTS)
def test_save_and_load_give_identical_predictions(name, tmp_path):
    env = gym.make("ChatbotFeedback-v0", queries="text")
    agent = make_agent(name, env, seed=3).learn(300)
    path = agent.save(tmp_path / f"{name}.pt")
    loaded = load_agent(path)
    assert type(loaded) is type(agent) and loaded.num_timesteps == 300
    observations = np.array(env.unwrapped.query_embeddings)
    np.testing.assert_array_equal(loaded.predict(observations)[0], agent.predict(observations)[0])
    np.testing.assert_array_equal(loaded.expected_rewards(observations), agent.expected_rewards(observations))
    assert loaded.hyperparameters == agent.hyperparameters


@pytest.mark.parametrize("name", LINEAR_AGENTS)
def test_a_seed_fixes_the_whole_run(name):
    def learned(seed):
        agent = make_agent(name, gym.make("ChatbotFeedback-v0", queries="text"), seed=seed).learn(200)
        return agent.rule.theta

    np.testing.assert_array_equal(learned(7), learned(7))
    assert not np.array_equal(learned(7), learned(8))


@pytest.mark.parametrize("name", LINEAR_AGENTS)
def test_exploring_predictions_respect_action_masks(name):
    env = gym.make("ChatbotFeedback-v0", queries="text")
    agent = make_agent(name, env, seed=0).learn(50)
    observations = np.array(env.unwrapped.query_embeddings[:40])
    masks = np.zeros((40, 14), dtype=bool)
    masks[:, [3, 12]] = True
    for deterministic in (True, False):
        actions, _ = agent.predict(observations, deterministic=deterministic, action_masks=masks)
        assert set(actions.tolist()) <= {3, 12}


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("cls", [LinUCB, LinearThompsonSampling])
@pytest.mark.parametrize(
    "env_id, kwargs, needs",
    [
        ("CartPole-v1", {}, "a contextual bandit, an env whose every episode is one step"),
        ("Maze-v0", {"obs_mode": "index", "max_episode_steps": 1}, "a 1-d Box observation space"),
        ("Pendulum-v1", {"max_episode_steps": 1}, "a Discrete action space"),
    ],
)
def test_an_env_that_is_not_a_contextual_bandit_is_refused_in_one_sentence(cls, env_id, kwargs, needs):
    with pytest.raises(ValueError, match=rf"^{cls.__name__} \({cls.name}\) cannot play {env_id} .*: it needs {needs}"):
        cls(gym.make(env_id, **kwargs))


def test_a_vector_env_is_refused():
    vector = gym.make_vec("ChatbotFeedback-v0", num_envs=2, vectorization_mode="sync")
    with pytest.raises(ValueError, match=r"LinUCB \(linucb\) cannot play .*: it needs a single env"):
        LinUCB(vector)


@pytest.mark.parametrize("name", LINEAR_AGENTS)
def test_predict_refuses_an_observation_of_another_length(name):
    agent = make_agent(name, gym.make("ChatbotFeedback-v0", queries="text"), seed=0)
    with pytest.raises(ValueError, match=r"expects a numeric observation of shape \(128,\)"):
        agent.predict(np.zeros(8, dtype=np.float32))
    with pytest.raises(ValueError, match=r"expects a numeric observation of shape \(128,\)"):
        agent.expected_rewards(np.zeros((2, 8), dtype=np.float32))


def test_a_checkpoint_does_not_load_into_an_env_of_another_size(tmp_path):
    path = make_agent("linucb", gym.make("ChatbotFeedback-v0"), seed=0).learn(20).save(tmp_path / "toy.pt")
    with pytest.raises(ValueError, match=r"was trained with observation_space .* but this env has"):
        load_agent(path, env=gym.make("ChatbotFeedback-v0", queries="text"))


def test_a_rule_state_of_the_wrong_shape_is_refused():
    agent = make_agent("linucb", gym.make("ChatbotFeedback-v0"), seed=0)
    state = agent.rule.state()
    state["theta"] = np.zeros((3, 9))
    with pytest.raises(ValueError, match=r"state entry 'theta' has shape \(3, 9\), this rule needs \(4, 9\)"):
        agent.rule.load_state(state)
