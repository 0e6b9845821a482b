"""Each numpy kernel computes what its torch autograd reference computes, on small random nets with fixed seeds."""

import copy

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium import spaces

from rldojo.baselines.dqn import QNetwork, TorchQFunction
from rldojo.baselines.kernels import (
    NumpyActorCritic,
    NumpyMLPQFunction,
    NumpyPPOGradients,
    layer_views,
    mlp_backward,
    mlp_forward,
    sample_from_logits,
)
from rldojo.baselines.nets import ACTIVATIONS, MASKED_LOGIT, linear_layers, mlp, obs_to_tensor
from rldojo.baselines.ppo import PPO, Minibatch


def small_mlp(activation, sizes=(5, (7, 6), 3), seed=0):
    torch.manual_seed(seed)
    return mlp(sizes[0], sizes[1], sizes[2], ACTIVATIONS[activation])


# ----------------------------------------------------------------------------- the numpy MLP


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_forward_equals_the_torch_mlp(activation):
    net = small_mlp(activation)
    x = np.random.default_rng(0).normal(size=(9, 5)).astype(np.float32)
    want = net(torch.from_numpy(x)).detach().numpy()
    got = mlp_forward(layer_views(net), x, activation)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(got, mlp_forward(layer_views(net), x, "relu" if activation == "tanh" else "tanh"))


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_mlp_backward_equals_autograd(activation):
    net = small_mlp(activation)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(9, 5)).astype(np.float32)
    d_out = rng.normal(size=(9, 3)).astype(np.float32)  # d loss / d output of loss = sum(output * d_out)
    (net(torch.from_numpy(x)) * torch.from_numpy(d_out)).sum().backward()

    layers = layer_views(net)
    inputs = []
    mlp_forward(layers, x, activation, inputs)
    grads = [(np.full_like(w, np.nan), np.full_like(b, np.nan)) for w, b in layers]
    d_out_before = d_out.copy()
    mlp_backward(layers, inputs, d_out, activation, grads)
    np.testing.assert_array_equal(d_out, d_out_before)  # the caller's gradient is left alone
    for (grad_w, grad_b), layer in zip(grads, linear_layers(net), strict=True):
        np.testing.assert_allclose(grad_w, layer.weight.grad.numpy().T, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(grad_b, layer.bias.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_layer_views_see_the_torch_weights_change():
    net = small_mlp("relu")
    layers = layer_views(net)
    with torch.no_grad():
        net[0].weight.add_(1.0)
    np.testing.assert_array_equal(layers[0][0], net[0].weight.detach().numpy().T)


# ----------------------------------------------------------------------------- acting: actor and critic in one pass


@pytest.mark.parametrize(
    "space", [spaces.Box(-1.0, 1.0, (5,), np.float32), spaces.Discrete(5, start=2)], ids=["box", "discrete"]
)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_numpy_actor_critic_equals_the_torch_actor_and_critic(space, activation):
    actor = small_mlp(activation, (5, (8, 8), 3), seed=0)
    critic = small_mlp(activation, (5, (8, 8), 1), seed=1)
    space.seed(0)
    obs = np.stack([space.sample() for _ in range(12)])
    policy = NumpyActorCritic(actor, critic, space, activation)
    logits, values = policy(obs)
    x = obs_to_tensor(obs, space)
    with torch.no_grad():
        np.testing.assert_allclose(logits, actor(x).numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(values, critic(x).numpy()[:, 0], rtol=1e-5, atol=1e-6)
        # after an update, sync() brings the new weights in
        for p in actor.parameters():
            p.mul_(2.0)
        policy.sync()
        np.testing.assert_allclose(policy(obs)[0], actor(x).numpy(), rtol=1e-5, atol=1e-6)


def test_sampled_actions_follow_softmax_and_their_log_probs_are_log_softmax():
    logits = np.array([[0.0, 1.0, -1.0, 2.0], [3.0, MASKED_LOGIT, 0.0, MASKED_LOGIT]])
    draws = 100_000  # a frequency's standard error is at most 0.0016
    rows = np.repeat(logits, draws, axis=0)
    actions, log_probs = sample_from_logits(rows, np.random.default_rng(0))
    want = torch.log_softmax(torch.as_tensor(rows), dim=1)
    np.testing.assert_allclose(log_probs, want[np.arange(len(rows)), actions].numpy(), rtol=1e-6, atol=1e-6)
    probs = torch.softmax(torch.as_tensor(logits), dim=1).numpy()
    for i in range(2):
        frequencies = np.bincount(actions[i * draws : (i + 1) * draws], minlength=4) / draws
        np.testing.assert_allclose(frequencies, probs[i], atol=0.006)
    assert not np.isin(actions[draws:], [1, 3]).any()  # masked actions are never drawn


# ----------------------------------------------------------------------------- DQN's update


@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_numpy_q_function_computes_the_same_update_as_torch(loss):
    torch.manual_seed(0)
    net = QNetwork(gym.spaces.Box(-1, 1, (4,)), 3, (16, 16))
    torch_q = TorchQFunction(copy.deepcopy(net), 1e-2, loss, 0.5, with_target=True)
    numpy_q = NumpyMLPQFunction(copy.deepcopy(net), 1e-2, loss, 0.5, with_target=True)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.normal(size=(32, 4)).astype(np.float32)
        actions = rng.integers(0, 3, 32)
        targets = (3 * rng.normal(size=32)).astype(np.float32)
        assert float(torch_q.fit(x, actions, targets)) == pytest.approx(numpy_q.fit(x, actions, targets), rel=1e-4)
    x = rng.normal(size=(10, 4)).astype(np.float32)
    np.testing.assert_allclose(numpy_q.q_values(x), torch_q.q_values(x), atol=1e-5)
    exported = numpy_q.state_dict()["q_network"]  # the weights themselves, as a torch state dict
    for name, tensor in torch_q.net.state_dict().items():
        np.testing.assert_allclose(exported[name].numpy(), tensor.numpy(), atol=1e-5)
    # the target network has not moved yet; a sync copies the online weights
    np.testing.assert_allclose(numpy_q.q_values(x, target=True), torch_q.q_values(x, target=True), atol=1e-6)
    numpy_q.sync_target(1.0)
    np.testing.assert_allclose(numpy_q.q_values(x, target=True), numpy_q.q_values(x), atol=0)


# ----------------------------------------------------------------------------- PPO's gradients


class SixCellsFourMoves(gym.Env):
    """Only the spaces: PPO's networks are built from them."""

    observation_space = spaces.Box(0.0, 1.0, (6,), np.float32)
    action_space = spaces.Discrete(4)


@pytest.mark.parametrize(
    "activation,ent_coef,masked", [("tanh", 0.0, False), ("tanh", 0.05, True), ("relu", 0.01, True)]
)
def test_numpy_ppo_gradients_equal_autograd(activation, ent_coef, masked):
    agent = PPO(
        SixCellsFourMoves(),
        seed=0,
        activation=activation,
        ent_coef=ent_coef,
        vf_coef=0.7,
        hidden_sizes=(16, 8),
        analytic_gradients=False,
    )
    rng = np.random.default_rng(0)
    n = 32
    obs = torch.as_tensor(rng.random((n, 6)), dtype=torch.float32)
    masks = torch.as_tensor(rng.random((n, 4)) < 0.7)
    masks[:, 2] = True
    actions = torch.as_tensor([rng.choice(np.flatnonzero(m)) for m in masks.numpy()]).unsqueeze(1)
    batch = Minibatch(
        obs,
        actions,
        torch.zeros(n, 4).scatter_(1, actions, 1.0),
        torch.as_tensor(rng.normal(-1.4, 0.3, n), dtype=torch.float32),
        torch.as_tensor(rng.normal(size=n), dtype=torch.float32),
        torch.as_tensor(rng.normal(size=n), dtype=torch.float32),
        masks if masked else None,
    )
    params = [*agent.actor.parameters(), *agent.critic.parameters()]
    reference = agent.autograd_gradients(batch, clip=0.1)  # clip 0.1: many ratios fall outside the range
    expected = [p.grad.clone() for p in params]
    for p in params:
        p.grad = None
    kernel = NumpyPPOGradients(agent.actor, agent.critic, activation, vf_coef=0.7, ent_coef=ent_coef)
    numpy_result = kernel(batch, clip=0.1)
    for want, param in zip(expected, params, strict=True):
        torch.testing.assert_close(param.grad, want, rtol=1e-4, atol=1e-6)
    for a, b in zip(reference, numpy_result, strict=True):  # policy loss, value loss, log-ratios
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1.3e-6, atol=1e-5)


def test_analytic_gradients_is_the_default_and_picks_the_numpy_kernel():
    assert isinstance(PPO(SixCellsFourMoves(), seed=0).gradients, NumpyPPOGradients)
    assert PPO(SixCellsFourMoves(), seed=0, analytic_gradients=False).gradients.__func__ is PPO.autograd_gradients


def test_a_deep_copy_of_a_kernel_works_on_the_copy_of_the_weights():
    torch.manual_seed(0)
    numpy_q = NumpyMLPQFunction(QNetwork(gym.spaces.Box(-1, 1, (4,)), 3, (8,)), 1e-2, "mse", None, with_target=True)
    twin = copy.deepcopy(numpy_q)
    x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    before = numpy_q.q_values(x)
    twin.fit(x, np.zeros(6, np.int64), np.ones(6, np.float32))
    assert not np.allclose(twin.q_values(x), before)  # the copy learns, through its own views
    np.testing.assert_array_equal(numpy_q.q_values(x), before)  # and leaves the original alone

    actor, critic = small_mlp("tanh", (5, (8,), 3), seed=0), small_mlp("tanh", (5, (8,), 1), seed=1)
    kernel = NumpyPPOGradients(actor, critic, "tanh", vf_coef=0.5, ent_coef=0.0)
    twin_kernel = copy.deepcopy(kernel)  # copies the networks too, as a deep copy of the agent would
    twin_actor = twin_kernel.nets[0]
    with torch.no_grad():
        twin_actor[0].weight.mul_(3.0)
    np.testing.assert_array_equal(twin_kernel.actor[0][0], twin_actor[0].weight.detach().numpy().T)
    batch = Minibatch(
        torch.ones(4, 5),
        torch.zeros(4, 1, dtype=torch.int64),
        torch.eye(3)[[0, 0, 0, 0]],
        torch.full((4,), -1.0),
        torch.tensor([1.0, -1.0, 0.5, 2.0]),
        torch.zeros(4),
        None,
    )
    twin_kernel(batch, clip=0.2)
    assert twin_actor[0].weight.grad is twin_kernel.grad_tensors[0] and twin_actor[0].weight.grad.abs().sum() > 0
    assert actor[0].weight.grad is None
