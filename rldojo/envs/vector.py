"""The shared base of rldojo's native vector envs: N copies of an env stepped with numpy array operations.

A native vector env keeps the state of all its envs in arrays and steps them together, so
``step`` costs a few numpy operations however many envs there are, where Gymnasium's
``SyncVectorEnv`` pays a Python call per env per step. It behaves exactly as ``num_envs``
single envs made by ``gym.make`` (with the registration's time limit) and run by
``SyncVectorEnv``: the same seeds and actions give the same observations, rewards, flags and
infos, in each of Gymnasium's three autoreset modes.

:class:`NativeVectorEnv` does once, for every env, what is not the game:

- the autoreset modes of :class:`gymnasium.vector.AutoresetMode`, declared in
  ``metadata["autoreset_mode"]``: ``NEXT_STEP`` (the default; the step after an episode ends
  resets that env, ignores its action and returns reward 0), ``SAME_STEP`` (the ending step
  resets at once, with ``info["final_obs"]`` and ``info["final_info"]``), and ``DISABLED``
  (the user resets ended envs with ``reset(options={"reset_mask": mask})``);
- seeding as ``SyncVectorEnv``: ``reset(seed=s)`` seeds env ``i`` with ``s + i``, a list seeds
  env by env, and env ``i`` seeded ``s`` draws the random numbers the single env seeded ``s``
  draws (:class:`EnvRandom`);
- the registration's ``max_episode_steps`` (truncation, as Gymnasium's ``TimeLimit``);
- strict batched actions (integer arrays of shape ``(num_envs,)`` in range; a ValueError
  naming the action and the space), refusal to step before ``reset``, and illegal actions
  refused where the env has an action mask;
- infos in ``SyncVectorEnv``'s layout (an array per key and a boolean ``_key`` array saying
  which envs have it), batched ``action_masks()`` and ``info["action_mask"]``;
- ``render()`` in ``rgb_array`` mode: env 0's frame, or a grid of the first ``render_envs``.

The interface a subclass implements (keep to it; it does not change):

``__init__``
    Check the env's options, then call ``super().__init__(num_envs, single_observation_space,
    single_action_space, autoreset_mode=..., max_episode_steps=..., render_mode=...,
    render_envs=..., action_meaning=...)``. Per-env random numbers come from ``self.random``
    (an :class:`EnvRandom`).

``_reset_envs(mask, options) -> info``
    Start a new episode in every env where the boolean array ``mask`` is True, leaving the
    others untouched. ``options`` are the reset options (``reset_mask`` removed), ``{}`` on
    autoreset. ``self.random.reseeded[i]`` is True when env ``i`` was given a seed by this
    ``reset`` (a single env may redo things then, as Maze-v0 makes a new random maze).
    Returns the reset infos: a dict of arrays of length ``num_envs`` whose rows
    under ``mask`` hold the values (see *Info arrays* below).

``_step_envs(actions, mask) -> (rewards, terminated, truncated, info)``
    Play ``actions`` (an int64 array of shape ``(num_envs,)``, already checked) in every env
    where ``mask`` is True, with no Python loop over envs. Envs outside ``mask`` (only under
    ``NEXT_STEP``: the envs that ended last step) are reset by ``_reset_envs`` right after this
    call, so their state may be left in any shape, but they must draw no random numbers; their
    rows of the results are ignored. Do not modify ``mask``. Returns float64 rewards, bool
    terminated and bool truncated arrays of shape ``(num_envs,)`` and the step infos. The time
    limit is added by the base.

``_observe() -> observations``
    A fresh batch of the observations of every env (for a ``Discrete`` observation space, an
    int64 array).

``_action_masks() -> np.ndarray | None`` (optional)
    The bool array ``(num_envs, n_actions)`` of the actions legal now, or None (the default)
    when every action is always legal: then ``action_masks()`` is all True and infos carry no
    ``action_mask``. When it returns an array, ``info["action_mask"]`` is added after every
    reset and step, and actions outside it are refused with a ValueError before anything
    changes (set ``refuse_illegal = False`` in a subclass that handles them itself).

``_render_env(i) -> np.ndarray`` (optional)
    The RGB frame (H, W, 3) of env ``i``, for ``render()``.

Info arrays: a hook returns ``{key: array}`` with one row per env; the base keeps the rows
of the envs the hook was asked about and adds the ``_key`` presence arrays. A key that only
some of those envs have comes with its own ``"_key"`` bool array. Arrays hold what
``SyncVectorEnv`` would: ``bool``/``int64``/``float64`` for Python scalars, ``object``
arrays for strings and tuples (index a prepared object array with an int array to make
them without a Python loop).

Testing one: :func:`assert_same_as_sync` steps a native env beside a ``SyncVectorEnv`` of
the single envs and fails at the first difference in observations, rewards, flags or infos.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from rldojo.envs.options import check_integer

__all__ = [
    "EnvRandom",
    "NativeVectorEnv",
    "assert_same_as_sync",
    "assert_same_infos",
    "check_autoreset_mode",
    "check_max_episode_steps",
    "native_and_sync",
    "tile_frames",
]

BUFFER_SIZE = 256  # random numbers drawn ahead per env and kind; larger means rarer refills


def check_autoreset_mode(mode: Any) -> AutoresetMode:
    """``mode`` as an :class:`AutoresetMode` (an instance or its value such as ``"NextStep"``), or a ValueError."""
    if isinstance(mode, AutoresetMode):
        return mode
    try:
        return AutoresetMode(mode)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in AutoresetMode)
        raise ValueError(
            f"autoreset_mode must be a gymnasium.vector.AutoresetMode or one of {allowed}, got {mode!r}"
        ) from None


def check_max_episode_steps(value: Any) -> int | None:
    """``value`` as None (no limit) or a positive int, or a ValueError."""
    if value is None:
        return None
    return check_integer("max_episode_steps", value, 1)


class EnvRandom:
    """One numpy Generator per env, with vectorised draws that stay identical to the single env's.

    Env ``i`` owns ``generators[i]``, seeded as the single env's ``np_random`` is
    (``gymnasium.utils.seeding.np_random``, a PCG64), so it yields the same stream. To draw for
    every env at once without a Python call per env, each env's stream is drawn ahead into a
    buffer, ``BUFFER_SIZE`` numbers at a time, of one of two kinds:

    - ``"raw"``: the generator's 64-bit outputs. :meth:`uniform` and :meth:`integers` turn them
      into exactly what ``Generator.random()`` and ``Generator.integers(high)`` return, as numpy
      computes them (53 bits for a double; Lemire's bounded method on 32-bit halves for an
      integer, with PCG64's spare half kept per env);
    - ``"normal"``: ``Generator.standard_normal`` numbers (numpy draws an array of them as the
      same sequence of single draws). :meth:`normal`.

    Any other use of a generator (a shuffle, a maze made by a Python walk) goes through
    :meth:`generator`, which first puts the generator exactly where the env's draws have
    brought it: its state before the buffer was filled, then the draws used since. A stream
    that switches kind every step (integers, then normals, then integers...) stays exact but
    refills every time, at the cost of a Python call per env.
    """

    def __init__(self, n: int):
        self.n = int(n)
        self.generators: list[np.random.Generator | None] = [None] * self.n
        self.seeds: list[int | None] = [None] * self.n
        self.reseeded = np.zeros(self.n, dtype=bool)  # seeded by the reset under way
        self._kind = np.full(self.n, "", dtype=object)  # what each env's buffer holds ("" none)
        self._snapshot: list[dict | None] = [None] * self.n  # bit-generator state before the buffer
        self._used = np.zeros(self.n, dtype=np.int64)  # numbers of the buffer used
        self._buffers = {"raw": np.zeros((self.n, 0), dtype=np.uint64), "normal": np.zeros((self.n, 0))}
        # PCG64's spare upper half of a 64-bit output, which its next 32-bit draw returns (raw kind only).
        self._has_half = np.zeros(self.n, dtype=bool)
        self._half = np.zeros(self.n, dtype=np.uint64)

    def seed(self, i: int, seed: int | None) -> None:
        """Env ``i``'s generator: from ``seed`` (as ``gymnasium.utils.seeding.np_random``); unseeded only if unset."""
        if seed is not None or self.generators[i] is None:
            self.generators[i], self.seeds[i] = seeding.np_random(seed)
            self._kind[i] = ""
        self.reseeded[i] = seed is not None

    def generator(self, i: int) -> np.random.Generator:
        """Env ``i``'s generator, positioned exactly after the numbers the env has used."""
        self._sync(i)
        return self.generators[i]

    def _sync(self, i: int) -> None:
        kind = self._kind[i]
        if not kind:
            return
        bit_generator = self.generators[i].bit_generator
        bit_generator.state = self._snapshot[i]
        used = int(self._used[i])
        if kind == "raw":
            if used:
                bit_generator.random_raw(used)
            state = bit_generator.state
            state["has_uint32"], state["uinteger"] = int(self._has_half[i]), int(self._half[i])
            bit_generator.state = state
        elif used:
            self.generators[i].standard_normal(used)
        self._kind[i] = ""

    def _prepare(self, kind: str, rows: np.ndarray, size: int) -> np.ndarray:
        """Make sure each env in ``rows`` has ``size`` unused numbers of ``kind`` buffered; returns the buffer."""
        capacity = max(BUFFER_SIZE, size)
        buffer = self._buffers[kind]
        if buffer.shape[1] < capacity:
            buffer = self._buffers[kind] = np.zeros((self.n, capacity), dtype=buffer.dtype)
        stale = rows[(self._kind[rows] != kind) | (self._used[rows] + size > buffer.shape[1])]
        for i in stale.tolist():  # one Python call per env every BUFFER_SIZE / size draws
            self._sync(i)
            generator = self.generators[i]
            state = generator.bit_generator.state
            self._snapshot[i] = state
            if kind == "raw":
                self._has_half[i], self._half[i] = bool(state["has_uint32"]), state["uinteger"]
                buffer[i] = generator.bit_generator.random_raw(buffer.shape[1])
            else:
                buffer[i] = generator.standard_normal(buffer.shape[1])
            self._kind[i] = kind
            self._used[i] = 0
        return buffer

    def _take(self, kind: str, rows: np.ndarray, size: int) -> np.ndarray:
        buffer = self._prepare(kind, rows, size)
        columns = self._used[rows, None] + np.arange(size)
        self._used[rows] += size
        return buffer[rows[:, None], columns]

    def uniform(self, mask: np.ndarray, size: int = 1) -> np.ndarray:
        """For each env in ``mask``, its next ``size`` ``Generator.random()`` numbers: shape (mask.sum(), size)."""
        raw = self._take("raw", np.flatnonzero(mask), size)
        return (raw >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

    def normal(self, mask: np.ndarray, size: int = 1) -> np.ndarray:
        """For each env in ``mask``, its next ``size`` ``Generator.standard_normal()`` numbers: (mask.sum(), size)."""
        return self._take("normal", np.flatnonzero(mask), size)

    def integers(self, mask: np.ndarray, high: int | np.ndarray) -> np.ndarray:
        """For each env in ``mask``, its next ``Generator.integers(high)``: int64, shape (mask.sum(),).

        :param high: the exclusive bound, one for all or one per env in ``mask``, each in 1..2**32
        """
        rows = np.flatnonzero(mask)
        high = np.broadcast_to(np.asarray(high, dtype=np.uint64), rows.shape)
        if high.size and (high.min() < 1 or high.max() > 2**32):
            raise ValueError(f"high must be in 1..2**32, got {high}")
        out = np.zeros(rows.size, dtype=np.int64)
        threshold = (np.uint64(2**32) - high) % np.maximum(high, np.uint64(1))  # Lemire's rejection bound
        pending = np.flatnonzero(high > 1)  # integers(1) is 0 and draws nothing
        while pending.size:
            m = self._next_uint32(rows[pending]) * high[pending]
            accept = (m & np.uint64(0xFFFFFFFF)) >= threshold[pending]
            out[pending[accept]] = (m[accept] >> np.uint64(32)).astype(np.int64)
            pending = pending[~accept]
        return out

    def _next_uint32(self, rows: np.ndarray) -> np.ndarray:
        """PCG64's next 32-bit output for each env in ``rows``: the spare half, else the low half of a new draw."""
        buffer = self._prepare("raw", rows, 1)
        spare = self._has_half[rows]
        values = self._half[rows].copy()
        drawing = rows[~spare]
        raw = buffer[drawing, self._used[drawing]]
        self._used[drawing] += 1
        values[~spare] = raw & np.uint64(0xFFFFFFFF)
        self._half[drawing] = raw >> np.uint64(32)
        self._has_half[rows] = ~spare
        return values


class NativeVectorEnv(VectorEnv):
    """Base of rldojo's native vector envs; the module docstring describes the subclass interface.

    :param num_envs: how many envs, an integer >= 1
    :param single_observation_space: one env's observation space
    :param single_action_space: one env's action space, a ``Discrete``
    :param autoreset_mode: a :class:`gymnasium.vector.AutoresetMode` or its value (``"NextStep"``,
        ``"SameStep"``, ``"Disabled"``)
    :param max_episode_steps: truncate an episode after this many steps, as the registration's
        time limit does for ``gym.make``; None for no limit
    :param render_mode: None or ``"rgb_array"``
    :param render_envs: how many envs ``render()`` shows, in a grid (env 0 alone by default)
    :param action_meaning: what the actions are, for error messages
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "autoreset_mode": AutoresetMode.NEXT_STEP}
    refuse_illegal: ClassVar[bool] = True

    def __init__(
        self,
        num_envs: int,
        single_observation_space: spaces.Space,
        single_action_space: spaces.Discrete,
        *,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        max_episode_steps: int | None = None,
        render_mode: str | None = None,
        render_envs: int = 1,
        action_meaning: str = "",
    ):
        self.num_envs = check_integer("num_envs", num_envs, 1)
        self.autoreset_mode = check_autoreset_mode(autoreset_mode)
        self.max_episode_steps = check_max_episode_steps(max_episode_steps)
        if render_mode not in (None, "rgb_array"):
            raise ValueError(
                f"render_mode of a vector env must be None or 'rgb_array', got {render_mode!r}; "
                "to watch an env in a window, make the single env with gym.make(id, render_mode='human')"
            )
        self.render_mode = render_mode
        self.render_envs = check_integer("render_envs", render_envs, 1, self.num_envs)
        if not isinstance(single_action_space, spaces.Discrete):
            raise TypeError(f"single_action_space must be a Discrete space, got {single_action_space!r}")
        self.metadata = {**type(self).metadata, "autoreset_mode": self.autoreset_mode}
        self.single_observation_space = single_observation_space
        self.observation_space = batch_space(single_observation_space, self.num_envs)
        self.single_action_space = single_action_space
        self.action_space = batch_space(single_action_space, self.num_envs)
        self.n_actions = int(single_action_space.n)
        self._action_meaning = action_meaning

        self.random = EnvRandom(self.num_envs)
        self._all = np.ones(self.num_envs, dtype=bool)
        self._elapsed = np.zeros(self.num_envs, dtype=np.int64)
        self._ended = np.zeros(self.num_envs, dtype=bool)  # terminated or truncated at the last step
        self._none = np.zeros(self.num_envs, dtype=bool)
        self._started = np.zeros(self.num_envs, dtype=bool)  # reset at least once
        self._all_started = False
        self._renderer = None

    # ------------------------------------------------------------------------------ the hooks

    def _reset_envs(self, mask: np.ndarray, options: dict) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _step_envs(
        self, actions: np.ndarray, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        raise NotImplementedError

    def _observe(self) -> Any:
        raise NotImplementedError

    def _action_masks(self) -> np.ndarray | None:
        return None

    def _render_env(self, i: int) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not render")

    # ------------------------------------------------------------------------------ seeding

    @property
    def np_randoms(self) -> tuple[np.random.Generator | None, ...]:
        """Each env's generator (as ``SyncVectorEnv.np_random``); draw from them only through ``self.random``."""
        return tuple(self.random.generators)

    def _seed(self, seed: int | list | tuple | None, mask: np.ndarray) -> None:
        if seed is None:
            seeds: list = [None] * self.num_envs
        elif isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            seeds = [int(seed) + i for i in range(self.num_envs)]
        elif isinstance(seed, (list, tuple)) and len(seed) == self.num_envs:
            seeds = list(seed)
        else:
            raise ValueError(
                f"seed must be None, an int (env i gets seed + i) or a list of {self.num_envs} ints or None, "
                f"got {seed!r}"
            )
        for i in np.flatnonzero(mask).tolist():
            value = seeds[i]
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0):
                raise ValueError(f"seed of env {i} must be a non-negative int or None, got {value!r}")
            self.random.seed(i, None if value is None else int(value))

    # ------------------------------------------------------------------------------ Gymnasium API

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        """Reset every env, or with ``options={"reset_mask": mask}`` only the envs where ``mask`` is True.

        :param seed: None, an int (env ``i`` gets ``seed + i``) or a list of one seed (or None) per env
        :param options: the env's reset options, passed to each env reset, plus ``reset_mask``
        """
        if options is not None and not isinstance(options, dict):
            raise ValueError(f"options must be a dict or None, got {options!r}")
        options = dict(options or {})
        mask = self._all
        if "reset_mask" in options:
            mask = options.pop("reset_mask")
            if not isinstance(mask, np.ndarray):
                raise TypeError(f"options['reset_mask'] must be a numpy array, got {type(mask).__name__}")
            if mask.shape != (self.num_envs,):
                raise ValueError(f"options['reset_mask'] must have shape ({self.num_envs},), got {mask.shape}")
            if mask.dtype != np.bool_:
                raise TypeError(f"options['reset_mask'] must have dtype bool, got {mask.dtype}")
            if not mask.any():
                raise ValueError(f"options['reset_mask'] must have at least one True value, got {mask}")
        self._seed(seed, mask)
        try:
            info = self._finish_info(self._reset_envs(mask.copy(), options), mask)
        finally:
            self.random.reseeded[:] = False
        self._elapsed[mask] = 0
        self._ended[mask] = False
        self._started[mask] = True
        self._all_started = bool(self._started.all())
        self._add_action_mask(info, mask)
        return self._observe(), info

    def step(self, actions):
        """Step every env (see the autoreset modes in the module docstring)."""
        actions = self._check_actions(actions)
        if not self._all_started:
            if not self._started.all():
                raise RuntimeError(
                    f"env(s) {np.flatnonzero(~self._started).tolist()} were never reset; call reset() first"
                )
            self._all_started = True
        mode = self.autoreset_mode
        if mode == AutoresetMode.DISABLED and self._ended.any():
            raise RuntimeError(
                f"env(s) {np.flatnonzero(self._ended).tolist()} have ended and autoreset_mode is DISABLED; "
                "reset them with reset(options={'reset_mask': mask}) before stepping"
            )
        resetting = self._ended if mode == AutoresetMode.NEXT_STEP else self._none
        stepping = ~resetting
        self._check_legal(actions, stepping)

        rewards, terminated, truncated, info = self._step_envs(actions, stepping)
        rewards = np.asarray(rewards, dtype=np.float64)
        terminated = np.asarray(terminated, dtype=bool)
        truncated = np.asarray(truncated, dtype=bool)
        self._elapsed += stepping
        if self.max_episode_steps is not None:  # as TimeLimit; envs not stepping are cleared below
            truncated = truncated | (self._elapsed >= self.max_episode_steps)

        if mode == AutoresetMode.NEXT_STEP:
            if resetting.any():  # these envs reset instead of stepping: reward 0, not ended, the reset's info
                rewards[resetting] = 0.0
                terminated &= stepping
                truncated &= stepping
                reset_info = self._reset_envs(resetting.copy(), {})
                info = _combine_infos(info, stepping, reset_info, resetting)
                self._elapsed[resetting] = 0
            else:
                info = self._finish_info(info, stepping)
            self._ended = terminated | truncated
            observations = self._observe()
        elif mode == AutoresetMode.SAME_STEP:
            info = self._finish_info(info, stepping)
            done = terminated | truncated
            observations = self._observe()
            if done.any():
                self._add_action_mask(info)  # the final states' masks, for final_info
                final_obs = np.full(self.num_envs, None, dtype=object)
                discrete = isinstance(self.single_observation_space, spaces.Discrete)
                for i in np.flatnonzero(done).tolist():  # SyncVectorEnv's layout: one object per env
                    final_obs[i] = int(observations[i]) if discrete else observations[i]
                final_info = _restrict_info(info, done)
                reset_info = self._finish_info(self._reset_envs(done.copy(), {}), done)
                info = _merge_infos(info, reset_info, done)
                info["final_obs"], info["_final_obs"] = final_obs, done.copy()
                info["final_info"], info["_final_info"] = final_info, done.copy()
                self._elapsed[done] = 0
                observations = self._observe()
        else:
            info = self._finish_info(info, stepping)
            self._ended = terminated | truncated
            observations = self._observe()
        self._add_action_mask(info)
        return observations, rewards, terminated, truncated, info

    def _check_actions(self, actions) -> np.ndarray:
        """``actions`` as an int64 array of shape (num_envs,), or a ValueError naming them and the space."""
        if type(actions) is np.ndarray and actions.dtype == np.int64 and actions.shape == (self.num_envs,):
            # the fast path: one reduction, negative values become huge as unsigned
            if actions.view(np.uint64).max() < self.n_actions:
                return actions
            array = None
        elif isinstance(actions, np.ndarray):
            array = actions
        elif isinstance(actions, (list, tuple)) and all(type(a) is int or isinstance(a, np.integer) for a in actions):
            array = np.array(actions, dtype=np.int64) if actions else np.zeros(0, dtype=np.int64)
        else:
            array = None
        ok = (
            array is not None
            and array.shape == (self.num_envs,)
            and np.issubdtype(array.dtype, np.integer)
            and (array.min() >= 0 and array.max() < self.n_actions)
        )
        if not ok:
            detail = f" ({self._action_meaning})" if self._action_meaning else ""
            raise ValueError(
                f"actions must be an integer array of shape ({self.num_envs},) with values in 0..{self.n_actions - 1} "
                f"of {self.action_space}{detail}, got {actions!r}"
            )
        return array.astype(np.int64)

    def _check_legal(self, actions: np.ndarray, stepping: np.ndarray) -> None:
        if not self.refuse_illegal:
            return
        masks = self._action_masks()
        if masks is None:
            return
        illegal = stepping & ~masks[np.arange(self.num_envs), actions]
        if illegal.any():
            i = int(np.flatnonzero(illegal)[0])
            raise ValueError(
                f"action {int(actions[i])} of env {i} is illegal now; legal actions there: "
                f"{np.flatnonzero(masks[i]).tolist()} (see action_masks()); envs with illegal actions: "
                f"{np.flatnonzero(illegal).tolist()}"
            )

    def action_masks(self) -> np.ndarray:
        """The legal actions of every env now, bool (num_envs, n_actions) (sb3-contrib's convention)."""
        masks = self._action_masks()
        if masks is None:
            return np.ones((self.num_envs, self.n_actions), dtype=bool)
        return np.array(masks, dtype=bool)

    def _add_action_mask(self, info: dict, present: np.ndarray | None = None) -> None:
        masks = self._action_masks()
        if masks is not None:
            info["action_mask"] = np.array(masks, dtype=np.int8)
            info["_action_mask"] = (self._all if present is None else present).copy()

    def _finish_info(self, info: dict, mask: np.ndarray) -> dict:
        """A hook's info arrays with the ``_key`` presence arrays, limited to the envs in ``mask``."""
        return _finish(info, mask)

    def render(self):
        """In ``rgb_array`` mode, env 0's frame (H, W, 3), or a grid of the first ``render_envs`` envs' frames."""
        if self.render_mode is None:
            gym.logger.warn("render() was called without a render_mode; pass render_mode='rgb_array' to make_vec")
            return None
        frames = [np.asarray(self._render_env(i)) for i in range(self.render_envs)]
        if len(frames) == 1:
            return frames[0]
        return tile_frames(frames)

    def close_extras(self, **kwargs: Any) -> None:
        renderer, self._renderer = self._renderer, None
        if renderer is not None and hasattr(renderer, "close"):
            renderer.close()

    def __repr__(self) -> str:
        name = self.spec.id if self.spec is not None else ""
        return f"{type(self).__name__}({name + ', ' if name else ''}num_envs={self.num_envs})"


def assert_same_infos(ours: dict, theirs: dict, where: str = "info") -> None:
    """AssertionError unless two vector infos agree: the same keys and ``_key`` arrays, equal values (and
    value types) wherever a ``_key`` array says an env has the key, the same array dtypes."""
    assert sorted(ours) == sorted(theirs), f"{where}: keys {sorted(ours)} != {sorted(theirs)}"
    for key, value in ours.items():
        other = theirs[key]
        if key.startswith("_"):
            assert np.array_equal(value, other), f"{where}[{key!r}]: {value} != {other}"
        elif isinstance(value, dict):
            assert_same_infos(value, other, f"{where}[{key!r}]")
        else:
            assert value.dtype == other.dtype, f"{where}[{key!r}]: dtype {value.dtype} != {other.dtype}"
            for i in np.flatnonzero(ours["_" + key]).tolist():
                a, b = value[i], other[i]
                same = np.array_equal(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else a == b
                assert same and type(a) is type(b), f"{where}[{key!r}][{i}]: {a!r} != {b!r}"


def native_and_sync(env_id: str, num_envs: int, autoreset_mode, **options: Any) -> tuple[VectorEnv, VectorEnv]:
    """The registered native vector env of ``env_id`` and a ``SyncVectorEnv`` of ``gym.make(env_id)``, alike.

    Both get ``num_envs``, the autoreset mode and the same ``options`` (``max_episode_steps`` included),
    ready for :func:`assert_same_as_sync`.
    """
    ours = gym.make_vec(
        env_id, num_envs=num_envs, vectorization_mode="vector_entry_point", autoreset_mode=autoreset_mode, **options
    )
    theirs = gym.vector.SyncVectorEnv(
        [lambda: gym.make(env_id, **options) for _ in range(num_envs)], autoreset_mode=autoreset_mode
    )
    return ours, theirs


def assert_same_as_sync(ours: VectorEnv, theirs: VectorEnv, seed, choose, steps: int, reset_options=None) -> None:
    """Step a native vector env beside a ``SyncVectorEnv`` of the single envs; AssertionError at the first difference.

    Both must use the same autoreset mode; under ``DISABLED`` the ended envs are reset with a
    ``reset_mask`` after each step. Observations, rewards, terminated, truncated and infos
    must be identical after the reset and after every step.

    :param seed: the seed of the first reset (None, an int or a list)
    :param choose: ``choose(masks) -> actions``, given ``ours.action_masks()``; an int array of shape (num_envs,)
    :param steps: how many steps
    """
    mode = ours.metadata["autoreset_mode"]
    assert mode == theirs.metadata["autoreset_mode"], "the two envs use different autoreset modes"

    def same(step: int, a, b) -> None:
        where = f"after {step} steps"
        assert np.array_equal(a[0], b[0]), f"{where}: observations {a[0]} != {b[0]}"
        names = ("rewards", "terminated", "truncated")[: len(a) - 2]  # none after a reset
        for name, x, y in zip(names, a[1:-1], b[1:-1], strict=True):
            assert np.array_equal(x, y) and np.asarray(x).dtype == np.asarray(y).dtype, f"{where}: {name} {x} != {y}"
        assert_same_infos(a[-1], b[-1], f"{where}: info")

    options = None if reset_options is None else dict(reset_options)
    same(0, ours.reset(seed=seed, options=options), theirs.reset(seed=seed, options=options))
    for step in range(1, steps + 1):
        actions = np.asarray(choose(ours.unwrapped.action_masks()), dtype=np.int64)
        result = ours.step(actions.copy()), theirs.step(actions.copy())
        same(step, *result)
        ended = result[0][2] | result[0][3]
        if mode == AutoresetMode.DISABLED and ended.any():
            same(step, ours.reset(options={"reset_mask": ended.copy()}), theirs.reset(options={"reset_mask": ended}))


def tile_frames(frames: list[np.ndarray], gap: int = 4) -> np.ndarray:
    """Frames of one size side by side in a near-square grid, on a white background with ``gap`` pixels between."""
    count = len(frames)
    cols = int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / cols))
    h, w = frames[0].shape[:2]
    grid = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 3), 255, dtype=np.uint8)
    for k, frame in enumerate(frames):
        r, c = divmod(k, cols)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = frame[:h, :w, :3]
    return grid


