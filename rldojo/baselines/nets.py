"""Network builders shared by the hand-written agents: an MLP and a small CNN torso."""

from __future__ import annotations

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
    """

    def __init__(self, observation_shape: tuple[int, ...], features_dim: int = 256, channels_last: bool | None = None):
        super().__init__()
        if channels_last is None:
            channels_last = observation_shape[-1] in (1, 3, 4) and observation_shape[0] not in (1, 3, 4)
        self.channels_last = channels_last
        c, h, w = (observation_shape[2], observation_shape[0], observation_shape[1]) if channels_last else observation_shape
        # Small images (the maze at 36x36) cannot take the 8x8 stride-4 first layer.
        if min(h, w) >= 64:
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
