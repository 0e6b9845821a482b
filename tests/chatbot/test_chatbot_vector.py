"""ChatbotFeedback-v0's native vector env: identical to N single envs in SyncVectorEnv, both tasks and raters."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from hypothesis import given, settings
from hypothesis import strategies as st

from rldojo.envs.chatbot.raters import HumanRater, NoisyRater
from rldojo.envs.chatbot.vector import ChatbotFeedbackVectorEnv
from rldojo.envs.vector import assert_same_as_sync, native_and_sync


@st.composite
def chatbot_options(draw) -> dict:
    options = {"queries": draw(st.sampled_from(["course", "text"]))}
    rater = draw(st.sampled_from(["oracle", "noisy", "panel"]))
    options["rater"] = NoisyRater(n_raters=3, noise_std=2.0, seed=1) if rater == "panel" else rater
    if options["queries"] == "course":
        options["embedding_dim"] = draw(st.sampled_from([None, 3]))
    else:
        options["embedding_dim"] = draw(st.sampled_from([None, 16]))
    return options


@settings(max_examples=15, deadline=None)
@given(
    options=chatbot_options(),
    mode=st.sampled_from(list(AutoresetMode)),
    n=st.integers(1, 4),
    seed=st.integers(0, 2**31),
    actions_seed=st.integers(0, 1000),
)
def test_the_native_env_matches_single_envs_stepped_one_by_one(options, mode, n, seed, actions_seed):
    ours, theirs = native_and_sync("ChatbotFeedback-v0", n, mode, **options)
    rng = np.random.default_rng(actions_seed)
    responses = ours.single_action_space.n
    assert_same_as_sync(ours, theirs, seed, lambda masks: rng.integers(0, responses, len(masks)), steps=12)


def test_the_oracle_scores_the_course_responses_10_5_2_1_and_best_is_a_success():
    env = ChatbotFeedbackVectorEnv(4)
    env.reset(seed=0)
    _, rewards, terminated, truncated, info = env.step(np.array([0, 1, 2, 3]))
    assert rewards.tolist() == [10.0, 5.0, 2.0, 1.0]
    assert terminated.all() and not truncated.any()
    assert info["is_success"].tolist() == [True, False, False, False]
    assert info["response"][0] == "Hello, how can I help you?"


def test_a_human_rater_is_refused_with_the_way_out():
    with pytest.raises(ValueError, match="vectorization_mode='sync'"):
        ChatbotFeedbackVectorEnv(2, rater=HumanRater(input_fn=lambda prompt: "5"))


def test_render_shows_env_zero_as_the_single_env_does():
    env = ChatbotFeedbackVectorEnv(3, queries="text", render_mode="rgb_array", autoreset_mode="Disabled")
    single = gym.make("ChatbotFeedback-v0", queries="text", render_mode="rgb_array")
    env.reset(seed=2)
    single.reset(seed=2)
    assert np.array_equal(env.render(), single.render())
    env.step(np.array([4, 0, 0]))
    single.step(4)
    assert np.array_equal(env.render(), single.render())
