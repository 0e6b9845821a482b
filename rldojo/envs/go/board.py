"""The rules of Go: a board that knows chains, liberties, captures, ko and the score.

Pure Python and numpy: no Gymnasium, no pygame. Environments, opponents, agents and
tests all use :class:`GoBoard` directly.

Conventions
-----------
- Points are integers ``row * size + col``; ``size * size`` is the pass move.
- ``grid[row, col]`` is 0 for an empty point, 1 (``BLACK``) or 2 (``WHITE``) for a stone.
- Black moves first. Suicide is illegal. Ko is positional superko by default (no move
  may recreate any earlier arrangement of stones) or, with ``ko_rule="simple"``, the
  basic ko rule (no immediate recapture of a single stone that just captured one).
- The score is Tromp–Taylor area scoring: a player's stones plus the empty regions that
  reach only that player's stones; ``score()`` is black minus white minus komi.

Speed
-----
Everything is kept up to date move by move instead of recomputed by flood fill:
each chain keeps its stones, its liberties and the XOR of its stones' Zobrist keys;
every empty point knows how many empty neighbours it has. Legality of a point then
needs a flood fill never: a point with an empty neighbour is never suicide, a
non-capturing move can only repeat a position that had exactly one stone more than
now (so the superko check looks at those few positions), and a capturing move is
checked exactly from the hashes of the chains it takes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from rldojo.envs.options import check_choice, check_integer, check_number

EMPTY, BLACK, WHITE = 0, 1, 2
COLOR_NAMES = {BLACK: "black", WHITE: "white"}
KO_RULES = ("positional_superko", "simple")
MIN_SIZE, MAX_SIZE = 2, 19
# GTP column letters: "I" is skipped by convention.
COLUMNS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


class IllegalMove(ValueError):
    """A move the rules forbid; the message says why."""


# Per-size tables are constants (neighbours, Zobrist keys), shared by every board of
# that size; no board state lives at module level.
_NEIGHBOURS: dict[int, tuple[tuple[int, ...], ...]] = {}
_ZOBRIST: dict[int, tuple[list[int], list[int], dict[int, int], dict[int, int]]] = {}


def neighbours_of(size: int) -> tuple[tuple[int, ...], ...]:
    """For each point of a ``size`` board, the tuple of its orthogonal neighbours."""
    table = _NEIGHBOURS.get(size)
    if table is None:
        rows = []
        for point in range(size * size):
            r, c = divmod(point, size)
            near = []
            if r > 0:
                near.append(point - size)
            if r < size - 1:
                near.append(point + size)
            if c > 0:
                near.append(point - 1)
            if c < size - 1:
                near.append(point + 1)
            rows.append(tuple(near))
        table = _NEIGHBOURS[size] = tuple(rows)
    return table


def _zobrist(size: int):
    """(black keys, white keys, key->point for black, key->point for white)."""
    table = _ZOBRIST.get(size)
    if table is None:
        rng = random.Random(0x5EED + size)  # fixed: the same keys in every process
        n = size * size
        black = [rng.getrandbits(64) for _ in range(n)]
        white = [rng.getrandbits(64) for _ in range(n)]
        table = _ZOBRIST[size] = (
            black,
            white,
            {k: p for p, k in enumerate(black)},
            {k: p for p, k in enumerate(white)},
        )
    return table


class Chain:
    """A maximal group of connected stones of one colour, with its liberties."""

    __slots__ = ("color", "hash", "liberties", "stones")

    def __init__(self, color: int, stones: list[int], liberties: set[int], key: int):
        self.color = color
        self.stones = stones
        self.liberties = liberties
        self.hash = key  # XOR of the Zobrist keys of its stones

    def __repr__(self) -> str:
        return f"Chain({COLOR_NAMES[self.color]}, stones={sorted(self.stones)}, liberties={sorted(self.liberties)})"


class GoBoard:
    """A Go position and its history, with the moves the rules allow.

    :param size: the board is ``size`` x ``size``, 2 to 19
    :param komi: points given to white; an integer komi allows draws
    :param ko_rule: ``"positional_superko"`` (default) or ``"simple"``
    :param max_moves: the game ends and is scored after this many moves (passes
        included); ``2 * size * size`` by default

    For fast readers (renderers, opponents, feature extractors) the position is also
    public, to be read and never written: ``points`` (the colour of each point, a list),
    ``flat_grid`` (the same as a flat int8 view of ``grid``), ``chain_of`` (the
    :class:`Chain` on each point, or None), ``neighbours`` (each point's neighbours) and
    ``atari`` (by colour, the chains with one liberty).
    """

    def __init__(
        self, size: int = 9, komi: float = 7.5, ko_rule: str = "positional_superko", max_moves: int | None = None
    ):
        size = check_integer("size", size, MIN_SIZE, MAX_SIZE)
        check_choice("ko_rule", ko_rule, KO_RULES)
        self.size = size
        self.komi = check_number("komi", komi)  # nan or ±inf would make every score and reward nan or ±inf
        self.ko_rule = ko_rule
        self.max_moves = 2 * size * size if max_moves is None else check_integer("max_moves", max_moves, 1)
        self.num_points = size * size
        self.pass_action = size * size
        self.neighbours = neighbours_of(size)
        zb, zw, kb, kw = _zobrist(size)
        self._keys = (None, zb, zw)
        self._key_to_point = (None, kb, kw)
        self._superko = ko_rule == "positional_superko"
        self.grid = np.zeros((size, size), dtype=np.int8)
        self.flat_grid = self.grid.reshape(-1)  # a view: writes show in grid
        self.clear()

    def clear(self) -> None:
        """Back to the empty board of move 0, keeping size, komi and rules."""
        n = self.num_points
        self.points = [EMPTY] * n  # the same stones as grid, as a list for fast reads
        self.chain_of: list[Chain | None] = [None] * n
        self._empty_neighbours = [len(nb) for nb in self.neighbours]
        self._crowded: set[int] = set()  # empty points with no empty neighbour
        self._chain_sets: tuple[None, set[Chain], set[Chain]] = (None, set(), set())  # live chains by colour
        self.atari: tuple[None, set[Chain], set[Chain]] = (None, set(), set())  # chains with one liberty
        self.flat_grid[:] = 0
        self._open = np.ones(n + 1, dtype=np.int8)  # 1 on empty points and on the pass: the mask before rules
        self._over = False
        self.to_play = BLACK
        self.hash = 0  # Zobrist hash of the stones (not of the side to move)
        self.num_stones = 0
        self.captures = {BLACK: 0, WHITE: 0}  # stones each player has taken
        self.ko_point: int | None = None  # the point the simple ko rule forbids now
        self.consecutive_passes = 0
        self.move_number = 0
        self.last_move: int | None = None
        self.history: list[int] = []  # actions played, passes included
        self._seen = {0}  # hashes of every arrangement of stones so far
        self._seen_by_count: dict[int, list[int]] = {0: [0]}
        self._mask_cache = None
        self._from_empty = True  # the history replays the position (False after from_rows)
        # Stones set up before the first move (handicap, an SGF record's AB/AW): rewind() replays them.
        self.setup_black: tuple[int, ...] = ()
        self.setup_white: tuple[int, ...] = ()
        self.setup_to_play = BLACK

    # ------------------------------------------------------------------ helpers

    def point(self, row: int, col: int) -> int:
        """The action for the point at (row, col)."""
        if not (0 <= row < self.size and 0 <= col < self.size):
            raise ValueError(f"({row}, {col}) is off a {self.size}x{self.size} board")
        return row * self.size + col

    def chain_at(self, point: int) -> Chain | None:
        """The chain holding the stone at ``point``, or None for an empty point."""
        return self.chain_of[point]

    def liberties(self, point: int) -> int:
        """The number of liberties of the chain at ``point`` (0 for an empty point)."""
        chain = self.chain_of[point]
        return 0 if chain is None else len(chain.liberties)

    def chains(self, color: int | None = None) -> list[Chain]:
        """Every chain on the board (of ``color`` if given), each once."""
        if color is None:
            return [*self._chain_sets[BLACK], *self._chain_sets[WHITE]]
        return list(self._chain_sets[color])

    @property
    def is_empty(self) -> bool:
        return self.num_stones == 0

    # ------------------------------------------------------------------ legality

    def _capture_hash(self, point: int, color: int) -> tuple[int, int] | None:
        """For a move of ``color`` at an empty ``point``: (stones taken, XOR of their keys).

        None when the move is suicide.
        """
        board = self.points
        chain_of = self.chain_of
        opponent = 3 - color
        taken = 0
        key = 0
        safe = self._empty_neighbours[point] > 0
        seen: list[Chain] = []
        for n in self.neighbours[point]:
            v = board[n]
            if v == opponent:
                chain = chain_of[n]
                if len(chain.liberties) == 1 and chain not in seen:
                    seen.append(chain)
                    taken += len(chain.stones)
                    key ^= chain.hash
            elif v == color and not safe and len(chain_of[n].liberties) > 1:
                safe = True
        if taken:
            return taken, key
        if not safe:
            return None
        return 0, 0

    def why_illegal(self, action: int, color: int) -> str | None:
        """None for a legal move, else the reason it is not."""
        if action == self.pass_action:
            return None
        if not 0 <= action < self.pass_action:
            return f"action {action} is not a point of a {self.size}x{self.size} board nor the pass {self.pass_action}"
        if self.points[action] != EMPTY:
            return f"point {self.describe(action)} is occupied"
        outcome = self._capture_hash(action, color)
        if outcome is None:
            return f"{COLOR_NAMES[color]} at {self.describe(action)} would be suicide"
        _taken, key = outcome
        if self._superko:
            after = self.hash ^ self._keys[color][action] ^ key
            if after in self._seen:
                return (
                    f"{COLOR_NAMES[color]} at {self.describe(action)} repeats an earlier position (positional superko)"
                )
        elif action == self.ko_point:
            return f"{COLOR_NAMES[color]} at {self.describe(action)} retakes a ko at once (simple ko)"
        return None

    def is_legal(self, action: int, color: int | None = None) -> bool:
        """Whether ``action`` (a point or the pass) is legal for ``color`` (default: the side to move)."""
        if self.is_over():
            return False
        color = self.to_play if color is None else color
        if color == self.to_play and self._mask_cache is not None and 0 <= action <= self.pass_action:
            return bool(self._mask_cache[action])
        return self.why_illegal(int(action), color) is None

    def legal_mask(self) -> np.ndarray:
        """An int8 array of ``size*size + 1`` entries, 1 where the side to move may play.

        After the end of the game every entry is 0. The array is cached until the
        next move; callers get a copy.
        """
        return self.legal_mask_view().copy()

    def legal_mask_view(self) -> np.ndarray:
        """:meth:`legal_mask` without the copy, for the hot paths: read it, never write to it."""
        mask = self._mask_cache
        if mask is not None:
            return mask
        if self._over:
            mask = self._mask_cache = np.zeros(self.pass_action + 1, dtype=np.int8)
            return mask
        mask = self._open.copy()  # empty points and the pass
        color = self.to_play
        board = self.points
        chain_of = self.chain_of
        superko = self._superko
        # Moves that capture: the last liberty of an opponent chain in atari. They are
        # never suicide; under superko the position they make is checked exactly.
        capturing: dict[int, int] = {}
        for chain in self.atari[3 - color]:
            for point in chain.liberties:
                capturing[point] = capturing.get(point, 0) ^ chain.hash
        if capturing and superko:
            now = self.hash
            keys = self._keys[color]
            seen = self._seen
            for point, taken in capturing.items():
                if now ^ keys[point] ^ taken in seen:
                    mask[point] = 0
        # Suicide is possible only on points with no empty neighbour.
        for point in self._crowded:
            if point in capturing:
                continue
            for nb in self.neighbours[point]:
                if board[nb] == color and len(chain_of[nb].liberties) > 1:
                    break
            else:
                mask[point] = 0  # every neighbour is an opponent or a friend in atari
        if superko:
            # A non-capturing move adds one stone: it can only repeat a position that
            # had one stone more than now, and then differs from now by one key.
            earlier = self._seen_by_count.get(self.num_stones + 1)
            if earlier:
                key_to_point = self._key_to_point[color]
                now = self.hash
                for h in earlier:
                    point = key_to_point.get(h ^ now)
                    if point is not None and board[point] == EMPTY and point not in capturing:
                        mask[point] = 0
        elif self.ko_point is not None:
            mask[self.ko_point] = 0
        self._mask_cache = mask
        return mask

    def _atari_chains(self, color: int) -> list[Chain]:
        """Chains of ``color`` with exactly one liberty."""
        return list(self.atari[color])

    def legal_actions(self) -> list[int]:
        """The legal actions of the side to move, in increasing order (pass last)."""
        return np.flatnonzero(self.legal_mask_view()).tolist()

    # ------------------------------------------------------------------ playing

    def play(self, action: int) -> int:
        """Play ``action`` for the side to move; returns the number of stones captured.

        :raises IllegalMove: with the reason, if the rules forbid the move
        """
        action = int(action)
        if self.is_over():
            raise IllegalMove("the game is over")
        color = self.to_play
        mask = self._mask_cache
        if mask is None or not 0 <= action <= self.pass_action or not mask[action]:
            reason = self.why_illegal(action, color)
            if reason is not None:
                raise IllegalMove(reason)
        self._mask_cache = None
        self.history.append(action)
        self.move_number += 1
        self.last_move = action
        self.to_play = 3 - color
        if action == self.pass_action:
            self.consecutive_passes += 1
            self.ko_point = None
            self._over = self.consecutive_passes >= 2 or self.move_number >= self.max_moves
            return 0
        self.consecutive_passes = 0
        self._over = self.move_number >= self.max_moves
        return self._place(action, color)

    def rewind(self, move_number: int) -> None:
        """Back to the position after the first ``move_number`` moves of the history, exactly.

        The moves are replayed on an empty board, so everything the position depends on
        (stones, side to move, captures, ko, passes, the hash and the superko memory) is as
        it was then. It costs a replay, so it is meant for the rare path: taking back a step
        whose second half failed.

        :raises ValueError: for a board set up by :meth:`from_rows` (its history does not
            replay its position), or a ``move_number`` beyond the current one
        """
        if not self._from_empty:
            raise ValueError("rewind() needs a board played from the empty position; this one was set up from rows")
        move_number = check_integer("move_number", move_number, 0, self.move_number)
        if move_number == self.move_number:
            return
        history = self.history[:move_number]
        setup = (self.setup_black, self.setup_white, self.setup_to_play)
        self.clear()
        if setup[0] or setup[1]:
            self.place_setup_stones(*setup)
        for action in history:
            self.play(action)

    def place_setup_stones(
        self, black: Sequence[int] = (), white: Sequence[int] = (), to_play: int | None = None
    ) -> None:
        """Put stones on the board before the first move: handicap stones, or an SGF record's AB/AW.

        The position they make is where the game starts: the history (and :meth:`rewind`)
        replays the moves from it, and positional superko counts it as the first position.

        :param black: points of black stones
        :param white: points of white stones
        :param to_play: who moves first, ``BLACK`` or ``WHITE``; by default white when only
            black stones are placed (the handicap convention), else black
        :raises ValueError: after the first move, on a board set up by :meth:`from_rows`, for a
            point off the board, occupied or given twice, or stones left without a liberty
        """
        if self.move_number or not self._from_empty:
            raise ValueError(
                "setup stones go on a board before its first move (move_number 0, not made by from_rows), "
                f"this board is at move {self.move_number}"
            )
        black = [check_integer("black stone", p, 0, self.num_points - 1) for p in black]
        white = [check_integer("white stone", p, 0, self.num_points - 1) for p in white]
        if to_play is None:
            to_play = WHITE if black and not white else BLACK
        check_choice("to_play", to_play, (BLACK, WHITE))
        points = black + white
        taken = [p for p in points if self.points[p] != EMPTY]
        if len(set(points)) != len(points) or taken:
            bad = sorted({self.describe(p) for p in points if points.count(p) > 1 or p in taken})
            raise ValueError(f"setup stones must go on distinct empty points; occupied or repeated: {', '.join(bad)}")
        for p in black:
            self._put(p, BLACK)
        for p in white:
            self._put(p, WHITE)
        self._rebuild_derived()
        for chain in self.chains():
            if not chain.liberties:
                dead = ", ".join(self.describe(p) for p in sorted(chain.stones))
                self._restore_setup()  # a failed call changes nothing
                raise ValueError(f"setup stones would leave a chain without a liberty: {dead}")
        self.setup_black = (*self.setup_black, *black)
        self.setup_white = (*self.setup_white, *white)
        self.setup_to_play = to_play
        self.to_play = to_play
        self._seen = {self.hash}
        self._seen_by_count = {self.num_stones: [self.hash]}
        self._mask_cache = None

    def _restore_setup(self) -> None:
        """Back to the setup stones there were before a failed :meth:`place_setup_stones` call."""
        setup = (self.setup_black, self.setup_white, self.setup_to_play)
        self.clear()
        if setup[0] or setup[1]:
            self.place_setup_stones(*setup)

    @property
    def replays_history(self) -> bool:
        """Whether the setup stones and ``history`` replay the position (False after :meth:`from_rows`)."""
        return self._from_empty

    def _place(self, point: int, color: int) -> int:
        board = self.points
        chain_of = self.chain_of
        neighbours = self.neighbours
        empty_nb = self._empty_neighbours
        key = self._keys[color][point]
        opponent = 3 - color

        board[point] = color
        self.flat_grid[point] = color
        self._open[point] = 0
        self.hash ^= key
        self.num_stones += 1
        liberties = set()
        friends: list[Chain] = []
        enemies: list[Chain] = []
        crowded = self._crowded
        crowded.discard(point)
        for n in neighbours[point]:
            empty_nb[n] -= 1
            v = board[n]
            if v == EMPTY:
                liberties.add(n)
                if not empty_nb[n]:
                    crowded.add(n)
            elif v == color:
                chain = chain_of[n]
                if chain not in friends:
                    friends.append(chain)
            else:
                chain = chain_of[n]
                if chain not in enemies:
                    enemies.append(chain)

        # Join the new stone and its friendly neighbours into one chain (the largest absorbs the rest).
        if friends:
            chain = friends[0]
            for other in friends[1:]:
                if len(other.stones) > len(chain.stones):
                    chain = other
            chain.stones.append(point)
            chain.hash ^= key
            chain.liberties.discard(point)
            chain.liberties |= liberties
            chain_of[point] = chain
            for other in friends:
                if other is chain:
                    continue
                chain.stones.extend(other.stones)
                chain.hash ^= other.hash
                other.liberties.discard(point)
                chain.liberties |= other.liberties
                for s in other.stones:
                    chain_of[s] = chain
                self._chain_sets[color].discard(other)
                self.atari[color].discard(other)
        else:
            chain = Chain(color, [point], liberties, key)
            chain_of[point] = chain
            self._chain_sets[color].add(chain)

        taken = 0
        single_taken = None
        atari = self.atari
        for enemy in enemies:
            enemy.liberties.discard(point)
            left = len(enemy.liberties)
            if not left:
                taken += len(enemy.stones)
                if len(enemy.stones) == 1:
                    single_taken = enemy.stones[0]
                self._remove(enemy)
            elif left == 1:
                atari[opponent].add(enemy)
        if len(chain.liberties) == 1:
            atari[color].add(chain)
        else:
            atari[color].discard(chain)
        if taken:
            self.captures[color] += taken
        # Simple ko: a single stone took a single stone and is itself left in atari.
        if taken == 1 and len(chain.stones) == 1 and len(chain.liberties) == 1:
            self.ko_point = single_taken
        else:
            self.ko_point = None
        h = self.hash
        self._seen.add(h)
        by_count = self._seen_by_count.get(self.num_stones)
        if by_count is None:
            self._seen_by_count[self.num_stones] = [h]
        else:
            by_count.append(h)
        return taken

    def _remove(self, chain: Chain) -> None:
        board = self.points
        chain_of = self.chain_of
        neighbours = self.neighbours
        empty_nb = self._empty_neighbours
        flat = self.flat_grid
        opened = self._open
        crowded = self._crowded
        atari = self.atari
        atari[chain.color].discard(chain)
        for s in chain.stones:
            board[s] = EMPTY
            chain_of[s] = None
            flat[s] = EMPTY
            opened[s] = 1
        for s in chain.stones:
            for n in neighbours[s]:
                empty_nb[n] += 1
                other = chain_of[n]
                if other is not None:
                    other.liberties.add(s)
                    if len(other.liberties) == 2:
                        atari[other.color].discard(other)
                else:
                    crowded.discard(n)
        for s in chain.stones:
            if not empty_nb[s]:
                crowded.add(s)
        self._chain_sets[chain.color].discard(chain)
        self.hash ^= chain.hash
        self.num_stones -= len(chain.stones)

    # ------------------------------------------------------------------ the end

    def is_over(self) -> bool:
        """True after two passes in a row, or once ``max_moves`` moves were played."""
        return self._over

    def area(self) -> tuple[int, int]:
        """Tromp–Taylor area: (black stones + black-only empty regions, the same for white)."""
        board = self.points
        neighbours = self.neighbours
        totals = [0, 0, 0]
        for p in range(self.num_points):
            if board[p]:
                totals[board[p]] += 1
        seen = [False] * self.num_points
        for start in range(self.num_points):
            if board[start] != EMPTY or seen[start]:
                continue
            region = [start]
            seen[start] = True
            reaches = 0  # bit 1: black, bit 2: white
            i = 0
            while i < len(region):
                p = region[i]
                i += 1
                for n in neighbours[p]:
                    v = board[n]
                    if v == EMPTY:
                        if not seen[n]:
                            seen[n] = True
                            region.append(n)
                    else:
                        reaches |= v
            if reaches in (BLACK, WHITE):
                totals[reaches] += len(region)
        return totals[BLACK], totals[WHITE]

    def score(self) -> float:
        """Tromp–Taylor area score: black's area minus white's area minus komi."""
        black, white = self.area()
        return black - white - self.komi

    def winner(self) -> int:
        """1 if black leads by the score, 2 if white does, 0 for a draw (only with an integer komi)."""
        s = self.score()
        return BLACK if s > 0 else WHITE if s < 0 else 0

    # ------------------------------------------------------------------ copies and text

    def copy(self) -> GoBoard:
        """An independent board with the same position, history and rules."""
        other = GoBoard.__new__(GoBoard)
        other.__dict__.update(self.__dict__)
        other.grid = self.grid.copy()
        other.flat_grid = other.grid.reshape(-1)
        other.points = self.points.copy()
        other._open = self._open.copy()
        other._empty_neighbours = self._empty_neighbours.copy()
        mapping: dict[int, Chain] = {}
        chain_of: list[Chain | None] = []
        for chain in self.chain_of:
            if chain is None:
                chain_of.append(None)
                continue
            twin = mapping.get(id(chain))
            if twin is None:
                twin = mapping[id(chain)] = Chain(chain.color, chain.stones.copy(), chain.liberties.copy(), chain.hash)
            chain_of.append(twin)
        other.chain_of = chain_of
        other._chain_sets = (
            None,
            {mapping[id(c)] for c in self._chain_sets[BLACK]},
            {mapping[id(c)] for c in self._chain_sets[WHITE]},
        )
        other.atari = (None, {mapping[id(c)] for c in self.atari[BLACK]}, {mapping[id(c)] for c in self.atari[WHITE]})
        other._crowded = self._crowded.copy()
        other.captures = dict(self.captures)
        other.history = self.history.copy()
        other._seen = self._seen.copy()
        other._seen_by_count = {k: v.copy() for k, v in self._seen_by_count.items()}
        other._mask_cache = None
        return other

    @classmethod
    def from_rows(cls, rows: list[str], to_play: int = BLACK, **kwargs) -> GoBoard:
        """A board set up from text: one string a row, ``X`` black, ``O`` white, ``.`` empty.

        Handy for tests and puzzles; the position is the only history (for superko).
        Chains without a liberty are an error.
        """
        size = len(rows)
        board = cls(size, **kwargs)
        for r, row in enumerate(rows):
            cells = row.replace(" ", "")
            if len(cells) != size:
                raise ValueError(f"row {r} has {len(cells)} points, expected {size}")
            for c, ch in enumerate(cells):
                if ch in "Xx":
                    board._put(r * size + c, BLACK)
                elif ch in "Oo":
                    board._put(r * size + c, WHITE)
                elif ch not in ".+":
                    raise ValueError(f"unknown character {ch!r} in row {r}: use X, O or .")
        board._rebuild_derived()
        for chain in board.chains():
            if not chain.liberties:
                raise ValueError(f"{chain} has no liberty")
        board._seen = {board.hash}
        board._seen_by_count = {board.num_stones: [board.hash]}
        board.to_play = to_play
        board._mask_cache = None
        board._from_empty = False
        return board

    def _rebuild_derived(self) -> None:
        """Recompute the crowded points and chain sets from the stones (after ``_put``)."""
        board = self.points
        self._crowded = {p for p in range(self.num_points) if board[p] == EMPTY and not self._empty_neighbours[p]}
        self._chain_sets = (None, set(), set())
        self.atari = (None, set(), set())
        for chain in {id(c): c for c in self.chain_of if c is not None}.values():
            self._chain_sets[chain.color].add(chain)
            if len(chain.liberties) == 1:
                self.atari[chain.color].add(chain)

    def _put(self, point: int, color: int) -> None:
        """Place a stone with no capture and no rule check (setting up positions)."""
        board = self.points
        chain_of = self.chain_of
        key = self._keys[color][point]
        board[point] = color
        self.flat_grid[point] = color
        self._open[point] = 0
        self.hash ^= key
        self.num_stones += 1
        for n in self.neighbours[point]:
            self._empty_neighbours[n] -= 1
            other = chain_of[n]
            if other is not None:
                other.liberties.discard(point)
        chain = Chain(color, [point], {n for n in self.neighbours[point] if board[n] == EMPTY}, key)
        chain_of[point] = chain
        for n in self.neighbours[point]:
            other = chain_of[n]
            if other is not None and other.color == color and other is not chain:
                chain.stones.extend(other.stones)
                chain.liberties |= other.liberties
                chain.hash ^= other.hash
                for s in other.stones:
                    chain_of[s] = chain

    def describe(self, action: int) -> str:
        """An action in GTP's words: ``C3`` (column letter without I, row counted from the bottom) or ``pass``."""
        if action == self.pass_action:
            return "pass"
        r, c = divmod(int(action), self.size)
        return f"{COLUMNS[c]}{self.size - r}"

    def parse(self, vertex: str) -> int:
        """The action for a GTP vertex such as ``C3`` or ``pass``."""
        text = vertex.strip().upper()
        if text == "PASS":
            return self.pass_action
        if len(text) < 2 or text[0] not in COLUMNS[: self.size] or not text[1:].isdigit():
            raise ValueError(f"{vertex!r} is not a vertex of a {self.size}x{self.size} board")
        c = COLUMNS.index(text[0])
        r = self.size - int(text[1:])
        if not 0 <= r < self.size:
            raise ValueError(f"{vertex!r} is not a vertex of a {self.size}x{self.size} board")
        return r * self.size + c

    def __str__(self) -> str:
        marks = {EMPTY: ".", BLACK: "X", WHITE: "O"}
        header = "   " + " ".join(COLUMNS[: self.size])
        lines = [header]
        for r in range(self.size):
            row = " ".join(marks[self.points[r * self.size + c]] for c in range(self.size))
            lines.append(f"{self.size - r:2d} {row}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"GoBoard(size={self.size}, komi={self.komi}, ko_rule={self.ko_rule!r}, move={self.move_number})"


def fixed_handicap(size: int, stones: int) -> list[int]:
    """The points of GTP's fixed handicap placement (GNU Go's), listed top row first, left to right.

    Star points on the third line (the fourth from 13x13 up): 2 to 4 stones on 7x7 and on
    even sizes, 2 to 9 on odd sizes from 9x9; none below 7x7.

    :raises ValueError: for a number of stones the size does not allow
    """
    size = check_integer("size", size, MIN_SIZE, MAX_SIZE)
    most = 0 if size < 7 else 9 if size % 2 and size >= 9 else 4
    if most == 0:
        raise ValueError(f"fixed handicap needs a board of 7x7 or more, got size {size}")
    stones = check_integer("stones", stones, 2, most)
    edge = 2 if size <= 12 else 3  # the third line, or the fourth on large boards
    low, mid, high = edge, size // 2, size - 1 - edge
    # (row, col), row 0 at the top: top-right and bottom-left first, then the other corners,
    # then the sides, with the centre for an odd count.
    order = [(low, high), (high, low), (low, low), (high, high)]
    if stones >= 6:
        order += [(mid, low), (mid, high)]
    if stones >= 8:
        order += [(low, mid), (high, mid)]
    if stones % 2 and stones >= 5:
        order.append((mid, mid))
    return sorted(r * size + c for r, c in order[:stones])


# _PLANE_TABLES[color][plane, cell value]: planes 0-2 of board_planes by one np.take.
_PLANE_TABLES = (
    None,
    np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=np.float32),
    np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], dtype=np.float32),
)


