"""PPO's and A2C's actor and critic in numpy, for acting.

Acting one observation at a time through torch costs more in per-operation overhead than
the arithmetic of the small networks; the agents act through a float64 numpy copy of their
actor and critic, refreshed (:meth:`NumpyActorCritic.sync`) after each update.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces
from torch import nn

from rldojo.baselines.kernels.numpy_mlp import Layers, layer_views, mlp_forward
from rldojo.baselines.nets import MASKED_LOGIT


def merged_actor_critic(actor: nn.Sequential, critic: nn.Sequential) -> Layers:
    """Actor and critic of the same shape as one MLP with block-diagonal layers: half the numpy calls.

    Its output row is the actor's logits followed by the critic's value.
    """
    merged = []
    for i, ((wa, ba), (wc, bc)) in enumerate(zip(layer_views(actor), layer_views(critic), strict=True)):
        wa, ba, wc, bc = (a.astype(np.float64) for a in (wa, ba, wc, bc))
        if i == 0:  # both read the same input
            weight = np.concatenate([wa, wc], axis=1)
        else:
            weight = np.zeros((wa.shape[0] + wc.shape[0], wa.shape[1] + wc.shape[1]))
            weight[: wa.shape[0], : wa.shape[1]] = wa
            weight[wa.shape[0] :, wa.shape[1] :] = wc
        merged.append((weight, np.concatenate([ba, bc])))
    return merged


def numpy_inputs(obs: np.ndarray, space: spaces.Space) -> np.ndarray:
    """A batch of observations as the MLP's float64 input rows (one-hot for Discrete)."""
    if isinstance(space, spaces.Discrete):
        out = np.zeros((len(obs), int(space.n)))
        out[np.arange(len(obs)), np.asarray(obs, dtype=np.int64) - int(space.start)] = 1.0
        return out
    obs = np.asarray(obs, dtype=np.float64)
    return obs.reshape(len(obs), -1)


def sample_from_logits(logits: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One action per row from softmax(logits), and its log-probability (inverse-CDF sampling)."""
    rows = np.arange(len(logits))
    top = logits.max(axis=1)
    cumulative = np.exp(logits - top[:, None]).cumsum(axis=1)
    total = cumulative[:, -1]
    actions = (cumulative < (rng.random(len(logits)) * total)[:, None]).sum(axis=1)
    chosen = logits[rows, actions]
    if (chosen < -1e6).any():  # rounding must never land on a masked (probability 0) action
        bad = chosen < -1e6
        actions[bad] = logits[bad].argmax(axis=1)
        chosen = logits[rows, actions]
    return actions, (chosen - top - np.log(total)).astype(np.float32)


class NumpyActorCritic:
    """The actor's logits and the critic's value of a batch of observations, in one numpy pass.

    :param actor: the torch actor (observation -> logits)
    :param critic: the torch critic (observation -> value), of the actor's hidden sizes
    :param observation_space: how to turn observations into input rows
    :param activation: the networks' hidden activation, "tanh" or "relu"
    """

    def __init__(self, actor: nn.Sequential, critic: nn.Sequential, observation_space: spaces.Space, activation: str):
        self.actor, self.critic = actor, critic
        self.observation_space = observation_space
        self.activation = activation
        self.sync()

    def sync(self) -> None:
        """Copy the torch weights in (cheap: a few small arrays); after every update or load."""
        self.layers = merged_actor_critic(self.actor, self.critic)

    def __call__(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = mlp_forward(self.layers, numpy_inputs(obs, self.observation_space), self.activation)
        return out[:, :-1], out[:, -1]

    def values(self, obs: np.ndarray) -> np.ndarray:
        return self(obs)[1]

    def predict(
        self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None, rng: np.random.Generator
    ) -> np.ndarray:
        """The greedy or a sampled action of each row, never a masked one."""
        logits = self(obs)[0]
        if masks is not None:
            logits = np.where(masks, logits, MASKED_LOGIT)
        if deterministic:
            return logits.argmax(axis=1)
        return sample_from_logits(logits, rng)[0]
