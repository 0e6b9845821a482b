"""The one numpy MLP: Linear-activation-...-Linear forward, and its backward pass.

An MLP here is a list of ``(W, b)`` pairs with ``W`` of shape (in, out), so a layer is
``x @ W + b``. Every numpy kernel (acting, DQN's update, PPO's gradients) runs its
networks through :func:`mlp_forward` and :func:`mlp_backward`.
"""

from __future__ import annotations

import numpy as np
from torch import nn

from rldojo.baselines.nets import linear_layers

Layers = list[tuple[np.ndarray, np.ndarray]]


def _tanh_(x: np.ndarray) -> None:
    np.tanh(x, out=x)


def _relu_(x: np.ndarray) -> None:
    np.maximum(x, 0.0, out=x)


def _times_tanh_derivative_(d: np.ndarray, h: np.ndarray) -> None:
    d *= 1.0 - h * h  # tanh' from tanh's output h


def _times_relu_derivative_(d: np.ndarray, h: np.ndarray) -> None:
    d *= h > 0  # relu' from relu's output h


# In place: the hidden arrays are fresh products, so nothing else sees them change.
_ACTIVATIONS = {"tanh": _tanh_, "relu": _relu_}
_DERIVATIVES = {"tanh": _times_tanh_derivative_, "relu": _times_relu_derivative_}


def layer_views(net: nn.Sequential) -> Layers:
    """A torch MLP's ``(W, b)`` pairs as numpy views of its parameters (W transposed to (in, out)).

    Views, not copies: an optimizer step or ``load_state_dict`` on the module shows through.
    """
    return [(m.weight.detach().numpy().T, m.bias.detach().numpy()) for m in linear_layers(net)]


def mlp_forward(
    layers: Layers, x: np.ndarray, activation: str = "relu", inputs: list[np.ndarray] | None = None
) -> np.ndarray:
    """The MLP's output for the rows of ``x`` (a new array; ``x`` is left as it is).

    :param activation: "relu" or "tanh", after every layer but the last
    :param inputs: when a list, each layer's input is appended to it, for :func:`mlp_backward`
    """
    activate = _ACTIVATIONS[activation]
    last = len(layers) - 1
    for i, (weight, bias) in enumerate(layers):
        if inputs is not None:
            inputs.append(x)
        x = x @ weight
        x += bias
        if i < last:
            activate(x)
    return x


def mlp_backward(layers: Layers, inputs: list[np.ndarray], d_out: np.ndarray, activation: str, grads: Layers) -> None:
    """Write d loss / d (W, b) of every layer into ``grads``, given d loss / d output.

    :param inputs: the layer inputs :func:`mlp_forward` kept
    :param d_out: d loss / d output, one row per input row (left as it is)
    :param grads: a ``(dW, db)`` pair of arrays shaped like each layer's ``(W, b)``, overwritten
    """
    times_derivative = _DERIVATIVES[activation]
    for i in range(len(layers) - 1, -1, -1):
        grad_weight, grad_bias = grads[i]
        np.matmul(inputs[i].T, d_out, out=grad_weight)
        d_out.sum(axis=0, out=grad_bias)
        if i > 0:
            d_out = d_out @ layers[i][0].T
            times_derivative(d_out, inputs[i])  # inputs[i] is the previous activation's output
