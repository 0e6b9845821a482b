"""REINFORCE: the course's batch-mean update learns, respects masks, saves and loads."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from rldojo.baselines import Agent, make_agent
from rldojo.baselines.reinforce import Reinforce, discounted_returns


class QueryResponseEnv(gym.Env):
    """The course's chatbot in miniature: a query embedding comes in, one of 4 responses is right.

    One step per episode; the right response earns 10, the others 0 (the course's rating).
    """

    def __init__(self, n_queries=4, embedding_dim=8, n_responses=4):
        rng = np.random.default_rng(123)
        self.embeddings = rng.normal(size=(n_queries, embedding_dim)).astype(np.float32)
        self.best = (
            rng.permutation(n_responses)[:n_queries]
            if n_queries <= n_responses
            else rng.integers(0, n_responses, n_queries)
        )
        self.observation_space = spaces.Box(-np.inf, np.inf, (embedding_dim,), np.float32)
        self.action_space = spaces.Discrete(n_responses)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.query = int(self.np_random.integers(len(self.embeddings)))
        return self.embeddings[self.query].copy(), {}

    def step(self, action):
        reward = 10.0 if int(action) == int(self.best[self.query]) else 0.0
        return self.embeddings[self.query].copy(), reward, True, False, {}


class ThreeChoicesEnv(gym.Env):
    """Three decisions in a row, rewarded only at the end (1 if all were right): credit goes back through returns."""

    answers = (2, 0, 1)

    def __init__(self):
        self.observation_space = spaces.Box(0.0, 1.0, (3,), np.float32)
        self.action_space = spaces.Discrete(3)

    def _obs(self):
        obs = np.zeros(3, dtype=np.float32)
        obs[self.t] = 1.0
        return obs

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.t, self.correct = 0, True
        return self._obs(), {}

    def step(self, action):
        self.correct = self.correct and int(action) == self.answers[self.t]
        self.t += 1
        if self.t == 3:
            return np.zeros(3, dtype=np.float32), float(self.correct), True, False, {"is_success": self.correct}
        return self._obs(), 0.0, False, False, {}


class MaskedTrapEnv(gym.Env):
    """Action 0 pays the most but is illegal in about half the states; choosing it when masked raises."""

    def __init__(self):
        self.observation_space = spaces.Box(0.0, 1.0, (1,), np.float32)
        self.action_space = spaces.Discrete(3)

    def _new_state(self):
        self.legal = np.array([self.np_random.random() < 0.5, 1, 1], dtype=np.int8)
        return np.array([self.legal[0]], dtype=np.float32), {"action_mask": self.legal.copy()}

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.steps = 0
        return self._new_state()

    def step(self, action):
        if not self.legal[int(action)]:
            raise ValueError(f"illegal action {action}")
        reward = {0: 2.0, 1: 1.0, 2: 0.0}[int(action)]
        self.steps += 1
        obs, info = self._new_state()
        return obs, reward, False, self.steps >= 5, info


def greedy_accuracy(agent, env, n=200):
    hits = 0
    for i in range(n):
        obs, _ = env.reset(seed=10_000 + i)
        action, _ = agent.predict(obs, deterministic=True)
        hits += int(action) == int(env.best[env.query])
    return hits / n


def test_learns_the_course_query_response_task():
    env = QueryResponseEnv()
    agent = make_agent("reinforce", env, seed=0)
    assert isinstance(agent, Reinforce) and agent.config.batch_episodes == 10
    before = greedy_accuracy(agent, env)
    agent.learn(2000)
    assert before < 0.6
    assert greedy_accuracy(agent, env) >= 0.95
    late = [row["return"] for row in agent.episodes.rows[-200:]]
    assert np.mean(late) >= 8.0  # sampled, not greedy: the policy itself became confident


@pytest.mark.parametrize("baseline", ["batch_mean", "value"])
def test_multi_step_credit_assignment(baseline):
    env = ThreeChoicesEnv()
    agent = Reinforce(env, seed=1, baseline=baseline, gamma=0.9, learning_rate=1e-2)
    agent.learn(3000)
    obs, _ = env.reset(seed=0)
    for answer in ThreeChoicesEnv.answers:
        action, _ = agent.predict(obs, deterministic=True)
        assert int(action) == answer
        obs, _, _, _, _ = env.step(action)


def test_never_chooses_a_masked_action():
    env = MaskedTrapEnv()
    agent = Reinforce(env, seed=0, learning_rate=1e-2)
    agent.learn(1500)  # the env raises on an illegal action, so finishing is the first check
    for seed in range(100):
        obs, info = env.reset(seed=seed)
        for deterministic in (True, False):
            action, _ = agent.predict(obs, deterministic=deterministic, action_masks=info["action_mask"])
            assert info["action_mask"][int(action)] == 1
    # It learned to take 0 when legal and 1 otherwise.
    legal_0 = agent.predict(np.array([1.0], np.float32), action_masks=np.array([1, 1, 1]))[0]
    illegal_0 = agent.predict(np.array([0.0], np.float32), action_masks=np.array([0, 1, 1]))[0]
    assert (int(legal_0), int(illegal_0)) == (0, 1)


def test_discounted_returns():
    assert discounted_returns([1.0, 0.0, 2.0], 0.5) == [1.5, 1.0, 2.0]
    assert discounted_returns([3.0], 0.9) == [3.0]


def test_save_load_identical_predictions(tmp_path):
    env = QueryResponseEnv()
    agent = Reinforce(env, seed=3, baseline="value")
    agent.learn(300)
    path = agent.save(tmp_path / "reinforce.pt")
    loaded = Agent.load(path, env=env)
    assert isinstance(loaded, Reinforce) and loaded.config.baseline == "value"
    obs = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    np.testing.assert_array_equal(agent.predict(obs)[0], loaded.predict(obs)[0])


def test_corrupted_checkpoint_is_a_clear_error(tmp_path):
    env = QueryResponseEnv()
    path = Reinforce(env, seed=0).save(tmp_path / "r.pt")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable rldojo checkpoint"):
        Reinforce.load(path, env=env)


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="baseline"):
        Reinforce(QueryResponseEnv(), baseline="median")
    with pytest.raises(ValueError, match="batch_episodes"):
        Reinforce(QueryResponseEnv(), batch_episodes=0)
