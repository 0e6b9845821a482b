"""Raters: who scores the chatbot's responses, as the course's "human feedback".

Every rater answers three questions about a query of a :class:`~rldojo.envs.chatbot.queries.ChatTask`:

- ``score(task, query, response, rng)``: how good is this response, from 0 to 10?
  (the environment's reward);
- ``prefer(task, query, a, b, rng)``: which of two responses is better? 0 for ``a``,
  1 for ``b`` (the course's "a labeler ranks the outputs", for training a reward model);
- ``demonstrate(task, query, rng)``: which response would you have given? (the course's
  "a labeler demonstrates the desired output behavior", for the supervised policy).

The raters:

- :class:`OracleRater` (``"oracle"``): the exact scores of the task's table.
- :class:`NoisyRater` (``"noisy"``): a panel of simulated people; each has a bias of
  their own, drawn once from the rater's seed, and adds Gaussian noise to every score;
  scores are clipped to 0..10. The panel member who answers is drawn per question.
- :class:`HumanRater` (``"human"``): a person, in the terminal, or by clicking in the
  pygame window when the environment renders in ``human`` mode.

Simulated raters answer ``prefer`` with the Bradley-Terry model on their scores:
P(a preferred to b) = sigmoid((score_a - score_b) / temperature).
All their randomness comes from the ``rng`` they are handed (the environment's
``np_random``), so the same seed gives the same scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from rldojo.envs.chatbot.queries import MAX_SCORE, MIN_SCORE, ChatTask, Query
from rldojo.envs.options import check_integer, check_number


class HumanFeedbackEnded(RuntimeError):
    """The person giving feedback stopped: end of input, "q", or the window was closed."""


def bradley_terry(score_a: float, score_b: float, temperature: float) -> float:
    """P(a is preferred to b) under the Bradley-Terry model on scores."""
    if temperature <= 0:
        return 1.0 if score_a > score_b else 0.0 if score_a < score_b else 0.5
    return 1.0 / (1.0 + math.exp(-(score_a - score_b) / temperature))


class Rater:
    """Base class: subclasses give ``score``; ``prefer`` and ``demonstrate`` follow from it."""

    name = "rater"
    #: the panel member (or None) who answered the last question, for ``info``
    last_rater: int | None = None
    temperature: float = 1.0

    def score(self, task: ChatTask, query: Query, response: int, rng: np.random.Generator) -> float:
        raise NotImplementedError

    def _scores(self, task: ChatTask, query: Query, responses: list[int], rng: np.random.Generator) -> list[float]:
        """One person's scores of several responses to the same query."""
        return [self.score(task, query, r, rng) for r in responses]

    def prefer(self, task: ChatTask, query: Query, a: int, b: int, rng: np.random.Generator) -> int:
        """0 when response ``a`` is preferred, 1 when ``b`` is (Bradley-Terry on the rater's scores)."""
        score_a, score_b = self._scores(task, query, [a, b], rng)
        p_a = bradley_terry(score_a, score_b, self.temperature)
        return 0 if rng.random() < p_a else 1

    def demonstrate(self, task: ChatTask, query: Query, rng: np.random.Generator) -> int:
        """The response this rater would choose for ``query``: the best by its own scores."""
        scores = np.asarray(self._scores(task, query, list(range(task.n_responses)), rng))
        best = np.flatnonzero(scores == scores.max())
        return int(best[0] if len(best) == 1 else rng.choice(best))


class OracleRater(Rater):
    """The exact scores of the task's table.

    :param temperature: Bradley-Terry temperature of ``prefer``; 0 always prefers the higher score
    """

    name = "oracle"

    def __init__(self, temperature: float = 1.0):
        self.temperature = check_number("temperature", temperature, low=0.0)

    def score(self, task, query, response, rng) -> float:
        return task.oracle_score(query, response)

    def demonstrate(self, task, query, rng) -> int:
        return task.best_response(query)


