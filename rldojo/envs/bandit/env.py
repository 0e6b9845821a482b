"""``Bandit-v0``: the k-armed bandit as a Gymnasium environment (a thin adapter over the rules)."""

from __future__ import annotations

import zlib
from collections import deque
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs.bandit.rules import ARM_KINDS, GAUSSIAN, KArmedBandit
from rldojo.envs.common import check_action, check_render_mode, check_reset_options


class BanditEnv(gym.Env):
    """The k-armed bandit: pull one of ``k`` slot-machine arms a step, and learn which pays best.

    ## Description
    The first problem of reinforcement learning, and the purest form of the
    exploration-exploitation trade-off: there is a single state, ``k`` actions (arms)
    and an unknown mean reward ``q*(a)`` for each. Pulling the arm that looks best now
    (exploiting) earns more today; pulling another one (exploring) tells you more about
    it. With ``arms="gaussian"`` (the default) this is the 10-armed testbed of Sutton &
    Barto, chapter 2: ``q*(a) ~ N(0, 1)`` and a pull pays ``N(q*(a), 1)``. With
    ``arms="bernoulli"`` each arm pays 1 with probability ``q*(a) ~ U(0, 1)``, else 0.
    With ``nonstationary=True`` every ``q*(a)`` takes an independent random-walk step
    N(0, drift²) after every pull (``drift=0.01`` by default), so old rewards go stale
    and a constant step size beats sample averages.

    By default every ``reset`` draws a new problem from the env's random generator
    (``reset(seed=s)`` always gives the same one). With ``problem_seed`` set, every
    episode starts from the same problem, drawn from that seed, and an agent can keep
    learning about it across episodes, as SB3's PPO and DQN must.

    ## Action Space
    ``Discrete(k)``: the arm to pull, 0 to k - 1. An action is a Python int, a numpy integer or a
    0-d integer array; anything else (a float, a string, a bool, None, a value out of range)
    raises a ValueError naming the action.

    ## Observation Space
    ``Box(0, 1, (1,), float32)``, always ``[0.]``: a bandit has one state. It is a Box so
    that stable-baselines3's algorithms accept the env unchanged.

    ## Rewards
    The pulled arm's payout: a float from ``N(q*(a), 1)`` (gaussian) or 0.0 / 1.0 (bernoulli).

    ## Starting State
    The true values ``q*`` of a new problem (see Description); the observation is ``[0.]``.

    ## Episode End
    The episode is truncated after ``horizon`` pulls (1000 by default); it never terminates.
    ``step`` after the end raises ``RuntimeError``: call ``reset``.

    ## Info
    ``reset``: ``optimal_arm`` (int, the best arm now), ``new_problem`` (bool: the true
    values differ from the last episode's start, so an agent should forget what it
    learned) and ``problem_id`` (int, a checksum of the starting true values: equal ids,
    same problem, even across env instances). ``step``: ``optimal_arm`` (the best arm
    when the pull was made) and ``regret`` (float, ``q*(optimal) - q*(pulled)`` at that moment).
    ``reset(options={"values": [...]})`` sets the true values of the episode by hand.

    Across episodes the env also counts ``total_pulls`` and ``total_regret`` and keeps the
    regret and the was-it-the-best-arm flag of its latest 100,000 pulls in
    ``regret_history`` and ``optimal_history``: what a learner paid while learning.

    ## Arguments
    ```python
    gym.make("Bandit-v0", k=10, arms="gaussian", nonstationary=False, horizon=1000,
             drift=0.01, problem_seed=None, render_mode=None)
    ```

    - ``k`` (default ``10``): number of arms, an integer >= 2.
    - ``arms`` (default ``"gaussian"``): ``"gaussian"`` or ``"bernoulli"``.
    - ``nonstationary`` (default ``False``): ``True`` makes the true values drift by a random
      walk after every pull.
    - ``horizon`` (default ``1000``): pulls per episode, an integer >= 1.
    - ``drift`` (default ``0.01``): standard deviation (>= 0) of the random-walk step per pull
      (used when non-stationary).
    - ``problem_seed`` (default ``None``): ``None`` for a new problem every episode; an integer
      >= 0 to start every episode from the same problem drawn from that seed.
    - ``render_mode`` (default ``None``): ``None``, ``"human"``, ``"rgb_array"`` or ``"ansi"``.

    ## Version History
    - v0: initial version.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 30}
    HISTORY_SIZE = 100_000  # pulls kept in regret_history and optimal_history

    def __init__(
        self,
        k: int = 10,
        arms: str = GAUSSIAN,
        nonstationary: bool = False,
        horizon: int = 1000,
        drift: float = 0.01,
        problem_seed: int | None = None,
        render_mode: str | None = None,
    ):
        self.bandit = KArmedBandit(k=k, arms=arms, nonstationary=nonstationary, drift=drift, n_problems=1)
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
            raise ValueError(f"horizon must be a positive integer (pulls per episode), got {horizon!r}")
        if problem_seed is not None and (
            isinstance(problem_seed, bool) or not isinstance(problem_seed, (int, np.integer)) or problem_seed < 0
        ):
            raise ValueError(f"problem_seed must be None or a non-negative integer, got {problem_seed!r}")
        check_render_mode(render_mode, self.metadata)
        self.k = int(k)
        self.arms = arms
        self.nonstationary = bool(nonstationary)
        self.horizon = int(horizon)
        self.drift = float(drift)
        self.problem_seed = problem_seed
        self.render_mode = render_mode

        self.action_space = spaces.Discrete(self.k)
        self.observation_space = spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)

        self.t = 0
        self._episode_start_values: np.ndarray | None = None
        # What the renderer shows: this episode's pulls and the rewards they paid.
        self.pulls = np.zeros(self.k, dtype=np.int64)
        self.reward_sums = np.zeros(self.k)
        self.last_arm: int | None = None
        self.last_reward: float | None = None
        self.cumulative_regret = 0.0
        # Every pull of this env's life, across episodes (the newest HISTORY_SIZE of them), so a
        # benchmark can read the regret an agent paid while it learned, as a Monitor reads returns.
        self.total_pulls = 0
        self.total_regret = 0.0
        self.regret_history: deque[float] = deque(maxlen=self.HISTORY_SIZE)
        self.optimal_history: deque[bool] = deque(maxlen=self.HISTORY_SIZE)
        self._renderer = None

    @property
    def values(self) -> np.ndarray:
        """The true values q* now (a copy), one per arm."""
        return self.bandit.values[0].copy()

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        options = check_reset_options(options, ("values",))
        if "values" in options:
            self.bandit.set_values(options["values"])
        elif self.problem_seed is not None:
            self.bandit.draw_values(np.random.default_rng(self.problem_seed))
        else:
            self.bandit.draw_values(self.np_random)
        start = self.bandit.values[0].copy()
        new_problem = self._episode_start_values is None or not np.array_equal(start, self._episode_start_values)
        self._episode_start_values = start
        self.t = 0
        self.pulls[:] = 0
        self.reward_sums[:] = 0.0
        self.last_arm = None
        self.last_reward = None
        self.cumulative_regret = 0.0
        info = {
            "optimal_arm": int(self.bandit.optimal_arms()[0]),
            "new_problem": bool(new_problem),
            "problem_id": zlib.crc32(start.tobytes()),
        }
        if self.render_mode == "human":
            self.render()
        return self._observation(), info

    def step(self, action):
        if self._episode_start_values is None:
            raise RuntimeError("call reset() before step()")
        if self.t >= self.horizon:
            raise RuntimeError(f"the episode ended after horizon={self.horizon} pulls; call reset()")
        arm = check_action(action, self.k, "an arm index")
        rewards, regrets, optimal = self.bandit.pull(np.array([arm]), self.np_random)
        reward, regret = float(rewards[0]), float(regrets[0])
        self.t += 1
        self.pulls[arm] += 1
        self.reward_sums[arm] += reward
        self.last_arm, self.last_reward = arm, reward
        self.cumulative_regret += regret
        self.total_pulls += 1
        self.total_regret += regret
        self.regret_history.append(regret)
        self.optimal_history.append(arm == int(optimal[0]))
        truncated = self.t >= self.horizon
        info = {"optimal_arm": int(optimal[0]), "regret": regret}
        if self.render_mode == "human":
            self.render()
        return self._observation(), reward, False, bool(truncated), info

    def _observation(self) -> np.ndarray:
        return np.zeros(1, dtype=np.float32)

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode= to the constructor")
            return None
        if self.render_mode == "ansi":
            from rldojo.envs.bandit.render import render_ansi

            return render_ansi(self)
        if self._renderer is None:
            from rldojo.envs.bandit.render import BanditRenderer

            self._renderer = BanditRenderer(fps=self.metadata["render_fps"])
        return self._renderer.render(self, self.render_mode)

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


__all__ = ["ARM_KINDS", "BanditEnv"]
