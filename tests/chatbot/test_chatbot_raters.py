"""Raters: oracle, noisy panel, human (terminal and clicks), pairwise preferences and demonstrations."""

import io
import math

import gymnasium as gym
import numpy as np
import pytest

from rldojo.envs.chatbot.env import ChatbotFeedbackEnv
from rldojo.envs.chatbot.queries import course_task, text_task
from rldojo.envs.chatbot.raters import HumanFeedbackEnded, HumanRater, NoisyRater, OracleRater, bradley_terry


def test_noisy_panel_has_seeded_biases_and_clipped_noise():
    task = course_task()
    query = task.sample_query(None)
    rater = NoisyRater(n_raters=4, bias_std=1.0, noise_std=1.5, seed=3)
    np.testing.assert_array_equal(rater.biases, NoisyRater(n_raters=4, seed=3).biases)
    assert len(set(np.round(rater.biases, 6))) == 4
    assert not np.array_equal(rater.biases, NoisyRater(n_raters=4, seed=4).biases)
    rng = np.random.default_rng(0)
    by_member = {k: [] for k in range(4)}
    for _ in range(4000):
        score = rater.score(task, query, 1, rng)  # the 5-point response: clipping rarely matters
        assert 0.0 <= score <= 10.0
        by_member[rater.last_rater].append(score)
    for member, scores in by_member.items():
        # Each person's mean is the true score plus their own bias.
        assert np.mean(scores) == pytest.approx(5.0 + rater.biases[member], abs=0.2)
        assert np.std(scores) == pytest.approx(1.5, abs=0.15)
    top = [rater.score(task, query, 0, rng) for _ in range(500)]
    assert max(top) == 10.0  # the 10-point response is clipped at 10


def test_bradley_terry_preferences_follow_the_score_gap():
    task = course_task()
    query = task.sample_query(None)
    rng = np.random.default_rng(1)
    oracle = OracleRater(temperature=1.0)
    # "Please clarify" (2) against "Hello lovely." (1): P = sigmoid(1) = 0.731.
    wins = np.mean([oracle.prefer(task, query, 2, 3, rng) == 0 for _ in range(4000)])
    assert wins == pytest.approx(bradley_terry(2.0, 1.0, 1.0), abs=0.03)
    assert bradley_terry(2.0, 1.0, 1.0) == pytest.approx(1 / (1 + math.exp(-1)))
    strict = OracleRater(temperature=0.0)
    assert all(strict.prefer(task, query, 2, 3, rng) == 0 for _ in range(50))
    assert all(strict.prefer(task, query, 3, 0, rng) == 1 for _ in range(50))


def test_env_pairwise_api_and_demonstrations():
    env = gym.make("ChatbotFeedback-v0", queries="text", rater="noisy")
    env.reset(seed=2)
    unwrapped = env.unwrapped
    task = unwrapped.task
    agree = 0
    for _ in range(300):
        env.reset()
        best = task.best_response(unwrapped.query)
        worst = int(np.argmin(task.scores[task.intent_index(unwrapped.query.intent)]))
        agree += unwrapped.prefer(best, worst) == 0
    assert agree / 300 > 0.95  # 10 points against 0 or 1: the panel almost always agrees
    best_shown = []
    for _ in range(300):
        env.reset()
        best_shown.append(unwrapped.demonstrate() == task.best_response(unwrapped.query))
    assert 0.85 < np.mean(best_shown) < 1.0  # a noisy labeler sometimes shows a worse answer
    oracle_env = ChatbotFeedbackEnv(queries="text")
    oracle_env.reset(seed=0)
    assert oracle_env.demonstrate() == task.best_response(oracle_env.query)
    with pytest.raises(ValueError, match="b must be a response index"):
        unwrapped.prefer(0, 99)
    with pytest.raises(RuntimeError, match="reset"):
        ChatbotFeedbackEnv().prefer(0, 1)


def _human(monkeypatch, typed: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    lines = []
    return HumanRater(output_fn=lines.append), lines


def test_human_terminal_score_asks_again_on_bad_input(monkeypatch):
    rater, lines = _human(monkeypatch, "great\n11\n-1\nnan\n\n7.5\n")
    env = ChatbotFeedbackEnv(queries="text", rater=rater)
    env.reset(seed=0)
    _, reward, _, _, info = env.step(3)
    assert reward == 7.5 and info["oracle_score"] != 7.5
    text = "\n".join(lines)
    assert "'great' is not a number" in text
    assert "11 is out of range" in text and "-1 is out of range" in text and "nan is out of range" in text
    assert info["query"] in text and info["response"] in text


def test_human_end_of_input_and_quit_stop_cleanly(monkeypatch):
    rater, _ = _human(monkeypatch, "oops\n")
    env = ChatbotFeedbackEnv(rater=rater)
    env.reset(seed=0)
    with pytest.raises(HumanFeedbackEnded, match="end of input"):
        env.step(0)
    rater, _ = _human(monkeypatch, "q\n")
    env = ChatbotFeedbackEnv(rater=rater)
    env.reset(seed=0)
    with pytest.raises(HumanFeedbackEnded, match="'q'"):
        env.step(0)


def test_human_pairwise_and_demonstration_in_the_terminal(monkeypatch):
    rater, lines = _human(monkeypatch, "0\nthree\n2\n99\n4\n")
    task = text_task()
    query = task.queries[0]
    assert rater.prefer(task, query, 5, 9, None) == 1  # "0" and "three" asked again, then answer 2
    assert rater.demonstrate(task, query, None) == 3  # "99" asked again, then answer 4 (index 3)
    text = "\n".join(lines)
    assert "0 is out of range" in text and "'three' is not a number" in text and "99 is out of range" in text


def test_human_clicks_in_the_window(monkeypatch):
    pygame = pytest.importorskip("pygame")
    from rldojo.envs.chatbot.render import ChatRenderer

    env = gym.make("ChatbotFeedback-v0", queries="text", rater="human", render_mode="human")
    env.reset(seed=0)
    pygame.event.clear()
    _, rect = ChatRenderer.score_buttons()[8]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, 1), button=1))  # a miss: ignored
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    _, reward, _, _, _ = env.step(0)
    assert reward == 8.0
    env.reset()
    _, rect = ChatRenderer.choice_buttons(2)[1]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    assert env.unwrapped.prefer(4, 6) == 1
    env.reset()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    with pytest.raises(HumanFeedbackEnded, match="closed the window"):
        env.step(0)
    env.close()
    env.close()