class NoisyRater(Rater):
    """A seeded panel of simulated people, each with a bias, all with Gaussian noise, clipped to 0..10.

    :param n_raters: how many people on the panel
    :param bias_std: the spread of the people's biases (each drawn once from ``seed``)
    :param noise_std: the standard deviation of the noise on every single score
    :param temperature: Bradley-Terry temperature of ``prefer``
    :param seed: seeds the biases (the noise comes from the environment's generator)
    """

    name = "noisy"

    def __init__(
        self, n_raters: int = 5, bias_std: float = 1.0, noise_std: float = 1.5, temperature: float = 1.0, seed: int = 0
    ):
        self.n_raters = check_integer("n_raters", n_raters, 1)
        self.bias_std = check_number("bias_std", bias_std, low=0.0)
        self.noise_std = check_number("noise_std", noise_std, low=0.0)
        self.temperature = check_number("temperature", temperature, low=0.0)
        self.seed = check_integer("seed", seed, 0)
        self.biases = np.random.default_rng(seed).normal(0.0, self.bias_std, self.n_raters)

    def _noisy(self, task, query, responses, rng, member: int) -> list[float]:
        out = []
        for r in responses:
            value = task.oracle_score(query, r) + self.biases[member] + rng.normal(0.0, self.noise_std)
            out.append(float(np.clip(value, MIN_SCORE, MAX_SCORE)))
        return out

    def _scores(self, task, query, responses, rng) -> list[float]:
        # One panel member answers the whole question (both sides of a comparison, say).
        self.last_rater = int(rng.integers(self.n_raters))
        return self._noisy(task, query, responses, rng, self.last_rater)

    def score(self, task, query, response, rng) -> float:
        return self._scores(task, query, [response], rng)[0]

    def __repr__(self) -> str:
        return (
            f"NoisyRater(n_raters={self.n_raters}, bias_std={self.bias_std}, noise_std={self.noise_std}, "
            f"temperature={self.temperature}, seed={self.seed})"
        )


class HumanRater(Rater):
    """A person scores each response, in the terminal or by clicking in the pygame window.

    Bad answers (not a number, out of range, not one of the choices) are asked again.
    End of input, "q" or closing the window raises :class:`HumanFeedbackEnded`.

    :param input_fn: reads one line given a prompt (default: the built-in ``input``)
    :param output_fn: shows a line to the person (default: ``print``)
    """

    name = "human"

    def __init__(self, input_fn: Callable[[str], str] | None = None, output_fn: Callable[[str], None] | None = None):
        self.input_fn = input_fn
        self.output_fn = output_fn
        #: an object with ``ask_score(query, response) -> float`` and ``ask_choice(query, options) -> int``
        #: (the env's renderer in human mode); None asks in the terminal
        self.clicker = None

    # -- terminal plumbing ---------------------------------------------------------------

    def _say(self, line: str) -> None:
        (self.output_fn or print)(line)

    def _ask(self, prompt: str) -> str:
        try:
            answer = (self.input_fn or input)(prompt)
        except EOFError:
            raise HumanFeedbackEnded("no more input from the person rating (end of input): feedback stopped") from None
        answer = answer.strip()
        if answer.lower() in ("q", "quit", "exit"):
            raise HumanFeedbackEnded(f"the person rating typed {answer!r}: feedback stopped")
        return answer

    def _ask_number(self, prompt: str, low: float, high: float, integer: bool) -> float:
        while True:
            answer = self._ask(prompt)
            try:
                value = int(answer) if integer else float(answer)
            except ValueError:
                self._say(f"  {answer!r} is not a number; please answer with a number from {low:g} to {high:g}.")
                continue
            if not math.isfinite(value) or not low <= value <= high:
                self._say(f"  {answer} is out of range; please answer with a number from {low:g} to {high:g}.")
                continue
            return value

    # -- the three questions -------------------------------------------------------------

    def score(self, task, query, response, rng) -> float:
        if self.clicker is not None:
            return float(self.clicker.ask_score(query.text, task.responses[response]))
        self._say(f"User:    {query.text}")
        self._say(f"Chatbot: {task.responses[response]}")
        return float(
            self._ask_number("Your score, 0 (awful) to 10 (perfect), q to stop: ", MIN_SCORE, MAX_SCORE, integer=False)
        )

    def _choose(self, query: Query, options: list[str], question: str) -> int:
        if self.clicker is not None:
            return int(self.clicker.ask_choice(query.text, options))
        self._say(f"User: {query.text}")
        for i, text in enumerate(options, start=1):
            self._say(f"  {i}) {text}")
        return int(self._ask_number(f"{question} 1 to {len(options)}, q to stop: ", 1, len(options), integer=True)) - 1

    def prefer(self, task, query, a, b, rng) -> int:
        return self._choose(query, [task.responses[a], task.responses[b]], "Which answer is better?")

    def demonstrate(self, task, query, rng) -> int:
        return self._choose(query, list(task.responses), "Which answer would you give?")


RATERS = {"oracle": OracleRater, "noisy": NoisyRater, "human": HumanRater}


def make_rater(rater) -> Rater:
    """A rater from a name ("oracle", "noisy", "human") or a :class:`Rater` instance."""
    if isinstance(rater, Rater):
        return rater
    if isinstance(rater, str) and rater in RATERS:
        return RATERS[rater]()
    raise ValueError(f"rater must be one of {', '.join(map(repr, RATERS))} or a Rater instance, got {rater!r}")
