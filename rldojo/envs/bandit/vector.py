"""Bandit-v0 as a native vector env: N bandit problems, one a row, pulled at once with numpy.

``gym.make_vec("Bandit-v0", num_envs=N, vectorization_mode="vector_entry_point", **options)``
makes a :class:`BanditVectorEnv`. It takes every option of ``BanditEnv`` and behaves as N of
them made by ``gym.make`` in Gymnasium's ``SyncVectorEnv``: the same seeds and pulls give the
same rewards, flags and infos (``optimal_arm``, ``regret``; ``optimal_arm``, ``new_problem``
and ``problem_id`` at a reset).

The true values of every env sit in one ``(N, k)`` array, as in the rules'
:class:`~rldojo.envs.bandit.rules.KArmedBandit`, whose pull rules this file applies row-wise
with each env's own random numbers. Env ``i``'s numbers come from its own generator, drawn
ahead (:class:`rldojo.envs.vector.EnvRandom`): a Gaussian bandit draws only normals and a
stationary Bernoulli one only uniforms, so a step costs no Python per env. A drifting
Bernoulli bandit draws a uniform then ``k`` normals at every pull; it stays exact but
refills each env's numbers each step, a Python call per env (the one slow combination).
A reset computes each new problem's ``problem_id`` checksum per resetting env.
"""

from __future__ import annotations

import types
import zlib
from typing import Any, ClassVar

import numpy as np

from rldojo.envs.bandit.env import BanditEnv
from rldojo.envs.bandit.rules import BERNOULLI, GAUSSIAN
from rldojo.envs.common import check_reset_options
from rldojo.envs.vector import NativeVectorEnv

__all__ = ["BanditVectorEnv"]


