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
(every deal x every betting sequence); a pass goes level by level down and up the tree
(9 levels in Leduc), each level one set of numpy operations over all its betting
sequences and all 120 deals at once.

``learn(total_timesteps)`` counts **iterations** (one iteration updates both players
over the whole tree), not env steps: ``CFRPlus(env).learn(300)`` runs 300 iterations.

The update
----------
At iteration t, for the player p being updated, at each of its information states I and
legal actions a (h runs over the histories in I, one per deal)::

    σ(I, a) = R+(I, a) / Σ_b R+(I, b)          regret matching
    v(h)    = Σ_a σ(h, a) · v(h·a)             (a leaf: its payoff)
    r(I, a) = Σ_h π_o(h) · (v(h·a) − v(h))     counterfactual regret
    R(I, a) ← R(I, a) + r(I, a)                CFR+: then R ← max(R, 0)
    S(I, a) ← S(I, a) + w_t · π_p(I) · σ(I, a)
    avg(I, a) = S(I, a) / Σ_b S(I, b)          the average strategy

R+ = max(R, 0) (σ is uniform where all are 0); v is p's expected payoff; π_o is the reach of
chance and the opponent, π_p that of p's own moves; w_t = 1 for CFR and t for CFR+ (linear
averaging). ``policy()`` returns the average strategy. With ``alternating_updates`` the
second player is updated against the first one's new strategy.

- ``CFR.current_strategy``: σ by regret matching.
- ``CFR._update``: the reaches π on the way down, v and r on the way up, R (clipped for CFR+) and S.
- ``CFR.iteration``: w_t, and the two players in turn.
- ``CFR.average_strategy``: the average strategy.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rldojo.baselines.agent import Agent, Flag, TrainingRun, hyperparameter
from rldojo.baselines.nets import env_name
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
        alternating_updates: bool = hyperparameter(
            True, Flag()
        )  # update one player, then the other against its new strategy

    def _setup(self) -> None:
        game = getattr(getattr(self.env, "unwrapped", self.env), "game", None)
        if game is None:
            raise ValueError(
                f"{type(self).__name__} ({self.name}) cannot play {env_name(self.env)}: "
                "it needs a card game env (KuhnPoker-v0 or LeducHoldem-v0)"
            )
        self.game = get_game(game)
        self.tree = game_tree(self.game)
        shape = (self.tree.num_infosets, NUM_ACTIONS)
        self.regrets = np.zeros(shape)
        self.strategy_sum = np.zeros(shape)
        self.iterations = 0
        self._build_levels()
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

    def _build_levels(self) -> None:
        """Group the decision nodes by depth, so each pass works on a whole level of the tree at once."""
        tree = self.tree
        depth = [len(h) for h in tree.node_history]
        self._dummy = tree.num_nodes  # an extra all-zero row: the "child" behind an illegal action
        self._levels = []
        for level in range(max(depth) + 1):
            nodes = [n for n in tree.decision_nodes if depth[n] == level]
            if not nodes:
                continue
            children = np.full((len(nodes), NUM_ACTIONS), self._dummy)
            for i, node in enumerate(nodes):
                for action, child in tree.node_children[node]:
                    children[i, action] = child
            player = np.array([tree.node_player[n] for n in nodes])
            infoset = np.stack([tree.node_infoset[n] for n in nodes])  # (nodes, deals)
            legal = children != self._dummy
            per_player = []
            for p in (0, 1):  # what a pass for player p needs at this level, precomputed
                mine = player == p
                index = infoset[mine][:, None, :] * NUM_ACTIONS + np.arange(NUM_ACTIONS)[None, :, None]
                per_player.append(
                    {
                        "mine": mine,
                        "any": bool(mine.any()),
                        "nodes": np.array(nodes)[mine],
                        "index": index.ravel(),
                        "legal": legal[mine][:, :, None],
                    }
                )
            self._levels.append(
                {
                    "nodes": np.array(nodes),
                    "player": player,
                    "infoset": infoset,
                    "children": children,  # (nodes, 3)
                    "children_flat": children.ravel(),
                    "legal": legal,
                    "per_player": per_player,
                }
            )
        self._terminal_values = np.zeros((tree.num_nodes + 1, tree.num_deals))
        for node, payoff in tree.terminal_payoff.items():
            self._terminal_values[node] = payoff
        # how many deals share each information state: the average-strategy sum counts each once
        self._deals_per_infoset = np.bincount(
            np.concatenate([level["infoset"].ravel() for level in self._levels]), minlength=tree.num_infosets
        )

    def _update(self, player: int, strategy: np.ndarray, weight: float) -> None:
        """One CFR pass for ``player``: its regrets and its average-strategy sums, at every state it acts in."""
        tree = self.tree
        shape = (tree.num_nodes + 1, tree.num_deals)
        # forward: own reach (the player's own probabilities) and others' reach (chance and the opponent)
        own, other = np.ones(shape), np.zeros(shape)
        other[0] = tree.chance
        level_probs = []
        for level in self._levels:
            nodes, mine = level["nodes"], level["per_player"][player]["mine"][:, None, None]
            probs = strategy[level["infoset"]].transpose(0, 2, 1)  # (nodes, 3, deals); 0 for illegal actions
            level_probs.append(probs)
            # every child at once; illegal actions all write the dummy row, which is never read
            own[level["children_flat"]] = (own[nodes][:, None, :] * np.where(mine, probs, 1.0)).reshape(-1, shape[1])
            other[level["children_flat"]] = (other[nodes][:, None, :] * np.where(mine, 1.0, probs)).reshape(
                -1, shape[1]
            )
        # backward: the player's values, and the regrets at its information states
        values = self._terminal_values * (1.0 if player == 0 else -1.0)
        values[self._dummy] = 0.0
        regret_sum = np.zeros(tree.num_infosets * NUM_ACTIONS)
        average_sum = np.zeros(tree.num_infosets * NUM_ACTIONS)
        for level, probs in zip(reversed(self._levels), reversed(level_probs), strict=True):
            child_values = values[level["children"]]  # (nodes, 3, deals)
            value = (probs * child_values).sum(axis=1)
            values[level["nodes"]] = value
            mine = level["per_player"][player]
            if not mine["any"]:
                continue
            m = mine["mine"]
            # counterfactual regret: others' reach x (action value - state value), summed over a state's deals
            regret = other[mine["nodes"]][:, None, :] * (child_values[m] - value[m][:, None, :]) * mine["legal"]
            regret_sum += np.bincount(mine["index"], weights=regret.ravel(), minlength=regret_sum.size)
            # the average strategy, weighted by the player's own reach (the same for every deal of a state)
            reached = own[mine["nodes"]][:, None, :] * probs[m]
            average_sum += np.bincount(mine["index"], weights=reached.ravel(), minlength=average_sum.size)
        self.regrets += regret_sum.reshape(-1, NUM_ACTIONS)
        if self.regret_matching_plus:
            np.maximum(self.regrets, 0.0, out=self.regrets)
        counts = np.maximum(self._deals_per_infoset, 1)[:, None]
        self.strategy_sum += weight * average_sum.reshape(-1, NUM_ACTIONS) / counts

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
        return {
            "regrets": self.regrets,
            "strategy_sum": self.strategy_sum,
            "iterations": self.iterations,
            "game": self.game.name,
        }

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
