"""Network builders shared by the hand-written agents: an MLP and a small CNN torso.

Their fast numpy counterparts (acting, DQN's update, PPO's gradients) are in :mod:`rldojo.baselines.kernels`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from gymnasium import spaces
from torch import nn


def mlp(
    input_size: int,
    hidden_sizes: tuple[int, ...] | list[int],
    output_size: int,
    activation: type[nn.Module] = nn.ReLU,
    output_gain: float | None = None,
) -> nn.Sequential:
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

    def __init__(
        self,
        observation_shape: tuple[int, ...],
        features_dim: int = 256,
        channels_last: bool | None = None,
        channels: tuple[int, ...] | None = None,
    ):
        super().__init__()
        if channels_last is None:
            channels_last = observation_shape[-1] in (1, 3, 4) and observation_shape[0] not in (1, 3, 4)
        self.channels_last = channels_last
        if channels_last:
            h, w, c = observation_shape
        else:
            c, h, w = observation_shape
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
            convs = [
                nn.Conv2d(c, 32, 8, stride=4),
                nn.ReLU(),
                nn.Conv2d(32, 64, 4, stride=2),
                nn.ReLU(),
                nn.Conv2d(64, 64, 3, stride=1),
                nn.ReLU(),
            ]
        else:
            convs = [
                nn.Conv2d(c, 32, 3, stride=2),
                nn.ReLU(),
                nn.Conv2d(32, 64, 3, stride=2),
                nn.ReLU(),
                nn.Conv2d(64, 64, 3, stride=1),
                nn.ReLU(),
            ]
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
        index = torch.as_tensor(obs, dtype=torch.int64) - int(space.start)
        return nn.functional.one_hot(index, int(space.n)).float()
    tensor = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
    return tensor.reshape(tensor.shape[0], -1)


# ------------------------------------------------------------------------------ helpers of the agents' networks

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
MASKED_LOGIT = -1e9  # a finite "minus infinity": exp() gives 0, and 0 * it stays 0 in the entropy


def env_name(env) -> str:
    """An env's registered id (with its class name), or its class name: for messages."""
    spec = getattr(env, "spec", None)
    base = getattr(env, "unwrapped", env)
    if spec is not None and getattr(spec, "id", None):
        return f"{spec.id} ({type(base).__name__})"
    return type(base).__name__


def check_spaces(
    observation_space: spaces.Space,
    action_space: spaces.Space,
    who: str,
    env=None,
    observations: tuple[type[spaces.Space], ...] = (spaces.Box, spaces.Discrete, spaces.MultiBinary),
    hint: str = "",
) -> None:
    """A ValueError naming the agent (and the env, when given) unless the spaces are ones ``who`` can handle.

    :param observations: the observation space types ``who`` takes
    :param hint: a sentence appended to the message (what to use instead)
    """
    on = f" {env_name(env)}" if env is not None else ""
    tail = f"; {hint}" if hint else ""
    if not isinstance(action_space, spaces.Discrete):
        raise ValueError(f"{who} cannot play{on}: it needs a Discrete action space, got {action_space}{tail}")
    if not isinstance(observation_space, observations):
        kinds = " or ".join(t.__name__ for t in observations)
        raise ValueError(f"{who} cannot play{on}: it needs a {kinds} observation space, got {observation_space}{tail}")


def linear_layers(net: nn.Sequential) -> list[nn.Linear]:
    """The Linear layers of an MLP, in order."""
    return [m for m in net if isinstance(m, nn.Linear)]


def orthogonal_hidden_init(net: nn.Sequential) -> None:
    """Orthogonal hidden layers with gain sqrt(2), as PPO implementations initialise them."""
    for layer in linear_layers(net)[:-1]:  # the last layer was initialised by mlp(output_gain=...)
        nn.init.orthogonal_(layer.weight, gain=math.sqrt(2))
        nn.init.zeros_(layer.bias)


def actor_and_critic(
    observation_space: spaces.Space, n_actions: int, hidden_sizes, activation: str
) -> tuple[nn.Sequential, nn.Sequential]:
    """PPO's and A2C's two networks: an actor (logits) and a critic (value), separate MLPs.

    Orthogonally initialised as PPO implementations do: hidden gains sqrt(2), 0.01 for the
    actor's head, 1 for the critic's.
    """
    n_inputs = flat_size(observation_space)
    hidden = tuple(int(h) for h in hidden_sizes)
    actor = mlp(n_inputs, hidden, n_actions, ACTIVATIONS[activation], output_gain=0.01)
    critic = mlp(n_inputs, hidden, 1, ACTIVATIONS[activation], output_gain=1.0)
    for net in (actor, critic):
        orthogonal_hidden_init(net)
    return actor, critic
