"""KuhnPoker-v0 and LeducHoldem-v0: one hand of poker against a fixed opponent, seen through one player's eyes.

The rules are :mod:`rldojo.envs.cards.games`; for speed the env walks the same game's
flattened tree (:func:`rldojo.envs.cards.analysis.game_tree`: every deal times every
betting sequence), so a step is a few list look-ups. ``env.state`` rebuilds the
:class:`~rldojo.envs.cards.games.PokerState` when something needs it (rendering, a
callable opponent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from rldojo.envs.cards.games import (
    ACTION_MEANING,
    ACTION_NAMES,
    CALL,
    FOLD,
    KUHN,
    LEDUC,
    NUM_ACTIONS,
    RAISE,
    TERMINAL,
    PokerGame,
    PokerState,
    observation_size,
)
from rldojo.envs.common import (
    LegalActionSpace,
    check_action,
    check_choice,
    check_number,
    check_render_mode,
    check_reset_options,
    policy_action,
)

SEATS = ("first", "second", "random")
ILLEGAL_ACTIONS = ("raise", "forfeit")
NAMED_OPPONENTS = ("random", "always_call", "always_raise", "nash")


class _Tables:
    """A game's tree as plain lists: children, legal actions, masks, payoffs, observations."""

    def __init__(self, game: PokerGame):
        from rldojo.envs.cards.analysis import game_tree

        tree = game_tree(game)
        self.game = game
        self.tree = tree
        self.num_deals = tree.num_deals
        self.deals = tree.deals.tolist()
        self.player = list(tree.node_player)  # -1 at a terminal node
        self.children = [[-1, -1, -1] for _ in range(tree.num_nodes)]
        for node, kids in enumerate(tree.node_children):
            for action, child in kids:
                self.children[node][action] = child
        self.legal = [tuple(a for a, _ in kids) for kids in tree.node_children]
        self.masks = [np.array([1 if c >= 0 else 0 for c in kids], dtype=np.int8) for kids in self.children]
        self.payoff = {node: values.tolist() for node, values in tree.terminal_payoff.items()}
        self.infoset = {node: rows.tolist() for node, rows in tree.node_infoset.items()}
        self.history = tree.node_history
        # a replay of each betting sequence on one deal gives its pot, its round and whether it ended in a fold
        self.contributions, self.folded, rounds, replays = [], [], [], []
        for history in tree.node_history:
            state = game.deal(self.deals[0])
            for a in history:
                state.apply_action(a)
            replays.append(state)
            self.contributions.append(tuple(state.contributions))
            self.folded.append(state.folded)
            rounds.append(state.round)
        self.observations = self._all_observations(replays, rounds)

    def _all_observations(self, replays: list[PokerState], rounds: list[int]) -> np.ndarray:
        """Every observation, ``(node, seat, deal, size)``: the betting part per node, the cards per deal.

        The layout is :func:`~rldojo.envs.cards.games.information_state_tensor`'s (a test checks it).
        """
        game, deals = self.game, np.asarray(self.deals)
        size = observation_size(game)
        observations = np.zeros((len(replays), 2, self.num_deals, size), dtype=np.float32)
        for node, state in enumerate(replays):
            for seat in (0, 1):
                # the betting history and chips do not depend on the cards: take them from one deal
                observations[node, seat, :, :] = state.information_state_tensor(seat)
        observations[:, :, :, 0 : 8 if game.has_public_card else 5] = 0.0
        deal_index = np.arange(self.num_deals)
        ranks = deals // game.num_suits
        for seat in (0, 1):
            observations[:, seat, :, seat] = 1.0
            observations[:, seat, deal_index, 2 + ranks[:, seat]] = 1.0
        if game.has_public_card:
            later = np.array(rounds) > 0  # the public card is seen from the second round on
            for seat in (0, 1):
                block = observations[later, seat]
                block[:, deal_index, 5 + ranks[:, 2]] = 1.0
                observations[later, seat] = block
        return observations

    def state(self, deal: int, node: int) -> PokerState:
        state = self.game.deal(self.deals[deal])
        for a in self.history[node]:
            state.apply_action(a)
        return state

    def observation(self, node: int, seat: int, deal: int) -> np.ndarray:
        """A fresh copy of ``seat``'s observation vector."""
        return self.observations[node, seat, deal].copy()


