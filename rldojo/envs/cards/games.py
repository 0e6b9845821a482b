"""The rules of Kuhn poker and Leduc Hold'em, in plain Python (no Gymnasium, no pygame).

Both games are two-player, zero-sum, limit betting games with the standard rules of the
poker AI literature (Kuhn 1950; Southey et al. 2005, "Bayes' Bluff"), as OpenSpiel
implements them, so values compare with published ones:

- **Kuhn poker**: a deck of three cards, J Q K. Each player antes 1 and gets one card.
  One betting round; a bet is 1 and at most one bet is made. The higher card wins.
- **Leduc Hold'em**: a deck of six cards, J Q K in two suits. Each player antes 1 and
  gets one card. Two betting rounds, raises of 2 in the first and 4 in the second, at
  most two raises a round. After the first round one public card is dealt. A player
  whose card pairs the public card wins; otherwise the higher rank wins; equal ranks
  split the pot.

The first player (player 0) acts first in every round. Actions are the same three
numbers in both games: ``FOLD`` (0), ``CALL`` (1: check when there is nothing to call)
and ``RAISE`` (2: bet when nobody has bet yet). A player may fold only when facing a bet.

Information states are what the player to act can see: its own card, the public card,
the whole betting history and the chips. Their keys (``information_state``) are exactly
OpenSpiel's ``information_state_string``, so a tabular policy keyed by OpenSpiel's strings
(an OpenSpiel CFR solution, say) can be used here as it is; Kuhn's keys are a card digit and
``p``/``b`` letters (``"1pb"``), and its policies are still over rldojo's three actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

FOLD, CALL, RAISE = 0, 1, 2
NUM_ACTIONS = 3
ACTION_NAMES = ("fold", "call", "raise")
ACTION_MEANING = "0 fold, 1 call/check, 2 raise/bet"

CHANCE = -1  # current_player of a chance node (a card is dealt)
TERMINAL = -4  # current_player of a finished hand (OpenSpiel's value)

RANK_NAMES = ("J", "Q", "K")
SUIT_NAMES = ("s", "h")  # spades, hearts: Leduc's two suits


@dataclass(frozen=True)
class PokerGame:
    """A two-player limit poker game: its deck, rounds, raise sizes and raise cap.

    :param name: "kuhn" or "leduc"
    :param num_suits: suits in the deck; the deck is ranks x suits, card = rank * num_suits + suit
    :param raise_sizes: the bet or raise amount of each betting round (its length is the number of rounds)
    :param max_raises: bets plus raises allowed in one round
    :param ante: what each player puts in before the cards are dealt
    :param starting_money: each player's stack, only for OpenSpiel's "Money" in Leduc's keys
    """

    name: str
    num_suits: int
    raise_sizes: tuple[int, ...]
    max_raises: int
    ante: int = 1
    starting_money: int = 100
    num_ranks: int = 3

    @property
    def num_players(self) -> int:
        return 2

    @property
    def num_rounds(self) -> int:
        return len(self.raise_sizes)

    @property
    def num_cards(self) -> int:
        return self.num_ranks * self.num_suits

    @property
    def has_public_card(self) -> bool:
        return self.num_rounds > 1

    @property
    def max_actions_per_round(self) -> int:
        """check, then max_raises raises, then a call: the longest a round can be."""
        return self.max_raises + 2

    @property
    def max_contribution(self) -> int:
        """The most one player can put in the pot over a whole hand."""
        return self.ante + sum(size * self.max_raises for size in self.raise_sizes)

    def rank(self, card: int) -> int:
        return card // self.num_suits

    def card_name(self, card: int | None) -> str:
        """ "K" in Kuhn, "Ks" / "Kh" in Leduc; "?" for None."""
        if card is None:
            return "?"
        name = RANK_NAMES[self.rank(card)]
        return name + SUIT_NAMES[card % self.num_suits] if self.num_suits > 1 else name

    def new_initial_state(self) -> PokerState:
        """A hand before any card is dealt (a chance node)."""
        return PokerState(self)

    def deal(self, cards: Sequence[int]) -> PokerState:
        """A hand with the private cards (and, if given, the public card) decided in advance.

        ``cards`` is (first player's card, second player's card[, public card]); the
        public card is dealt when the first round ends.
        """
        state = PokerState(self)
        state._dealt = list(cards)
        for card in cards[:2]:
            state.apply_action(card)
        return state

    def showdown_winner(self, card0: int, card1: int, public: int | None) -> int:
        """0 or 1 for the player holding the better hand, -1 for a split pot."""
        r0, r1 = self.rank(card0), self.rank(card1)
        if public is not None:
            rp = self.rank(public)
            if r0 == rp:
                return 0
            if r1 == rp:
                return 1
        if r0 == r1:
            return -1
        return 0 if r0 > r1 else 1

    def __str__(self) -> str:
        return self.name


KUHN = PokerGame(name="kuhn", num_suits=1, raise_sizes=(1,), max_raises=1)
LEDUC = PokerGame(name="leduc", num_suits=2, raise_sizes=(2, 4), max_raises=2)
GAMES = {"kuhn": KUHN, "leduc": LEDUC}


def KuhnPoker() -> PokerGame:
    """Kuhn poker: three cards, one bet of 1."""
    return KUHN


def LeducHoldem() -> PokerGame:
    """Leduc Hold'em: six cards, two rounds, raises of 2 then 4, two raises a round."""
    return LEDUC


