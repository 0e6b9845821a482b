"""Many hands of Kuhn poker or Leduc Hold'em played at once, on arrays: the rules of the vector env.

The single env (:mod:`rldojo.envs.cards.env`) walks the game's flattened tree: a hand is a
deal (an index into every deal of the cards) and a node (a betting sequence), and a step
is a few look-ups in per-node tables. Here a hand is one integer, its *state*: the betting
node, the agent's seat and the deal together, ``(node * 2 + seat) * num_deals + deal``. Every
table is laid out per state (what follows each action, who is to act, the agent's
observation, what the agent wins), so one step of every hand is a few fancy-indexing
operations on one integer array, whatever the number of hands.

Randomness stays per hand. Hand ``i`` takes its uniform draws from its own generator
(:class:`UniformStreams`) in the order the single env takes them: the deal, the seat when it
is random, then one draw per opponent move that needs one. So a hand seeded with ``s`` is
dealt and played exactly as the single env seeded with ``s``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from rldojo.envs.cards.games import CALL, NUM_ACTIONS, RAISE

OPPONENT_KINDS = ("random", "always_call", "always_raise", "table")
"""The opponents played here on arrays; any other is asked through a callback (:data:`OtherOpponent`)."""


class StateTables:
    """A game's flattened tree as per-state numpy arrays, from the single env's tables (``env.tables``).

    A state is (betting node, agent's seat, deal) as one index; ``-1`` in ``next_state`` marks an
    illegal action.
    """

    def __init__(self, tables):
        deals = self.num_deals = tables.num_deals
        player = np.array(tables.player, dtype=np.int64)  # per node; -1 at a terminal node
        children = np.array(tables.children, dtype=np.int64)  # per node and action; -1 if illegal
        num_nodes = len(player)
        self.num_states = num_nodes * 2 * deals
        # the parts of every state
        state = np.arange(self.num_states)
        node = self.node = state // (2 * deals)
        seat = self.seat = state // deals % 2
        deal = self.deal = state % deals

        child = children[node]  # (states, 3)
        self.next_state = np.where(child >= 0, (child * 2 + seat[:, None]) * deals + deal[:, None], -1)
        self.next_state_flat = self.next_state.ravel()  # [state * 3 + action]: one flat take is the fastest look-up
        self.terminal = player[node] < 0
        self.opponent_to_act = (player[node] >= 0) & (player[node] != seat)
        self.player = player[node]
        masks = np.array(tables.masks, dtype=np.int8)
        self.masks = masks[node]  # int8 (states, 3); all zeros at a terminal node
        self.legal_masks = self.masks.astype(bool)
        # legal actions ascending, padded with the last: the random opponent picks one by index
        legal = np.zeros((num_nodes, NUM_ACTIONS), dtype=np.int64)
        for n, actions in enumerate(tables.legal):
            if actions:
                legal[n] = list(actions) + [actions[-1]] * (NUM_ACTIONS - len(actions))
        self.num_legal = masks.sum(axis=1).astype(np.int64)[node]
        # where each opponent's move leads; a state where the opponent is not to act stays as it is
        stay = state[:, None]
        picked = np.take_along_axis(self.next_state, legal[node], axis=1)  # the random one's k-th legal action
        acting = self.opponent_to_act[:, None]
        self.random_move_flat = np.where(acting, picked, stay).ravel()  # [state * 3 + k]
        self.random_choices = np.where(self.opponent_to_act, self.num_legal, 1)  # k = int(u * choices)
        self.call_move = np.where(self.opponent_to_act, self.next_state[:, CALL], state)
        raise_or_call = np.where(child[:, RAISE] >= 0, self.next_state[:, RAISE], self.next_state[:, CALL])
        self.raise_move = np.where(self.opponent_to_act, raise_or_call, state)
        self.max_opponent_moves = self._longest_opponent_run()
        infoset = np.full((num_nodes, deals), -1, dtype=np.int64)  # the acting player's information state
        for n, rows in tables.infoset.items():
            infoset[n] = rows
        self.infoset = infoset[node, deal]
        self.opponent_infoset = np.where(self.opponent_to_act, self.infoset, 0)

        # the end of a hand, from the agent's side
        payoff = np.zeros((num_nodes, deals))  # the first player's chips won, at terminal nodes
        for n, values in tables.payoff.items():
            payoff[n] = values
        self.agent_won = np.where(seat == 0, 1.0, -1.0) * payoff[node, deal]
        self.agent_stake = np.array(tables.contributions, dtype=np.float64)[node, seat]  # lost by a forfeit
        folded = np.array([f is not None for f in tables.folded])
        self.showdown = self.terminal & ~folded[node]
        self.cards = np.array(tables.deals, dtype=np.int64)  # (deals, 2 or 3)
        self.opponent_card = self.cards[deal, 1 - seat]
        self.most_won = int(max(np.abs(payoff).max(), self.agent_stake.max()))
        # what the info holds at the end of a hand, per final state (zeros elsewhere), and at ``neutral``: nothing
        self.neutral = self.num_states
        self.ended = np.append(self.terminal, False)
        self.reward = np.append(self.agent_won, 0.0)
        self.shown = np.append(self.showdown, False)
        self.success = np.append(self.terminal & (self.agent_won > 0), False)
        self.shown_card = np.append(np.where(self.showdown, self.opponent_card, 0), 0)
        self.returns_index = (payoff[node, deal] + self.most_won).astype(np.int64)  # first player's won + most

        observations = np.ascontiguousarray(tables.observations)  # (node, seat, deal, size): states in order
        self.observations = observations.reshape(self.num_states, observations.shape[-1])

    def _longest_opponent_run(self) -> int:
        """The most moves the opponent can make in a row (2 in these games: it closes round one, then opens two)."""
        run = np.zeros(self.num_states, dtype=np.int64)  # moves in a row from each state, on any line of play
        for _ in range(self.num_states):
            after = np.where(self.next_state >= 0, run[np.maximum(self.next_state, 0)], 0).max(axis=1)
            longer = np.where(self.opponent_to_act, 1 + after, 0)
            if np.array_equal(longer, run):
                return int(run.max())
            run = longer
        raise ValueError("the opponent's moves never end")

    def start(self, seat: np.ndarray, deal: np.ndarray) -> np.ndarray:
        """The state before any bet of each (seat, deal)."""
        return seat * self.num_deals + deal


class TabularOpponent:
    """A tabular opponent policy as arrays: per information state, its legal actions and their cumulative probabilities.

    :param table: per information state, (legal actions, cumulative probabilities), as the single env keeps it
    """

    def __init__(self, table: list[tuple[tuple[int, ...], list[float]]]):
        n = len(table)
        self.actions = np.zeros((n, NUM_ACTIONS), dtype=np.int64)
        self.cumulative = np.full((n, NUM_ACTIONS), np.inf)  # padding is never <= a draw
        self.count = np.zeros(n, dtype=np.int64)
        for i, (actions, cumulative) in enumerate(table):
            k = len(actions)
            self.actions[i, :k] = actions
            self.cumulative[i, :k] = cumulative
            self.count[i] = k
        self.total = self.cumulative[np.arange(n), self.count - 1]

    def choose(self, infosets: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """The action of each information state for one uniform draw each, as the single env picks it.

        The single env takes the first action whose cumulative probability exceeds
        ``u * total``: that is the number of cumulative values at or below it.
        """
        u = uniforms * self.total[infosets]
        index = (self.cumulative[infosets] <= u[:, None]).sum(axis=1)
        index = np.minimum(index, self.count[infosets] - 1)
        return self.actions[infosets, index]


class UniformStreams:
    """Uniform draws in [0, 1), each hand's from its own ``numpy.random.Generator``, in the generator's order.

    Each hand's draws are made ahead into a row of ``buffer``: ``Generator.random(k)`` then
    ``random(m)`` gives the numbers ``random(k + m)`` gives, so this changes nothing a hand
    sees. Only a hand whose row runs short costs a Python call, once per ``block`` draws. The
    batch reads draws with :meth:`ahead` (peeking, then advancing ``position`` by what it used)
    or :meth:`draw`.

    :param num_hands: the number of hands
    :param block: draws made ahead per hand
    """

    def __init__(self, num_hands: int, block: int = 512):
        self.block = block
        self.generators: list[np.random.Generator | None] = [None] * num_hands
        self.buffer = np.zeros((num_hands, block))
        self.flat = self.buffer.ravel()  # a view: [row_start + position] is a hand's next draw
        self.row_start = np.arange(num_hands, dtype=np.int64) * block
        self.position = np.full(num_hands, block, dtype=np.int64)  # == block: nothing drawn ahead

    def follow(self, hands: np.ndarray, generators: list[np.random.Generator | None]) -> None:
        """Draw from ``generators[i]`` for each hand ``i`` in ``hands`` whose generator is another one (a reseed)."""
        for hand in hands.tolist():
            if generators[hand] is not self.generators[hand]:
                self.generators[hand] = generators[hand]
                self.position[hand] = self.block  # the draws ahead came from the old generator

    def ahead(self, hands: np.ndarray | None, count: int) -> np.ndarray:
        """The index in ``flat`` of each hand's next draw, with ``count`` draws ready from there.

        :param hands: distinct hand indices, or None for every hand
        """
        position = self.position if hands is None else self.position[hands]
        short = position > self.block - count
        if np.count_nonzero(short):
            refill = short.nonzero()[0] if hands is None else hands[short]
            for hand in refill.tolist():
                used = self.position[hand]
                # the draws not used yet, then as many new ones: the hand's stream goes on unchanged
                self.buffer[hand] = np.concatenate([self.buffer[hand, used:], self.generators[hand].random(used)])
                self.position[hand] = 0
            position = self.position if hands is None else self.position[hands]
        return (self.row_start if hands is None else self.row_start[hands]) + position

    def draw(self, hands: np.ndarray) -> np.ndarray:
        """The next draw of each hand in ``hands`` (distinct indices), used up."""
        index = self.ahead(hands, 1)
        self.position[hands] += 1
        return self.flat.take(index)


class PendingDeals(NamedTuple):
    """New hands dealt by :meth:`PokerBatch.play_and_deal`, not yet started."""

    hands: np.ndarray  # bool: the hands dealt
    states: np.ndarray  # every hand's state; the rows of ``hands`` are the new hands'
    used: np.ndarray  # the draws each hand has used (rows of ``hands``)


OtherOpponent = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``(hands, states) -> actions``: an opponent not played on arrays (an agent, a callable)."""


class PokerBatch:
    """The hands of a batch, one state index each (and a forfeit flag), and how they move.

    The named and tabular opponents are played on whole arrays: each of the opponent's moves in
    a row (at most two in these games) is one pass over every hand, where a hand with nothing
    to do stays put, and the draws are peeked ahead then counted as used only where the
    opponent moved. Any other opponent is asked for the hands where it is to act.

    :param tables: the game's :class:`StateTables`
    :param num_hands: the number of hands
    :param opponent_kind: one of :data:`OPPONENT_KINDS`, or anything else to ask ``other_opponent``
    :param seat: 0 or 1 for a fixed seat, None to draw it each deal
    :param forfeit: an illegal agent action ends the hand as a fold (else illegal actions must be refused before)
    :param tabular: the policy of the ``"table"`` opponent
    :param other_opponent: chooses the actions of any other opponent
    :param block: uniform draws made ahead per hand (:class:`UniformStreams`)
    """

    def __init__(
        self,
        tables: StateTables,
        num_hands: int,
        opponent_kind: str,
        seat: int | None,
        forfeit: bool,
        tabular: TabularOpponent | None = None,
        other_opponent: OtherOpponent | None = None,
        block: int = 512,
    ):
        if opponent_kind == "table" and tabular is None:
            raise ValueError("opponent_kind 'table' needs the tabular policy")
        if opponent_kind not in OPPONENT_KINDS and other_opponent is None:
            raise ValueError(f"opponent_kind {opponent_kind!r} needs other_opponent")
        self.tables = tables
        self.num_hands = num_hands
        self.opponent_kind = opponent_kind
        self.on_arrays = opponent_kind in OPPONENT_KINDS
        self.draws = opponent_kind in ("random", "table")  # one draw per opponent move
        self.fixed_seat = seat
        self.forfeit = forfeit
        self.tabular = tabular
        self.other_opponent = other_opponent
        self.streams = UniformStreams(num_hands, block)
        self.every = np.arange(num_hands)
        self.state = np.zeros(num_hands, dtype=np.int64)
        self.forfeited = np.zeros(num_hands, dtype=bool)
        self.dealt = np.zeros(num_hands, dtype=bool)
        self.all_dealt = False

    # -- queries ---------------------------------------------------------------------------

    def finished(self) -> np.ndarray:
        """Per hand: over (a fold, a showdown or a forfeit); a hand never dealt is not finished."""
        finished = self.tables.terminal.take(self.state)
        if self.forfeit:
            finished |= self.forfeited
        return finished

    def observations(self) -> np.ndarray:
        """Each hand's observation from the agent's seat: a fresh ``(hands, size)`` float32 array (0 if undealt)."""
        observations = self.tables.observations.take(self.state, axis=0)  # take: faster than [] for rows
        if not self.all_dealt:
            observations[~self.dealt] = 0.0
        return observations

    def action_masks(self) -> np.ndarray:
        """Each hand's legal actions (bool, ``(hands, 3)``); all False for a finished or undealt hand."""
        masks = self.tables.legal_masks.take(self.state, axis=0)  # all False at a terminal node
        if self.forfeit:
            masks[self.forfeited] = False
        if not self.all_dealt:
            masks[~self.dealt] = False
        return masks

    # -- moves -----------------------------------------------------------------------------

    def deal_hands(self, hands: np.ndarray) -> None:
        """A new hand in each of ``hands`` (distinct indices): cards, seat, then the opponent's opening moves."""
        if len(hands) == 0:
            return
        tables, streams = self.tables, self.streams
        index = streams.ahead(hands, 2 + tables.max_opponent_moves)
        deals = (streams.flat.take(index) * tables.num_deals).astype(np.int64)
        if self.fixed_seat is None:  # the deal, then the seat
            seats = (streams.flat.take(index + 1) * 2).astype(np.int64)
            used = 2
        else:
            seats = np.full(len(hands), self.fixed_seat, dtype=np.int64)
            used = 1
        states = tables.start(seats, deals)
        if self.on_arrays:
            states, moved = self._reply(states, index + used)
            streams.position[hands] += used + moved if self.draws else used
        else:
            streams.position[hands] += used
            states = self._ask_opponent(hands, states)
        self.state[hands] = states
        self.forfeited[hands] = False
        if not self.all_dealt:
            self.dealt[hands] = True
            self.all_dealt = bool(self.dealt.all())

    def play(self, actions: np.ndarray, stepping: np.ndarray | None = None) -> None:
        """The agent's action in every hand (or every ``stepping`` one), then the opponent's replies.

        The opponent moves until the agent is to act again or the hand ends. Illegal actions end
        their hands when ``forfeit`` (the state stays, the hand is forfeited); otherwise they
        must have been refused before. If the opponent fails (an illegal choice) no hand changes.

        :param actions: one action per hand (those of hands not stepping are ignored)
        :param stepping: a bool mask of the hands that play; None for all
        """
        tables, state = self.tables, self.state
        after = tables.next_state_flat.take(state * NUM_ACTIONS + actions)
        if stepping is not None:
            after = np.where(stepping, after, state)
        forfeits = after < 0
        if np.count_nonzero(forfeits):
            if not self.forfeit:
                raise ValueError("PokerBatch.play got illegal actions; refuse them before, or set forfeit")
            after = np.where(forfeits, state, after)  # where the agent is to act: the opponent stays put
        if self.on_arrays:
            index = self.streams.ahead(None, tables.max_opponent_moves) if self.draws else None
            after, moved = self._reply(after, index)
            if self.draws:
                self.streams.position += moved
        else:
            after = self._ask_opponent(self.every, after)
        self.state = after
        if self.forfeit:
            self.forfeited = forfeits if stepping is None else np.where(stepping, forfeits, self.forfeited)

    def play_and_deal(self, actions: np.ndarray, stepping: np.ndarray) -> PendingDeals:
        """:meth:`play` for the ``stepping`` hands and, in the same passes, a new hand for the others, kept pending.

        The vector env's NEXT_STEP autoreset: the hands that ended at the step before start again
        in the step that follows. Their deals (cards, seat, the opponent's opening moves) are
        returned, not applied; :meth:`commit_deals` applies them. Only for the opponents played
        on arrays.
        """
        if not self.on_arrays:
            raise ValueError(f"play_and_deal plays the opponents {OPPONENT_KINDS} only, not {self.opponent_kind!r}")
        tables, streams, state = self.tables, self.streams, self.state
        index = streams.ahead(None, 2 + tables.max_opponent_moves)
        # every hand's would-be deal, read from its next draws; only the hands not stepping keep it
        start = (streams.flat.take(index) * tables.num_deals).astype(np.int64)
        if self.fixed_seat is None:  # the deal, then the seat
            start += (streams.flat.take(index + 1) * 2).astype(np.int64) * tables.num_deals
            dealing_draws = 2
        else:
            start += self.fixed_seat * tables.num_deals
            dealing_draws = 1
        after = np.where(stepping, tables.next_state_flat.take(state * NUM_ACTIONS + actions), start)
        forfeits = after < 0
        if np.count_nonzero(forfeits):
            if not self.forfeit:
                raise ValueError("PokerBatch.play_and_deal got illegal actions; refuse them before, or set forfeit")
            after = np.where(forfeits, state, after)
        skipped = np.where(stepping, 0, dealing_draws)  # the draws a new deal has used
        after, moved = self._reply(after, index + skipped)
        used = skipped + moved if self.draws else skipped
        self.state = np.where(stepping, after, state)
        streams.position += used * stepping
        if self.forfeit:
            self.forfeited = np.where(stepping, forfeits, self.forfeited)
        return PendingDeals(~stepping, after, used)

    def commit_deals(self, pending: PendingDeals) -> None:
        """Start the hands dealt by :meth:`play_and_deal`."""
        hands = pending.hands
        self.state = np.where(hands, pending.states, self.state)
        self.streams.position += pending.used * hands
        if self.forfeit:
            self.forfeited &= ~hands
        if not self.all_dealt:
            self.dealt |= hands
            self.all_dealt = bool(self.dealt.all())

    def _reply(self, states: np.ndarray, index: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The states after the opponent's moves in a row from ``states``, and how many moves each hand saw.

        An opponent that draws (:attr:`draws`) uses one draw a move.

        :param index: where each hand's next draw is in the streams' ``flat`` buffer (None: no draws)
        """
        tables, kind, flat = self.tables, self.opponent_kind, self.streams.flat
        moves = None  # the opponent's moves so far in each hand
        for _ in range(tables.max_opponent_moves):
            moving = tables.opponent_to_act.take(states)
            if not np.count_nonzero(moving):
                break
            if kind == "random":  # the single env's pick: legal[int(u * len(legal))]
                u = flat.take(index if moves is None else index + moves)
                pick = (u * tables.random_choices.take(states)).astype(np.int64)
                states = tables.random_move_flat.take(states * NUM_ACTIONS + pick)
            elif kind == "table":
                u = flat.take(index if moves is None else index + moves)
                actions = self.tabular.choose(tables.opponent_infoset.take(states), u)
                states = np.where(moving, tables.next_state_flat.take(states * NUM_ACTIONS + actions), states)
            elif kind == "always_call":
                states = tables.call_move.take(states)
            else:
                states = tables.raise_move.take(states)
            moves = moving.astype(np.int64) if moves is None else moves + moving
        return states, np.zeros(len(states), dtype=np.int64) if moves is None else moves

    def _ask_opponent(self, hands: np.ndarray, states: np.ndarray) -> np.ndarray:
        """The states after an opponent not played on arrays has moved wherever it is to act.

        A loop over its moves in a row, each asked for all the hands where it is to act; only a
        hand where it has just moved can need it again.
        """
        tables = self.tables
        states = states.copy()
        moving = tables.opponent_to_act.take(states).nonzero()[0]
        while moving.size:
            at = states[moving]
            actions = np.asarray(self.other_opponent(hands[moving], at))
            if (
                actions.shape != (len(moving),)
                or actions.dtype.kind not in "iu"
                or not np.isin(actions, (0, 1, 2)).all()
            ):
                raise ValueError(f"the opponent must choose one action (0, 1 or 2) per env, got {actions!r}")
            after = tables.next_state_flat.take(at * NUM_ACTIONS + actions)
            bad = (after < 0).nonzero()[0]
            if bad.size:
                k = int(bad[0])
                raise ValueError(
                    f"the opponent chose illegal action {int(actions[k])} in env {int(hands[moving[k]])}; "
                    f"legal: {tuple(np.flatnonzero(tables.masks[at[k]]).tolist())}"
                )
            states[moving] = after
            moving = moving[tables.opponent_to_act.take(after)]
        return states
