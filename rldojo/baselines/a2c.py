"""Advantage actor-critic (A2C), with the actor and the critic of the course's slides.

The course's actor-critic slide: two networks, an **actor** that maps states to action
probabilities (a policy, trained as in REINFORCE) and a **critic** that judges them (here a
state-value function ``V(s)``, trained by regression). A2C (Mnih et al., 2016, synchronous):

1. run the actor for ``n_steps`` steps in each of ``n_envs`` environments;
2. the critic turns the rewards into n-step returns ``R_t = r_t + gamma * r_{t+1} + ... +
   gamma^k * V(s_{t+k})`` (GAE with ``gae_lambda`` generalises this; 1.0 is plain n-step);
3. the advantage ``A = R - V(s)`` replaces REINFORCE's ``R - mean(R)``: one gradient step on
   ``-mean(log pi(a|s) * A) + vf_coef * mean((R - V(s))^2) - ent_coef * H``.

The rollout and env plumbing (vector envs, masks) is shared with PPO through ``buffers.py``,
and so is acting through a numpy copy of actor and critic (``kernels.NumpyActorCritic``);
what is A2C's own is the single full-batch update below.

The update
----------
After ``n_steps`` steps in each of ``n_envs`` envs, one gradient step on the whole batch::

    δ_t  = r_t + γ · V(s_{t+1}) − V(s_t)      (no V(s_{t+1}) after an end)
    A_t  = δ_t + γλ · A_{t+1}                 λ = 1: n-step return − V(s_t)
    R_t  = A_t + V(s_t)
    L(θ) = −mean log π_θ(a_t|s_t) · A_t
           + vf_coef · mean (R_t − V_θ(s_t))² − ent_coef · H
    θ    ← θ − RMSprop(∇_θ L)                 Adam with optimizer="adam"

λ is ``gae_lambda``, H the mean entropy of π_θ. A is standardised over the batch with
``normalize_advantage``; the gradient's norm is clipped at ``max_grad_norm``.

- ``collect_rollout`` (``buffers.py``): the n-step rollout, and the bootstrap of time-limit cuts.
- ``RolloutBuffer.compute_advantages`` (``buffers.py``): δ, A and R.
- ``A2C._update``: L (the actor's, the critic's and the entropy term), the clip and the optimiser step.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from torch import nn

from rldojo.baselines.agent import Agent, Choice, Flag, Integer, Number, Sizes, TrainingRun, hyperparameter
from rldojo.baselines.buffers import RolloutBuffer, collect_rollout, make_envs
from rldojo.baselines.kernels import NumpyActorCritic
from rldojo.baselines.nets import ACTIVATIONS, MASKED_LOGIT, actor_and_critic, check_spaces, obs_to_tensor

OPTIMIZERS = ("rmsprop", "adam")


class A2C(Agent):
    """Synchronous advantage actor-critic for discrete actions.

    :param env: an env, an env id, or a Gymnasium ``VectorEnv``
    :param seed: seeds the agent, torch and the first env reset
    :param hyperparameters: the fields of :class:`A2C.Config`
    """

    name = "a2c"

    @dataclasses.dataclass
    class Config:
        n_envs: int = hyperparameter(
            1, Integer(1)
        )  # envs in a SyncVectorEnv made from the env's spec (a VectorEnv passed in sets its own)
        n_steps: int = hyperparameter(5, Integer(1))  # steps per env between updates
        learning_rate: float = hyperparameter(7e-4, Number(0, low_open=True))  # step size
        optimizer: str = hyperparameter("rmsprop", Choice(*OPTIMIZERS))  # "rmsprop" (as A2C's paper and SB3) or "adam"
        gamma: float = hyperparameter(0.99, Number(0, 1))  # discount factor
        gae_lambda: float = hyperparameter(
            1.0, Number(0, 1)
        )  # 1.0: plain n-step returns; lower trades variance for bias
        normalize_advantage: bool = hyperparameter(False, Flag())  # standardise the advantages of each update
        ent_coef: float = hyperparameter(0.0, Number(0))  # weight of the entropy bonus
        vf_coef: float = hyperparameter(0.5, Number(0))  # weight of the critic's loss
        max_grad_norm: float = hyperparameter(0.5, Number(0, low_open=True))  # gradient clipping by global norm
        hidden_sizes: tuple[int, ...] = hyperparameter(
            (64, 64), Sizes()
        )  # hidden layers of the actor and of the critic
        activation: str = hyperparameter("tanh", Choice(*ACTIVATIONS))  # "tanh" or "relu"

    def _setup(self) -> None:
        c = self.config
        check_spaces(self.observation_space, self.action_space, f"{type(self).__name__} ({self.name})", self.env)
        self.n_actions = int(self.action_space.n)
        # The actor proposes, the critic judges: two networks, as on the course's slide.
        self.actor, self.critic = actor_and_critic(self.observation_space, self.n_actions, c.hidden_sizes, c.activation)
        params = [*self.actor.parameters(), *self.critic.parameters()]
        if c.optimizer == "rmsprop":
            self.optimizer = torch.optim.RMSprop(params, lr=c.learning_rate, alpha=0.99, eps=1e-5)
        else:
            self.optimizer = torch.optim.Adam(params, lr=c.learning_rate, eps=1e-5)
        self._envs = None
        # Acting: the actor's logits and the critic's values in one numpy pass, synced after each update.
        self.policy = NumpyActorCritic(self.actor, self.critic, self.observation_space, c.activation)

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        return self.policy.predict(obs, deterministic, masks, self.rng)

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        c = self.config
        if self._envs is None or self._envs.source is not self.env:
            self._envs = make_envs(self.env, int(c.n_envs), self)
        envs = self._envs
        buffer = RolloutBuffer(
            int(c.n_steps),
            envs.num_envs,
            envs.obs_shape,
            envs.obs_dtype,
            n_actions=self.n_actions if envs.masked else None,
        )
        valid = np.ones((int(c.n_steps), envs.num_envs), dtype=bool)
        while True:
            keep_going = collect_rollout(envs, buffer, valid, run, self.policy, self.policy.values, self.rng, c.gamma)
            if buffer.step == 0:
                break
            # The critic's n-step returns and the advantages A = R - V(s).
            buffer.compute_advantages(self.policy.values(envs.obs), envs.episode_starts, c.gamma, c.gae_lambda)
            self._update(buffer, valid[: buffer.n_steps])
            if not keep_going or run.done:
                break

    def _update(self, buffer: RolloutBuffer, valid: np.ndarray) -> None:
        c = self.config
        data = buffer.flat()
        keep = np.flatnonzero(valid.reshape(-1))
        if len(keep) < len(data["actions"]):
            data = {k: v[keep] for k, v in data.items()}
        obs = obs_to_tensor(data["obs"], self.observation_space)
        actions = torch.from_numpy(data["actions"]).unsqueeze(1)
        advantages = torch.from_numpy(data["advantages"])
        returns = torch.from_numpy(data["returns"])
        if c.normalize_advantage and len(advantages) > 1:
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        logits = self.actor(obs)
        if "masks" in data:
            logits = logits.masked_fill(~torch.from_numpy(data["masks"]), MASKED_LOGIT)
        log_probs_all = torch.log_softmax(logits, dim=1)
        log_probs = log_probs_all.gather(1, actions).squeeze(1)
        actor_loss = -(log_probs * advantages).mean()  # REINFORCE's loss, with the critic's advantage
        critic_loss = (returns - self.critic(obs).squeeze(1)).pow(2).mean()
        entropy = -(log_probs_all.exp() * log_probs_all).sum(1).mean()
        loss = actor_loss + c.vf_coef * critic_loss - c.ent_coef * entropy
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_([*self.actor.parameters(), *self.critic.parameters()], c.max_grad_norm, foreach=True)
        self.optimizer.step()
        self.policy.sync()
        if self.tensorboard_log is not None:  # only build the floats when someone reads them
            self.episodes.log_scalar("train/policy_loss", float(actor_loss.detach()), self.num_timesteps)
            self.episodes.log_scalar("train/value_loss", float(critic_loss.detach()), self.num_timesteps)
            self.episodes.log_scalar("train/entropy", float(entropy.detach()), self.num_timesteps)

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