def _restrict_info(info: dict, mask: np.ndarray) -> dict:
    """Only the entries of the envs in ``mask``."""
    out: dict[str, Any] = {}
    for key, value in info.items():
        if key.startswith("_"):
            continue
        present = info["_" + key] & mask
        if present.any():
            out[key] = _restrict_info(value, mask) if isinstance(value, dict) else value
            out["_" + key] = present
    return out


def _merge_infos(first: dict, second: dict, mask: np.ndarray) -> dict:
    """``first``'s entries, with those of the envs in ``mask`` replaced by ``second``'s (as finished infos)."""
    out: dict[str, Any] = {}
    keep = ~mask
    for key, value in first.items():
        if key.startswith("_"):
            continue
        present = first["_" + key] & keep
        if key in second or present.any():
            out[key], out["_" + key] = value, present
    for key, value in second.items():
        if key.startswith("_"):
            continue
        present = second["_" + key]
        if key not in out:
            out[key], out["_" + key] = value, present
        elif isinstance(value, dict):
            out[key] = _merge_infos(_restrict_info(out[key], keep), value, mask)
            out["_" + key] = out["_" + key] | present
        else:
            old = out[key]
            if old.dtype == value.dtype and old.shape == value.shape:
                merged = np.where(mask.reshape(-1, *([1] * (old.ndim - 1))), value, old)
            else:
                dtype = np.result_type(old, value) if old.dtype != object and value.dtype != object else object
                merged = np.array(old, dtype=dtype)
                merged[present] = value[present]
            out[key], out["_" + key] = merged, out["_" + key] | present
    return out