@cache
def _tables(game: PokerGame) -> _Tables:
    return _Tables(game)


class _Opponent:
    """Chooses the opponent's actions; every random draw comes from the env's generator (``uniform``)."""

    def __init__(self, game: PokerGame, spec, alpha: float):
        self.kind = "table"
        self.table: list[tuple[tuple[int, ...], list[float]]] = []  # per information state: actions, cumulative p
        self.function: Callable | None = None
        self.agent = None
        if isinstance(spec, str):
            if spec not in NAMED_OPPONENTS:
                raise ValueError(
                    f"opponent must be one of {', '.join(map(repr, NAMED_OPPONENTS))}, "
                    f"a tabular policy, a callable or an agent with predict; got {spec!r}"
                )
            if spec == "nash":
                if game is not KUHN:
                    raise ValueError("opponent='nash' exists for KuhnPoker-v0 only; for Leduc pass a CFR policy")
                from rldojo.envs.cards.analysis import kuhn_nash_policy

                self._set_table(game, kuhn_nash_policy(alpha))
            else:
                self.kind = spec  # random, always_call, always_raise: no table needed
        elif isinstance(spec, Mapping):
            self._set_table(game, spec)
        elif callable(getattr(spec, "policy", None)) and hasattr(spec, "tree"):  # an rldojo CFR agent
            self._set_table(game, spec.policy())
        elif callable(getattr(spec, "predict", None)):
            self.kind = "agent"
            self.agent = spec
        elif callable(spec):
            self.kind = "callable"
            self.function = spec
        else:
            raise ValueError(
                f"opponent must be a name ({', '.join(NAMED_OPPONENTS)}), a tabular policy dict, "
                f"a callable or an agent with predict; got {type(spec).__name__}"
            )

    def _set_table(self, game: PokerGame, policy) -> None:
        from rldojo.envs.cards.analysis import policy_matrix

        tree = _tables(game).tree
        matrix = policy_matrix(game, policy)
        self.kind = "table"
        for i in range(tree.num_infosets):
            legal = tuple(int(a) for a in np.flatnonzero(tree.legal_mask[i]))
            self.table.append((legal, np.cumsum(matrix[i, list(legal)]).tolist()))

    def act(self, tables: _Tables, deal: int, node: int, uniform: Callable[[], float]) -> int:
        kind = self.kind
        if kind == "random":
            legal = tables.legal[node]
            return legal[int(uniform() * len(legal))]
        if kind == "always_call":
            return CALL
        if kind == "always_raise":
            return RAISE if tables.children[node][RAISE] >= 0 else CALL
        if kind == "table":
            actions, cumulative = self.table[tables.infoset[node][deal]]
            u = uniform() * cumulative[-1]
            for a, c in zip(actions, cumulative, strict=True):
                if u < c:
                    return a
            return actions[-1]
        player = tables.player[node]
        if kind == "agent":
            obs = tables.observation(node, player, deal)
            action = policy_action(self.agent, obs, tables.masks[node].copy(), deterministic=False)
            return int(np.asarray(action).reshape(-1)[0])
        choice = self.function(tables.state(deal, node).info_state())
        if isinstance(choice, (int, np.integer)):
            return int(choice)
        from rldojo.envs.cards.analysis import action_probabilities

        probs = action_probabilities(choice, tables.masks[node].astype(bool), "opponent")
        cumulative = np.cumsum(probs)
        return int(min(np.searchsorted(cumulative, uniform() * cumulative[-1], side="right"), NUM_ACTIONS - 1))


