"""Deep Q-learning, in the course's form and in the standard form.

A network Q(s, ·) gives one value per action and is trained towards the TD target
r + gamma * max_a' Q(s', a') by the course's "deep Q-learning loss", the mean squared
difference (the formulas are under *The update* below).

Two forms behind one flag, ``form``:

- ``"course"``: exactly the course's DQLAgent. One online gradient step on every
  transition as it happens, no replay, the target computed with the same network.
- ``"standard"`` (Mnih et al. 2015, van Hasselt et al. 2016): transitions go into a replay
  buffer; every ``train_freq`` steps a minibatch is sampled; the target uses a separate
  target network, and with ``double_dqn`` the online network picks a' while the target
  network values it.

Options for either form: a CNN torso for image observations (``nets.NatureCNN``),
dueling value/advantage heads, n-step returns (standard form), epsilon decayed the
course's way (multiplied once per episode) or linearly over a fraction of training
(stable-baselines3's way). Illegal actions (``info["action_mask"]`` or ``env.action_masks()``)
are never chosen, and the max in the target runs over the next state's legal actions only.

Speed plumbing is kept apart from the algorithm. The algorithm (acting, the target,
n-step returns, schedules) lives in :class:`DQN` and talks to a Q-function through four
calls: ``q_values``, ``fit``, ``sync_target`` and ``state_dict``. Two Q-functions implement them:

- :class:`TorchQFunction` (below): any network (MLP, CNN, dueling), trained with torch
  autograd and Adam. This is the math.
- ``kernels.NumpyMLPQFunction``: the plain MLP only, the same update written out in numpy
  (forward, backward and Adam over one flat parameter vector), several times faster for
  the small networks of state-vector tasks. It saves torch state dicts too.

``backend="auto"`` picks numpy where it applies (plain MLP, no dueling) and torch otherwise.

The update
----------
For a transition (s_t, a_t), the k rewards after it (k = ``n_step``, fewer at the end of an
episode) and s' = s_{t+k}::

    G    = r_t + γ · r_{t+1} + … + γ^(k−1) · r_{t+k−1}
    y    = G + γ^k · Q⁻(s', a*)          (y = G if the episode terminated)
    a*   = argmax_a' Q(s', a')           double DQN
    a*   = argmax_a' Q⁻(s', a')          without it
    L(θ) = mean ℓ(Q_θ(s_t, a_t) − y)     over a minibatch
    θ    ← θ − Adam(∇_θ L)
    θ⁻   ← θ⁻ + τ · (θ − θ⁻)             every target_update_interval steps

Q⁻ is the target network, ℓ the square (``loss="mse"``) or Huber's loss (``"huber"``), the
gradient's norm is clipped at ``max_grad_norm``, and τ = 1 copies θ. The course's form has
no target network (Q⁻ = Q), k = 1 and a minibatch of one: the transition just seen. The max
and the argmax run over the next state's legal actions.

- ``DQN._store``: G and its discount γ^k, into the replay buffer (n-step returns).
- ``DQN._td_targets``: y, with a* picked by the online network (double DQN) or the target network.
- ``DQN._train_on_minibatch``: a minibatch from the buffer and its targets (standard form).
- ``DQN._train_on_transition``: the transition just seen and its target (course form).
- ``TorchQFunction.fit``: L, its gradient by autograd, the clip and Adam; ``NumpyMLPQFunction.fit`` is the
  same step written out in numpy.
- ``TorchQFunction.sync_target``: θ⁻ ← θ, or Polyak averaging when τ < 1.
- ``DQN._learn``: when each happens (``learning_starts``, ``train_freq``, ``gradient_steps``), and ε's schedule.
"""

from __future__ import annotations

import collections
import copy
import dataclasses

import numpy as np
import torch
import torch.nn.functional as F
from gymnasium import spaces
from gymnasium.vector import VectorEnv
from torch import nn

