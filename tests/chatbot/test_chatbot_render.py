"""Rendering ChatbotFeedback-v0: the chat window as pixels, in a window, and as text."""

import gymnasium as gym
import numpy as np

from rldojo.envs.chatbot.render import HEIGHT, USER_BUBBLE, WIDTH


def test_rgb_array_shows_the_query_then_the_answer_and_score(tmp_path):
    env = gym.make("ChatbotFeedback-v0", queries="text", render_mode="rgb_array")
    env.reset(seed=4)
    before = env.render()
    assert before.shape == (HEIGHT, WIDTH, 3) and before.dtype == np.uint8
    assert (before == np.array(USER_BUBBLE, dtype=np.uint8)).all(axis=2).sum() > 500  # the user's bubble
    env.step(0)
    after = env.render()
    assert (before != after).any(axis=2).sum() > 2000  # the chatbot's answer and the score appeared
    again = env.render()
    np.testing.assert_array_equal(after, again)
    env.close()
    env.close()


def test_ansi_transcript():
    env = gym.make("ChatbotFeedback-v0", render_mode="ansi")
    env.reset(seed=0)
    assert "Chatbot: ..." in env.render()
    env.step(1)
    text = env.render()
    assert "What do you need?" in text and "5.0/10" in text and "#####....." in text


def test_human_mode_runs_headless_and_closes_twice():
    env = gym.make("ChatbotFeedback-v0", queries="text", render_mode="human")
    env.reset(seed=0)
    env.step(2)
    assert env.unwrapped._renderer.window.is_open
    env.close()
    env.close()