class CardGameEnv(gym.Env):
    """The shared adapter of KuhnPokerEnv and LeducHoldemEnv (see their docstrings)."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["human", "rgb_array", "ansi"], "render_fps": 2}
    game: PokerGame = KUHN

    def __init__(
        self,
        opponent: Any = "random",
        seat: str = "random",
        illegal_action: str = "raise",
        alpha: float = 1.0 / 6.0,
        render_mode: str | None = None,
    ):
        check_choice("seat", seat, SEATS)
        check_choice("illegal_action", illegal_action, ILLEGAL_ACTIONS)
        check_render_mode(render_mode, self.metadata)
        alpha = check_number("alpha", alpha)
        if not 0.0 <= alpha <= 1.0 / 3.0:
            raise ValueError(f"alpha must be in [0, 1/3], got {alpha!r}")
        self.opponent_spec = opponent
        self.seat_option = seat
        self.illegal_action = illegal_action
        self.alpha = alpha
        self.render_mode = render_mode
        self.opponent = _Opponent(self.game, opponent, alpha)
        self.tables = _tables(self.game)
        # Check or call is legal at every decision: sampled between hands and right after seed().
        self.action_space = LegalActionSpace(
            NUM_ACTIONS, self.action_masks, fallback=np.array([0, 1, 0], dtype=np.int8), fallback_after_seed=True
        )
        self.observation_space = spaces.Box(0.0, 1.0, shape=(observation_size(self.game),), dtype=np.float32)
        self.seat = 0
        self._seat_index = None if seat == "random" else SEATS.index(seat)
        self._uniforms: list[float] = []  # uniform draws from np_random, used from the end
        self.deal_index = -1  # index into tables.deals: (first card, second card[, public card])
        self.node = 0  # the betting sequence so far, a node of the tree
        self.forfeited = False  # the agent's illegal action ended the hand (illegal_action="forfeit")
        self._renderer = None

    # -- the hand ----------------------------------------------------------------------

    @property
    def state(self) -> PokerState | None:
        """The hand as a :class:`PokerState` (rebuilt from the deal and the betting so far)."""
        if self.deal_index < 0:
            return None
        state = self.tables.state(self.deal_index, self.node)
        if self.forfeited:
            state.folded = self.seat
            state.current_player = TERMINAL
        return state

    @property
    def cards(self) -> list[int]:
        """The deal: (first player's card, second player's card[, the public card, seen after round one])."""
        return list(self.tables.deals[self.deal_index])

    @property
    def log(self) -> list[tuple[int, int]]:
        """(player, action) of every move of the hand so far."""
        moves, node = [], 0
        for action in self.tables.history[self.node]:
            moves.append((self.tables.player[node], action))
            node = self.tables.children[node][action]
        if self.forfeited:
            moves.append((self.seat, FOLD))
        return moves

    def _uniform(self) -> float:
        """A uniform draw in [0, 1) from ``self.np_random``, taken 256 at a time (one call costs as much as 256)."""
        if not self._uniforms:
            self._uniforms = self.np_random.random(256).tolist()
            self._uniforms.reverse()
        return self._uniforms.pop()

    def _play_opponent(self) -> None:
        tables, seat, deal = self.tables, self.seat, self.deal_index
        node = self.node
        player = tables.player[node]
        opponent = self.opponent
        uniform = opponent.kind == "random"
        while player >= 0 and player != seat:
            if uniform:  # the common case, inlined: one draw from the legal actions
                legal = tables.legal[node]
                action = legal[int(self._uniform() * len(legal))]
            else:
                action = opponent.act(tables, deal, node, self._uniform)
            child = tables.children[node][action]
            if child < 0:
                raise ValueError(f"the opponent chose illegal action {action}; legal: {tables.legal[node]}")
            node = child
            player = tables.player[node]
        self.node = node

    def _finished(self) -> bool:
        return self.forfeited or self.tables.player[self.node] < 0

    def _returns(self) -> list[float]:
        if self.forfeited:
            lost = float(self.tables.contributions[self.node][self.seat])
            return [-lost, lost] if self.seat == 0 else [lost, -lost]
        first = self.tables.payoff[self.node][self.deal_index]
        return [first, -first]

    def _info(self, finished: bool) -> dict:
        if not finished:
            return {"action_mask": self.tables.masks[self.node].copy(), "seat": self.seat}
        returns = self._returns()
        showdown = not self.forfeited and self.tables.folded[self.node] is None
        info = {
            "action_mask": np.zeros(NUM_ACTIONS, dtype=np.int8),
            "seat": self.seat,
            "returns": returns,
            "showdown": showdown,
            "is_success": returns[self.seat] > 0,
        }
        if showdown:
            info["opponent_card"] = self.tables.deals[self.deal_index][1 - self.seat]
        return info

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        check_reset_options(options, ())
        if seed is not None:
            super().reset(seed=seed)
            self._uniforms = []  # drawn from the old generator
        tables = self.tables
        self.deal_index = int(self._uniform() * tables.num_deals)
        self.seat = int(self._uniform() * 2) if self._seat_index is None else self._seat_index
        self.node = 0
        self.forfeited = False
        if tables.player[0] != self.seat:
            self._play_opponent()
        if self.render_mode == "human":
            self.render()
        return (
            tables.observations[self.node, self.seat, self.deal_index].copy(),
            {"action_mask": tables.masks[self.node].copy(), "seat": self.seat},
        )

    def step(self, action):
        tables = self.tables
        node = self.node
        if self.forfeited or tables.player[node] < 0 or self.deal_index < 0:
            raise RuntimeError("the hand is over (or not started): call reset() before step()")
        action = check_action(action, NUM_ACTIONS, ACTION_MEANING)
        child = tables.children[node][action]
        if child < 0:
            if self.illegal_action == "raise":
                names = ", ".join(f"{a} ({ACTION_NAMES[a]})" for a in tables.legal[node])
                raise ValueError(
                    f"action {action} is illegal here; legal actions: {names} "
                    "(use info['action_mask'] or env.action_masks())"
                )
            self.forfeited = True  # the agent gives up the hand and loses what it has put in
            finished = True
        else:
            self.node = child
            player = tables.player[child]
            if player >= 0 and player != self.seat:
                self._play_opponent()
                player = tables.player[self.node]
            finished = player < 0
        if self.render_mode == "human":
            self.render()
        seat = self.seat
        obs = tables.observations[self.node, seat, self.deal_index].copy()
        if not finished:  # the hot path: no reward, a mask
            return obs, 0.0, False, False, {"action_mask": tables.masks[self.node].copy(), "seat": seat}
        info = self._info(True)
        return obs, float(info["returns"][seat]), True, False, info

    def action_masks(self) -> np.ndarray:
        """Legal actions now (fold, call/check, raise/bet) as 0/1; all zeros outside a hand."""
        if self.deal_index < 0 or self._finished():
            return np.zeros(NUM_ACTIONS, dtype=np.int8)
        return self.tables.masks[self.node].copy()

    # -- rendering -----------------------------------------------------------------------

    def render(self):
        from rldojo.envs.cards import render

        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode= when making the env")
            return None
        if self.deal_index < 0:
            raise RuntimeError("call reset() before render()")
        if self.render_mode == "ansi":
            return render.ansi(self.state, self.seat, self.log)
        if self._renderer is None:
            self._renderer = render.TableRenderer(self.game, self.render_mode, self.metadata["render_fps"])
        return self._renderer.draw(self.state, self.seat, self.log)

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


_ARGUMENTS_DOC = """
    ## Arguments

    - ``opponent`` (default ``"random"``): who plays the other seat. ``"random"`` (uniform over
      legal actions), ``"always_call"`` (checks or calls, never folds), ``"always_raise"`` (bets
      or raises while the cap allows, else calls), ``"nash"`` (Kuhn only: Kuhn's equilibrium with
      parameter ``alpha``), a tabular policy dict (``CFRPlus(...).policy()``, or any
      ``{information state key: probabilities}``), an rldojo CFR agent, any agent with
      ``predict`` (it gets the opponent's observation and mask, ``deterministic=False``), or a
      callable taking an :class:`~rldojo.envs.cards.games.InfoState` and returning an action or
      probabilities.
    - ``seat`` (default ``"random"``): ``"first"``, ``"second"`` or ``"random"`` (drawn each reset).
    - ``illegal_action`` (default ``"raise"``): ``"raise"`` raises ValueError naming the legal
      actions; ``"forfeit"`` ends the hand as if the agent had folded.
    - ``alpha`` (default ``1/6``): the parameter of the ``"nash"`` opponent, a number in [0, 1/3].
    - ``render_mode`` (default ``None``): ``None``, ``"human"``, ``"rgb_array"`` or ``"ansi"``.
"""


class KuhnPokerEnv(CardGameEnv):
    __doc__ = f"""Kuhn poker against a fixed opponent: three cards, one bet.

    ## Description
    Each player antes 1 chip and is dealt one of the cards J, Q, K; one card stays unseen.
    The first player checks or bets 1; facing a bet a player folds or calls; after a check
    the second player checks or bets. The higher card wins the pot at showdown. The
    opponent's card is hidden: the observation holds only what the agent may see, which
    makes this the course's partially observable problem. Rules as in Kuhn (1950) and
    OpenSpiel's ``kuhn_poker``.

    ## Action Space
    ``Discrete(3)``: 0 fold, 1 call (check when there is no bet), 2 raise (bet); its ``sample()``
    draws a legal action. Fold is
    legal only when facing a bet, raise only while no bet has been made. ``action_masks()``
    and ``info["action_mask"]`` (np.int8) give the legal ones. An action is a Python int, a
    numpy integer or a 0-d integer array; anything else (a float, a string, a bool, None, a
    value out of range) raises a ValueError naming the action.

    ## Observation Space
    ``Box(0, 1, (16,), float32)``: seat one-hot (2), own card one-hot J/Q/K (3), the betting
    history as 3 slots of (fold, call, raise) one-hots (9), and the chips the agent and the
    opponent have put in, divided by 2.

    ## Rewards
    The chips the agent wins or loses, at the end of the hand: +-1 or +-2. 0 before that.

    ## Starting State
    Cards dealt uniformly at random; if the agent sits second, the opponent has acted.

    ## Episode End
    The hand ends on a fold or at showdown (``terminated``); never truncated. At the end,
    ``info`` holds ``returns`` (both players), ``showdown``, ``is_success`` (won chips) and,
    after a showdown only, ``opponent_card`` (0 J, 1 Q, 2 K). ``info["seat"]`` is 0 or 1.
    {_ARGUMENTS_DOC}
    ## Version History
    - v0: initial version.
    """
    game = KUHN


class LeducHoldemEnv(CardGameEnv):
    __doc__ = f"""Leduc Hold'em against a fixed opponent: six cards, two betting rounds, one public card.

    ## Description
    The deck is J, Q, K in two suits. Each player antes 1 and gets one private card. In the
    first round bets and raises are 2, in the second 4, with at most two per round; the
    first player acts first in both rounds. After the first round one public card is dealt.
    At showdown a private card that pairs the public card wins; otherwise the higher rank
    wins; equal ranks split the pot. Rules as in Southey et al. (2005) and OpenSpiel's
    ``leduc_poker``.

    ## Action Space
    ``Discrete(3)``: 0 fold, 1 call (check), 2 raise (bet); ``sample()`` draws a legal one.
    Fold is legal only when facing a bet; raise only below two raises in the round. ``action_masks()`` and
    ``info["action_mask"]`` give the legal ones. An action is a Python int, a numpy integer or a
    0-d integer array; anything else (a float, a string, a bool, None, a value out of range)
    raises a ValueError naming the action.

    ## Observation Space
    ``Box(0, 1, (34,), float32)``: seat one-hot (2), own rank J/Q/K (3), public rank (3, zeros
    before it is dealt), the betting history as 2 rounds x 4 slots of (fold, call, raise)
    one-hots (24), and the chips the agent and the opponent have put in, divided by 13.

    ## Rewards
    The chips won or lost at the end of the hand (between -13 and +13); 0 before that.

    ## Starting State
    Cards dealt uniformly at random (the public card too, shown after round one); if the
    agent sits second the opponent has already acted.

    ## Episode End
    On a fold or at showdown (``terminated``); never truncated. ``info`` then holds
    ``returns``, ``showdown``, ``is_success`` and, after a showdown only, ``opponent_card``
    (0-5: rank = card // 2, suit = card % 2).
    {_ARGUMENTS_DOC.replace('``"nash"`` (Kuhn only', '``"nash"`` (Kuhn only, an error here')}
    ## Version History
    - v0: initial version.
    """
    game = LEDUC