from rldojo.baselines.agent import Agent, Choice, Flag, Integer, Number, Sizes, TrainingRun, hyperparameter
from rldojo.baselines.buffers import ReplayBuffer
from rldojo.baselines.kernels import NumpyMLPQFunction
from rldojo.baselines.nets import NatureCNN, check_spaces, flat_size, is_image_space, mlp
from rldojo.envs.common import action_mask

FORMS = ("course", "standard")
BACKENDS = ("auto", "torch", "numpy")
LOSSES = ("mse", "huber")


# =========================================================================== the network


class QNetwork(nn.Module):
    """Q(s, ·): a torso (flatten, or a CNN for images) and a head with one output per action.

    Without the CNN and without dueling this is the course's QNetwork,
    Linear-ReLU-Linear-ReLU-Linear (``self.head``). With ``dueling`` the head splits into a
    state value V(s) and advantages A(s, a), recombined as Q = V + A - mean(A).

    :param observation_space: the env's observation space (Box, or Discrete one-hot encoded)
    :param n_actions: number of discrete actions
    :param hidden_sizes: the MLP's hidden widths (after the CNN, if any)
    :param dueling: split the head into value and advantage streams
    :param cnn: use ``NatureCNN`` as the torso (for uint8 image observations)
    :param features_dim: the CNN's output width
    :param cnn_channels: widths of a lighter CNN's 3x3 stride-2 layers (None: NatureCNN's own)
    """

    def __init__(
        self,
        observation_space: spaces.Space,
        n_actions: int,
        hidden_sizes=(64, 64),
        dueling: bool = False,
        cnn: bool = False,
        features_dim: int = 256,
        cnn_channels: tuple[int, ...] | None = None,
    ):
        super().__init__()
        self.dueling = dueling
        if cnn:
            self.torso: nn.Module = NatureCNN(tuple(observation_space.shape), features_dim, channels=cnn_channels)
            width = features_dim
        else:
            self.torso = nn.Flatten()
            width = flat_size(observation_space)
        hidden = tuple(hidden_sizes)
        if not dueling:
            self.head = mlp(width, hidden, n_actions)
        else:
            if hidden:
                self.shared = nn.Sequential(mlp(width, hidden[:-1], hidden[-1]), nn.ReLU())
                width = hidden[-1]
            else:
                self.shared = nn.Identity()
            self.value = nn.Linear(width, 1)
            self.advantage = nn.Linear(width, n_actions)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.torso(x)
        if not self.dueling:
            return self.head(features)
        h = self.shared(features)
        advantage = self.advantage(h)
        # Subtracting the mean advantage makes V and A identifiable (Wang et al. 2016).
        return self.value(h) + advantage - advantage.mean(dim=1, keepdim=True)


# =========================================================================== the Q-function and its update


