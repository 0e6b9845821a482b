"""Exact analysis of Kuhn poker and Leduc Hold'em by full game-tree traversal.

- :func:`expected_value` — what each player wins on average when both follow given policies;
- :func:`best_response_value` — the most a player can win against a fixed policy of the other;
- :func:`nash_conv` — the sum of what each player gains by best-responding (0 at an equilibrium);
- :func:`exploitability` — NashConv / 2, as OpenSpiel defines it.

A *game* is ``"kuhn"``, ``"leduc"`` or a :class:`~rldojo.envs.cards.games.PokerGame`.
A *policy* gives, for an information state, a probability for each legal action. It is

- a tabular dict ``{information state key: probabilities}``, keyed by
  :meth:`PokerState.information_state` (OpenSpiel's strings), or
- a callable ``policy(info_state) -> probabilities`` taking an :class:`InfoState`, or
- an array of shape ``(num_infosets, 3)`` indexed as :attr:`GameTree.keys` (what CFR keeps).

Probabilities are a dict ``{action: p}``, a sequence of 3 (indexed by action: fold, call,
raise), a sequence with one entry per legal action, or a single action (an int). They are
renormalised over the legal actions.

How it is fast: the game is flattened once (:func:`game_tree`, cached) into every deal
times every betting sequence; a policy becomes one ``(num_infosets, 3)`` array, and each
pass over the ~85 betting sequences of Leduc works on all 120 deals at once with numpy.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np

from rldojo.envs.cards.games import CALL, FOLD, NUM_ACTIONS, RAISE, InfoState, PokerGame, get_game

Policy = "Mapping[str, object] | Callable[[InfoState], object] | np.ndarray"


class GameTree:
    """A game flattened for numpy: deals x betting sequences, and every information state.

    Betting sequences (``nodes``) are the same for every deal; they are listed parents
    first. Per decision node, ``node_infoset[n]`` maps each deal to the global index of
    the acting player's information state, and ``node_groups[n]`` / ``node_members[n]``
    say which deals share an information state there.
    """

    def __init__(self, game: PokerGame):
        self.game = game
        n = game.num_cards
        if game.has_public_card:
            deals = [d for d in itertools.permutations(range(n), 3)]
        else:
            deals = [d for d in itertools.permutations(range(n), 2)]
        self.deals = np.array(deals, dtype=np.int64)
        self.num_deals = len(deals)
        self.chance = np.full(self.num_deals, 1.0 / self.num_deals)

        # betting sequences, parents first
        self.node_player: list[int] = []  # -1 for a terminal node
        self.node_children: list[list[tuple[int, int]]] = []  # (action, child node)
        self.node_parent: list[int] = []
        self.node_history: list[tuple[int, ...]] = []  # rldojo actions from the start, all rounds
        self.keys: list[str] = []
        self.infoset_player: list[int] = []
        self.infoset_node: list[int] = []
        self.infoset_info: list[InfoState] = []
        key_index: dict[str, int] = {}

        root_states = [game.deal(d) for d in deals]
        stack = [(-1, None, root_states)]
        payoffs: dict[int, np.ndarray] = {}
        infoset_rows: dict[int, np.ndarray] = {}
        while stack:
            parent, action, states = stack.pop()
            node = len(self.node_player)
            self.node_parent.append(parent)
            self.node_children.append([])
            history = () if parent < 0 else self.node_history[parent] + (action,)
            self.node_history.append(history)
            if parent >= 0:
                self.node_children[parent].append((action, node))
            first = states[0]
            if first.is_terminal():
                self.node_player.append(-1)
                payoffs[node] = np.array([s.returns()[0] for s in states])
                continue
            player = first.current_player
            self.node_player.append(player)
            rows = np.empty(self.num_deals, dtype=np.int64)
            for d, state in enumerate(states):
                key = state.information_state()
                index = key_index.get(key)
                if index is None:
                    index = key_index[key] = len(self.keys)
                    self.keys.append(key)
                    self.infoset_player.append(player)
                    self.infoset_node.append(node)
                    self.infoset_info.append(state.info_state())
                rows[d] = index
            infoset_rows[node] = rows
            for a in reversed(first.legal_actions()):  # reversed: the stack pops them ascending
                stack.append((node, a, [s.child(a) for s in states]))
        for children in self.node_children:
            children.sort()
        self.num_nodes = len(self.node_player)
        self.num_infosets = len(self.keys)
        self.key_index = key_index
        self.decision_nodes = [i for i in range(self.num_nodes) if self.node_player[i] >= 0]
        self.terminal_payoff = payoffs  # node -> first player's chips won, per deal
        self.node_infoset = infoset_rows  # node -> (num_deals,) global infoset index
        # node -> (groups per deal, infoset of each group, one-hot (groups, deals) matrix)
        self.node_groups: dict[int, np.ndarray] = {}
        self.node_group_infosets: dict[int, np.ndarray] = {}
        self.node_members: dict[int, np.ndarray] = {}
        self.node_representative: dict[int, np.ndarray] = {}
        for node in self.decision_nodes:
            unique, first_deal, groups = np.unique(infoset_rows[node], return_index=True, return_inverse=True)
            self.node_groups[node] = groups
            self.node_group_infosets[node] = unique
            members = np.zeros((len(unique), self.num_deals))
            members[groups, np.arange(self.num_deals)] = 1.0
            self.node_members[node] = members
            self.node_representative[node] = first_deal
        self.legal_mask = np.zeros((self.num_infosets, NUM_ACTIONS), dtype=bool)
        for i, info in enumerate(self.infoset_info):
            self.legal_mask[i, list(info.legal_actions)] = True
        self.infoset_player_array = np.array(self.infoset_player)

    def infosets_of(self, player: int) -> list[int]:
        return [i for i, p in enumerate(self.infoset_player) if p == player]


@cache
def _tree(game: PokerGame) -> GameTree:
    return GameTree(game)


def game_tree(game) -> GameTree:
    """The flattened tree of ``game`` (built once per game, then cached)."""
    return _tree(get_game(game))


# --------------------------------------------------------------------------- policies


def action_probabilities(value, legal: np.ndarray, where: str) -> np.ndarray:
    """One row of 3 probabilities from any accepted form, renormalised over the legal actions."""
    row = np.zeros(NUM_ACTIONS)
    if isinstance(value, (int, np.integer)):
        row[int(value)] = 1.0
    elif isinstance(value, Mapping):
        for a, p in value.items():
            row[int(a)] = p
    else:
        probs = np.asarray(value, dtype=float).reshape(-1)
        if probs.size == NUM_ACTIONS:
            row[:] = probs
        elif probs.size == legal.sum():
            row[legal] = probs
        else:
            raise ValueError(
                f"{where}: expected {NUM_ACTIONS} probabilities or one per legal action "
                f"({int(legal.sum())}), got {probs.size}"
            )
    row[~legal] = 0.0
    total = row.sum()
    if not total > 0:
        raise ValueError(f"{where}: the policy gives no probability to any legal action")
    return row / total


def policy_matrix(game, policy, player: int | None = None) -> np.ndarray:
    """A policy as a ``(num_infosets, 3)`` array of probabilities, rows ordered as ``game_tree(game).keys``.

    With ``player``, a tabular policy needs entries for that player's states only.
    """
    tree = game_tree(game)
    if isinstance(policy, np.ndarray):
        if policy.shape != (tree.num_infosets, NUM_ACTIONS):
            raise ValueError(f"a policy array must have shape {(tree.num_infosets, NUM_ACTIONS)}, got {policy.shape}")
        matrix = np.where(tree.legal_mask, policy, 0.0)
        return matrix / matrix.sum(axis=1, keepdims=True)
    matrix = np.zeros((tree.num_infosets, NUM_ACTIONS))
    if isinstance(policy, Mapping):
        try:
            values = [policy[key] for key in tree.keys]
        except KeyError as error:
            if player is None:
                raise ValueError(f"the tabular policy has no entry for information state {error.args[0]!r}") from None
            # only ``player``'s states are needed: the other player's may be missing
            uniform = tree.legal_mask / tree.legal_mask.sum(axis=1, keepdims=True)
            values = []
            for i, key in enumerate(tree.keys):
                if key in policy:
                    values.append(policy[key])
                elif tree.infoset_player[i] == player:
                    raise ValueError(f"the tabular policy has no entry for information state {key!r}") from None
                else:
                    values.append(uniform[i])
        try:  # the common case, rows of 3 probabilities: one numpy conversion for the whole table
            rows = np.array(values, dtype=float)
        except (ValueError, TypeError):
            rows = None
        if rows is not None and rows.shape == matrix.shape:
            rows = np.where(tree.legal_mask, rows, 0.0)
            totals = rows.sum(axis=1, keepdims=True)
            if (totals > 0).all():
                return rows / totals
        for i, value in enumerate(values):
            matrix[i] = action_probabilities(value, tree.legal_mask[i], tree.keys[i])
        return matrix
    if callable(policy):
        for i, info in enumerate(tree.infoset_info):
            matrix[i] = action_probabilities(policy(info), tree.legal_mask[i], info.key)
        return matrix
    raise ValueError(f"a policy must be a dict, a callable or an array, not {type(policy).__name__}")


def tabular_policy(game, policy) -> dict[str, list[float]]:
    """Any policy as a tabular dict ``{key: [p_fold, p_call, p_raise]}``."""
    tree = game_tree(game)
    matrix = policy_matrix(game, policy)
    return {key: matrix[i].tolist() for i, key in enumerate(tree.keys)}


def uniform_policy(game) -> dict[str, list[float]]:
    """Every legal action equally likely, as a tabular dict."""
    tree = game_tree(game)
    matrix = tree.legal_mask / tree.legal_mask.sum(axis=1, keepdims=True)
    return {key: matrix[i].tolist() for i, key in enumerate(tree.keys)}


def always_call_policy(game) -> dict[str, list[float]]:
    """Check or call, never fold, never raise."""
    return {key: [0.0, 1.0, 0.0] for key in game_tree(game).keys}


def always_raise_policy(game) -> dict[str, list[float]]:
    """Bet or raise when the cap allows it, otherwise call."""
    tree = game_tree(game)
    return {key: ([0.0, 0.0, 1.0] if tree.legal_mask[i, RAISE] else [0.0, 1.0, 0.0]) for i, key in enumerate(tree.keys)}


def kuhn_nash_policy(alpha: float = 1.0 / 6.0) -> dict[str, list[float]]:
    """Kuhn's equilibrium family, for any ``alpha`` in [0, 1/3] (Kuhn 1950).

    First player: bets a J with probability alpha, never bets a Q, bets a K with 3*alpha;
    after check-bet, folds a J, calls with a Q with alpha + 1/3, calls with a K.
    Second player: facing a bet, folds a J, calls with a Q 1/3 of the time, calls with a K;
    after a check, bets a J 1/3 of the time (a bluff), checks a Q, bets a K.
    The first player's value is -1/18 for every alpha.
    """
    if not 0.0 <= alpha <= 1.0 / 3.0:
        raise ValueError(f"alpha must be in [0, 1/3], got {alpha}")

    def check_bet(p_bet):
        return [0.0, 1.0 - p_bet, p_bet]

    def fold_call(p_call):
        return [1.0 - p_call, p_call, 0.0]

    return {
        "0": check_bet(alpha),
        "1": check_bet(0.0),
        "2": check_bet(3 * alpha),
        "0pb": fold_call(0.0),
        "1pb": fold_call(alpha + 1.0 / 3.0),
        "2pb": fold_call(1.0),
        "0b": fold_call(0.0),
        "1b": fold_call(1.0 / 3.0),
        "2b": fold_call(1.0),
        "0p": check_bet(1.0 / 3.0),
        "1p": check_bet(0.0),
        "2p": check_bet(1.0),
    }


def named_policy(game, name: str, alpha: float = 1.0 / 6.0) -> dict[str, list[float]]:
    """The fixed opponents by name: "random", "always_call", "always_raise", "nash" (Kuhn only)."""
    game = get_game(game)
    if name in ("random", "uniform"):
        return uniform_policy(game)
    if name == "always_call":
        return always_call_policy(game)
    if name == "always_raise":
        return always_raise_policy(game)
    if name == "nash":
        if game.name != "kuhn":
            raise ValueError(
                "opponent 'nash' is known in closed form for Kuhn poker only; "
                "for Leduc pass a CFR policy (rldojo.baselines.cfr.CFRPlus(...).policy())"
            )
        return kuhn_nash_policy(alpha)
    raise ValueError(f"unknown policy {name!r}; known: 'random', 'always_call', 'always_raise', 'nash'")


def greedy_actions(game, agent) -> np.ndarray:
    """The agent's ``predict(deterministic=True)`` at every information state (rows as ``game_tree(game).keys``).

    An agent without masks (SB3's plain PPO) may answer an illegal action; it is returned as is.
    """
    tree = game_tree(game)
    observations = np.array([info.vector for info in tree.infoset_info], dtype=np.float32)
    masks = tree.legal_mask.astype(np.int8)
    try:
        actions, _ = agent.predict(observations, deterministic=True, action_masks=masks)
    except TypeError:  # SB3's plain algorithms take no masks
        actions, _ = agent.predict(observations, deterministic=True)
    return np.asarray(actions).reshape(-1).astype(np.int64)


def policy_from_agent(game, agent) -> dict[str, list[float]]:
    """The tabular policy an agent plays: its ``policy()`` if it has one (CFR), else its greedy ``predict``.

    ``predict`` gets the information state's observation vector (as the env gives it)
    and the legal-action mask; its answer becomes a probability of 1. An illegal answer
    (an agent without masks) counts as a call here; :func:`greedy_actions` shows them.
    """
    tree = game_tree(game)
    own_policy = getattr(agent, "policy", None)
    if callable(own_policy) and hasattr(agent, "tree"):
        return tabular_policy(game, own_policy())
    actions = greedy_actions(game, agent)
    result = {}
    for i, key in enumerate(tree.keys):
        row = [0.0, 0.0, 0.0]
        a = int(actions[i])
        if not tree.legal_mask[i, a]:  # an unmasked agent chose an illegal action: the env would refuse it
            a = CALL
        row[a] = 1.0
        result[key] = row
    return result


# --------------------------------------------------------------------------- values


def _values_for_first_player(tree: GameTree, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Per deal, the first player's expected chips when player p follows matrices[p]."""
    values: dict[int, np.ndarray] = {}
    for node in range(tree.num_nodes - 1, -1, -1):
        player = tree.node_player[node]
        if player < 0:
            values[node] = tree.terminal_payoff[node]
            continue
        probs = matrices[player][tree.node_infoset[node]]
        total = 0.0
        for action, child in tree.node_children[node]:
            total = total + probs[:, action] * values.pop(child)
        values[node] = total
    return values[0]


def _as_pair(policies) -> list:
    if isinstance(policies, (list, tuple)) and len(policies) == 2:
        return list(policies)
    return [policies, policies]


def expected_value(game, policies) -> list[float]:
    """Each player's expected chips when player 0 follows ``policies[0]`` and player 1 ``policies[1]``.

    :param policies: a pair of policies, or one policy both players follow
    """
    tree = game_tree(game)
    pair = _as_pair(policies)
    matrices = [policy_matrix(game, p, player) for player, p in enumerate(pair)]
    value = float(tree.chance @ _values_for_first_player(tree, matrices))
    return [value, -value]


def _best_response(
    tree: GameTree, matrix: np.ndarray, player: int, want_choices: bool = False
) -> tuple[float, dict[int, int]]:
    """The best-response value of ``player`` against ``matrix`` (the other's policy) and its choices."""
    opponent = 1 - player
    sign = 1.0 if player == 0 else -1.0
    # forward: the probability of reaching each node from the chance and opponent moves
    reach = {0: tree.chance}
    for node in tree.decision_nodes:
        r = reach.pop(node)
        if tree.node_player[node] == opponent:
            probs = matrix[tree.node_infoset[node]]
            for action, child in tree.node_children[node]:
                reach[child] = r * probs[:, action]
        else:
            for _, child in tree.node_children[node]:
                reach[child] = r
        reach[node] = r
    # backward: reach-weighted values, the player picking the best action per information state
    weighted: dict[int, np.ndarray] = {}
    choices: dict[int, int] = {}
    deals = np.arange(tree.num_deals)
    for node in range(tree.num_nodes - 1, -1, -1):
        player_here = tree.node_player[node]
        if player_here < 0:
            weighted[node] = reach[node] * (sign * tree.terminal_payoff[node])
            continue
        children = tree.node_children[node]
        if player_here == opponent:
            total = 0.0
            for _, child in children:
                total = total + weighted.pop(child)
            weighted[node] = total
            continue
        stacked = np.stack([weighted.pop(child) for _, child in children], axis=1)
        best = np.argmax(tree.node_members[node] @ stacked, axis=1)
        weighted[node] = stacked[deals, best[tree.node_groups[node]]]
        if want_choices:
            for infoset, b in zip(tree.node_group_infosets[node], best, strict=True):
                choices[int(infoset)] = children[b][0]
    return float(weighted[0].sum()), choices


def best_response_value(game, policy, player: int) -> float:
    """The most ``player`` can win on average when the other player follows ``policy``."""
    if player not in (0, 1):
        raise ValueError(f"player must be 0 or 1, got {player!r}")
    tree = game_tree(game)
    value, _ = _best_response(tree, policy_matrix(game, policy, 1 - player), player)
    return value


def best_response_policy(game, policy, player: int) -> dict[str, list[float]]:
    """A deterministic best response of ``player`` to ``policy``, as a tabular dict (its own states only)."""
    tree = game_tree(game)
    _, choices = _best_response(tree, policy_matrix(game, policy, 1 - player), player, want_choices=True)
    result = {}
    for infoset, action in choices.items():
        row = [0.0, 0.0, 0.0]
        row[action] = 1.0
        result[tree.keys[infoset]] = row
    return result


def nash_conv(game, policy) -> float:
    """The sum over players of what best-responding to ``policy`` gains over ``policy`` itself.

    ``policy`` is one policy for both seats, or a pair (first player's, second player's).
    """
    tree = game_tree(game)
    pair = _as_pair(policy)
    matrices = [policy_matrix(game, p) for p in pair]
    on_policy = float(tree.chance @ _values_for_first_player(tree, matrices))
    br0, _ = _best_response(tree, matrices[1], 0)
    br1, _ = _best_response(tree, matrices[0], 1)
    return (br0 - on_policy) + (br1 + on_policy)


def exploitability(game, policy) -> float:
    """NashConv / 2, as OpenSpiel's ``exploitability`` defines it (0 at a Nash equilibrium)."""
    return nash_conv(game, policy) / 2.0


def best_response_value_vs(game, opponent_policy, seat: str = "random") -> float:
    """The best any agent can average against ``opponent_policy`` from ``seat`` ("first", "second", "random")."""
    _by_seat([0.0, 0.0], seat)  # validates seat
    values = [best_response_value(game, opponent_policy, p) if seat != ("second", "first")[p] else 0.0 for p in (0, 1)]
    return _by_seat(values, seat)


def value_vs(game, policy, opponent_policy, seat: str = "random") -> float:
    """The exact average chips of ``policy`` against ``opponent_policy`` from ``seat``."""
    _by_seat([0.0, 0.0], seat)  # validates seat
    first = expected_value(game, [policy, opponent_policy])[0] if seat != "second" else 0.0
    second = expected_value(game, [opponent_policy, policy])[1] if seat != "first" else 0.0
    return _by_seat([first, second], seat)


def _by_seat(values: Sequence[float], seat: str) -> float:
    if seat == "first":
        return float(values[0])
    if seat == "second":
        return float(values[1])
    if seat == "random":
        return float(values[0] + values[1]) / 2.0
    raise ValueError(f"seat must be 'first', 'second' or 'random', got {seat!r}")


__all__ = [
    "CALL",
    "FOLD",
    "RAISE",
    "GameTree",
    "always_call_policy",
    "always_raise_policy",
    "best_response_policy",
    "best_response_value",
    "best_response_value_vs",
    "expected_value",
    "exploitability",
    "game_tree",
    "greedy_actions",
    "kuhn_nash_policy",
    "named_policy",
    "nash_conv",
    "policy_from_agent",
    "policy_matrix",
    "tabular_policy",
    "uniform_policy",
    "value_vs",
]
