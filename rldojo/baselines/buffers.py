"""Buffers shared by the hand-written agents, in preallocated numpy arrays.

- :class:`ReplayBuffer`: uniform experience replay for DQN.
- :class:`RolloutBuffer`: on-policy rollouts with GAE, for PPO and A2C.
- :func:`make_envs`: an env, or a vector of them, seen as arrays for collecting rollouts.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv

from rldojo.baselines.kernels.numpy_policy import sample_from_logits
from rldojo.baselines.nets import MASKED_LOGIT
from rldojo.envs.common import action_mask

if TYPE_CHECKING:
    from rldojo.baselines.agent import Agent, TrainingRun


class ReplayBuffer:
    """A ring buffer of (obs, action, reward, next_obs, done[, next_mask]) transitions.

    ``done`` is True only when the episode *terminated*: a time-limit truncation
    still bootstraps from ``next_obs``.
    """

    def __init__(
        self,
        capacity: int,
        obs_shape: tuple[int, ...],
        obs_dtype=np.float32,
        n_actions: int | None = None,
        rng: np.random.Generator | None = None,
    ):
        if capacity <= 0:
            raise ValueError(f"capacity must be positive, got {capacity}")
        self.capacity = int(capacity)
        self.obs = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.next_obs = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)
        # Legal actions in next_obs, so a masked TD target maxes over legal moves only.
        self.next_masks = np.ones((capacity, n_actions), dtype=bool) if n_actions else None
        self.position = 0
        self.size = 0
        self.rng = rng if rng is not None else np.random.default_rng()

    def __len__(self) -> int:
        return self.size

    def add(self, obs, action, reward, next_obs, done, next_mask=None) -> None:
        i = self.position
        self.obs[i] = obs
        self.actions[i] = action
        self.rewards[i] = reward
        self.next_obs[i] = next_obs
        self.dones[i] = done
        if self.next_masks is not None and next_mask is not None:
            self.next_masks[i] = next_mask
        self.position = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample_indices(self, batch_size: int) -> np.ndarray:
        return self.rng.integers(0, self.size, size=batch_size)


class RolloutBuffer:
    """``n_steps`` x ``n_envs`` on-policy transitions, with GAE(lambda) advantages."""

    def __init__(
        self, n_steps: int, n_envs: int, obs_shape: tuple[int, ...], obs_dtype=np.float32, n_actions: int | None = None
    ):
        self.n_steps, self.n_envs = n_steps, n_envs
        self.obs = np.zeros((n_steps, n_envs, *obs_shape), dtype=obs_dtype)
        self.actions = np.zeros((n_steps, n_envs), dtype=np.int64)
        self.rewards = np.zeros((n_steps, n_envs), dtype=np.float32)
        # episode_starts[t] is True when obs[t] is the first observation of an episode
        self.episode_starts = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.values = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.log_probs = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.masks = np.ones((n_steps, n_envs, n_actions), dtype=bool) if n_actions else None
        self.advantages = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.returns = np.zeros((n_steps, n_envs), dtype=np.float32)
        self.step = 0

    def add(self, obs, actions, rewards, episode_starts, values, log_probs, masks=None) -> None:
        t = self.step
        self.obs[t] = obs
        self.actions[t] = actions
        self.rewards[t] = rewards
        self.episode_starts[t] = episode_starts
        self.values[t] = values
        self.log_probs[t] = log_probs
        if self.masks is not None and masks is not None:
            self.masks[t] = masks
        self.step += 1

    @property
    def full(self) -> bool:
        return self.step >= self.n_steps

    def compute_advantages(
        self, last_values: np.ndarray, last_episode_starts: np.ndarray, gamma: float, gae_lambda: float
    ) -> None:
        """GAE, walking backwards; an episode start after step t cuts the bootstrap."""
        last_gae = np.zeros(self.n_envs, dtype=np.float32)
        for t in reversed(range(self.n_steps)):
            if t == self.n_steps - 1:
                next_non_terminal = 1.0 - last_episode_starts
                next_values = last_values
            else:
                next_non_terminal = 1.0 - self.episode_starts[t + 1]
                next_values = self.values[t + 1]
            delta = self.rewards[t] + gamma * next_values * next_non_terminal - self.values[t]
            last_gae = delta + gamma * gae_lambda * next_non_terminal * last_gae
            self.advantages[t] = last_gae
        self.returns[:] = self.advantages + self.values

    def flat(self) -> dict[str, np.ndarray]:
        """The rollout with the step and env axes merged, for minibatching."""
        n = self.n_steps * self.n_envs
        out = {
            "obs": self.obs.reshape(n, *self.obs.shape[2:]),
            "actions": self.actions.reshape(n),
            "values": self.values.reshape(n),
            "log_probs": self.log_probs.reshape(n),
            "advantages": self.advantages.reshape(n),
            "returns": self.returns.reshape(n),
        }
        if self.masks is not None:
            out["masks"] = self.masks.reshape(n, -1)
        return out

    def truncate(self) -> None:
        """Keep only the steps added so far: a rollout cut short when training stops."""
        n = self.step
        for name in ("obs", "actions", "rewards", "episode_starts", "values", "log_probs", "advantages", "returns"):
            setattr(self, name, getattr(self, name)[:n])
        if self.masks is not None:
            self.masks = self.masks[:n]
        self.n_steps = n

    def reset(self) -> None:
        self.step = 0


# ------------------------------------------------------------------------------ envs as arrays


@dataclasses.dataclass
class Step:
    """One step of every env: arrays, plus the episodes that ended (index, final obs, final info)."""

    rewards: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    finals: list[tuple[int, Any, dict]]
    episode_starts: np.ndarray  # True where the next observation starts an episode
    valid: np.ndarray  # False where the step was a vector env's reset step, not a transition


class SingleEnv:
    """One Gymnasium env seen as a vector of one, reset in the same step its episode ends."""

    def __init__(self, env: gym.Env, agent: Agent):
        self.source = env
        self.env = env
        self.num_envs = 1
        self.obs_shape, self.obs_dtype = _obs_layout(agent.observation_space)
        obs, info = agent.reset_env(env)
        self._set(obs, info)
        self.masked = self.masks is not None
        self.episode_starts = np.ones(1, dtype=np.float32)
        self.episode_return = np.zeros(1)
        self.episode_length = np.zeros(1, dtype=np.int64)
        self._valid = np.ones(1, dtype=bool)

    def _set(self, obs, info) -> None:
        self.obs = np.asarray(obs)[None]
        mask = action_mask(self.env, info)
        self.masks = None if mask is None else mask[None]

    def step(self, actions: np.ndarray) -> Step:
        obs, reward, terminated, truncated, info = self.env.step(int(actions[0]))
        done = terminated or truncated
        finals = []
        if done:
            finals.append((0, np.asarray(obs), info))
            obs, reset_info = self.env.reset()
            self._set(obs, reset_info)
        else:
            self._set(obs, info)
        return Step(
            np.array([reward], dtype=np.float32),
            np.array([terminated]),
            np.array([truncated]),
            finals,
            np.array([float(done)], dtype=np.float32),
            self._valid,
        )

    def record(self, run: TrainingRun, step: Step) -> bool:
        # The episode's counters live here, so an episode may span two learn() calls.
        run.episode_return, run.episode_length = self.episode_return[0], self.episode_length[0]
        info = step.finals[0][2] if step.finals else {}
        keep_going = run.step(float(step.rewards[0]), bool(step.terminated[0]), bool(step.truncated[0]), info)
        self.episode_return[0], self.episode_length[0] = run.episode_return, run.episode_length
        return keep_going


class VectorEnvs:
    """A Gymnasium VectorEnv as arrays, for SAME_STEP and NEXT_STEP autoreset alike.

    With NEXT_STEP (Gymnasium's default) the step after an episode's end only resets that
    env and ignores its action; such steps are marked invalid and left out of the update.
    """

    def __init__(self, env: VectorEnv, agent: Agent, source=None):
        self.source = env if source is None else source
        self.env = env
        self.num_envs = int(env.num_envs)
        mode = env.metadata.get("autoreset_mode", AutoresetMode.NEXT_STEP)
        self.mode = AutoresetMode(mode) if isinstance(mode, str) else mode
        if self.mode == AutoresetMode.DISABLED:
            raise ValueError("vector envs with autoreset_mode=DISABLED are not supported; use SAME_STEP or NEXT_STEP")
        self.obs_shape, self.obs_dtype = _obs_layout(agent.observation_space)
        self._has_mask_method = _has_method(env, "action_masks")
        obs, info = agent.reset_env(env)
        self._set(obs, info)
        self.masked = self.masks is not None
        self.episode_starts = np.ones(self.num_envs, dtype=np.float32)
        self.episode_return = np.zeros(self.num_envs)
        self.episode_length = np.zeros(self.num_envs, dtype=np.int64)
        self._resetting = np.zeros(self.num_envs, dtype=bool)

    def _set(self, obs, info) -> None:
        self.obs = np.asarray(obs)
        if "action_mask" in info:
            masks = np.asarray(info["action_mask"]).astype(bool)
            present = info.get("_action_mask")
            if present is not None and not np.all(present):
                masks = np.where(np.asarray(present)[:, None], masks, True)
            self.masks = masks
        elif self._has_mask_method:
            self.masks = np.stack([np.asarray(m, dtype=bool) for m in self.env.call("action_masks")])
        else:
            self.masks = None

    def step(self, actions: np.ndarray) -> Step:
        obs, rewards, terminated, truncated, info = self.env.step(actions)
        terminated, truncated = np.asarray(terminated, dtype=bool), np.asarray(truncated, dtype=bool)
        done = terminated | truncated
        valid = ~self._resetting
        finals = []
        if self.mode == AutoresetMode.SAME_STEP:
            final_info = info.get("final_info", {})
            for i in np.flatnonzero(done):
                finals.append((int(i), info["final_obs"][i], _slice_info(final_info, i)))
            starts = done.astype(np.float32)
        else:
            for i in np.flatnonzero(done & valid):
                finals.append((int(i), obs[i], _slice_info(info, i)))
            # A reset step is cut from both neighbours: it ends nothing and starts the next episode.
            starts = (done | self._resetting).astype(np.float32)
            self._resetting = done & valid
        self._set(obs, info)
        return Step(np.asarray(rewards, dtype=np.float32), terminated, truncated, finals, starts, valid)

    def record(self, run: TrainingRun, step: Step) -> bool:
        """Feed the per-step bookkeeping env by env, each env keeping its own episode counters."""
        keep_going = True
        finals = {i: info for i, _, info in step.finals}
        for i in range(self.num_envs):
            if not step.valid[i]:
                continue
            run.episode_return, run.episode_length = self.episode_return[i], self.episode_length[i]
            ended = i in finals
            keep_going = run.step(
                float(step.rewards[i]),
                bool(step.terminated[i]) and ended,
                bool(step.truncated[i]) and ended,
                finals.get(i, {}),
            )
            self.episode_return[i], self.episode_length[i] = run.episode_return, run.episode_length
            if not keep_going:  # the budget is spent: count no further steps
                break
        return keep_going


def _obs_layout(space: spaces.Space) -> tuple[tuple[int, ...], type]:
    """The shape and dtype a rollout buffer stores one observation of ``space`` in."""
    if isinstance(space, spaces.Discrete):
        return (), np.int64
    return tuple(space.shape), np.float32


def _has_method(env: VectorEnv, name: str) -> bool:
    try:
        return all(callable(m) for m in env.get_attr(name))
    except (AttributeError, NotImplementedError):
        return False


def _slice_info(info: dict, i: int) -> dict:
    """Env i's entries of a vector env's stacked info dict."""
    out = {}
    for key, value in info.items():
        if key.startswith("_"):
            continue
        present = info.get("_" + key)
        if present is not None and not present[i]:
            continue
        out[key] = _slice_info(value, i) if isinstance(value, dict) else value[i]
    return out


def make_envs(env, n_envs: int, agent: Agent):
    """``env`` as arrays: a VectorEnv as it is, one env alone, or n_envs copies from its spec.

    The copies are the id's native rldojo vector env (its ``vector_entry_point``, numpy-batched)
    when it has one and the env carries no extra wrappers, else Gymnasium's ``SyncVectorEnv``; both reset
    an ended env in the same step (``SAME_STEP``).
    """
    if isinstance(env, VectorEnv):
        return VectorEnvs(env, agent)
    if n_envs == 1:
        return SingleEnv(env, agent)
    spec = getattr(env, "spec", None)
    if spec is None:
        raise ValueError(
            "n_envs > 1 needs an env made by gym.make (it copies the env's spec); or pass a gymnasium VectorEnv"
        )
    vector = _native_copies(spec, n_envs)
    if vector is None:
        vector = gym.make_vec(
            spec, num_envs=n_envs, vectorization_mode="sync", vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP}
        )
    return VectorEnvs(vector, agent, source=env)


def _native_copies(spec, n_envs: int) -> VectorEnv | None:
    """``n_envs`` copies of the env of ``spec`` as its native vector env, or None where it has none.

    Not for an env with wrappers of its own (the native env would lack them) or a window to show.
    A native env refuses options it cannot batch (a human rater, say) with a ValueError; then
    the copies are Gymnasium's ``SyncVectorEnv``, which runs the single envs as they are.
    """
    if spec.vector_entry_point is None or spec.additional_wrappers:
        return None
    # Only rldojo's own, which behave exactly as SyncVectorEnv of the single env and take
    # autoreset_mode; Gymnasium's CartPoleVectorEnv, for one, takes neither promise.
    if not str(spec.vector_entry_point).startswith("rldojo."):
        return None
    if spec.kwargs.get("render_mode") not in (None, "rgb_array"):
        return None
    try:
        return gym.make_vec(
            spec, num_envs=n_envs, vectorization_mode="vector_entry_point", autoreset_mode=AutoresetMode.SAME_STEP
        )
    except ValueError:
        return None


def collect_rollout(
    envs, buffer: RolloutBuffer, valid: np.ndarray, run, act, values, rng: np.random.Generator, gamma: float
) -> bool:
    """Fill ``buffer`` with one on-policy rollout; returns False when training should stop.

    :param act: obs batch -> (logits, values), the policy and critic in one pass
    :param values: obs batch -> values, for bootstrapping time-limit cuts
    A rollout cut short by the end of training is truncated to the steps collected, so it
    still teaches (learn() in chunks shorter than a rollout, as the benchmark does).
    """
    buffer.reset()
    keep_going = True
    for t in range(buffer.n_steps):
        obs, masks = envs.obs, envs.masks
        logits, step_values = act(obs)
        if masks is not None:
            logits = np.where(masks, logits, MASKED_LOGIT)
        actions, log_probs = sample_from_logits(logits, rng)
        step = envs.step(actions)
        rewards = step.rewards.astype(np.float32)
        # A time-limit cut is not a real end: bootstrap it from the final observation's value.
        for i, final_obs, _ in step.finals:
            if step.truncated[i] and not step.terminated[i] and final_obs is not None:
                rewards[i] += gamma * float(values(np.asarray(final_obs)[None])[0])
        buffer.add(obs, actions, rewards, envs.episode_starts, step_values, log_probs, masks)
        valid[t] = step.valid
        envs.episode_starts = step.episode_starts
        keep_going = envs.record(run, step)
        if not keep_going:
            break
    if not buffer.full and buffer.step > 0:
        buffer.truncate()
    return keep_going
