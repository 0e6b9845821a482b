"""DQN's Q-function update in numpy: the plain MLP's loss, backward pass and Adam.

For the small networks DQN uses on state-vector tasks, torch spends most of a step in
per-operation overhead (autograd bookkeeping, dispatch, the optimizer's loop over tensors),
so this is several times faster. It is a drop-in for ``dqn.TorchQFunction`` (the same
``q_values``, ``fit``, ``sync_target`` and ``state_dict``) and computes the same update:
the same initial weights, loss, gradient clipping and Adam.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from rldojo.baselines.kernels.numpy_mlp import Layers, layer_views, mlp_backward, mlp_forward
from rldojo.baselines.nets import linear_layers


def flat_views(flat: np.ndarray, shapes: list[tuple[int, int]]) -> Layers:
    """``(W, b)`` pairs that are views into one flat vector, W of shape (in, out)."""
    views, start = [], 0
    for n_in, n_out in shapes:
        weight = flat[start : start + n_in * n_out].reshape(n_in, n_out)
        start += n_in * n_out
        views.append((weight, flat[start : start + n_out]))
        start += n_out
    return views


class NumpyMLPQFunction:
    """The plain MLP QNetwork in numpy: forward, backprop and Adam over one flat parameter vector.

    Keeping every weight in one float32 vector lets Adam, gradient clipping and the target
    sync run as a handful of whole-vector operations instead of a loop over tensors.

    :param net: a ``dqn.QNetwork`` without CNN or dueling (its MLP is ``net.head``): the
        initial weights, and the template checkpoints are written through
    :param learning_rate: Adam's step size
    :param loss: "mse" or "huber"
    :param max_grad_norm: clip the gradient's global norm to this; None for no clipping
    :param with_target: keep a separate target copy (the standard form); else the target is the net
    """

    def __init__(
        self,
        net: nn.Module,
        learning_rate: float,
        loss: str,
        max_grad_norm: float | None,
        with_target: bool,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
    ):
        self.template = net
        self.shapes = [(lin.in_features, lin.out_features) for lin in linear_layers(net.head)]
        self.theta = np.zeros(sum(i * o + o for i, o in self.shapes), dtype=np.float32)
        self.grad = np.zeros_like(self.theta)
        self.target_theta = self.theta.copy() if with_target else self.theta
        self._make_views()
        self._copy_in(net, self.layers)
        self.target_theta[:] = self.theta
        self.lr, self.beta1, self.beta2, self.eps = learning_rate, betas[0], betas[1], eps
        self.m = np.zeros_like(self.theta)
        self.v = np.zeros_like(self.theta)
        self._tmp = np.zeros_like(self.theta)
        self.t = 0
        self._rows = np.arange(0)
        self.huber = loss == "huber"
        self.max_grad_norm = max_grad_norm

    def _make_views(self) -> None:
        self.layers = flat_views(self.theta, self.shapes)
        self.grads = flat_views(self.grad, self.shapes)
        self.target_layers = flat_views(self.target_theta, self.shapes)

    # A copy (deepcopy, pickle) of a view is no view: a copy makes its views again, over its own vectors.
    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("layers", "grads", "target_layers")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._make_views()

    def q_values(self, x: np.ndarray, target: bool = False) -> np.ndarray:
        return mlp_forward(self.target_layers if target else self.layers, x.astype(np.float32, copy=False))

    def fit(self, x: np.ndarray, actions: np.ndarray, targets: np.ndarray) -> float:
        """One Adam step on mean loss(Q(s, a) - y); returns the loss."""
        x = x.astype(np.float32, copy=False)
        inputs: list[np.ndarray] = []
        q = mlp_forward(self.layers, x, inputs=inputs)
        n = len(x)
        if len(self._rows) != n:
            self._rows = np.arange(n)
        rows = self._rows
        error = q[rows, actions] - targets
        # d loss / d Q(s, a): only the taken action's output gets a gradient (q's array is reused for it)
        d_out = q
        d_out.fill(0.0)
        if self.huber:
            abs_err = np.abs(error)
            loss = float(np.where(abs_err < 1.0, 0.5 * error * error, abs_err - 0.5).sum()) / n
            d_out[rows, actions] = np.clip(error, -1.0, 1.0) / n
        else:
            loss = float(error @ error) / n
            d_out[rows, actions] = (2.0 / n) * error
        mlp_backward(self.layers, inputs, d_out, "relu", self.grads)  # writes straight into self.grad
        if self.max_grad_norm is not None:
            norm = float(np.sqrt(np.dot(self.grad, self.grad)))
            if norm > self.max_grad_norm:
                self.grad *= self.max_grad_norm / (norm + 1e-6)  # torch's clip_grad_norm_
        self._adam_step()
        return loss

    def _adam_step(self) -> None:
        """torch.optim.Adam's update (no weight decay, no amsgrad) on the flat vector."""
        self.t += 1
        g, m, v, tmp = self.grad, self.m, self.v, self._tmp
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.beta2
        v += tmp
        bias1 = 1.0 - self.beta1**self.t
        bias2 = 1.0 - self.beta2**self.t
        np.sqrt(v, out=tmp)
        tmp /= np.sqrt(bias2)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr / bias1
        self.theta -= tmp

    def sync_target(self, tau: float) -> None:
        if self.target_theta is self.theta:
            return
        if tau >= 1.0:
            self.target_theta[:] = self.theta
        else:
            self.target_theta += tau * (self.theta - self.target_theta)

    # -- checkpoints: torch state dicts, so they load into either Q-function ----------

    @staticmethod
    def _copy_in(net: nn.Module, layers: Layers) -> None:
        for (w, b), (torch_w, torch_b) in zip(layers, layer_views(net.head), strict=True):
            w[...] = torch_w
            b[...] = torch_b

    def _export(self, layers: Layers) -> dict:
        module = copy.deepcopy(self.template)
        with torch.no_grad():
            for (w, b), lin in zip(layers, linear_layers(module.head), strict=True):
                lin.weight.copy_(torch.from_numpy(w.T.copy()))
                lin.bias.copy_(torch.from_numpy(b.copy()))
        return module.state_dict()

    def state_dict(self) -> dict:
        return {"q_network": self._export(self.layers), "target_network": self._export(self.target_layers)}

    def load_state_dict(self, state: dict) -> None:
        module = copy.deepcopy(self.template)
        module.load_state_dict(state["q_network"])  # raises on a shape or name mismatch
        self._copy_in(module, self.layers)
        module.load_state_dict(state["target_network"])
        if self.target_theta is not self.theta:
            self._copy_in(module, self.target_layers)
