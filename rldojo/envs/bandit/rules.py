"""The rules of the k-armed bandit: true arm values, rewards, drift and regret.

:class:`KArmedBandit` holds ``n_problems`` independent bandit problems at once, as rows
of numpy arrays, so the same rules serve the one-problem environment (``Bandit-v0``)
and the vectorised testbed of :mod:`rldojo.baselines.bandits` (thousands of problems
at once). It knows nothing of Gymnasium or pygame; randomness comes from the
``numpy.random.Generator`` each call is handed.

A pull draws the same random numbers whichever arm is pulled (one noise term, or one
uniform number, a problem), so two strategies run with the same seed face the same
problems, the same noise and the same drift (common random numbers).
"""

from __future__ import annotations

import numpy as np

from rldojo.envs.options import check_choice, check_integer, check_number

GAUSSIAN = "gaussian"
BERNOULLI = "bernoulli"
ARM_KINDS = (GAUSSIAN, BERNOULLI)


class KArmedBandit:
    """``n_problems`` independent k-armed bandits, one a row.

    - ``arms="gaussian"``: the true values q*(a) ~ N(0, 1) and a pull of arm a pays
      N(q*(a), 1), the classic 10-armed testbed.
    - ``arms="bernoulli"``: q*(a) ~ U(0, 1) is arm a's probability of paying 1 (else 0).
    - ``nonstationary=True``: after every pull each q*(a) takes an independent random-walk
      step N(0, drift²) (standard deviation ``drift``, 0.01 by default); Bernoulli
      probabilities are clipped to [0, 1].

    The regret of a pull is the pseudo-regret max_a q*(a) - q*(chosen), with the values
    at the time of the pull.

    :param k: arms per problem (at least 2)
    :param arms: "gaussian" or "bernoulli"
    :param nonstationary: whether the true values drift after every pull
    :param drift: the standard deviation of the drift per pull
    :param n_problems: how many independent problems (rows)
    """

    def __init__(
        self, k: int = 10, arms: str = GAUSSIAN, nonstationary: bool = False, drift: float = 0.01, n_problems: int = 1
    ):
        check_integer("k", k, 2)  # the number of arms
        check_choice("arms", arms, ARM_KINDS)
        if not isinstance(nonstationary, (bool, np.bool_)):
            raise ValueError(f"nonstationary must be True or False, got {nonstationary!r}")
        check_number("drift", drift, low=0.0)  # the random walk's standard deviation
        if isinstance(n_problems, bool) or not isinstance(n_problems, (int, np.integer)) or n_problems < 1:
            raise ValueError(f"n_problems must be a positive integer, got {n_problems!r}")
        self.k = int(k)
        self.arms = arms
        self.nonstationary = bool(nonstationary)
        self.drift = float(drift)
        self.n_problems = int(n_problems)
        self._rows = np.arange(self.n_problems)
        self.values = np.zeros((self.n_problems, self.k))  # q*, one row a problem

    # -- the problems --------------------------------------------------------------------

    def draw_values(self, rng: np.random.Generator) -> np.ndarray:
        """Draw fresh true values for every problem; returns them."""
        shape = (self.n_problems, self.k)
        self.values = rng.standard_normal(shape) if self.arms == GAUSSIAN else rng.random(shape)
        return self.values

    def set_values(self, values) -> np.ndarray:
        """Set the true values by hand: shape (k,) or (n_problems, k); Bernoulli ones in [0, 1]."""
        expected = f"{self.k} finite numbers" + (" in [0, 1]" if self.arms == BERNOULLI else "")
        if self.n_problems > 1:
            expected += f" (or {self.n_problems} rows of them)"
        try:
            given = np.array(values)
        except (TypeError, ValueError):  # a ragged list
            given = None
        if given is None or given.dtype.kind not in "iuf":  # no strings, bools, None or objects
            raise ValueError(f"values must be {expected}, got {values!r}")
        values = given.astype(np.float64)
        if values.ndim == 1:
            values = np.broadcast_to(values, (self.n_problems, values.shape[0])).copy()
        if values.shape != (self.n_problems, self.k):
            raise ValueError(
                f"values must have shape ({self.k},) or ({self.n_problems}, {self.k}): {expected}, got {values.shape}"
            )
        if not np.isfinite(values).all():
            raise ValueError(f"values must be {expected}, got {given.tolist()!r}")
        if self.arms == BERNOULLI and ((values < 0) | (values > 1)).any():
            raise ValueError(
                f"values of bernoulli arms are probabilities and must lie in [0, 1], got {given.tolist()!r}"
            )
        self.values = values
        return values

    def optimal_arms(self) -> np.ndarray:
        """The best arm of each problem now (the lowest index among equals)."""
        return self.values.argmax(axis=1)

    def regret(self, arms: np.ndarray) -> np.ndarray:
        """max_a q*(a) - q*(arm) for each problem's chosen arm."""
        return self.values.max(axis=1) - self.values[self._rows, arms]

    # -- a pull --------------------------------------------------------------------------

    def pull(self, arms, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pull one arm in every problem; then the values drift if the problems are non-stationary.

        :param arms: one arm index per problem, shape (n_problems,)
        :returns: (rewards, regrets, optimal_arms), each of shape (n_problems,), the last
            two measured with the values at the time of the pull
        """
        arms = np.asarray(arms)
        if arms.shape != (self.n_problems,):
            raise ValueError(f"arms must have shape ({self.n_problems},), got {arms.shape}")
        optimal = self.values.argmax(axis=1)
        pulled = self.values[self._rows, arms]
        regrets = self.values[self._rows, optimal] - pulled
        # One draw a problem whichever arm is pulled, so the random stream does not depend on the choice.
        if self.arms == GAUSSIAN:
            rewards = pulled + rng.standard_normal(self.n_problems)
        else:
            rewards = (rng.random(self.n_problems) < pulled).astype(np.float64)
        if self.nonstationary:
            self.values = self.values + self.drift * rng.standard_normal(self.values.shape)
            if self.arms == BERNOULLI:
                np.clip(self.values, 0.0, 1.0, out=self.values)
        return rewards, regrets, optimal
