"""Proximal Policy Optimization (PPO) with the clipped surrogate, for discrete actions.

The course's RLHF agent names PPO and its ``clip_epsilon``; this is that algorithm in full,
as Schulman et al. (2017) and CleanRL's ppo.py describe it:

1. collect ``n_steps`` steps from each of ``n_envs`` environments with the current policy;
2. estimate advantages with GAE(lambda) from a learned value function (the critic);
3. for ``n_epochs`` passes over the rollout in minibatches, minimise
   ``-min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A) + vf_coef * (V - R)^2 - ent_coef * H``
   where ``ratio = pi_new(a|s) / pi_old(a|s)``.

It works on a single env, on ``n_envs`` copies in a Gymnasium ``SyncVectorEnv`` built from
the env's spec, or on any Gymnasium ``VectorEnv`` passed in. Illegal actions, given by
``info["action_mask"]`` or ``env.action_masks()``, get zero probability (masked logits).

The loss and its gradients are written below with torch autograd
(:meth:`PPO.autograd_gradients`). Two numpy kernels make it fast, each computing what the torch
code computes, to float32 rounding: acting runs actor and critic in one numpy pass (``kernels.NumpyActorCritic``; a
torch call per step costs more than the whole MLP), and by default (``analytic_gradients``)
the update's backward pass is written out in numpy (``kernels.NumpyPPOGradients``).

The env helpers (:class:`SingleEnv`, :class:`VectorEnvs` in ``buffers.py``) present one env
or a vector of them as arrays, with Gymnasium's same-step autoreset semantics. A2C shares
them and the numpy acting.

The update
----------
After a rollout of ``n_steps`` steps in each of ``n_envs`` envs::

    δ_t    = r_t + γ · V(s_{t+1}) − V(s_t)    (no V(s_{t+1}) after an end)
    A_t    = δ_t + γλ · A_{t+1}               GAE(λ), walking backwards
    R_t    = A_t + V(s_t)
    ρ_t    = π_θ(a_t|s_t) / π_old(a_t|s_t)
    L_clip = −mean min(ρ_t · A_t, clip(ρ_t, 1 − ε, 1 + ε) · A_t)
    L(θ)   = L_clip + vf_coef · mean (R_t − V_θ(s_t))² − ent_coef · H
    θ      ← θ − Adam(∇_θ L)                  per minibatch, n_epochs times

ε is ``clip_epsilon``, λ ``gae_lambda``, H the mean entropy of π_θ. A is standardised per
minibatch with ``normalize_advantage``; the gradient's norm is clipped at ``max_grad_norm``.
A time-limit cut adds γ · V(final observation) to its last reward.

- ``collect_rollout`` (``buffers.py``): the rollout, and the bootstrap of time-limit cuts.
- ``RolloutBuffer.compute_advantages`` (``buffers.py``): δ, A and R.
- ``PPO._update``: the epochs and minibatches, the annealed learning rate and ε, the KL stop, the clip and Adam.
- ``PPO.autograd_gradients``: ρ, L_clip, the value loss, the entropy, and ∇L by autograd;
  ``NumpyPPOGradients`` is the same gradient written out in numpy (the default).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from rldojo.baselines.agent import Agent, Choice, Flag, Integer, Number, Sizes, TrainingRun, hyperparameter
from rldojo.baselines.buffers import RolloutBuffer, SingleEnv, VectorEnvs, collect_rollout, make_envs
from rldojo.baselines.kernels import NumpyActorCritic, NumpyPPOGradients
from rldojo.baselines.nets import ACTIVATIONS, MASKED_LOGIT, actor_and_critic, check_spaces, obs_to_tensor


class Minibatch(NamedTuple):
    """One minibatch of the update, as torch tensors."""

    obs: torch.Tensor
    actions: torch.Tensor  # (B, 1) int64
    one_hot: torch.Tensor  # (B, n_actions) the actions one-hot
    old_log_probs: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor
    masks: torch.Tensor | None


class PPO(Agent):
    """PPO with clipped surrogate, GAE, minibatch epochs, value loss and entropy bonus.

    :param env: an env, an env id, or a Gymnasium ``VectorEnv``
    :param seed: seeds the agent, torch and the first env reset
    :param hyperparameters: the fields of :class:`PPO.Config`
    """

    name = "ppo"

    @dataclasses.dataclass
    class Config:
        n_envs: int = hyperparameter(
            1, Integer(1)
        )  # envs in a SyncVectorEnv made from the env's spec (a VectorEnv passed in sets its own)
        n_steps: int = hyperparameter(2048, Integer(1))  # steps per env in each rollout
        batch_size: int = hyperparameter(64, Integer(1))  # minibatch size of the update
        n_epochs: int = hyperparameter(10, Integer(1))  # passes over each rollout
        learning_rate: float = hyperparameter(3e-4, Number(0, low_open=True))  # Adam step size
        anneal_lr: bool = hyperparameter(
            False, Flag()
        )  # decay the learning rate linearly to 0 over a learn call (rl-zoo's "lin_")
        gamma: float = hyperparameter(0.99, Number(0, 1))  # discount factor
        gae_lambda: float = hyperparameter(
            0.95, Number(0, 1)
        )  # GAE's bias-variance trade-off (1 = Monte Carlo returns)
        clip_epsilon: float = hyperparameter(
            0.2, Number(0, low_open=True)
        )  # the course's clip_epsilon: how far the ratio may move from 1
        anneal_clip: bool = hyperparameter(False, Flag())  # decay clip_epsilon linearly to 0 over a learn call
        normalize_advantage: bool = hyperparameter(True, Flag())  # standardise advantages within each minibatch
        ent_coef: float = hyperparameter(0.0, Number(0))  # weight of the entropy bonus
        vf_coef: float = hyperparameter(0.5, Number(0))  # weight of the value loss
        max_grad_norm: float = hyperparameter(0.5, Number(0, low_open=True))  # gradient clipping by global norm
        target_kl: float | None = hyperparameter(
            None, Number(0, low_open=True, optional=True)
        )  # stop the epochs early when the approximate KL exceeds this
        hidden_sizes: tuple[int, ...] = hyperparameter(
            (64, 64), Sizes()
        )  # hidden layers of the actor and of the critic
        activation: str = hyperparameter("tanh", Choice(*ACTIVATIONS))  # "tanh" or "relu"
        analytic_gradients: bool = hyperparameter(
            True, Flag()
        )  # the backward pass written out in numpy (faster); False: autograd, same result

    # -- networks -------------------------------------------------------------------------

    def _setup(self) -> None:
        c = self.config
        check_spaces(self.observation_space, self.action_space, f"{type(self).__name__} ({self.name})", self.env)
        self.n_actions = int(self.action_space.n)
        # The actor and the critic are separate networks, as in the course's actor-critic slides.
        self.actor, self.critic = actor_and_critic(self.observation_space, self.n_actions, c.hidden_sizes, c.activation)
        self.optimizer = adam([*self.actor.parameters(), *self.critic.parameters()], c.learning_rate)
        self._envs: SingleEnv | VectorEnvs | None = None
        # Acting: logits and values of a batch from a numpy copy of both networks, synced after each update.
        self.policy = NumpyActorCritic(self.actor, self.critic, self.observation_space, c.activation)
        # The update's gradients: autograd below, or the numpy kernel (the default; equal to float32 rounding).
        self.gradients = (
            NumpyPPOGradients(self.actor, self.critic, c.activation, c.vf_coef, c.ent_coef)
            if c.analytic_gradients
            else self.autograd_gradients
        )

    # -- acting ---------------------------------------------------------------------------

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        return self.policy.predict(obs, deterministic, masks, self.rng)

    # -- learning -------------------------------------------------------------------------

    def _make_envs(self):
        """The env as arrays: itself, a VectorEnv passed in, or n_envs copies made from its spec."""
        if self._envs is not None and self._envs.source is self.env:
            return self._envs
        self._envs = make_envs(self.env, int(self.config.n_envs), self)
        return self._envs

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        c = self.config
        envs = self._make_envs()
        n_envs = envs.num_envs
        masked = envs.masked
        buffer = RolloutBuffer(
            int(c.n_steps), n_envs, envs.obs_shape, envs.obs_dtype, n_actions=self.n_actions if masked else None
        )
        valid = np.ones((int(c.n_steps), n_envs), dtype=bool)  # False on NEXT_STEP vector envs' reset steps
        while True:
            # Annealing reads the progress at the rollout's start, so a last, cut-short rollout still learns.
            progress_left = 1.0 - run.progress
            # ---- 1. rollout with the current policy ----
            keep_going = collect_rollout(envs, buffer, valid, run, self.policy, self.policy.values, self.rng, c.gamma)
            if buffer.step == 0:
                break
            # ---- 2. advantages by GAE ----
            buffer.compute_advantages(self.policy.values(envs.obs), envs.episode_starts, c.gamma, c.gae_lambda)
            # ---- 3. clipped-surrogate epochs ----
            self._update(buffer, valid[: buffer.n_steps], progress_left, run)
            if not keep_going or run.done:
                break

    def _update(self, buffer: RolloutBuffer, valid: np.ndarray, progress_left: float, run: TrainingRun) -> None:
        c = self.config
        lr = c.learning_rate * (progress_left if c.anneal_lr else 1.0)
        clip = c.clip_epsilon * (progress_left if c.anneal_clip else 1.0)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        data = buffer.flat()
        keep = np.flatnonzero(valid.reshape(-1))
        if len(keep) < len(data["actions"]):  # drop NEXT_STEP reset steps, which are not transitions
            data = {k: v[keep] for k, v in data.items()}
        n = len(data["actions"])
        obs = obs_to_tensor(data["obs"], self.observation_space)
        actions = torch.from_numpy(data["actions"]).unsqueeze(1)
        old_log_probs = torch.from_numpy(data["log_probs"])
        advantages = torch.from_numpy(data["advantages"])
        returns = torch.from_numpy(data["returns"])
        masks = torch.from_numpy(data["masks"]) if "masks" in data else None
        one_hot = torch.zeros(n, self.n_actions).scatter_(1, actions, 1.0)
        params = [*self.actor.parameters(), *self.critic.parameters()]
        batch_size = min(int(c.batch_size), n)
        stats = []
        for _ in range(int(c.n_epochs)):
            order = torch.from_numpy(self.rng.permutation(n))
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                adv = advantages[idx]
                if c.normalize_advantage and len(idx) > 1:
                    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                batch = Minibatch(
                    obs[idx],
                    actions[idx],
                    one_hot[idx],
                    old_log_probs[idx],
                    adv,
                    returns[idx],
                    None if masks is None else masks[idx],
                )
                policy_loss, value_loss, log_ratio = self.gradients(batch, clip)
                nn.utils.clip_grad_norm_(params, c.max_grad_norm, foreach=True)
                self.optimizer.step()
            # KL(old || new) estimated on the epoch's last minibatch, as k3 = (r - 1) - log r.
            approx_kl = float((np.exp(log_ratio) - 1.0 - log_ratio).mean())
            stats.append((float(policy_loss), float(value_loss), approx_kl))
            if c.target_kl is not None and approx_kl > 1.5 * c.target_kl:
                break
        self.policy.sync()
        policy_loss, value_loss, approx_kl = stats[-1]
        self.episodes.log_scalar("train/policy_loss", policy_loss, self.num_timesteps)
        self.episodes.log_scalar("train/value_loss", value_loss, self.num_timesteps)
        self.episodes.log_scalar("train/approx_kl", approx_kl, self.num_timesteps)
        self.episodes.log_scalar("train/learning_rate", lr, self.num_timesteps)

    def autograd_gradients(self, batch: Minibatch, clip: float) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
        """The PPO loss of a minibatch; sets the parameters' ``.grad`` by autograd.

        :return: the policy loss, the value loss, and log(pi_new(a|s) / pi_old(a|s)) per row
        """
        c = self.config
        logits = self.actor(batch.obs)
        if batch.masks is not None:
            logits = logits.masked_fill(~batch.masks, MASKED_LOGIT)
        log_probs_all = torch.log_softmax(logits, dim=1)
        log_ratio = log_probs_all.gather(1, batch.actions).squeeze(1) - batch.old_log_probs
        ratio = log_ratio.exp()
        # The clipped surrogate: take the pessimistic of the two estimates.
        policy_loss = -torch.min(
            batch.advantages * ratio, batch.advantages * ratio.clamp(1.0 - clip, 1.0 + clip)
        ).mean()
        value_loss = (batch.returns - self.critic(batch.obs).squeeze(1)).pow(2).mean()
        loss = policy_loss + c.vf_coef * value_loss
        if c.ent_coef:
            entropy = -(log_probs_all.exp() * log_probs_all).sum(1).mean()
            loss = loss - c.ent_coef * entropy
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        return policy_loss.detach(), value_loss.detach(), log_ratio.detach().numpy()

    # -- checkpoints ----------------------------------------------------------------------

    def _state_dict(self) -> dict:
        return {
            "actor": self.actor.state_dict(),
            "critic": self.critic.state_dict(),
            "optimizer": self.optimizer.state_dict(),
        }

    def _load_state_dict(self, state: dict) -> None:
        self.actor.load_state_dict(state["actor"])
        self.critic.load_state_dict(state["critic"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.policy.sync()


# ------------------------------------------------------------------------------ optimiser


def adam(params, lr: float) -> torch.optim.Adam:
    """Adam with PPO's eps; the fused CPU kernel where this torch has it (fewer tiny ops per step)."""
    try:
        return torch.optim.Adam(params, lr=lr, eps=1e-5, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=lr, eps=1e-5)