class TorchQFunction:
    """An online :class:`QNetwork`, its target copy and Adam; numpy in, numpy out.

    ``fit`` is one gradient step on the DQN loss: ``mean loss_fn(Q(s, a), y)``, backpropagated
    by autograd, the gradient's norm clipped, then Adam. ``kernels.NumpyMLPQFunction`` is the
    same step written out in numpy for the plain MLP.
    """

    def __init__(self, net: QNetwork, learning_rate: float, loss: str, max_grad_norm: float | None, with_target: bool):
        self.net = net
        self.target = copy.deepcopy(net) if with_target else net
        for p in self.target.parameters() if with_target else []:
            p.requires_grad_(False)
        self.optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate)
        self.loss_fn = F.mse_loss if loss == "mse" else F.smooth_l1_loss
        self.max_grad_norm = max_grad_norm

    @staticmethod
    def _tensor(x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(x)  # images stay uint8; NatureCNN scales them

    def q_values(self, x: np.ndarray, target: bool = False) -> np.ndarray:
        with torch.no_grad():
            return (self.target if target else self.net)(self._tensor(x)).numpy()

    def fit(self, x: np.ndarray, actions: np.ndarray, targets: np.ndarray) -> float:
        q = self.net(self._tensor(x)).gather(1, torch.from_numpy(actions)[:, None]).squeeze(1)
        loss = self.loss_fn(q, torch.from_numpy(targets))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.max_grad_norm is not None:
            nn.utils.clip_grad_norm_(self.net.parameters(), self.max_grad_norm)
        self.optimizer.step()
        return loss.detach()  # a 0-d tensor; converted to float only when logged

    def sync_target(self, tau: float) -> None:
        if self.target is self.net:
            return
        with torch.no_grad():
            if tau >= 1.0:
                self.target.load_state_dict(self.net.state_dict())
            else:
                for p_target, p in zip(self.target.parameters(), self.net.parameters(), strict=True):
                    p_target.lerp_(p, tau)

    def state_dict(self) -> dict:
        return {"q_network": self.net.state_dict(), "target_network": self.target.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.net.load_state_dict(state["q_network"])
        self.target.load_state_dict(state["target_network"])


# =========================================================================== the agent


class DQN(Agent):
    """Deep Q-learning: the course's online form or the standard replay/target-network form.

    :param env: an env with a Discrete action space and a Box (vector or uint8 image) or
        Discrete (one-hot encoded) observation space
    :param form: "course" (online update per step, no replay, no target network) or
        "standard" (replay buffer, target network, double DQN)
    :param learning_rate: Adam's step size
    :param gamma: discount factor
    :param hidden_sizes: the MLP's hidden widths; the course's QNetwork has two
    :param epsilon_start: exploration rate at the start
    :param epsilon_end: exploration rate's floor
    :param epsilon_decay: with ``exploration_fraction=None``, epsilon is multiplied by this after every episode
    :param exploration_fraction: when set, epsilon falls linearly from start to end over this
        fraction of ``total_timesteps`` instead (stable-baselines3's schedule)
    :param buffer_size: replay capacity (standard form)
    :param batch_size: minibatch size (standard form)
    :param learning_starts: env steps of pure collection before the first update (standard form)
    :param train_freq: env steps between updates (standard form)
    :param gradient_steps: gradient steps per update (standard form)
    :param target_update_interval: env steps between target-network syncs (standard form)
    :param tau: 1.0 copies the online weights into the target; below 1, Polyak averaging
    :param double_dqn: the online network picks the next action, the target network values it
    :param dueling: value and advantage heads
    :param n_step: n-step returns (standard form)
    :param loss: "mse" (the course's) or "huber"
    :param max_grad_norm: clip the gradient's global norm to this; None for no clipping
    :param cnn: NatureCNN torso; None picks it for uint8 image observations
    :param features_dim: the CNN's output width
    :param cnn_channels: widths of a lighter CNN's 3x3 stride-2 layers; None keeps NatureCNN's
    :param backend: "numpy", "torch" or "auto" (numpy for a plain MLP, torch otherwise)
    """

    name = "dqn"

    @dataclasses.dataclass
    class Config:
        form: str = hyperparameter(
            "standard", Choice(*FORMS)
        )  # "course": online update per step, no replay; "standard": replay + target network
        learning_rate: float = hyperparameter(1e-3, Number(0, low_open=True))  # Adam's step size
        gamma: float = hyperparameter(0.99, Number(0, 1))  # discount factor
        hidden_sizes: tuple = hyperparameter(
            (64, 64), Sizes()
        )  # hidden widths of the MLP (the course's QNetwork has two)
        epsilon_start: float = hyperparameter(1.0, Number(0, 1))  # exploration rate at the start
        epsilon_end: float = hyperparameter(0.05, Number(0, 1))  # exploration rate's floor
        epsilon_decay: float = hyperparameter(
            0.995, Number(0, 1, low_open=True)
        )  # per-episode multiplicative decay (the course's schedule)
        exploration_fraction: float | None = hyperparameter(
            None, Number(0, 1, low_open=True, optional=True)
        )  # if set: linear decay over this fraction of the steps
        buffer_size: int = hyperparameter(50_000, Integer(1))  # replay capacity
        batch_size: int = hyperparameter(64, Integer(1))  # minibatch size
        learning_starts: int = hyperparameter(1_000, Integer(0))  # env steps collected before the first update
        train_freq: int = hyperparameter(1, Integer(1))  # env steps between updates
        gradient_steps: int = hyperparameter(1, Integer(1))  # gradient steps per update
        target_update_interval: int = hyperparameter(500, Integer(1))  # env steps between target syncs
        tau: float = hyperparameter(
            1.0, Number(0, 1, low_open=True)
        )  # 1.0 = hard copy; < 1 = Polyak averaging at every sync
        double_dqn: bool = hyperparameter(True, Flag())  # online net picks a', target net values it
        dueling: bool = hyperparameter(False, Flag())  # value + advantage heads
        n_step: int = hyperparameter(1, Integer(1))  # n-step returns
        loss: str = hyperparameter("mse", Choice(*LOSSES))  # "mse" (the course's) or "huber"
        max_grad_norm: float | None = hyperparameter(
            10.0, Number(0, low_open=True, optional=True)
        )  # global gradient-norm clip; None for none
        cnn: bool | None = hyperparameter(
            None, Flag(optional=True)
        )  # NatureCNN torso; None = for uint8 image observations
        features_dim: int = hyperparameter(256, Integer(1))  # CNN output width
        cnn_channels: tuple | None = hyperparameter(
            None, Sizes(allow_empty=False, optional=True)
        )  # widths of lighter 3x3 stride-2 conv layers; None = NatureCNN's
        backend: str = hyperparameter("auto", Choice(*BACKENDS))  # "auto", "torch" or "numpy"

    # -- construction ----------------------------------------------------------------

    def _setup(self) -> None:
        c = self.config
        if isinstance(self.env, VectorEnv):  # refused here, not at the first step of learn()
            raise ValueError("DQN collects from one env, a step at a time; pass a single env, not a VectorEnv")
        check_spaces(self.observation_space, self.action_space, "DQN (dqn)", self.env)
        space = self.observation_space
        if c.form == "course" and c.n_step != 1:
            raise ValueError("n_step > 1 needs the replay buffer: use form='standard'")
        if not c.epsilon_end <= c.epsilon_start:
            raise ValueError(f"need epsilon_end <= epsilon_start, got {c.epsilon_end}, {c.epsilon_start}")

        self.n_actions = int(self.action_space.n)
        self.use_cnn = is_image_space(space) if c.cnn is None else bool(c.cnn)
        if self.use_cnn and not (isinstance(space, spaces.Box) and len(space.shape) == 3):
            raise ValueError(f"cnn=True needs (H, W, C) or (C, H, W) image observations, got {space}")
        net = QNetwork(
            space,
            self.n_actions,
            c.hidden_sizes,
            c.dueling,
            self.use_cnn,
            c.features_dim,
            None if c.cnn_channels is None else tuple(c.cnn_channels),
        )
        backend = c.backend
        if backend == "auto":
            backend = "torch" if (self.use_cnn or c.dueling) else "numpy"
        if backend == "numpy" and (self.use_cnn or c.dueling):
            raise ValueError("backend='numpy' runs the plain MLP only; use backend='torch' for cnn or dueling")
        self.backend = backend
        with_target = c.form == "standard"
        q_class = NumpyMLPQFunction if backend == "numpy" else TorchQFunction  # the numpy kernel, or autograd
        self.q = q_class(net, c.learning_rate, c.loss, c.max_grad_norm, with_target)
        self.epsilon = c.epsilon_start
        self.buffer: ReplayBuffer | None = None
        self.gradient_updates = 0
        # Discrete observations are one-hot encoded for the network.
        self._eye = np.eye(space.n, dtype=np.float32) if isinstance(space, spaces.Discrete) else None
        self._obs_offset = int(space.start) if isinstance(space, spaces.Discrete) else 0

    def _encode(self, obs_batch: np.ndarray) -> np.ndarray:
        """A batch of raw observations as the network's input array."""
        if self._eye is not None:
            return self._eye[np.asarray(obs_batch, dtype=np.int64) - self._obs_offset]
        if self.use_cnn:
            return np.ascontiguousarray(obs_batch)
        return np.asarray(obs_batch, dtype=np.float32).reshape(len(obs_batch), -1)

    def _make_buffer(self, masked: bool) -> ReplayBuffer:
        space = self.observation_space
        if isinstance(space, spaces.Discrete):
            shape, dtype = (), np.int64
        else:
            shape, dtype = tuple(space.shape), (np.uint8 if self.use_cnn else np.float32)
        buffer = ReplayBuffer(
            self.config.buffer_size, shape, dtype, n_actions=self.n_actions if masked else None, rng=self.rng
        )
        # the discount of each stored transition: gamma^k, k < n_step at an episode's tail
        self._discounts = np.full(self.config.buffer_size, self.config.gamma**self.config.n_step, np.float32)
        return buffer

    # -- the algorithm: acting --------------------------------------------------------

    def _greedy(self, q_row: np.ndarray, mask: np.ndarray | None) -> int:
        if mask is not None:
            q_row = np.where(mask, q_row, -np.inf)
        return int(q_row.argmax())

    def _act(self, obs, mask: np.ndarray | None, epsilon: float) -> int:
        """Epsilon-greedy over the legal actions."""
        if self.rng.random() < epsilon:
            if mask is None:
                return int(self.rng.integers(self.n_actions))
            return int(self.rng.choice(np.flatnonzero(mask)))
        q_row = self.q.q_values(self._encode(np.asarray(obs)[None]))[0]
        return self._greedy(q_row, mask)

    # -- the algorithm: the TD target -------------------------------------------------

    def _td_targets(self, rewards, next_x, dones, next_masks, discounts) -> np.ndarray:
        """y = r + discount * Q(s', a*) for non-terminal s'; a* the best legal next action.

        Standard form: Q is the target network, and with double DQN a* comes from the online
        network. Course form: one network does both (it is its own "target").
        """
        q_next = self.q.q_values(next_x, target=True)
        if next_masks is not None:
            q_next = np.where(next_masks, q_next, -np.inf)
        if self.config.double_dqn and self.config.form == "standard":
            q_online = self.q.q_values(next_x)
            if next_masks is not None:
                q_online = np.where(next_masks, q_online, -np.inf)
            best = q_online.argmax(axis=1)
            next_values = q_next[np.arange(len(best)), best]
        else:
            next_values = q_next.max(axis=1)
        next_values = np.where(dones > 0, 0.0, next_values)  # the course: y = r when the game ended
        return (rewards + discounts * next_values).astype(np.float32)

    def _train_on_minibatch(self) -> float:
        b = self.buffer
        idx = b.sample_indices(self.config.batch_size)
        next_masks = None if b.next_masks is None else b.next_masks[idx]
        targets = self._td_targets(
            b.rewards[idx], self._encode(b.next_obs[idx]), b.dones[idx], next_masks, self._discounts[idx]
        )
        return self.q.fit(self._encode(b.obs[idx]), b.actions[idx], targets)

    def _train_on_transition(self, obs, action, reward, next_obs, terminated, next_mask) -> float:
        """The course's update: one gradient step on the transition just seen."""
        targets = self._td_targets(
            np.array([reward], np.float32),
            self._encode(np.asarray(next_obs)[None]),
            np.array([float(terminated)], np.float32),
            None if next_mask is None else next_mask[None],
            np.array([self.config.gamma], np.float32),
        )
        return self.q.fit(self._encode(np.asarray(obs)[None]), np.array([action], np.int64), targets)

    # -- the algorithm: n-step transitions --------------------------------------------

    def _store(self, pending: collections.deque, next_obs, terminated: bool, next_mask, episode_over: bool) -> None:
        """Move finished n-step transitions from ``pending`` into the replay buffer.

        ``pending`` holds (obs, action, reward) of the last steps. A transition leaves once it
        has n rewards after it, or when the episode ends (then with fewer rewards and gamma^k).
        """
        n, gamma = self.config.n_step, self.config.gamma
        while pending and (len(pending) >= n or episode_over):
            k = len(pending)
            ret = 0.0
            for i in range(k - 1, -1, -1):
                ret = pending[i][2] + gamma * ret
            obs0, action0, _ = pending.popleft()
            self._discounts[self.buffer.position] = gamma**k
            self.buffer.add(obs0, action0, ret, next_obs, float(terminated), next_mask)
            if not episode_over:
                break

    # -- the training loop ------------------------------------------------------------

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        c = self.config
        env = self.env
        course = c.form == "course"
        obs, info = self.reset_env()
        mask = action_mask(env, info)
        masked = mask is not None
        if not course and self.buffer is None:
            self.buffer = self._make_buffer(masked)
        pending: collections.deque = collections.deque()
        all_legal = np.ones(self.n_actions, dtype=bool)
        fraction = c.exploration_fraction  # epsilon falls linearly over this fraction of training (run.progress)
        run.epsilon = self.epsilon
        loss = None
        while True:
            if fraction is not None:
                progress = min(1.0, run.progress / fraction)
                self.epsilon = c.epsilon_start + progress * (c.epsilon_end - c.epsilon_start)
                run.epsilon = self.epsilon
            action = self._act(obs, mask, self.epsilon)
            next_obs, reward, terminated, truncated, info = env.step(action)
            next_mask = action_mask(env, info) if masked else None
            if next_mask is not None and terminated:
                next_mask = all_legal  # no move follows a terminal state; keeps the masked max finite

            if course:
                loss = self._train_on_transition(obs, action, reward, next_obs, terminated, next_mask)
            else:
                pending.append((obs, action, float(reward)))
                self._store(pending, next_obs, terminated, next_mask, episode_over=terminated or truncated)
                steps = self.num_timesteps + 1
                if steps >= c.learning_starts and steps % c.train_freq == 0 and len(self.buffer) >= c.batch_size:
                    for _ in range(c.gradient_steps):
                        loss = self._train_on_minibatch()
                        self.gradient_updates += 1
                if steps % c.target_update_interval == 0:
                    self.q.sync_target(c.tau)

            keep_going = run.step(float(reward), terminated, truncated, info)
            if terminated or truncated:
                if fraction is None:
                    self.epsilon = max(c.epsilon_end, self.epsilon * c.epsilon_decay)
                    run.epsilon = self.epsilon
                if loss is not None:
                    self.episodes.log_scalar("train/loss", float(loss), self.num_timesteps)
                if not keep_going:
                    break
                obs, info = env.reset()
                mask = action_mask(env, info) if masked else None
            else:
                if not keep_going:
                    break
                obs, mask = next_obs, next_mask

    # -- prediction and checkpoints ---------------------------------------------------

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        q = self.q.q_values(self._encode(obs))
        if masks is not None:
            q = np.where(masks, q, -np.inf)
        actions = q.argmax(axis=1)
        if not deterministic:
            for i in range(len(actions)):
                if self.rng.random() < self.epsilon:
                    row = None if masks is None else masks[min(i, len(masks) - 1)]
                    legal = np.arange(self.n_actions) if row is None else np.flatnonzero(row)
                    actions[i] = self.rng.choice(legal)
        return actions

    def q_values(self, obs) -> np.ndarray:
        """Q(s, ·) for one observation (or a batch of them), as numpy."""
        batch, single = self._as_batch(obs)
        q = self.q.q_values(self._encode(batch))
        return q[0] if single else q

    def _state_dict(self) -> dict:
        weights = self.q.state_dict()
        return {**weights, "epsilon": float(self.epsilon)}

    def _load_state_dict(self, state: dict) -> None:
        weights = {"q_network": state["q_network"], "target_network": state["target_network"]}
        self.q.load_state_dict(weights)
        self.epsilon = float(state["epsilon"])
