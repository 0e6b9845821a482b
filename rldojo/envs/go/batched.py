"""Go on a batch of boards at once: the rules of :class:`~rldojo.envs.go.board.GoBoard` on B boards, in numpy.

Pure numpy and the stdlib: no Gymnasium, no pygame. :class:`GoBatch` holds B games of one
size (2 to 19) and the same rules, and plays one move on every board with a few dozen array
operations, whatever B is: there is no Python loop over boards in :meth:`GoBatch.play` or in
the legal masks. The rules are those of ``GoBoard`` move for move: captures, suicide
illegal, positional superko (or the simple ko rule), the end after two passes in a row or
``max_moves`` moves, and Tromp–Taylor area scoring.

How it is fast
--------------
The boards are padded with a border ring and flattened, so a point's neighbours are four
fixed offsets. Every stone knows the root of its chain (``chain``: a point of that chain,
relabelled when chains merge), and every chain keeps *pseudo-liberties*: the number ``L`` of
(stone, empty neighbour) pairs, the sum ``S`` and the sum of squares ``Q`` of those empty
points. A chain has no liberty when ``L == 0`` and exactly one (it is in atari) when
``L * Q == S * S`` (all its pseudo-liberties are the same point, which is then ``S / L``).
These numbers change only around the move (and around the stones a capture takes), so a
move updates a handful of entries per board. The legal mask starts from the empty points,
which are kept up to date, with each point's count of empty neighbours: only an empty point
with no empty neighbour can be suicide, and those few are looked at (a friendly neighbour
chain not in atari, or an enemy one in atari, saves them). Then superko (below) or the
simple-ko point clears its moves.

Speed: on 9x9 with 256 boards, a move on every board plus the masks and observation planes
is about 150 numpy calls; ``python -m benchmarks.throughput_vector_go`` measures it against
raw OpenSpiel and pgx (see the vector envs guide for the figures).

How superko is exact
--------------------
Each board keeps its history of positions three ways: the 64-bit Zobrist hash of every
arrangement of stones it has had, the number of stones in each, and the arrangement
itself (packed to two bits a point). Hashes only *find candidates*; a move is refused only
when the position it would make is equal, stone for stone, to a stored one:

- a move that captures nothing adds one stone, so it can only repeat a position with one
  stone more than now whose hash differs from now by that stone's key: those positions are
  found by their stone count, and the key by a sorted table of keys;
- a capturing move is the last liberty of enemy chains in atari; the hash of the position
  it makes is known from the chains' hashes, tested against a per-board bit filter of the
  history's hashes, then against the hashes themselves.

Each candidate is then rebuilt and compared with the stored arrangement. Equal positions
always have equal hashes and stone counts, so no repetition is missed; and a hash collision
(two different positions with one hash) refuses nothing, since the comparison of the
stones decides. ``GoBoard`` itself trusts its 64-bit hashes, so the two differ only on a
collision, which the tests make happen by injecting keys (``zobrist=``).
"""

from __future__ import annotations

import numpy as np

from rldojo.envs.go.board import (
    BLACK,
    COLOR_NAMES,
    COLUMNS,
    EMPTY,
    KO_RULES,
    MAX_SIZE,
    MIN_SIZE,
    WHITE,
    GoBoard,
    IllegalMove,
)
from rldojo.envs.options import check_choice, check_integer, check_number

BORDER = 3  # the value of the padding ring around every board
_NONE = -1  # no point (no ko point, no last move)
_INNER = (slice(None), slice(1, -1), slice(1, -1))  # the board inside the ring, of (B, W, W) arrays
# Columns of the chain table, one row per chain root: pseudo-liberties L, their sum S and sum of
# squares Q, the XOR of the chain's stones' Zobrist keys, and its number of stones.
_LIBS, _LIB_SUM, _LIB_SQUARES, _HASH, _SIZE = range(5)
_COLUMNS = 5
_PLANE_COLOURS = np.array([[0, 0, 0], [BLACK, WHITE, EMPTY], [WHITE, BLACK, EMPTY]], dtype=np.int8)  # by viewer