def _presence(info: dict, key: str, mask: np.ndarray) -> np.ndarray:
    given = info.get("_" + key)
    return mask if given is None else mask & given


def _combine_infos(first: dict, first_mask: np.ndarray, second: dict, second_mask: np.ndarray) -> dict:
    """Two hooks' raw infos as one finished info: ``first``'s for the envs in ``first_mask``, ``second``'s for
    those in ``second_mask`` (disjoint). The NEXT_STEP autoreset's merge, in a few array operations per key."""
    for values in (first.values(), second.values()):
        for value in values:
            if type(value) is dict:  # nested infos: the general way
                return _merge_infos(_finish(first, first_mask), _finish(second, second_mask), second_mask)
    out: dict[str, Any] = {}
    covered = first_mask | second_mask  # the presence of a key both give for all their envs
    for key, b in second.items():
        if key[0] == "_":
            continue
        a = first.get(key)
        if a is None:
            present, value = _presence(second, key, second_mask), b
        else:
            given_a, given_b = first.get("_" + key), second.get("_" + key)
            if given_a is None and given_b is None:
                present = covered.copy()
            else:
                present = _presence(first, key, first_mask) | _presence(second, key, second_mask)
            if a.dtype == b.dtype and a.shape == b.shape:
                value = np.where(second_mask if a.ndim == 1 else second_mask.reshape(-1, *([1] * (a.ndim - 1))), b, a)
            else:
                dtype = np.result_type(a, b) if a.dtype != object and b.dtype != object else object
                value = np.array(a, dtype=dtype)
                value[second_mask] = b[second_mask]
        if present.any():  # as SyncVectorEnv: a key no env has is left out
            out[key], out["_" + key] = value, present if present is not second_mask else present.copy()
    for key, a in first.items():
        if key[0] == "_" or key in second:
            continue
        present = _presence(first, key, first_mask)
        if present.any():
            out[key], out["_" + key] = a, present if present is not first_mask else present.copy()
    return out


def _finish(info: dict, mask: np.ndarray) -> dict:
    """A hook's raw info finished for the envs in ``mask`` (as ``NativeVectorEnv._finish_info``)."""
    out: dict[str, Any] = {}
    for key, value in info.items():
        if key.startswith("_"):
            continue
        present = _presence(info, key, mask)
        if present.any():
            out[key] = _finish(value, present) if isinstance(value, dict) else value
            out["_" + key] = present.copy()
    return out