def board_planes(board: GoBoard, color: int | None = None, mask: np.ndarray | None = None) -> np.ndarray:
    """The observation planes of ``board`` seen by ``color`` (default: the side to move).

    A float32 array of shape (5, size, size): 0 ``color``'s stones, 1 the other
    player's stones, 2 empty points, 3 the legal moves of the side to move when that is
    ``color`` (zeros otherwise), 4 all ones when black is to move (zeros when white).
    """
    color = board.to_play if color is None else color
    n = board.size
    planes = np.empty((5, n * n), dtype=np.float32)
    np.take(_PLANE_TABLES[color], board.flat_grid, axis=1, out=planes[:3])
    if color == board.to_play:
        planes[3] = (board.legal_mask_view() if mask is None else mask)[:-1]
    else:
        planes[3] = 0.0
    planes[4] = 1.0 if board.to_play == BLACK else 0.0
    return planes.reshape(5, n, n)


def board_from_planes(planes: np.ndarray, komi: float = 7.5, ko_rule: str = "positional_superko") -> GoBoard:
    """A board with the stones of observation ``planes`` (see :func:`board_planes`), side to move set.

    History is unknown, so superko sees only this position; use the legal-move plane
    for the true legality.
    """
    planes = np.asarray(planes)
    size = planes.shape[-1]
    to_play = BLACK if planes[4].flat[0] > 0.5 else WHITE
    own, other = (BLACK, WHITE) if to_play == BLACK else (WHITE, BLACK)
    marks = {BLACK: "X", WHITE: "O"}
    rows = []
    for r in range(size):
        row = []
        for c in range(size):
            row.append(marks[own] if planes[0, r, c] > 0.5 else marks[other] if planes[1, r, c] > 0.5 else ".")
        rows.append("".join(row))
    return GoBoard.from_rows(rows, to_play=to_play, komi=komi, ko_rule=ko_rule)
