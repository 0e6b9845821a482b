"""The chatbot's world: user queries, the bank of responses, and how good each response is.

A :class:`ChatTask` is the rules of ChatbotFeedback-v0, with no Gymnasium or pygame in
it: the queries a user may send (each with its intent), the responses the chatbot may
choose from, and the score table ``scores[intent][response]`` (0 to 10) that the oracle
rater gives. Two tasks come with the package:

- :func:`course_task`: the course's toy. One kind of query (a random embedding stands in
  for it) and four responses scored 10, 5, 2 and 1, whatever the query.
- :func:`text_task`: a help-desk corpus written for rldojo and shipped as
  ``data/corpus.json``: 210 queries across 7 intents and 14 responses. The best response
  depends on the intent, so a policy that ignores the query is capped at
  :meth:`ChatTask.query_blind_score`, well below the oracle's 10.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from rldojo.envs.options import check_choice

# The course's four responses and the scores its simulated human gives them.
COURSE_RESPONSES = (
    "Hello, how can I help you?",
    "What do you need?",
    "Please clarify your question.",
    "Hello lovely.",
)
COURSE_SCORES = (10.0, 5.0, 2.0, 1.0)
COURSE_INTENT = "any"
COURSE_QUERY_TEXT = "(a user query, seen only as a random embedding)"

MIN_SCORE = 0.0
MAX_SCORE = 10.0


@dataclass(frozen=True)
class Query:
    """One user query: its position in the task, its words and its intent."""

    index: int
    text: str
    intent: str


class ChatTask:
    """Queries, responses and the oracle's score table: the rules of the chatbot game.

    :param intents: the intent names, in a fixed order
    :param responses: the response texts the chatbot chooses among (its actions)
    :param scores: ``scores[i][r]``, the oracle score (0..10) of response ``r`` to a query of intent ``i``
    :param queries: the user queries; empty for the course's toy, whose queries are random embeddings
    """

    def __init__(self, name: str, intents: list[str], responses: list[str], scores, queries: list[Query]):
        self.name = name
        self.intents = tuple(intents)
        self.responses = tuple(responses)
        self.scores = np.asarray(scores, dtype=np.float64)
        self.queries = tuple(queries)
        if self.scores.shape != (len(self.intents), len(self.responses)):
            raise ValueError(
                f"score table has shape {self.scores.shape}, expected (intents, responses) = "
                f"({len(self.intents)}, {len(self.responses)})"
            )
        if self.scores.min() < MIN_SCORE or self.scores.max() > MAX_SCORE:
            raise ValueError("scores must lie in 0..10")
        self._intent_index = {name: i for i, name in enumerate(self.intents)}
        for query in self.queries:
            if query.intent not in self._intent_index:
                raise ValueError(f"query {query.text!r} has unknown intent {query.intent!r}")
        # How often each intent comes up when queries are drawn uniformly.
        if self.queries:
            counts = np.bincount([self._intent_index[q.intent] for q in self.queries], minlength=len(self.intents))
        else:
            counts = np.ones(len(self.intents))
        self.intent_weights = counts / counts.sum()

    @property
    def n_responses(self) -> int:
        return len(self.responses)

    @property
    def has_text(self) -> bool:
        """Whether queries are real sentences (the corpus) rather than random embeddings (the course)."""
        return bool(self.queries)

    def intent_index(self, intent: str) -> int:
        return self._intent_index[intent]

    def sample_query(self, rng: np.random.Generator) -> Query:
        """A query drawn uniformly (the course's toy has a single stand-in query)."""
        if not self.queries:
            return Query(0, COURSE_QUERY_TEXT, self.intents[0])
        return self.queries[int(rng.integers(len(self.queries)))]

    def oracle_score(self, query: Query, response: int) -> float:
        """The exact score (0..10) of ``response`` to ``query``."""
        return float(self.scores[self._intent_index[query.intent], int(response)])

    def best_response(self, query: Query) -> int:
        """The response the oracle scores highest for this query."""
        return int(np.argmax(self.scores[self._intent_index[query.intent]]))

    def best_score(self, query: Query) -> float:
        return float(self.scores[self._intent_index[query.intent]].max())

    def oracle_mean_score(self) -> float:
        """The mean score of a policy that always picks the best response: the ceiling."""
        return float(self.intent_weights @ self.scores.max(axis=1))

    def response_mean_scores(self) -> np.ndarray:
        """The mean score of each response when the query is ignored."""
        return self.intent_weights @ self.scores

    def query_blind_score(self) -> float:
        """The best mean score of any policy that ignores the query (always one response)."""
        return float(self.response_mean_scores().max())

    def query_blind_response(self) -> int:
        return int(np.argmax(self.response_mean_scores()))


def course_task() -> ChatTask:
    """The course's toy: four responses scored 10, 5, 2 and 1, one kind of query."""
    return ChatTask("course", [COURSE_INTENT], list(COURSE_RESPONSES), [list(COURSE_SCORES)], [])


@lru_cache(maxsize=1)
def _load_corpus() -> dict:
    text = resources.files("rldojo.envs.chatbot").joinpath("data", "corpus.json").read_text(encoding="utf-8")
    return json.loads(text)


def text_task() -> ChatTask:
    """The help-desk corpus shipped with rldojo (``data/corpus.json``)."""
    corpus = _load_corpus()
    intents = list(corpus["intents"])
    queries = []
    for intent in intents:
        for text in corpus["queries"][intent]:
            queries.append(Query(len(queries), text, intent))
    scores = [corpus["scores"][intent] for intent in intents]
    return ChatTask("text", intents, list(corpus["responses"]), scores, queries)


TASKS = {"course": course_task, "text": text_task}


def make_task(queries: str) -> ChatTask:
    """The task named ``queries``: "course" or "text"."""
    check_choice("queries", queries, TASKS)
    return TASKS[queries]()
