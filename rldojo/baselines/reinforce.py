"""REINFORCE, as the course teaches it for the RLHF chatbot.

The course's recipe (its ``RlhfAgent.update_policy``):

1. **collect rollouts**: play ``batch_episodes`` episodes with the current policy
   (the course updates after every 10 queries), keeping states, actions and rewards;
2. **advantages**: ``A = R - M``, the return minus the mean return of the batch
   ("how much better was this action than what we have seen");
3. **surrogate loss** ``L = -mean(log pi(a|s) * A)``, minimised with Adam.

For the course's one-step episodes (a query, a response, a rating) the return is the
reward. For multi-step episodes each step's return is the discounted reward-to-go
``G_t = r_t + gamma * r_{t+1} + ...``. Two options go beyond the slides:
``baseline="value"`` subtracts a learned state value ``V(s)`` instead of the batch mean,
and ``normalize_advantages`` also divides by the batch's standard deviation.

Illegal actions (``info["action_mask"]`` or ``env.action_masks()``) get probability 0.

The update
----------
After ``batch_episodes`` episodes, over every step t of the batch::

    G_t  = r_t + γ · G_{t+1}             (G = 0 after the episode's end)
    A_t  = G_t − mean(G)                 baseline="batch_mean" (the course)
    A_t  = G_t − V(s_t)                  baseline="value"
    A_t  = G_t                           baseline="none"
    A_t  ← A_t / std(A)                  normalize_advantages=True
    L(θ) = −mean_t log π_θ(a_t|s_t) · A_t − ent_coef · H
    θ    ← θ − Adam(∇_θ L)

H is the mean entropy of π_θ over the batch. With the value baseline, V takes its own Adam
step on mean (V(s_t) − G_t)² first.

- ``discounted_returns``: G_t, the reward-to-go of each step of an episode.
- ``Reinforce._learn``: the batch of episodes, played with the current policy.
- ``Reinforce._update``: A_t (and the value baseline's own Adam step), L and its Adam step.
- ``Reinforce._masked_logits``: π_θ, with illegal actions' logits masked out.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from gymnasium.vector import VectorEnv
from torch import nn

from rldojo.baselines.agent import Agent, Choice, Flag, Integer, Number, Sizes, TrainingRun, hyperparameter
from rldojo.baselines.nets import check_spaces, flat_size, mlp, obs_to_tensor
from rldojo.envs.common import action_mask

MASKED_LOGIT = -1e9  # exp() of it is 0, so a masked action is never sampled
BASELINES = ("batch_mean", "value", "none")


class Reinforce(Agent):
    """Monte Carlo policy gradient with the course's batch-mean baseline.

    :param env: an env or an env id (Discrete actions; Box, Discrete or MultiBinary observations)
    :param seed: seeds the agent, torch and the first env reset
    :param hyperparameters: the fields of :class:`Reinforce.Config`
    """

    name = "reinforce"

    @dataclasses.dataclass
    class Config:
        learning_rate: float = hyperparameter(1e-3, Number(0, low_open=True))  # Adam step size (the course's lr)
        batch_episodes: int = hyperparameter(
            10, Integer(1)
        )  # episodes per update (the course updates every 10 queries)
        gamma: float = hyperparameter(
            0.99, Number(0, 1)
        )  # discount of the reward-to-go in multi-step episodes (1 = undiscounted)
        baseline: str = hyperparameter(
            "batch_mean", Choice(*BASELINES)
        )  # "batch_mean" (the course), "value" (a learned V(s)) or "none"
        normalize_advantages: bool = hyperparameter(
            False, Flag()
        )  # also divide the advantages by their standard deviation
        hidden_sizes: tuple[int, ...] = hyperparameter(
            (64,), Sizes()
        )  # the course's PolicyNetwork: one hidden layer of 64
        value_learning_rate: float = hyperparameter(
            1e-3, Number(0, low_open=True)
        )  # Adam step size of the value baseline
        ent_coef: float = hyperparameter(0.0, Number(0))  # weight of an entropy bonus (0 in the course)
        max_grad_norm: float | None = hyperparameter(
            None, Number(0, low_open=True, optional=True)
        )  # clip the policy gradient's norm (None: no clipping)

    def _setup(self) -> None:
        c = self.config
        if isinstance(self.env, VectorEnv):
            raise ValueError("Reinforce plays one env (whole episodes in turn); pass a single env, not a VectorEnv")
        check_spaces(self.observation_space, self.action_space, "Reinforce (reinforce)", self.env)
        self.n_actions = int(self.action_space.n)
        n_inputs = flat_size(self.observation_space)
        hidden = tuple(int(h) for h in c.hidden_sizes)
        # The course's PolicyNetwork ends in a softmax; we keep logits and use log_softmax.
        self.policy = mlp(n_inputs, hidden, self.n_actions)
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=c.learning_rate)
        self.value = None
        if c.baseline == "value":
            self.value = mlp(n_inputs, hidden, 1)
            self.value_optimizer = torch.optim.Adam(self.value.parameters(), lr=c.value_learning_rate)
        self._obs = None  # the env's current observation, kept between learn calls

    # -- acting ---------------------------------------------------------------------------

    def _masked_logits(self, obs: np.ndarray, masks: np.ndarray | None) -> torch.Tensor:
        logits = self.policy(obs_to_tensor(obs, self.observation_space))
        if masks is not None:
            logits = logits.masked_fill(~torch.as_tensor(masks, dtype=torch.bool), MASKED_LOGIT)
        return logits

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        with torch.no_grad():
            logits = self._masked_logits(obs, masks)
        if deterministic:
            return logits.argmax(dim=1).numpy()
        cumulative = torch.softmax(logits.double(), dim=1).cumsum(dim=1).numpy()
        draws = self.rng.random(len(cumulative))[:, None] * cumulative[:, -1:]
        actions = np.minimum((cumulative < draws).sum(axis=1), self.n_actions - 1)
        if masks is not None:  # rounding must never land on a masked action
            illegal = ~masks[np.arange(len(actions)), actions]
            actions[illegal] = logits[illegal].argmax(dim=1).numpy()
        return actions

    # -- learning -------------------------------------------------------------------------

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        c = self.config
        env = self.env
        if self._obs is None:
            self._obs, info = self.reset_env()
            self._mask = action_mask(env, info)
        # One batch: every step's observation, action, mask, and per episode its rewards.
        batch_obs, batch_actions, batch_masks, batch_returns = [], [], [], []
        episode_rewards: list[float] = []
        episodes_done = 0
        while True:
            obs, mask = self._obs, self._mask
            action = int(self._predict(np.asarray(obs)[None], False, None if mask is None else mask[None])[0])
            next_obs, reward, terminated, truncated, info = env.step(action)
            batch_obs.append(np.asarray(obs))
            batch_actions.append(action)
            batch_masks.append(mask)
            episode_rewards.append(float(reward))
            keep_going = run.step(float(reward), terminated, truncated, info)
            if terminated or truncated:
                batch_returns.extend(discounted_returns(episode_rewards, c.gamma))
                episode_rewards = []
                episodes_done += 1
                next_obs, info = env.reset()
            self._obs, self._mask = next_obs, action_mask(env, info)
            if episodes_done == int(c.batch_episodes):
                self._update(batch_obs, batch_actions, batch_masks, batch_returns)
                batch_obs, batch_actions, batch_masks, batch_returns = [], [], [], []
                episodes_done = 0
            if not keep_going:
                break  # an unfinished batch is dropped
        if episode_rewards:  # the episode in progress restarts with the next learn call
            self._obs = None

    def _update(self, obs_list, actions_list, masks_list, returns_list) -> None:
        c = self.config
        obs = obs_to_tensor(np.stack(obs_list), self.observation_space)
        actions = torch.as_tensor(actions_list, dtype=torch.int64)
        returns = torch.as_tensor(returns_list, dtype=torch.float32)
        masks = None
        if masks_list[0] is not None:
            masks = torch.as_tensor(np.stack(masks_list), dtype=torch.bool)

        # Step 2: advantages, how much better than what we have seen.
        if c.baseline == "batch_mean":
            advantages = returns - returns.mean()
        elif c.baseline == "value":
            values = self.value(obs).squeeze(1)
            value_loss = (values - returns).pow(2).mean()
            self.value_optimizer.zero_grad(set_to_none=True)
            value_loss.backward()
            self.value_optimizer.step()
            advantages = returns - values.detach()
            self.episodes.log_scalar("train/value_loss", float(value_loss.detach()), self.num_timesteps)
        else:
            advantages = returns
        if c.normalize_advantages and len(advantages) > 1:
            advantages = advantages / (advantages.std() + 1e-8)

        # Step 3: the surrogate loss L = -mean(log pi(a|s) * A).
        logits = self.policy(obs)
        if masks is not None:
            logits = logits.masked_fill(~masks, MASKED_LOGIT)
        log_probs_all = torch.log_softmax(logits, dim=1)
        log_probs = log_probs_all.gather(1, actions[:, None]).squeeze(1)
        loss = -(log_probs * advantages).mean()
        if c.ent_coef:
            entropy = -(log_probs_all.exp() * log_probs_all).sum(1).mean()
            loss = loss - c.ent_coef * entropy
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if c.max_grad_norm is not None:
            nn.utils.clip_grad_norm_(self.policy.parameters(), c.max_grad_norm)
        self.optimizer.step()
        self.episodes.log_scalar("train/policy_loss", float(loss.detach()), self.num_timesteps)

    # -- checkpoints ----------------------------------------------------------------------

    def _state_dict(self) -> dict:
        state = {"policy": self.policy.state_dict(), "optimizer": self.optimizer.state_dict()}
        if self.value is not None:
            state["value"] = self.value.state_dict()
            state["value_optimizer"] = self.value_optimizer.state_dict()
        return state

    def _load_state_dict(self, state: dict) -> None:
        self.policy.load_state_dict(state["policy"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.value is not None:
            self.value.load_state_dict(state["value"])
            self.value_optimizer.load_state_dict(state["value_optimizer"])


def discounted_returns(rewards: list[float], gamma: float) -> list[float]:
    """Reward-to-go of every step of one episode: G_t = r_t + gamma * G_{t+1}."""
    returns = [0.0] * len(rewards)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns
