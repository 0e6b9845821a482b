"""ChatbotFeedback-v0 as a native vector env: N chatbots answer N queries at once, scored with numpy.

``gym.make_vec("ChatbotFeedback-v0", num_envs=N, vectorization_mode="vector_entry_point", **options)``
makes a :class:`ChatbotFeedbackVectorEnv`. It takes the options of ``ChatbotFeedbackEnv`` and
behaves as N of them made by ``gym.make`` in Gymnasium's ``SyncVectorEnv``: the same seeds and
responses give the same observations, rewards, flags and infos.

The task's score table is indexed by (intent, response) for all envs at once, and the text
queries' embeddings by query index. The random numbers are each env's own
(:class:`rldojo.envs.vector.EnvRandom`): a text query is one ``integers`` draw, a course query
``embedding_dim`` normals, a noisy rater's score an ``integers`` draw (the panel member) and
a normal (the noise). With the oracle rater nothing is drawn in ``step`` and no Python runs
per env. A noisy rater alternates integers and normals, which stays exact but refills each
env's numbers every step: a Python call per env (a documented slow path). A human rater or a
rater class of your own is refused: use ``vectorization_mode="sync"``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from rldojo.envs.chatbot.env import ChatbotFeedbackEnv
from rldojo.envs.chatbot.queries import COURSE_QUERY_TEXT, MAX_SCORE, MIN_SCORE
from rldojo.envs.chatbot.raters import NoisyRater, OracleRater
from rldojo.envs.common import check_reset_options
from rldojo.envs.vector import NativeVectorEnv

__all__ = ["ChatbotFeedbackVectorEnv"]


def _objects(values) -> np.ndarray:
    """A 1-D object array of ``values`` (strings stay strings, not a numpy string dtype)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


class ChatbotFeedbackVectorEnv(NativeVectorEnv):
    """``num_envs`` copies of ChatbotFeedback-v0 stepped together; see ``ChatbotFeedbackEnv`` for the game.

    :param num_envs: how many chatbots
    :param autoreset_mode: Gymnasium's autoreset mode (``NEXT_STEP`` by default); every episode is one step
    :param max_episode_steps: an extra time limit (none is registered; episodes last one step anyway)
    :param render_mode: None or ``"rgb_array"`` (env 0, or a grid of the first ``render_envs``)
    :param options: the options of ``ChatbotFeedbackEnv`` (``queries``, ``embedder``, ``embedding_dim``,
        ``rater``: ``"oracle"``, ``"noisy"`` or an ``OracleRater`` / ``NoisyRater``)
    """

    metadata: ClassVar[dict[str, Any]] = {
        **NativeVectorEnv.metadata,
        "render_fps": ChatbotFeedbackEnv.metadata["render_fps"],
    }

    def __init__(
        self,
        num_envs: int = 1,
        *,
        autoreset_mode="NextStep",
        max_episode_steps: int | None = None,
        render_mode: str | None = None,
        render_envs: int = 1,
        **options: Any,
    ):
        template = ChatbotFeedbackEnv(**options)  # checks every option as ChatbotFeedback-v0 does
        rater = template.rater
        if type(rater) not in (OracleRater, NoisyRater):
            raise ValueError(
                f"the native vector env batches the 'oracle' and 'noisy' raters only, got rater={rater!r}; "
                "for a human rater or a rater of your own use gym.make_vec(..., vectorization_mode='sync')"
            )
        super().__init__(
            num_envs,
            template.observation_space,
            template.action_space,
            autoreset_mode=autoreset_mode,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            render_envs=render_envs,
            action_meaning="a response index",
        )
        self.options = dict(options)
        self.task = task = template.task
        self.rater = rater
        self.embedding_dim = template.embedding_dim
        self.query_embeddings = template.query_embeddings
        self._noisy = isinstance(rater, NoisyRater)
        self._rater_name = rater.name

        # Per-query tables (the course's toy has one stand-in query of intent 0).
        if task.has_text:
            self._query_texts = _objects([q.text for q in task.queries])
            self._query_intents = np.array([task.intent_index(q.intent) for q in task.queries], dtype=np.int64)
        else:
            self._query_texts = _objects([COURSE_QUERY_TEXT])
            self._query_intents = np.zeros(1, dtype=np.int64)
        self._intent_names = _objects(task.intents)
        self._responses = _objects(task.responses)
        self._best_score = task.scores.max(axis=1)
        self._best_response = task.scores.argmax(axis=1)

        n = self.num_envs
        self._env_rows = np.arange(n)
        self.query_index = np.zeros(n, dtype=np.int64)
        self.embeddings = np.zeros((n, self.embedding_dim), dtype=np.float32)
        self.last_response = np.full(n, -1, dtype=np.int64)
        self.last_score = np.zeros(n)

    # ------------------------------------------------------------------------------ the hooks

    def _query_info(self) -> dict[str, np.ndarray]:
        index = self.query_index
        return {
            "query": np.take(self._query_texts, index),
            "intent": np.take(self._intent_names, np.take(self._query_intents, index)),
            "query_index": index.copy(),
        }

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        if options:
            check_reset_options(options, ())
        if self.task.has_text:  # task.sample_query: one integers() draw per env
            self.query_index[mask] = self.random.integers(mask, len(self.task.queries))
            self.embeddings[mask] = self.query_embeddings[self.query_index[mask]]
        else:  # a fresh standard normal vector per env
            self.embeddings[mask] = self.random.normal(mask, self.embedding_dim).astype(np.float32)
        self.last_response[mask] = -1
        return self._query_info()

    def _step_envs(self, actions: np.ndarray, mask: np.ndarray):
        intents = np.take(self._query_intents, self.query_index)
        oracle = self.task.scores[intents, actions]
        best = np.take(self._best_score, intents)
        info = self._query_info()
        if self._noisy:  # NoisyRater.score: a panel member, then that person's bias and noise, clipped
            rater = self.rater
            member = np.full(self.num_envs, -1, dtype=np.int64)
            member[mask] = self.random.integers(mask, rater.n_raters)
            noise = np.zeros(self.num_envs)
            noise[mask] = 0.0 + rater.noise_std * self.random.normal(mask)[:, 0]  # Generator.normal(0, std)
            scores = np.clip(oracle + np.take(rater.biases, member) + noise, MIN_SCORE, MAX_SCORE)
            rater_id = member
        else:
            scores = oracle
            rater_id = np.full(self.num_envs, -1, dtype=np.int64)
        self.last_response = actions.copy()
        self.last_score = scores
        info.update(
            response=np.take(self._responses, actions),
            response_index=actions.copy(),
            score=scores,
            oracle_score=oracle,
            best_score=best,
            best_response=np.take(self._best_response, intents),
            regret=best - oracle,
            rater=np.full(self.num_envs, self._rater_name, dtype=object),
            rater_id=rater_id,
            is_success=oracle >= best,
        )
        return scores, np.ones(self.num_envs, dtype=bool), np.zeros(self.num_envs, dtype=bool), info

    def _observe(self) -> np.ndarray:
        return self.embeddings.copy()

    def _render_env(self, i: int) -> np.ndarray:
        if self._renderer is None:
            from rldojo.envs.chatbot.render import ChatRenderer

            self._renderer = ChatRenderer(fps=self.metadata["render_fps"])
        query = str(self._query_texts[self.query_index[i]])
        answered = self.last_response[i] >= 0
        response = str(self._responses[self.last_response[i]]) if answered else None
        score = float(self.last_score[i]) if answered else None
        intent = str(self._intent_names[self._query_intents[self.query_index[i]]]) if self.task.has_text else None
        return self._renderer.frame(query, response, score, intent)