class BanditVectorEnv(NativeVectorEnv):
    """``num_envs`` copies of Bandit-v0 pulled together; see ``BanditEnv`` for the problem and its options.

    :param num_envs: how many bandit problems
    :param autoreset_mode: Gymnasium's autoreset mode (``NEXT_STEP`` by default)
    :param max_episode_steps: an extra time limit (Bandit-v0 registers none: ``horizon`` ends episodes)
    :param render_mode: None or ``"rgb_array"`` (env 0, or a grid of the first ``render_envs``)
    :param options: the options of ``BanditEnv`` (``k``, ``arms``, ``nonstationary``, ``horizon``,
        ``drift``, ``problem_seed``), checked by it
    """

    metadata: ClassVar[dict[str, Any]] = {**NativeVectorEnv.metadata, "render_fps": BanditEnv.metadata["render_fps"]}

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
        template = BanditEnv(**options)  # checks every option as Bandit-v0 does
        super().__init__(
            num_envs,
            template.observation_space,
            template.action_space,
            autoreset_mode=autoreset_mode,
            max_episode_steps=max_episode_steps,
            render_mode=render_mode,
            render_envs=render_envs,
            action_meaning="an arm index",
        )
        self.options = dict(options)
        self.k, self.arms, self.nonstationary = template.k, template.arms, template.nonstationary
        self.horizon, self.drift, self.problem_seed = template.horizon, template.drift, template.problem_seed
        self._rules = template.bandit  # checks hand-set values; its pull rules are applied row-wise below
        n = self.num_envs
        self._env_rows = np.arange(n)
        self.values = np.zeros((n, self.k))  # q*, one row per env
        self.t = np.zeros(n, dtype=np.int64)
        self._episode_start_values = np.full((n, self.k), np.nan)  # NaN until an env's first reset
        # What the renderer shows, and the counters BanditEnv keeps across episodes.
        self.pulls = np.zeros((n, self.k), dtype=np.int64)
        self.reward_sums = np.zeros((n, self.k))
        self.last_arm = np.full(n, -1, dtype=np.int64)
        self.last_reward = np.zeros(n)
        self.cumulative_regret = np.zeros(n)
        self.total_pulls = np.zeros(n, dtype=np.int64)
        self.total_regret = np.zeros(n)
        self._fixed_problem = None
        if self.problem_seed is not None:  # every episode starts from the problem this seed draws
            self._rules.draw_values(np.random.default_rng(self.problem_seed))
            self._fixed_problem = self._rules.values[0].copy()

    # ------------------------------------------------------------------------------ the hooks

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        options = check_reset_options(options, ("values",))
        envs = np.flatnonzero(mask)
        if "values" in options:
            start = self._rules.set_values(options["values"])[0]
            self.values[envs] = start
        elif self._fixed_problem is not None:
            self.values[envs] = self._fixed_problem
        elif self.arms == GAUSSIAN:  # rng.standard_normal((1, k)), per env
            self.values[envs] = self.random.normal(mask, self.k)
        else:  # rng.random((1, k)), per env
            self.values[envs] = self.random.uniform(mask, self.k)
        start = self.values[envs]
        new_problem = ~(start == self._episode_start_values[envs]).all(axis=1)
        self._episode_start_values[envs] = start
        self.t[envs] = 0
        self.pulls[envs] = 0
        self.reward_sums[envs] = 0.0
        self.last_arm[envs] = -1
        self.cumulative_regret[envs] = 0.0
        problem_id = np.zeros(self.num_envs, dtype=np.int64)
        problem_id[envs] = [zlib.crc32(row.tobytes()) for row in start]  # the single env's checksum
        optimal = self.values.argmax(axis=1)
        fresh = np.zeros(self.num_envs, dtype=bool)
        fresh[envs] = new_problem
        return {"optimal_arm": optimal, "new_problem": fresh, "problem_id": problem_id}

    def _step_envs(self, actions: np.ndarray, mask: np.ndarray):
        rows = self._env_rows
        optimal = self.values.argmax(axis=1)
        pulled = self.values[rows, actions]
        regrets = self.values[rows, optimal] - pulled
        rewards = np.zeros(self.num_envs)
        # KArmedBandit.pull's draws, row by row: one reward draw, then k drift draws when drifting.
        if self.arms == GAUSSIAN:
            draws = self.random.normal(mask, 1 + self.k if self.nonstationary else 1)
            rewards[mask] = pulled[mask] + draws[:, 0]
            drift = draws[:, 1:]
        else:
            rewards[mask] = (self.random.uniform(mask)[:, 0] < pulled[mask]).astype(np.float64)
            drift = self.random.normal(mask, self.k) if self.nonstationary else None
        if self.nonstationary:
            moved = self.values[mask] + self.drift * drift
            if self.arms == BERNOULLI:
                np.clip(moved, 0.0, 1.0, out=moved)
            self.values[mask] = moved
        stepped = rows[mask]
        arms = actions[mask]
        self.t[mask] += 1
        self.pulls[stepped, arms] += 1
        self.reward_sums[stepped, arms] += rewards[mask]
        self.last_arm[mask] = arms
        self.last_reward[mask] = rewards[mask]
        self.cumulative_regret[mask] += regrets[mask]
        self.total_pulls[mask] += 1
        self.total_regret[mask] += regrets[mask]
        truncated = mask & (self.t >= self.horizon)
        return rewards, np.zeros(self.num_envs, dtype=bool), truncated, {"optimal_arm": optimal, "regret": regrets}

    def _observe(self) -> np.ndarray:
        return np.zeros((self.num_envs, 1), dtype=np.float32)

    def _render_env(self, i: int) -> np.ndarray:
        if self._renderer is None:
            from rldojo.envs.bandit.render import BanditRenderer

            self._renderer = BanditRenderer(fps=self.metadata["render_fps"])
        # The renderer reads a BanditEnv's attributes: give it env i's.
        view = types.SimpleNamespace(
            arms=self.arms,
            k=self.k,
            nonstationary=self.nonstationary,
            t=int(self.t[i]),
            horizon=self.horizon,
            cumulative_regret=float(self.cumulative_regret[i]),
            pulls=self.pulls[i],
            reward_sums=self.reward_sums[i],
            last_arm=None if self.last_arm[i] < 0 else int(self.last_arm[i]),
            last_reward=float(self.last_reward[i]),
            bandit=types.SimpleNamespace(values=self.values[i : i + 1]),
        )
        return self._renderer.render(view, "rgb_array")
