"""Network builders shared by the hand-written agents: an MLP and a small CNN torso."""

from __future__ import annotations

import math

import numpy as np
import torch
from gymnasium import spaces
from torch import nn


def mlp(input_size: int, hidden_sizes: tuple[int, ...] | list[int], output_size: int,
        activation: type[nn.Module] = nn.ReLU, output_gain: float | None = None) -> nn.Sequential:
    """Linear-activation-...-Linear. The course's QNetwork is ``mlp(n, (h, h), k)``.

    :param output_gain: when given, the last layer is orthogonally initialised with this
        gain (0.01 for policy heads, 1.0 for value heads, as PPO implementations do)
    """
    layers: list[nn.Module] = []
    size = input_size
    for hidden in hidden_sizes:
        layers += [nn.Linear(size, hidden), activation()]
        size = hidden
    last = nn.Linear(size, output_size)
    if output_gain is not None:
        nn.init.orthogonal_(last.weight, gain=output_gain)
        nn.init.zeros_(last.bias)
    layers.append(last)
    return nn.Sequential(*layers)


class NatureCNN(nn.Module):
    """The DQN paper's convolutional torso, scaled for small images.

    Takes uint8 or float images as (batch, channels, height, width) or
    (batch, height, width, channels) and returns ``features_dim`` features.
    ``channels`` replaces the three conv layers by 3x3 stride-2 layers of those widths
    (``(16, 32)`` costs a third of the default on CartPole's 20x40 frames).
    """

    def __init__(self, observation_shape: tuple[int, ...], features_dim: int = 256, channels_last: bool | None = None,
                 channels: tuple[int, ...] | None = None):
        super().__init__()
        if channels_last is None:
            channels_last = observation_shape[-1] in (1, 3, 4) and observation_shape[0] not in (1, 3, 4)
        self.channels_last = channels_last
        c, h, w = (observation_shape[2], observation_shape[0], observation_shape[1]) if channels_last else observation_shape
        if channels is not None:
            # A lighter torso on request: one 3x3 stride-2 layer per entry of ``channels``.
            if not channels or any(int(k) < 1 for k in channels):
                raise ValueError(f"channels must be a non-empty tuple of positive widths, got {channels!r}")
            convs, width = [], c
            for k in channels:
                convs += [nn.Conv2d(width, int(k), 3, stride=2), nn.ReLU()]
                width = int(k)
        # Small images (the maze at 36x36) cannot take the 8x8 stride-4 first layer.
        elif min(h, w) >= 64:
            convs = [nn.Conv2d(c, 32, 8, stride=4), nn.ReLU(), nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
                     nn.Conv2d(64, 64, 3, stride=1), nn.ReLU()]
        else:
            convs = [nn.Conv2d(c, 32, 3, stride=2), nn.ReLU(), nn.Conv2d(32, 64, 3, stride=2), nn.ReLU(),
                     nn.Conv2d(64, 64, 3, stride=1), nn.ReLU()]
        self.convs = nn.Sequential(*convs, nn.Flatten())
        with torch.no_grad():
            n_flat = self.convs(torch.zeros(1, c, h, w)).shape[1]
        self.head = nn.Sequential(nn.Linear(n_flat, features_dim), nn.ReLU())
        self.features_dim = features_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = images.float()
        if self.channels_last:
            x = x.permute(0, 3, 1, 2)
        if images.dtype == torch.uint8:
            x = x / 255.0
        return self.head(self.convs(x))


def is_image_space(space: spaces.Space) -> bool:
    return isinstance(space, spaces.Box) and space.dtype == np.uint8 and len(space.shape) == 3


def flat_size(space: spaces.Space) -> int:
    """Input width of an MLP for ``space``: Discrete spaces are one-hot encoded."""
    if isinstance(space, spaces.Discrete):
        return int(space.n)
    return int(np.prod(space.shape))


def obs_to_tensor(obs: np.ndarray, space: spaces.Space) -> torch.Tensor:
    """A batch of observations as a float tensor an MLP takes (one-hot for Discrete)."""
    if isinstance(space, spaces.Discrete):
        return nn.functional.one_hot(torch.as_tensor(obs, dtype=torch.int64), int(space.n)).float()
    tensor = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
    return tensor.reshape(tensor.shape[0], -1)


# ------------------------------------------------------------------------------ policy networks in numpy
# Acting one observation at a time through torch costs more in per-op overhead than the
# arithmetic; PPO and A2C act through these numpy copies of their actor and critic.

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
MASKED_LOGIT = -1e9  # a finite "minus infinity": exp() gives 0, and 0 * it stays 0 in the entropy

def check_spaces(observation_space: spaces.Space, action_space: spaces.Space, who: str) -> None:
    if not isinstance(action_space, spaces.Discrete):
        raise ValueError(f"{who} needs a Discrete action space, got {action_space}")
    if not isinstance(observation_space, (spaces.Box, spaces.Discrete, spaces.MultiBinary)):
        raise ValueError(f"{who} needs a Box, Discrete or MultiBinary observation space, got {observation_space}")


def orthogonal_hidden_init(net: nn.Sequential) -> None:
    """Orthogonal hidden layers with gain sqrt(2), as PPO implementations initialise them."""
    linears = [m for m in net if isinstance(m, nn.Linear)]
    for layer in linears[:-1]:  # the last layer was initialised by mlp(output_gain=...)
        nn.init.orthogonal_(layer.weight, gain=math.sqrt(2))
        nn.init.zeros_(layer.bias)


def numpy_layers(net: nn.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (weight^T, bias) pairs of an MLP's Linear layers, as float64 numpy arrays."""
    return [(m.weight.detach().numpy().T.astype(np.float64), m.bias.detach().numpy().astype(np.float64))
            for m in net if isinstance(m, nn.Linear)]


def numpy_actor_critic(actor: nn.Sequential, critic: nn.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """Actor and critic of the same shape as one MLP with block-diagonal layers: half the numpy calls.

    Its output row is the actor's logits followed by the critic's value.
    """
    merged = []
    for i, ((wa, ba), (wc, bc)) in enumerate(zip(numpy_layers(actor), numpy_layers(critic))):
        if i == 0:  # both read the same input
            weight = np.concatenate([wa, wc], axis=1)
        else:
            weight = np.zeros((wa.shape[0] + wc.shape[0], wa.shape[1] + wc.shape[1]))
            weight[:wa.shape[0], :wa.shape[1]] = wa
            weight[wa.shape[0]:, wa.shape[1]:] = wc
        merged.append((weight, np.concatenate([ba, bc])))
    return merged


def numpy_inputs(obs: np.ndarray, space: spaces.Space) -> np.ndarray:
    """A batch of observations as the MLP's input rows (one-hot for Discrete)."""
    if isinstance(space, spaces.Discrete):
        out = np.zeros((len(obs), int(space.n)))
        out[np.arange(len(obs)), np.asarray(obs, dtype=np.int64) - int(space.start)] = 1.0
        return out
    obs = np.asarray(obs, dtype=np.float64)
    return obs.reshape(len(obs), -1)


def numpy_forward(layers, x: np.ndarray, activation: str) -> np.ndarray:
    act = np.tanh if activation == "tanh" else (lambda h: np.maximum(h, 0.0))
    for weight, bias in layers[:-1]:
        x = act(x @ weight + bias)
    weight, bias = layers[-1]
    return x @ weight + bias


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