def get_game(game: str | PokerGame) -> PokerGame:
    """A game from its name ("kuhn", "leduc") or the game itself."""
    if isinstance(game, PokerGame):
        return game
    if isinstance(game, str) and game.lower() in GAMES:
        return GAMES[game.lower()]
    raise ValueError(f"game must be 'kuhn', 'leduc' or a PokerGame, got {game!r}")


@dataclass(frozen=True)
class InfoState:
    """What one player sees when it must act: the argument of a policy callable.

    ``key`` is the information state string (OpenSpiel's); ``legal_actions`` the actions it may take.
    """

    key: str
    player: int
    card: int
    public_card: int | None
    betting: tuple[tuple[int, ...], ...]  # rldojo actions of each round so far
    contributions: tuple[int, int]  # chips each player has put in the pot
    legal_actions: tuple[int, ...]
    game: PokerGame = field(repr=False, compare=False, default=KUHN)

    def __str__(self) -> str:
        return self.key

    @property
    def vector(self) -> list[float]:
        """The observation vector of this information state (see :func:`information_state_tensor`)."""
        return information_state_tensor(
            self.game, self.player, self.card, self.public_card, self.betting, self.contributions
        )


class PokerState:
    """One hand in progress. Chance nodes deal cards; decision nodes take FOLD, CALL or RAISE.

    >>> state = LEDUC.deal([0, 5])      # first player Js, second player Kh
    >>> state.apply_action(RAISE); state.apply_action(CALL)
    >>> state.is_chance_node()          # the public card comes next
    True
    """

    __slots__ = (
        "_dealt",
        "_letters",
        "betting",
        "cards",
        "contributions",
        "current_player",
        "folded",
        "game",
        "num_raises",
        "public_card",
    )

    def __init__(self, game: PokerGame):
        self.game = game
        self.cards: list[int] = []  # private cards, player 0's first
        self.public_card: int | None = None
        self.betting: list[list[int]] = [[]]  # rldojo actions of each round
        self._letters: list[list[int]] = [[]]  # OpenSpiel's action ids, for the keys
        self.contributions = [game.ante, game.ante]
        self.num_raises = 0
        self.current_player = CHANCE
        self.folded: int | None = None  # the player who folded
        self._dealt: list[int] | None = None

    # -- queries -------------------------------------------------------------------

    @property
    def round(self) -> int:
        return len(self.betting) - 1

    @property
    def pot(self) -> int:
        return self.contributions[0] + self.contributions[1]

    def is_chance_node(self) -> bool:
        return self.current_player == CHANCE

    def is_terminal(self) -> bool:
        return self.current_player == TERMINAL

    def is_showdown(self) -> bool:
        """The hand ended with the cards shown (nobody folded)."""
        return self.current_player == TERMINAL and self.folded is None

    def facing_bet(self) -> bool:
        p = self.current_player
        return self.contributions[1 - p] > self.contributions[p]

    def legal_actions(self) -> list[int]:
        """Actions of the player to act, ascending; the cards left at a chance node."""
        if self.current_player == CHANCE:
            return [card for card, _ in self.chance_outcomes()]
        if self.current_player == TERMINAL:
            return []
        p = self.current_player
        facing = self.contributions[1 - p] > self.contributions[p]
        actions = [FOLD, CALL] if facing else [CALL]
        if self.num_raises < self.game.max_raises:
            actions.append(RAISE)
        return actions

    def legal_actions_mask(self) -> list[int]:
        mask = [0, 0, 0]
        if self.current_player >= 0:
            for a in self.legal_actions():
                mask[a] = 1
        return mask

    def chance_outcomes(self) -> list[tuple[int, float]]:
        """(card, probability) of the next card dealt: uniform over the cards not yet seen."""
        if self.current_player != CHANCE:
            return []
        seen = set(self.cards)
        if self.public_card is not None:
            seen.add(self.public_card)
        left = [c for c in range(self.game.num_cards) if c not in seen]
        return [(c, 1.0 / len(left)) for c in left]

    def returns(self) -> list[float]:
        """Chips won by each player (zero until the hand ends)."""
        if self.current_player != TERMINAL:
            return [0.0, 0.0]
        c0, c1 = self.contributions
        if self.folded is not None:
            winner = 1 - self.folded
        else:
            winner = self.game.showdown_winner(self.cards[0], self.cards[1], self.public_card)
        if winner == -1:
            return [0.0, 0.0]
        won = float(c1 if winner == 0 else c0)
        return [won, -won] if winner == 0 else [-won, won]

    def information_state(self, player: int | None = None) -> str:
        """OpenSpiel's information state string of ``player`` (default: the player to act)."""
        player = self.current_player if player is None else player
        if player < 0:
            raise ValueError("information_state needs a player: this is a chance or terminal node")
        card = self.cards[player] if len(self.cards) > player else None
        if self.game.name == "kuhn":
            letters = "".join("pb"[x] for x in self._letters[0])
            return f"{card}{letters}"
        money = [self.game.starting_money - c for c in self.contributions]
        key = (
            f"[Observer: {player}][Private: {card}][Round {self.round + 1}][Player: {self.current_player}]"
            f"[Pot: {self.pot}][Money: {money[0]} {money[1]}]"
        )
        if self.public_card is not None:
            key += f"[Public: {self.public_card}]"
        rounds = self._letters + [[]] * (self.game.num_rounds - len(self._letters))
        for i, letters in enumerate(rounds):
            key += f"[Round{i + 1}: {' '.join(map(str, letters))}]"
        return key

    def info_state(self, player: int | None = None) -> InfoState:
        """The :class:`InfoState` of ``player`` (default: the player to act)."""
        player = self.current_player if player is None else player
        return InfoState(
            key=self.information_state(player),
            player=player,
            card=self.cards[player],
            public_card=self.public_card,
            betting=tuple(tuple(r) for r in self.betting),
            contributions=(self.contributions[0], self.contributions[1]),
            legal_actions=tuple(self.legal_actions()) if player == self.current_player else (),
            game=self.game,
        )

    def information_state_tensor(self, player: int | None = None) -> list[float]:
        """The observation vector of ``player``'s information state (see the module function)."""
        player = self.current_player if player is None else player
        return information_state_tensor(
            self.game, player, self.cards[player], self.public_card, self.betting, self.contributions
        )

    # -- moves ---------------------------------------------------------------------

    def apply_action(self, action: int) -> None:
        """Deal ``action`` (a card) at a chance node, or play it at a decision node."""
        p = self.current_player
        if p == TERMINAL:
            raise ValueError("the hand is over: no action can be applied")
        if p == CHANCE:
            if action not in self.legal_actions():
                raise ValueError(f"card {action} cannot be dealt now; cards left: {self.legal_actions()}")
            if len(self.cards) < 2:
                self.cards.append(action)
                if len(self.cards) == 2:
                    self.current_player = 0
            else:
                self.public_card = action
                self.current_player = 0
            return
        if action not in self.legal_actions():
            names = ", ".join(f"{a} ({ACTION_NAMES[a]})" for a in self.legal_actions())
            raise ValueError(f"action {action!r} is illegal here; legal actions: {names}")
        contributions = self.contributions
        facing = contributions[1 - p] > contributions[p]
        self.betting[-1].append(action)
        if self.game.name == "kuhn":  # OpenSpiel's kuhn: pass (check or fold) = 0, bet (bet or call) = 1
            self._letters[-1].append(0 if action == FOLD or (action == CALL and not facing) else 1)
        else:
            self._letters[-1].append(action)
        if action == FOLD:
            self.folded = p
            self.current_player = TERMINAL
            return
        if action == RAISE:
            contributions[p] = contributions[1 - p] + self.game.raise_sizes[self.round]
            self.num_raises += 1
            self.current_player = 1 - p
            return
        contributions[p] = contributions[1 - p]
        if len(self.betting[-1]) < 2:  # a check that opens the round: the other player acts
            self.current_player = 1 - p
            return
        # a call (or check-check) closes the round
        if self.round + 1 == self.game.num_rounds:
            self.current_player = TERMINAL
            return
        self.betting.append([])
        self._letters.append([])
        self.num_raises = 0
        if self._dealt is not None and len(self._dealt) > 2:
            self.public_card = self._dealt[2]
            self.current_player = 0
        else:
            self.current_player = CHANCE

    def clone(self) -> PokerState:
        other = PokerState.__new__(PokerState)
        other.game = self.game
        other.cards = list(self.cards)
        other.public_card = self.public_card
        other.betting = [list(r) for r in self.betting]
        other._letters = [list(r) for r in self._letters]
        other.contributions = list(self.contributions)
        other.num_raises = self.num_raises
        other.current_player = self.current_player
        other.folded = self.folded
        other._dealt = self._dealt
        return other

    def child(self, action: int) -> PokerState:
        other = self.clone()
        other.apply_action(action)
        return other

    def __str__(self) -> str:
        g = self.game
        cards = " ".join(g.card_name(c) for c in self.cards)
        rounds = " | ".join("".join("fcr"[a] for a in r) for r in self.betting)
        public = f" public {g.card_name(self.public_card)}" if self.public_card is not None else ""
        return f"cards {cards}{public} betting {rounds or '-'} pot {self.pot}"


