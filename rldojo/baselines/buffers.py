"""Buffers shared by the hand-written agents, in preallocated numpy arrays.

- :class:`ReplayBuffer`: uniform experience replay for DQN.
- :class:`RolloutBuffer`: on-policy rollouts with GAE, for PPO and A2C.
"""

from __future__ import annotations

import numpy as np


class ReplayBuffer:
    """A ring buffer of (obs, action, reward, next_obs, done[, next_mask]) transitions.

    ``done`` is True only when the episode *terminated*: a time-limit truncation
    still bootstraps from ``next_obs``.
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], obs_dtype=np.float32,
                 n_actions: int | None = None, rng: np.random.Generator | None = None):
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

    def sample(self, batch_size: int) -> dict[str, np.ndarray]:
        idx = self.sample_indices(batch_size)
        batch = {
            "obs": self.obs[idx],
            "actions": self.actions[idx],
            "rewards": self.rewards[idx],
            "next_obs": self.next_obs[idx],
            "dones": self.dones[idx],
        }
        if self.next_masks is not None:
            batch["next_masks"] = self.next_masks[idx]
        return batch


class RolloutBuffer:
    """``n_steps`` x ``n_envs`` on-policy transitions, with GAE(lambda) advantages."""

    def __init__(self, n_steps: int, n_envs: int, obs_shape: tuple[int, ...], obs_dtype=np.float32,
                 n_actions: int | None = None):
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

    def compute_advantages(self, last_values: np.ndarray, last_episode_starts: np.ndarray,
                           gamma: float, gae_lambda: float) -> None:
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
