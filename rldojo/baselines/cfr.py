"""Counterfactual regret minimisation (CFR) and CFR+ for Kuhn poker and Leduc Hold'em.

CFR (Zinkevich et al. 2007) plays the game against itself over the full game tree. At
every information state it keeps, for each action, the *regret*: how much better the
action would have done than the current strategy, weighted by the chance that the
opponent and the cards led there. The next strategy plays each action in proportion
to its positive regret (regret matching). The *average* strategy over all iterations
converges to a Nash equilibrium; the current one need not.

CFR+ (Tammelin 2014) clips the accumulated regrets at zero after every update (regret
matching+) and weights iteration t by t in the average; it converges far faster.
Both update the players in turn (alternating updates), as OpenSpiel's solvers do.

How it is fast: the game is the flattened tree of :mod:`rldojo.envs.cards.analysis`
(every deal x every betting sequence); one pass over the ~85 betting sequences of Leduc
updates all 120 deals at once with numpy.

``learn(total_timesteps)`` counts **iterations** (one iteration updates both players
over the whole tree), not env steps: ``CFRPlus(env).learn(300)`` runs 300 iterations.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rldojo.baselines.core import Agent, TrainingRun
from rldojo.envs.cards.analysis import exploitability, game_tree, nash_conv
from rldojo.envs.cards.games import NUM_ACTIONS, get_game


class CFR(Agent):
    """Tabular CFR with alternating updates; ``policy()`` is the average strategy.

    ``learn(n)`` runs n iterations (see the module docstring). ``predict`` maps the env's
    observation back to its information state and plays the average strategy there
    (sampled, or its most likely action when ``deterministic``).

    :param env: a KuhnPoker-v0 or LeducHoldem-v0 env (only its game is used), or its id
    """

    name = "cfr"
    regret_matching_plus = False  # clip regrets at zero after each update
    linear_averaging = False  # weight iteration t by t in the average strategy

    @dataclasses.dataclass
    class Config:
        alternating_updates: bool = True  # update one player, then the other against its new strategy

    def _setup(self) -> None:
        game = getattr(self.env.unwrapped, "game", None)
        if game is None:
            raise ValueError("CFR needs a card game env (KuhnPoker-v0 or LeducHoldem-v0)")
        self.game = get_game(game)
        self.tree = game_tree(self.game)
        shape = (self.tree.num_infosets, NUM_ACTIONS)
        self.regrets = np.zeros(shape)
        self.strategy_sum = np.zeros(shape)
        self.iterations = 0
        self._legal = self.tree.legal_mask
        self._uniform = self._legal / self._legal.sum(axis=1, keepdims=True)
        # observation bytes -> the information states that look like it (suits are not observed)
        self._by_observation: dict[bytes, list[int]] = {}
        for i, info in enumerate(self.tree.infoset_info):
            key = np.asarray(info.vector, dtype=np.float32).tobytes()
            self._by_observation.setdefault(key, []).append(i)

    # -- the algorithm -------------------------------------------------------------------

    def current_strategy(self) -> np.ndarray:
        """Regret matching: each legal action in proportion to its positive regret (uniform if none)."""
        positive = np.where(self._legal, np.maximum(self.regrets, 0.0), 0.0)
        totals = positive.sum(axis=1, keepdims=True)
        return np.where(totals > 0, positive / np.where(totals > 0, totals, 1.0), self._uniform)

    def _update(self, player: int, strategy: np.ndarray, weight: float) -> None:
        """One CFR pass for ``player``: its regrets and its average-strategy sums, at every state it acts in."""
        tree = self.tree
        sign = 1.0 if player == 0 else -1.0
        # forward: own reach (the player's own probabilities) and others' reach (chance and opponent)
        own = {0: np.ones(tree.num_deals)}
        other = {0: tree.chance}
        node_probs = {}
        for node in tree.decision_nodes:
            probs = strategy[tree.node_infoset[node]]
            node_probs[node] = probs
            mine, theirs = own[node], other[node]
            for action, child in tree.node_children[node]:
                if tree.node_player[node] == player:
                    own[child], other[child] = mine * probs[:, action], theirs
                else:
                    own[child], other[child] = mine, theirs * probs[:, action]
        # backward: the player's values, and the regrets at its information states
        values: dict[int, np.ndarray] = {}
        for node in range(tree.num_nodes - 1, -1, -1):
            if tree.node_player[node] < 0:
                values[node] = sign * tree.terminal_payoff[node]
                continue
            children = tree.node_children[node]
            actions = [a for a, _ in children]
            child_values = np.stack([values.pop(child) for _, child in children], axis=1)
            probs = node_probs[node][:, actions]
            value = (probs * child_values).sum(axis=1)
            values[node] = value
            if tree.node_player[node] != player:
                continue
            infosets = tree.node_group_infosets[node]
            # counterfactual regret: others' reach x (action value - state value), summed over the deals of a state
            regret = tree.node_members[node] @ (other[node][:, None] * (child_values - value[:, None]))
            rows = np.ix_(infosets, actions)
            self.regrets[rows] += regret
            if self.regret_matching_plus:
                self.regrets[rows] = np.maximum(self.regrets[rows], 0.0)
            # the average strategy is weighted by the player's own reach, the same for every deal of a state
            reach = own[node][tree.node_representative[node]]
            self.strategy_sum[rows] += weight * reach[:, None] * strategy[infosets][:, actions]

    def iteration(self) -> None:
        """One iteration: both players updated once."""
        self.iterations += 1
        weight = float(self.iterations) if self.linear_averaging else 1.0
        if self.config.alternating_updates:
            for player in (0, 1):
                self._update(player, self.current_strategy(), weight)
        else:
            strategy = self.current_strategy()
            for player in (0, 1):
                self._update(player, strategy, weight)

    def _learn(self, total_timesteps: int, run: TrainingRun) -> None:
        while True:
            self.iteration()
            # one "timestep" per iteration, so callbacks and budgets count iterations
            if not run.step(0.0, False, False, {}):
                break

    # -- what it learned -------------------------------------------------------------------

    def average_strategy(self) -> np.ndarray:
        """The average strategy, ``(num_infosets, 3)``, rows as ``self.tree.keys``; uniform where never reached."""
        totals = self.strategy_sum.sum(axis=1, keepdims=True)
        return np.where(totals > 0, self.strategy_sum / np.where(totals > 0, totals, 1.0), self._uniform)

    def policy(self) -> dict[str, list[float]]:
        """The average strategy as a tabular policy ``{information state key: [p_fold, p_call, p_raise]}``.

        It works with :mod:`rldojo.envs.cards.analysis` and as the env's ``opponent``.
        """
        average = self.average_strategy()
        return {key: average[i].tolist() for i, key in enumerate(self.tree.keys)}

    def nash_conv(self) -> float:
        return nash_conv(self.game, self.average_strategy())

    def exploitability(self) -> float:
        """NashConv / 2 of the average strategy."""
        return exploitability(self.game, self.average_strategy())

    def _predict(self, obs: np.ndarray, deterministic: bool, masks: np.ndarray | None) -> np.ndarray:
        average = self.average_strategy()
        actions = np.empty(len(obs), dtype=np.int64)
        for row, vector in enumerate(np.asarray(obs, dtype=np.float32)):
            infosets = self._by_observation.get(vector.tobytes())
            if infosets is None:  # not a decision point of this game (a finished hand): any legal action
                probs = np.ones(NUM_ACTIONS)
            else:  # the same observation for both suits: their strategies, averaged
                probs = average[infosets].mean(axis=0)
            if masks is not None:
                probs = probs * masks[row]
            if probs.sum() <= 0:
                probs = np.ones(NUM_ACTIONS) if masks is None else masks[row].astype(float)
            probs = probs / probs.sum()
            actions[row] = int(np.argmax(probs)) if deterministic else int(self.rng.choice(NUM_ACTIONS, p=probs))
        return actions

    def _state_dict(self) -> dict:
        return {"regrets": self.regrets, "strategy_sum": self.strategy_sum, "iterations": self.iterations,
                "game": self.game.name}

    def _load_state_dict(self, state: dict) -> None:
        if state["game"] != self.game.name:
            raise ValueError(f"the checkpoint is for {state['game']}, the env plays {self.game.name}")
        self.regrets = np.asarray(state["regrets"], dtype=float)
        self.strategy_sum = np.asarray(state["strategy_sum"], dtype=float)
        self.iterations = int(state["iterations"])


class CFRPlus(CFR):
    """CFR+: regret matching+ (regrets clipped at zero) and linearly weighted averaging.

    ``learn(n)`` runs n iterations. Same interface as :class:`CFR`.
    """

    name = "cfr+"
    regret_matching_plus = True
    linear_averaging = True