def information_state_tensor(
    game: PokerGame,
    player: int,
    card: int,
    public_card: int | None,
    betting: Sequence[Sequence[int]],
    contributions: Sequence[int],
) -> list[float]:
    """The observation vector of an information state, all values in [0, 1].

    Layout: seat one-hot (2); own card's rank one-hot (3); the public card's rank one-hot
    (3, Leduc only; zeros before it is dealt); for each round and each of its
    ``max_raises + 2`` action slots, the action one-hot (fold, call, raise); then the chips
    the player and its opponent have put in, divided by the most a player can put in.
    Suits are left out: they never matter in these games.
    """
    vector = [0.0] * observation_size(game)
    vector[player] = 1.0
    vector[2 + game.rank(card)] = 1.0
    offset = 5
    if game.has_public_card:
        if public_card is not None:
            vector[offset + game.rank(public_card)] = 1.0
        offset += 3
    slots = game.max_actions_per_round
    for r, actions in enumerate(betting):
        for i, a in enumerate(actions):
            vector[offset + (r * slots + i) * 3 + a] = 1.0
    offset += game.num_rounds * slots * 3
    vector[offset] = contributions[player] / game.max_contribution
    vector[offset + 1] = contributions[1 - player] / game.max_contribution
    return vector


def observation_size(game: PokerGame) -> int:
    """Length of :func:`information_state_tensor`: 16 for Kuhn, 34 for Leduc."""
    return 2 + 3 + (3 if game.has_public_card else 0) + game.num_rounds * game.max_actions_per_round * 3 + 2
