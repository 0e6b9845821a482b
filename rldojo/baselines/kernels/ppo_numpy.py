"""PPO's loss gradients written out in numpy, into the torch parameters' ``.grad``.

For a few tiny layers autograd's bookkeeping costs more than the arithmetic, and the
derivatives of PPO's loss are short (B is the minibatch size):

- clipped surrogate: d/d log pi(a|s) = -A * ratio / B where the unclipped term is the minimum, else 0;
- log-softmax: d log pi(a|s) / d logits = onehot(a) - pi;
- entropy H = -sum pi log pi: dH / d logits = -pi * (log pi + H);
- value loss vf_coef * mean (V - R)^2: d/dV = vf_coef * 2 * (V - R) / B;

then back through the actor's and the critic's layers with :func:`mlp_backward`. The torch
optimizer and gradient clipping run on the result as they do after ``loss.backward()``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rldojo.baselines.kernels.numpy_mlp import Layers, layer_views, mlp_backward, mlp_forward
from rldojo.baselines.nets import MASKED_LOGIT, linear_layers


class NumpyPPOGradients:
    """Call with a minibatch and the clip range: sets the gradients, returns the losses.

    Works on numpy views of the torch parameters and gradients, so nothing is copied: an
    optimizer step or a ``load_state_dict`` on the networks shows through.

    :param actor: the torch actor MLP (observation -> logits)
    :param critic: the torch critic MLP (observation -> value)
    :param activation: their hidden activation, "tanh" or "relu"
    :param vf_coef: the value loss's weight
    :param ent_coef: the entropy bonus's weight
    """

    def __init__(self, actor: nn.Sequential, critic: nn.Sequential, activation: str, vf_coef: float, ent_coef: float):
        self.activation, self.vf_coef, self.ent_coef = activation, vf_coef, ent_coef
        self.nets = (actor, critic)
        self.params = [p for net in self.nets for layer in linear_layers(net) for p in (layer.weight, layer.bias)]
        self.grad_tensors = [torch.zeros_like(p) for p in self.params]
        self._make_views()

    def _make_views(self) -> None:
        self.actor: Layers = layer_views(self.nets[0])
        self.critic: Layers = layer_views(self.nets[1])
        grads = [g.numpy() for g in self.grad_tensors]
        pairs = [(grads[i].T, grads[i + 1]) for i in range(0, len(grads), 2)]  # W's gradient as (in, out)
        self.actor_grads, self.critic_grads = pairs[: len(self.actor)], pairs[len(self.actor) :]

    # A copy (deepcopy, pickle) of a view is no view: a copy makes its views again, over its own tensors.
    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("actor", "critic", "actor_grads", "critic_grads")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._make_views()

    def __call__(self, batch, clip: float) -> tuple[np.float32, np.float32, np.ndarray]:
        """Set ``.grad`` of every parameter to d loss / d parameter.

        :param batch: a ``ppo.Minibatch`` of torch tensors
        :param clip: the ratio's clip range epsilon
        :return: the policy loss, the value loss, and log(pi_new(a|s) / pi_old(a|s)) per row
        """
        obs, one_hot = batch.obs.numpy(), batch.one_hot.numpy()
        advantages, returns = batch.advantages.numpy(), batch.returns.numpy()
        size = len(obs)

        actor_inputs: list[np.ndarray] = []
        logits = mlp_forward(self.actor, obs, self.activation, actor_inputs)
        if batch.masks is not None:
            logits = np.where(batch.masks.numpy(), logits, np.float32(MASKED_LOGIT))
        log_probs_all = log_softmax(logits)
        probs = np.exp(log_probs_all)
        log_ratio = (log_probs_all * one_hot).sum(axis=1) - batch.old_log_probs.numpy()
        ratio = np.exp(log_ratio)
        unclipped = advantages * ratio
        clipped = advantages * np.clip(ratio, 1.0 - clip, 1.0 + clip)
        policy_loss = -np.minimum(unclipped, clipped).mean()
        d_log_prob = -(unclipped * (unclipped <= clipped)) / size
        d_logits = d_log_prob[:, None] * (one_hot - probs)
        if self.ent_coef:
            entropy = -(probs * log_probs_all).sum(axis=1)
            d_logits += (self.ent_coef / size) * probs * (log_probs_all + entropy[:, None])
        mlp_backward(self.actor, actor_inputs, d_logits, self.activation, self.actor_grads)

        critic_inputs: list[np.ndarray] = []
        error = mlp_forward(self.critic, obs, self.activation, critic_inputs)[:, 0] - returns
        value_loss = (error * error).mean()
        d_values = (self.vf_coef * 2.0 / size) * error[:, None]
        mlp_backward(self.critic, critic_inputs, d_values, self.activation, self.critic_grads)

        for param, grad in zip(self.params, self.grad_tensors, strict=True):
            param.grad = grad  # the same tensors every call, their values just overwritten
        return policy_loss, value_loss, log_ratio


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax of each row, shifted by the row's max so exp() cannot overflow."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
