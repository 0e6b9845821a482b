"""Learning on ChatbotFeedback-v0: the course's REINFORCE on its toy, PPO on the corpus, the metric."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.baselines.hyperparams import defaults
from rldojo.baselines.hyperparams.chatbot import text_defaults
from rldojo.baselines.registry import make_agent
from rldojo.bench.entries.chatbot import ENTRIES
from rldojo.envs.chatbot.evaluation import chatbot_metric, true_score_report

ENV_ID = "ChatbotFeedback-v0"


@pytest.mark.slow
def test_course_reinforce_picks_the_10_point_response_within_100_updates():
    env = gym.make(ENV_ID)
    agent = make_agent("reinforce", env, seed=0, **defaults(ENV_ID, "reinforce"))
    assert agent.config.batch_episodes == 10  # the course's 10 queries per update
    updates = []
    original = agent._update
    agent._update = lambda *args: (updates.append(1), original(*args))
    agent.learn(1_000)
    assert len(updates) == 100
    # Sampled, not greedy: the policy itself puts at least 95% on the 10-point response.
    queries = np.random.default_rng(123).standard_normal((2_000, 8)).astype(np.float32)
    sampled, _ = agent.predict(queries, deterministic=False)
    assert np.mean(sampled == 0) >= 0.95
    assert true_score_report(agent, env)["score_fraction"] == 1.0


@pytest.mark.slow
def test_text_mode_ppo_reaches_90_percent_of_the_oracle():
    env = gym.make(ENV_ID, queries="text")
    agent = make_agent("ppo", env, seed=0, **text_defaults("ppo"))
    untrained = true_score_report(agent, env)
    agent.learn(6_144)
    report = true_score_report(agent, env)
    assert report["score_fraction"] >= 0.9
    assert report["mean_true_score"] > report["query_blind_score"] > untrained["mean_true_score"]
    assert report["regret"] == pytest.approx(report["oracle_score"] - report["mean_true_score"])


def test_metric_of_known_policies():
    blind = chatbot_metric(lambda obs: 0, ENV_ID, {"queries": "text"}, seed=0)
    assert blind["mean_true_score"] == pytest.approx(blind["query_blind_score"])
    assert blind["regret"] == pytest.approx(10 - 37 / 7)
    course = chatbot_metric(lambda obs: 1, ENV_ID, {}, seed=0)
    assert course["score_fraction"] == 0.5 and course["regret"] == 5.0 and course["best_response_rate"] == 0.0


def test_benchmark_entries_name_the_agents_and_the_metric():
    labels = {entry.label: entry for entry in ENTRIES}
    assert set(labels) == {"ChatbotFeedback-v0/course", "ChatbotFeedback-v0/text"}
    for entry in ENTRIES:
        assert [spec.agent for spec in entry.agents] == ["reinforce", "ppo", "sb3-ppo", "sb3-dqn", "linucb", "lin-ts"]
        assert entry.headline == "score_fraction"
    assert labels["ChatbotFeedback-v0/text"].env_kwargs == {"queries": "text"}
    assert {
        s.agent: s.agent_kwargs["n_steps"] for s in labels["ChatbotFeedback-v0/text"].agents if "ppo" in s.agent
    } == {"ppo": 256, "sb3-ppo": 256}