class GoBatch:
    """B Go games of one size and rules, played a move on every board at a time.

    :param num_boards: B, the number of boards (at least 1)
    :param size: the boards are ``size`` x ``size``, 2 to 19
    :param komi: points given to white; an integer komi allows draws
    :param ko_rule: ``"positional_superko"`` (default) or ``"simple"``, as in ``GoBoard``
    :param max_moves: each game ends and is scored after this many moves (passes included);
        ``2 * size * size`` by default
    :param zobrist: the Zobrist keys, a uint64 array of shape (2, size * size) (black's row,
        then white's), nonzero and all different; ``None`` for fixed random keys. For tests
        that force hash collisions: the rules never depend on the keys, only the speed does.

    Points and actions are numbered as in ``GoBoard``: ``row * size + col``, and
    ``size * size`` passes. The state is public for reading, one entry a board: ``to_play``
    (1 black, 2 white), ``move_number``, ``consecutive_passes``, ``over``, ``num_stones``,
    ``captures`` (shape (B, 3): stones taken by black at 1, by white at 2) and ``history``
    (the actions played); :attr:`grid`, :attr:`hash`, :attr:`ko_point` and :attr:`last_move`
    give the rest.
    """

    def __init__(
        self,
        num_boards: int,
        size: int = 9,
        komi: float = 7.5,
        ko_rule: str = "positional_superko",
        max_moves: int | None = None,
        zobrist: np.ndarray | None = None,
    ):
        self.num_boards = B = check_integer("num_boards", num_boards, 1)
        self.size = n = check_integer("size", size, MIN_SIZE, MAX_SIZE)
        self.komi = check_number("komi", komi)
        check_choice("ko_rule", ko_rule, KO_RULES)
        self.ko_rule = ko_rule
        self.max_moves = 2 * n * n if max_moves is None else check_integer("max_moves", max_moves, 1)
        self.num_points = N = n * n
        self.pass_action = N
        self.num_actions = N + 1
        self.width = W = n + 2
        self.num_padded = P = W * W
        rows, cols = np.divmod(np.arange(N), n)
        self.padded_of = (rows + 1) * W + cols + 1  # action -> padded point
        self.action_of = np.full(P + 1, _NONE, dtype=np.int64)  # padded point -> action
        self.action_of[self.padded_of] = np.arange(N)
        self._offsets = np.array([-W, W, -1, 1], dtype=np.int64)
        self._set_keys(zobrist)
        # What a stone at a padded point adds to a chain's table when that point is its empty neighbour.
        self._pair_terms = np.zeros((P + 1, _COLUMNS), dtype=np.int64)
        self._pair_terms[:P, _LIBS] = 1
        self._pair_terms[:P, _LIB_SUM] = np.arange(P)
        self._pair_terms[:P, _LIB_SQUARES] = np.arange(P) ** 2  # row P ("no point") stays zero
        # Bits of the packed position: black's stones at [0, N), white's at [N, 2N), as np.packbits lays them.
        bit_index = np.stack([np.zeros(N, dtype=np.int64), np.arange(N), N + np.arange(N)])
        self._byte_of = bit_index >> 3
        self._bit_of = (0x80 >> (bit_index & 7)).astype(np.uint8)

        self.stones = np.full((B, P), BORDER, dtype=np.int8)  # padded boards, flattened
        self.chain = np.full((B, P), P, dtype=np.int64)  # the root of each stone's chain; P: none
        # One row of _COLUMNS numbers per chain root; row P is "no chain" (always zero), row P + 1 a sink
        # for updates that touch no chain.
        self._chains = np.zeros((B, P + 2, _COLUMNS), dtype=np.int64)
        self._row_of = np.arange(B, dtype=np.int64)[:, None] * (P + 2)  # each board's first row of the table
        self.in_atari = np.zeros((B, P + 1), dtype=bool)  # at chain roots only
        self._open = np.zeros((B, N + 1), dtype=np.int8)  # 1 on empty points and on the pass
        self._empty_near = np.zeros((B, P), dtype=np.int8)  # empty neighbours of each point
        self._packed_now = np.zeros((B, (2 * N + 7) // 8), dtype=np.uint8)  # the position, two bits a point
        self._hash = np.zeros(B, dtype=np.int64)  # Zobrist hash of the stones (uint64 bits)
        self.num_stones = np.zeros(B, dtype=np.int64)
        self.to_play = np.full(B, BLACK, dtype=np.int64)
        self.move_number = np.zeros(B, dtype=np.int64)
        self.consecutive_passes = np.zeros(B, dtype=np.int64)
        self.over = np.zeros(B, dtype=bool)
        self.captures = np.zeros((B, 3), dtype=np.int64)
        self._ko = np.full(B, _NONE, dtype=np.int64)  # the padded point the simple ko rule forbids
        self._last = np.full(B, _NONE, dtype=np.int64)
        self.history = np.zeros((B, self.max_moves), dtype=np.int16)  # actions played, passes included
        # The superko memory: one entry per arrangement of stones (the empty board, then one per stone move).
        H = self.max_moves + 1
        self._seen_hash = np.zeros((B, H), dtype=np.int64)
        self._seen_count = np.full((B, H), -1, dtype=np.int16)  # stones in it; -1: no entry
        self._seen_stones = np.zeros((B, H, self._packed_now.shape[1]), dtype=np.uint8)
        self._seen_len = np.zeros(B, dtype=np.int64)
        self._most_stones = np.zeros(B, dtype=np.int64)  # the most stones each board has had
        filter_bits = max(10, (16 * H).bit_length())
        self._filter = np.zeros((B, 1 << filter_bits), dtype=bool)  # a bit filter of the history's hashes
        self._filter_mask = (1 << filter_bits) - 1
        self._mask = np.zeros((B, N + 1), dtype=np.int8)
        self.reset()

    def _set_keys(self, zobrist: np.ndarray | None) -> None:
        n, N, P = self.size, self.num_points, self.num_padded
        if zobrist is None:
            zobrist = np.random.default_rng(0x5EED + n).integers(1, 2**64, size=(2, N), dtype=np.uint64)
        zobrist = np.asarray(zobrist)
        if zobrist.shape != (2, N) or zobrist.dtype != np.uint64:
            raise ValueError(f"zobrist must be a uint64 array of shape (2, {N}), got {zobrist.dtype} {zobrist.shape}")
        if (zobrist == 0).any() or len(np.unique(zobrist)) != 2 * N:
            raise ValueError("zobrist keys must be nonzero and all different")
        self.zobrist = zobrist.copy()  # the keys in use, (2, N) uint64: black's row, then white's
        keys = zobrist.view(np.int64)  # XOR works alike on the signed view
        self._keys = np.zeros((3, P + 1), dtype=np.int64)  # [colour, padded point]
        self._keys[1, self.padded_of] = keys[0]
        self._keys[2, self.padded_of] = keys[1]
        # key -> (colour, padded point), sorted, for the candidates of non-capturing repeats
        flat = keys.reshape(-1)
        order = np.argsort(flat)
        self._sorted_keys = flat[order]
        self._sorted_color = order // N + 1
        self._sorted_point = self.padded_of[order % N]

    # ------------------------------------------------------------------ state

    def reset(self, mask: np.ndarray | None = None) -> None:
        """Empty boards at move 0, black to play: all of them, or those where ``mask`` is true."""
        rows = slice(None) if mask is None else np.flatnonzero(self._board_mask(mask, "mask"))
        W = self.width
        stones = self.stones[rows]
        stones[...] = BORDER
        stones.reshape(-1, W, W)[_INNER] = EMPTY
        self.stones[rows] = stones
        near = np.zeros((W, W), dtype=np.int8)  # empty neighbours of each point on an empty board
        inner = np.zeros((W, W), dtype=np.int8)
        inner[_INNER[1:]] = 1
        near[1:-1, 1:-1] = inner[:-2, 1:-1] + inner[2:, 1:-1] + inner[1:-1, :-2] + inner[1:-1, 2:]
        self._empty_near[rows] = near.reshape(-1)
        self.chain[rows] = self.num_padded
        self._chains[rows] = 0
        self.in_atari[rows] = False
        self._open[rows] = 1
        self._packed_now[rows] = 0
        self._hash[rows] = 0
        self.num_stones[rows] = 0
        self.to_play[rows] = BLACK
        self.move_number[rows] = 0
        self.consecutive_passes[rows] = 0
        self.over[rows] = False
        self.captures[rows] = 0
        self._ko[rows] = _NONE
        self._last[rows] = _NONE
        self._seen_hash[rows] = 0
        self._seen_count[rows] = -1
        self._seen_count[rows, 0] = 0  # the empty board
        self._seen_stones[rows] = 0
        self._seen_len[rows] = 1
        self._most_stones[rows] = 0
        self._filter[rows] = False
        self._filter[rows, 0] = True  # hash 0: the empty board
        self._mask[rows] = 1  # on an empty board every point is legal

    def _board_mask(self, mask, name: str) -> np.ndarray:
        mask = np.asarray(mask)
        if mask.shape != (self.num_boards,) or mask.dtype != bool:
            raise ValueError(
                f"{name} must be a bool array of shape ({self.num_boards},), got {mask.dtype} {mask.shape}"
            )
        return mask

    @property
    def grid(self) -> np.ndarray:
        """The stones, shape (B, size, size): 0 empty, 1 black, 2 white (a copy)."""
        W = self.width
        return self.stones.reshape(-1, W, W)[_INNER].copy()

    @property
    def hash(self) -> np.ndarray:
        """The Zobrist hash of each board's stones, uint64 (a copy)."""
        return self._hash.view(np.uint64).copy()

    @property
    def ko_point(self) -> np.ndarray:
        """Per board, the point a simple ko forbids now (kept under either rule, as ``GoBoard.ko_point``), or -1."""
        return self.action_of[self._ko]

    @property
    def last_move(self) -> np.ndarray:
        """Per board, the last action played (a point or the pass), or -1 at move 0."""
        return self._last.copy()

    # ------------------------------------------------------------------ legality

    def legal_mask(self) -> np.ndarray:
        """The legal actions of the side to move, shape (B, size*size + 1) int8; all 0 where the game is over."""
        return self._mask.copy()

    def legal_mask_view(self) -> np.ndarray:
        """:meth:`legal_mask` without the copy, for the hot paths: read it, never write to it."""
        return self._mask

    def _update_mask(self) -> None:
        B, n, W = self.num_boards, self.size, self.width
        mask = self._mask
        np.copyto(mask, self._open)  # empty points and the pass
        # Suicide is possible only on points with no empty neighbour: few, looked at one by one.
        crowded = (self._empty_near.reshape(B, W, W)[_INNER] == 0) & (self._open[:, :-1].reshape(B, n, n) == 1)
        boards, inner = np.divmod(np.flatnonzero(crowded), n * n)
        if len(boards):
            r, c = np.divmod(inner, n)
            points = (r + 1) * W + c + 1
            near = points[:, None] + self._offsets
            rows = boards[:, None]
            near_stone = self.stones[rows, near]
            atari = self.in_atari[rows, self.chain[rows, near]]
            colour = self.to_play[boards][:, None]
            safe = ((near_stone == colour) & ~atari) | ((near_stone == 3 - colour) & atari)
            suicide = ~safe.any(1)
            mask[boards[suicide], inner[suicide]] = 0
        if self.ko_rule == "positional_superko":
            self._refuse_repeats(mask)
        else:
            ko = np.flatnonzero(self._ko >= 0)
            mask[ko, self.action_of[self._ko[ko]]] = 0
        mask[self.over] = 0

    def _packed(self, stones: np.ndarray) -> np.ndarray:
        """Arrangements of stones (rows of padded points) packed as ``_packed_now`` is."""
        inner = stones[:, self.padded_of]
        return np.packbits(np.concatenate([inner == BLACK, inner == WHITE], axis=1), axis=1)

    def _refuse_repeats(self, mask: np.ndarray) -> None:
        """Clear the moves of ``mask`` that would recreate an earlier position (positional superko), exactly."""
        colour = self.to_play
        # Moves that capture nothing: positions of one stone more, one key away from now.
        # Only boards that once had more stones than now can repeat a position by adding one.
        rows = np.flatnonzero(self._most_stones > self.num_stones)
        used = int(self._seen_len.max())
        if len(rows) == self.num_boards:
            boards, entries = np.nonzero(self._seen_count[:, :used] == (self.num_stones + 1)[:, None])
        else:
            local, entries = np.nonzero(self._seen_count[rows, :used] == (self.num_stones[rows] + 1)[:, None])
            boards = rows[local]
        if len(boards):
            differ = self._seen_hash[boards, entries] ^ self._hash[boards]
            where = np.minimum(np.searchsorted(self._sorted_keys, differ), len(self._sorted_keys) - 1)
            points = self._sorted_point[where]
            found = (self._sorted_keys[where] == differ) & (self._sorted_color[where] == colour[boards])
            found &= self.stones[boards, points] == EMPTY
            boards, entries, points = boards[found], entries[found], points[found]
            if len(boards):
                # a capturing move there makes another position: it is checked below
                near = points[:, None] + self._offsets
                rows = boards[:, None]
                enemy = self.stones[rows, near] == (3 - colour[boards])[:, None]
                keep = ~(enemy & self.in_atari[rows, self.chain[rows, near]]).any(1)
                boards, entries, points = boards[keep], entries[keep], points[keep]
            if len(boards):
                actions = self.action_of[points]
                c = colour[boards]
                after = self._packed_now[boards]
                after[np.arange(len(boards)), self._byte_of[c, actions]] |= self._bit_of[c, actions]
                same = (after == self._seen_stones[boards, entries]).all(1)
                mask[boards[same], actions[same]] = 0
        # Moves that capture: the liberty of enemy chains in atari; the position they make is known by its hash.
        P = self.num_padded
        boards, roots = np.divmod(np.flatnonzero(self.in_atari), P + 1)
        c = colour[boards]
        enemy = self.stones[boards, roots] == 3 - c
        boards, roots, c = boards[enemy], roots[enemy], c[enemy]
        if not len(boards):
            return
        table = self._chains[boards, roots]
        points = table[:, _LIB_SUM] // table[:, _LIBS]  # the chain's one liberty
        near = points[:, None] + self._offsets
        rows = boards[:, None]
        near_root = self.chain[rows, near]
        taking = (self.stones[rows, near] == (3 - c)[:, None]) & self.in_atari[rows, near_root]
        taking = distinct_roots(np.where(taking, near_root, P), P)  # the chains the move takes, each once
        near_table = self._chains[rows, taking]
        taken_hash = np.bitwise_xor.reduce(near_table[:, :, _HASH], axis=1)
        taken = near_table[:, :, _SIZE].sum(1)
        after_hash = self._hash[boards] ^ self._keys[c, points] ^ taken_hash
        maybe = self._filter[boards, after_hash & self._filter_mask]
        if not maybe.any():
            return
        boards, points, after_hash, c = boards[maybe], points[maybe], after_hash[maybe], c[maybe]
        taken_roots = np.where(taking[maybe] == P, -2, taking[maybe])
        hits = (self._seen_hash[boards] == after_hash[:, None]) & (
            self._seen_count[boards] == (self.num_stones[boards] + 1 - taken[maybe])[:, None]
        )
        cand, entries = np.nonzero(hits)
        if not len(cand):
            return
        boards, points, taken_roots, c = boards[cand], points[cand], taken_roots[cand], c[cand]
        after = self.stones[boards]
        after[(self.chain[boards][:, :, None] == taken_roots[:, None, :]).any(2)] = EMPTY
        after[np.arange(len(boards)), points] = c
        same = (self._packed(after) == self._seen_stones[boards, entries]).all(1)
        mask[boards[same], self.action_of[points[same]]] = 0

    def why_illegal(self, board: int, action: int) -> str | None:
        """None if ``action`` is legal on ``board`` for its side to move, else the reason it is not."""
        board = check_integer("board", board, 0, self.num_boards - 1)
        if self.over[board]:
            return "the game is over"
        if not 0 <= action <= self.pass_action:
            return f"action {action} is not a point of a {self.size}x{self.size} board nor the pass {self.pass_action}"
        if self._mask[board, action]:
            return None
        colour = COLOR_NAMES[int(self.to_play[board])]
        where = self.describe(action)
        p = self.padded_of[action]
        if self.stones[board, p] != EMPTY:
            return f"point {where} is occupied"
        if self._ko[board] == p:
            return f"{colour} at {where} retakes a ko at once (simple ko)"
        near = p + self._offsets
        near_stone = self.stones[board, near]
        atari = self.in_atari[board, self.chain[board, near]]
        mine = int(self.to_play[board])
        safe = (near_stone == EMPTY) | ((near_stone == mine) & ~atari) | ((near_stone == 3 - mine) & atari)
        if not safe.any():
            return f"{colour} at {where} would be suicide"
        return f"{colour} at {where} repeats an earlier position (positional superko)"

    # ------------------------------------------------------------------ playing

    def play(self, actions: np.ndarray, active: np.ndarray | None = None) -> np.ndarray:
        """Play ``actions[i]`` on every board i whose game is on (or on those where ``active`` is true).

        Returns the number of stones each move took (0 where nothing was played).

        :param actions: one action a board, integers (a point or the pass); ignored where not played
        :param active: a bool array, one entry a board; ``None`` plays on every board whose game is on
        :raises IllegalMove: naming the first board whose move the rules forbid; then no board changes
        """
        B = self.num_boards
        actions = np.asarray(actions)
        if actions.shape != (B,) or actions.dtype.kind not in "iu":
            raise ValueError(f"actions must be an integer array of shape ({B},), got {actions.dtype} {actions.shape}")
        boards = np.flatnonzero(~self.over if active is None else self._board_mask(active, "active"))
        moves = actions[boards].astype(np.int64)
        ok = (moves >= 0) & (moves <= self.pass_action)
        ok[ok] = self._mask[boards[ok], moves[ok]] == 1
        if not ok.all():
            bad = int(np.argmin(ok))
            board, action = int(boards[bad]), int(moves[bad])
            raise IllegalMove(f"board {board}: {self.why_illegal(board, action)}")
        taken = np.zeros(B, dtype=np.int64)
        self.history[boards, self.move_number[boards]] = moves
        self.move_number[boards] += 1
        self._last[boards] = moves
        colour = self.to_play[boards]
        self.to_play[boards] = 3 - colour
        passing = moves == self.pass_action
        self.consecutive_passes[boards] = np.where(passing, self.consecutive_passes[boards] + 1, 0)
        self._ko[boards[passing]] = _NONE
        placing = ~passing
        if placing.any():
            placed = boards[placing]
            taken[placed] = self._place(placed, moves[placing], colour[placing])
        self.over[boards] = (self.consecutive_passes[boards] >= 2) | (self.move_number[boards] >= self.max_moves)
        self._update_mask()
        return taken

    def _place(self, boards: np.ndarray, actions: np.ndarray, colour: np.ndarray) -> np.ndarray:
        """Put a stone of ``colour`` on each (board, point), with its captures; the stones each took."""
        k, P = len(boards), self.num_padded
        chains = self._chains
        points = self.padded_of[actions]
        rows = boards[:, None]
        near = points[:, None] + self._offsets  # (k, 4)
        near_stone = self.stones[rows, near]
        near_root = self.chain[rows, near]
        key = self._keys[colour, points]
        self.stones[boards, points] = colour
        self._open[boards, actions] = 0
        self._empty_near[rows, near] -= 1
        self._packed_now[boards, self._byte_of[colour, actions]] |= self._bit_of[colour, actions]
        self._hash[boards] ^= key
        self.num_stones[boards] += 1

        # The point is no longer a liberty of the chains around it: one pair less per adjacent stone.
        touching = (near_stone == BLACK) | (near_stone == WHITE)
        flat_chains = chains.reshape(-1, _COLUMNS)
        base = self._row_of[boards]  # (k, 1): the boards' first rows of the flat chain table
        lost = self._pair_terms[points]
        rows_touched = base + np.where(touching, near_root, P + 1)  # a sink row where no chain is touched
        for d in range(4):  # one direction at a time: within one, every board (so every row) appears once
            flat_chains[rows_touched[:, d]] -= lost

        # Join the stone and its friendly neighbour chains (each once) under the largest one's root.
        friends = distinct_roots(np.where(near_stone == colour[:, None], near_root, P), P)
        friend_table = flat_chains[base + friends]  # (k, 4, columns); row P is all zero
        joined = self._pair_terms[np.where(near_stone == EMPTY, near, P)].sum(1) + friend_table.sum(1)
        joined[:, _HASH] = key ^ np.bitwise_xor.reduce(friend_table[:, :, _HASH], axis=1)
        joined[:, _SIZE] += 1
        has_friend = friends[:, 0] != P
        root = np.where(has_friend, friends[np.arange(k), np.argmax(friend_table[:, :, _SIZE], axis=1)], points)
        chains[boards, root] = joined
        self.chain[boards, points] = root
        absorbed = (friends != P) & (friends != root[:, None])
        merging = np.flatnonzero(absorbed.any(1))
        if len(merging):
            old = np.where(absorbed[merging], friends[merging], P)
            board_rows = boards[merging]
            relabel = np.broadcast_to(np.arange(P + 1), (len(merging), P + 1)).copy()
            relabel[np.arange(len(merging))[:, None], old] = root[merging][:, None]
            relabel[:, P] = P
            self.chain[board_rows] = np.take_along_axis(relabel, self.chain[board_rows], axis=1)
            self.in_atari[board_rows[:, None], old] = False

        # Enemy chains left with no liberty are taken.
        enemies = distinct_roots(np.where(near_stone == (3 - colour)[:, None], near_root, P), P)
        enemy_table = flat_chains[base + enemies]
        dead = (enemies != P) & (enemy_table[:, :, _LIBS] == 0)
        taken = (enemy_table[:, :, _SIZE] * dead).sum(1)
        self.in_atari[boards, root] = _atari(joined)
        self.in_atari[rows, enemies] = ~dead & _atari(enemy_table)  # row P stays False
        capturing = np.flatnonzero(taken)
        if len(capturing):
            cap_boards = boards[capturing]
            self._capture(cap_boards, np.where(dead[capturing], enemies[capturing], P), taken[capturing])
            self.captures[cap_boards, colour[capturing]] += taken[capturing]
        # The simple-ko point (kept under either rule, as GoBoard keeps it): a single stone took a
        # single stone and is itself left with one liberty.
        ko = (taken == 1) & ~has_friend & (chains[boards, points, _LIBS] == 1)
        self._ko[boards] = np.where(ko, np.min(np.where(dead, enemies, P), axis=1), _NONE)
        # Remember the position for superko.
        entry = self._seen_len[boards]
        self._seen_hash[boards, entry] = self._hash[boards]
        self._seen_count[boards, entry] = self.num_stones[boards]
        self._seen_stones.reshape(-1, self._seen_stones.shape[2])[boards * self._seen_stones.shape[1] + entry] = (
            self._packed_now[boards]
        )
        self._most_stones[boards] = np.maximum(self._most_stones[boards], self.num_stones[boards])
        self._filter[boards, self._hash[boards] & self._filter_mask] = True
        self._seen_len[boards] += 1
        return taken

    def _capture(self, boards: np.ndarray, roots: np.ndarray, taken: np.ndarray) -> None:
        """Take the chains ``roots`` (shape (m, 4), P for none) off ``boards``; their points become liberties."""
        P, W, N = self.num_padded, self.width, self.num_points
        rows = boards[:, None]
        self._hash[boards] ^= np.bitwise_xor.reduce(self._chains[rows, roots, _HASH], axis=1)  # row P is zero
        self.num_stones[boards] -= taken
        self.in_atari[rows, roots] = False
        sub = self.chain[boards]
        dead = np.zeros((len(boards), P + 1), dtype=bool)
        dead[np.arange(len(boards))[:, None], roots] = True
        dead[:, P] = False
        gone = np.take_along_axis(dead, sub, axis=1)
        stones = self.stones[boards]
        stones[gone] = EMPTY
        sub[gone] = P
        self.stones[boards] = stones
        self.chain[boards] = sub
        opened = self._open[boards]
        opened[:, :N] |= gone[:, self.padded_of]
        self._open[boards] = opened
        self._packed_now[boards] = self._packed(stones)
        # Every point next to a taken one gains an empty neighbour; a stone there, a liberty (the taker's).
        g = gone.astype(np.int64)
        at = np.arange(W, P - W)
        up, down, left, right = g[:, : P - 2 * W], g[:, 2 * W :], g[:, W - 1 : P - W - 1], g[:, W + 1 : P - W + 1]
        gain = up + down + left + right
        near_empty = self._empty_near[boards]
        near_empty[:, W : P - W] += gain.astype(np.int8)
        self._empty_near[boards] = near_empty
        middle = stones[:, W : P - W]
        i, j = np.nonzero((gain > 0) & ((middle == BLACK) | (middle == WHITE)))
        terms = np.zeros((len(i), _COLUMNS), dtype=np.int64)
        terms[:, _LIBS] = gain[i, j]
        terms[:, _LIB_SUM] = (up * (at - W) + down * (at + W) + left * (at - 1) + right * (at + 1))[i, j]
        terms[:, _LIB_SQUARES] = (
            up * (at - W) ** 2 + down * (at + W) ** 2 + left * (at - 1) ** 2 + right * (at + 1) ** 2
        )[i, j]
        gainers = sub[i, j + W]
        np.add.at(self._chains.reshape(-1, _COLUMNS), boards[i] * (P + 2) + gainers, terms)
        self.in_atari[boards[i], gainers] = _atari(self._chains[boards[i], gainers])

    def liberties(self, boards: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The exact liberties of every chain of ``boards``: (number, sum of their padded points).

        Two int arrays of shape (len(boards), num_padded + 1), indexed by chain root (the
        ``chain`` of a stone). Counted afresh from the empty points, for callers that need more
        than "none or one" (the greedy opponent); play itself never needs them.
        """
        P = self.num_padded
        boards = np.asarray(boards, dtype=np.int64)
        row, point = np.nonzero(self.stones[boards] == EMPTY)
        near = point[:, None] + self._offsets
        roots = distinct_roots(self.chain[boards[row, None], near], P)  # empty and border neighbours: root P
        flat = (row[:, None] * (P + 1) + roots).reshape(-1)
        size = len(boards) * (P + 1)
        count = np.bincount(flat, minlength=size).reshape(len(boards), P + 1)
        total = np.bincount(flat, weights=np.repeat(point, 4), minlength=size).reshape(len(boards), P + 1)
        count[:, P] = 0
        total[:, P] = 0
        return count, total.astype(np.int64)

    def move_effects(self, boards: np.ndarray) -> tuple[np.ndarray, ...]:
        """What each legal stone of the side to move on ``boards`` would do, without playing it.

        The batched counterpart of :func:`rldojo.envs.go.opponents.move_effects`, one entry per
        (board, legal point), ordered by board then point: ``(board, action, taken, rescued,
        two_liberties, eye)`` where ``taken`` counts the stones the move captures, ``rescued`` the
        stones of the mover's chains in atari that it joins, ``two_liberties`` says whether, when it
        captures nothing, the chain it makes has two liberties or more, and ``eye`` whether the
        point is surrounded by the mover's stones only.

        :param boards: the indices of the boards, increasing
        """
        P, N = self.num_padded, self.num_points
        boards = np.asarray(boards, dtype=np.int64)
        count, total = self.liberties(boards)
        local, action = np.nonzero(self._mask[boards, :N])
        board = boards[local]
        point = self.padded_of[action]
        near = point[:, None] + self._offsets
        near_stone = self.stones[board[:, None], near]
        near_root = self.chain[board[:, None], near]
        colour = self.to_play[board][:, None]
        sizes = self._chains[:, :, _SIZE]
        enemies = distinct_roots(np.where(near_stone == 3 - colour, near_root, P), P)
        taken = (sizes[board[:, None], enemies] * (count[local[:, None], enemies] == 1)).sum(1)
        friends = distinct_roots(np.where(near_stone == colour, near_root, P), P)
        friend_libs = count[local[:, None], friends]
        rescued = (sizes[board[:, None], friends] * (friend_libs == 1)).sum(1)
        # Liberties after a move that takes nothing: its empty neighbours, and its friends' other than itself.
        empty = near_stone == EMPTY
        others = np.where(friend_libs == 2, total[local[:, None], friends] - point[:, None], -1)
        values = np.sort(np.concatenate([np.where(empty, near, -1), others], axis=1), axis=1)
        distinct = np.count_nonzero((values[:, 1:] != values[:, :-1]) & (values[:, 1:] >= 0), axis=1)
        two_liberties = (friend_libs >= 3).any(1) | (distinct + (values[:, 0] >= 0) >= 2)
        eye = ~empty.any(1) & ~(near_stone == 3 - colour).any(1)
        return board, action, taken, rescued, two_liberties, eye

    # ------------------------------------------------------------------ the end

    def area(self, boards: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Tromp–Taylor area of each board (or of ``boards``): (black's, white's), each an int array."""
        rows = np.arange(self.num_boards) if boards is None else np.asarray(boards, dtype=np.int64)
        W = self.width
        stones = self.stones[rows].reshape(-1, W, W)
        empty = stones == EMPTY
        colour_bit = np.where(stones == BORDER, 0, stones).astype(np.uint8)  # 1 black, 2 white

        def near(bits):
            return bits[:, :-2, 1:-1] | bits[:, 2:, 1:-1] | bits[:, 1:-1, :-2] | bits[:, 1:-1, 2:]

        # The colours each empty point reaches through empty points: grown until nothing changes.
        reach = np.zeros_like(colour_bit)
        reach[_INNER] = near(colour_bit) * empty[_INNER]
        while True:
            grown = reach.copy()
            grown[_INNER] |= near(reach) * empty[_INNER]
            if np.array_equal(grown, reach):
                break
            reach = grown
        black = (stones == BLACK).sum((1, 2)) + ((reach == BLACK) & empty).sum((1, 2))
        white = (stones == WHITE).sum((1, 2)) + ((reach == WHITE) & empty).sum((1, 2))
        return black, white

    def score(self, boards: np.ndarray | None = None) -> np.ndarray:
        """Tromp–Taylor area score of each board (or of ``boards``): black's area minus white's minus komi."""
        black, white = self.area(boards)
        return (black - white) - self.komi

    def winner(self, boards: np.ndarray | None = None) -> np.ndarray:
        """1 where black leads by the score, 2 where white does, 0 for a draw."""
        s = self.score(boards)
        return np.where(s > 0, BLACK, np.where(s < 0, WHITE, 0))

    # ------------------------------------------------------------------ observations and copies

    def planes(self, color: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """The observation planes of every board from ``color``'s side (default: the side to move).

        A float32 array of shape (B, 5, size, size), as :func:`~rldojo.envs.go.board.board_planes`
        gives for each board: 0 ``color``'s stones, 1 the other's, 2 empty points, 3 the legal
        moves when ``color`` is to move (zeros otherwise), 4 ones when black is to move.

        :param color: one colour a board (1 or 2)
        :param out: a float32 array of that shape to fill instead of a new one
        """
        B, n, W = self.num_boards, self.size, self.width
        color = self.to_play if color is None else np.asarray(color)
        planes = np.empty((B, 5, n, n), dtype=np.float32) if out is None else out
        inner = self.stones.reshape(B, 1, W, W)[:, :, 1:-1, 1:-1]
        lit = _PLANE_COLOURS[color]  # the colour each of planes 0-2 shows
        planes[:, :3] = np.equal(inner, lit[:, :, None, None])
        np.multiply(self._mask[:, :-1].reshape(B, n, n), (color == self.to_play)[:, None, None], out=planes[:, 3])
        planes[:, 4] = (self.to_play == BLACK)[:, None, None]
        return planes

    def to_board(self, board: int) -> GoBoard:
        """Board ``board`` as a :class:`GoBoard`, replayed move by move (for the opponents needing one)."""
        board = check_integer("board", board, 0, self.num_boards - 1)
        single = GoBoard(self.size, komi=self.komi, ko_rule=self.ko_rule, max_moves=self.max_moves)
        for action in self.history[board, : self.move_number[board]].tolist():
            single.play(action)
        return single

    def describe(self, action: int) -> str:
        """An action in GTP's words (``C3`` or ``pass``), as ``GoBoard.describe``."""
        if action == self.pass_action:
            return "pass"
        r, c = divmod(int(action), self.size)
        return f"{COLUMNS[c]}{self.size - r}"

    def __repr__(self) -> str:
        return f"GoBatch(num_boards={self.num_boards}, size={self.size}, komi={self.komi}, ko_rule={self.ko_rule!r})"


def distinct_roots(roots: np.ndarray, none: int) -> np.ndarray:
    """Rows of 4 chain roots, sorted, each root once: repeats (and absent entries) become ``none``."""
    roots = np.sort(roots, axis=1)
    roots[:, 1:][roots[:, 1:] == roots[:, :-1]] = none
    return roots


def _atari(table: np.ndarray) -> np.ndarray:
    """Whether chains (rows of the chain table) have exactly one liberty: all their pseudo-liberties one point."""
    libs = table[..., _LIBS]
    return (libs > 0) & (libs * table[..., _LIB_SQUARES] == table[..., _LIB_SUM] ** 2)
