"""Tabular temporal-difference control: Q-learning, SARSA and Expected SARSA.

The course's Q-table (500 states x 6 actions for Taxi), moved towards a TD target after
every step (the formulas are under *The update* below). The three agents differ only in
the value of the next state inside the target: Q-learning (off-policy) takes the best next
action's value, SARSA (on-policy) the value of the action it takes next, Expected SARSA
the mean under its epsilon-greedy policy.

When the episode terminates the target is r alone; a time-limit truncation still
bootstraps, because the state it stopped in has a value. Exploration is epsilon-greedy
with the course's multiplicative decay once per episode. Where the env marks some
actions illegal (``info["action_mask"]`` or ``env.action_masks()``), the agent only
explores, exploits and bootstraps over legal actions.

Usage::

    env = gym.make("Taxi-v4")
    agent = QLearning(env, seed=0, learning_rate=0.5).learn(100_000)
    action, _ = agent.predict(obs)

The update
----------
After every step (s, a, r, s'), with a' the action chosen in s'::

    y       = r + γ · V(s')              (y = r if the episode terminated)
    Q(s, a) ← Q(s, a) + α · (y − Q(s, a))

    V(s') = max_a' Q(s', a')             QLearning
    V(s') = Q(s', a')                    Sarsa
    V(s') = Σ_a' π(a'|s') · Q(s', a')    ExpectedSarsa, π ε-greedy on Q
    ε     ← max(ε_end, ε · ε_decay)      after every episode

α is ``learning_rate``, γ ``gamma``; the max, the choices and the sum run over legal actions only.

- ``_TabularTD._learn``: y, the update of Q(s, a), and the decay of ε at the end of an episode.
- ``QLearning._next_value``, ``Sarsa._next_value``, ``ExpectedSarsa._next_value``: V(s').
- ``_TabularTD._epsilon_greedy``: the ε-greedy choice of a and a'.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from gymnasium import spaces

from rldojo.baselines.agent import Agent, Number, TrainingRun, hyperparameter
from rldojo.baselines.nets import check_spaces
from rldojo.envs.common import action_mask


class _TabularTD(Agent):
    """Shared loop of the three TD agents; subclasses say how the next state is valued."""

    @dataclasses.dataclass
    class Config:
        learning_rate: float = hyperparameter(0.1, Number(0, 1, low_open=True))  # alpha, the step size of the TD update
        gamma: float = hyperparameter(0.99, Number(0, 1))  # discount factor
        epsilon_start: float = hyperparameter(1.0, Number(0, 1))  # exploration rate of the first episode
        epsilon_end: float = hyperparameter(0.01, Number(0, 1))  # the floor the exploration rate decays to
        epsilon_decay: float = hyperparameter(
            0.995, Number(0, 1, low_open=True)
        )  # epsilon *= epsilon_decay after every episode (the course's schedule)
        initial_q: float = hyperparameter(
            0.0, Number()
        )  # the value every table entry starts at (optimistic values explore more)

    def _setup(self) -> None:
        check_spaces(
            self.observation_space,
            self.action_space,
            f"{type(self).__name__} ({self.name})",
            self.env,
            observations=(spaces.Discrete,),
            hint="a table has one row per state: use obs_mode='index' for Maze-v0, or DQN for other spaces",
        )
        c = self.config
        if not c.epsilon_end <= c.epsilon_start:
            raise ValueError(f"need epsilon_end <= epsilon_start, got {c.epsilon_end}, {c.epsilon_start}")
        self.n_states = int(self.observation_space.n)
        self.n_actions = int(self.action_space.n)
        self.state_offset = int(self.observation_space.start)
        self.q_table = np.full((self.n_states, self.n_actions), c.initial_q, dtype=np.float64)
        self.epsilon = c.epsilon_start

    # -- acting ---------------------------------------------------------------------

    def _greedy(self, row: np.ndarray, mask: np.ndarray | None) -> int:
        """The best legal action; ties broken at random, so an untrained table does not favour action 0."""
        values = row if mask is None else np.where(mask, row, -np.inf)
        best = np.flatnonzero(values == values.max())
        return int(best[0]) if len(best) == 1 else int(self.rng.choice(best))

    def _epsilon_greedy(self, state: int, mask: np.ndarray | None) -> int:
        if self.rng.random() < self.epsilon:
            if mask is None:
                return int(self.rng.integers(self.n_actions))
            return int(self.rng.choice(np.flatnonzero(mask)))
        return self._greedy(self.q_table[state], mask)

    # -- the algorithm: how the next state is valued -----------------------------------

    def _next_value(self, next_state: int, next_action: int, next_mask: np.ndarray | None) -> float:
        raise NotImplementedError

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        c = self.config
        env = self.env
        q = self.q_table
        run.epsilon = self.epsilon
        obs, info = self.reset_env()
        state = int(obs) - self.state_offset
        mask = action_mask(env, info)
        action = self._epsilon_greedy(state, mask)
        while True:
            obs, reward, terminated, truncated, info = env.step(action)
            next_state = int(obs) - self.state_offset
            next_mask = action_mask(env, info)
            # The next action is chosen before the update: SARSA's target needs it.
            next_action = self._epsilon_greedy(next_state, next_mask)

            # --- the TD update (the course's Q-learning formula) ---
            target = float(reward)
            if not terminated:
                target += c.gamma * self._next_value(next_state, next_action, next_mask)
            q[state, action] += c.learning_rate * (target - q[state, action])

            keep_going = run.step(float(reward), terminated, truncated, info)
            if terminated or truncated:
                self.epsilon = max(c.epsilon_end, self.epsilon * c.epsilon_decay)
                run.epsilon = self.epsilon
                if not keep_going:
                    break
                obs, info = env.reset()
                next_state = int(obs) - self.state_offset
                next_mask = action_mask(env, info)
                next_action = self._epsilon_greedy(next_state, next_mask)
            elif not keep_going:
                break
            state, action, mask = next_state, next_action, next_mask

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        states = np.asarray(obs, dtype=np.int64).reshape(-1) - self.state_offset
        if np.any((states < 0) | (states >= self.n_states)):
            raise ValueError(f"observation outside the table's {self.n_states} states: {obs}")
        actions = np.empty(len(states), dtype=np.int64)
        for i, state in enumerate(states):
            mask = None if masks is None else masks[i if len(masks) > 1 else 0]
            if deterministic:
                values = self.q_table[state] if mask is None else np.where(mask, self.q_table[state], -np.inf)
                actions[i] = int(np.argmax(values))  # first best: the same answer every time
            else:
                actions[i] = self._epsilon_greedy(int(state), mask)
        return actions

    def _state_dict(self) -> dict:
        return {"q_table": self.q_table, "epsilon": float(self.epsilon)}

    def _load_state_dict(self, state: dict) -> None:
        table = np.asarray(state["q_table"], dtype=np.float64)
        if table.shape != self.q_table.shape:
            raise ValueError(f"Q-table of shape {table.shape} does not fit this env's {self.q_table.shape}")
        self.q_table = table.copy()
        self.epsilon = float(state["epsilon"])


class QLearning(_TabularTD):
    """Tabular Q-learning: bootstraps from the best next action (off-policy).

    :param env: an env with Discrete observation and action spaces (e.g. Taxi-v4, Maze-v0 with obs_mode="index")
    :param learning_rate: alpha, the TD step size
    :param gamma: the discount factor
    :param epsilon_start: the first episode's exploration rate
    :param epsilon_end: the exploration rate's floor
    :param epsilon_decay: the exploration rate is multiplied by this after each episode
    :param initial_q: the starting value of every table entry
    """

    name = "qlearning"

    def _next_value(self, next_state, next_action, next_mask):
        row = self.q_table[next_state]
        return float(row.max() if next_mask is None else row[next_mask].max())


class Sarsa(_TabularTD):
    """Tabular SARSA: bootstraps from the action the agent will actually take next (on-policy).

    Same parameters as :class:`QLearning`.
    """

    name = "sarsa"

    def _next_value(self, next_state, next_action, next_mask):
        return float(self.q_table[next_state, next_action])


class ExpectedSarsa(_TabularTD):
    """Expected SARSA: bootstraps from the next state's value under the epsilon-greedy policy.

    Same parameters as :class:`QLearning`.
    """

    name = "expected_sarsa"

    def _next_value(self, next_state, next_action, next_mask):
        row = self.q_table[next_state]
        legal = np.ones(self.n_actions, dtype=bool) if next_mask is None else next_mask
        n_legal = int(legal.sum())
        values = np.where(legal, row, -np.inf)
        best = values == values.max()
        # epsilon spread over legal actions, the rest shared among the greedy ones (ties split evenly)
        probs = np.where(legal, self.epsilon / n_legal, 0.0) + best * (1.0 - self.epsilon) / best.sum()
        return float(np.dot(probs, np.where(legal, row, 0.0)))
