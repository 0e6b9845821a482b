"""The Go rules engine: captures, suicide, ko, superko, scoring, and a naive cross-check."""

import random

import numpy as np
import pytest

from rldojo.envs.go.board import BLACK, EMPTY, WHITE, GoBoard, IllegalMove, board_from_planes, board_planes


def play_all(board: GoBoard, vertices: str) -> None:
    for vertex in vertices.split():
        board.play(board.parse(vertex))


def stones(board: GoBoard, color: int) -> set[str]:
    return {board.describe(p) for p in range(board.num_points) if board.grid.flat[p] == color}


# --------------------------------------------------------------------------- basics


def test_actions_points_and_pass():
    board = GoBoard(5)
    assert board.pass_action == 25
    assert board.point(1, 2) == 7
    assert board.describe(7) == "C4" and board.parse("C4") == 7
    assert board.describe(25) == "pass" and board.parse("PASS") == 25
    assert board.legal_actions() == list(range(26))
    board.play(12)
    assert board.grid[2, 2] == BLACK and board.to_play == WHITE
    assert board.grid.dtype == np.int8 and board.grid.shape == (5, 5)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"size": 1}, "size"),
        ({"size": 20}, "size"),
        ({"size": 5, "ko_rule": "japanese"}, "ko_rule"),
        ({"size": 5, "komi": "x"}, "komi"),
        ({"size": 5, "max_moves": 0}, "max_moves"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, word):
    with pytest.raises(ValueError, match=word):
        GoBoard(**kwargs)


def test_occupied_and_off_board_moves_raise_illegal_move_with_reason():
    board = GoBoard(5)
    board.play(12)
    with pytest.raises(IllegalMove, match="occupied"):
        board.play(12)
    with pytest.raises(IllegalMove, match="not a point"):
        board.play(26)
    assert issubclass(IllegalMove, ValueError)


# --------------------------------------------------------------------------- captures


def test_single_stone_capture_in_the_corner_and_the_centre():
    board = GoBoard(5)
    play_all(board, "A4 A5 B5")  # white A5 in the corner has liberties A4 (black) and B5
    assert stones(board, WHITE) == set() and board.captures[BLACK] == 1
    board = GoBoard.from_rows(
        [
            ".....",
            "..X..",
            ".XO..",
            "..X..",
            ".....",
        ]
    )
    captured = board.play(board.parse("D3"))
    assert captured == 1 and board.grid[2, 2] == EMPTY
    assert board.liberties(board.parse("D3")) == 4


def test_multi_stone_capture_frees_every_point_and_gives_liberties_back():
    board = GoBoard.from_rows(
        [
            ".XXX.",
            "XOOO.",
            ".XXX.",
            ".....",
            ".....",
        ]
    )
    assert len(board.chain_at(board.parse("B4")).stones) == 3
    assert board.liberties(board.parse("B4")) == 1
    assert board.play(board.parse("E4")) == 3
    assert stones(board, WHITE) == set()
    assert board.captures[BLACK] == 3
    # The black chains around gained the freed points as liberties.
    assert board.parse("C4") in board.chain_at(board.parse("C5")).liberties
    assert board.liberties(board.parse("E4")) == 3  # D4, E5, E3


def test_snapback():
    # White E2 throws in: black captures it, and white retakes three stones at once.
    board = GoBoard.from_rows(
        [
            ".....",
            ".....",
            "OOOO.",
            "XXXO.",
            "..XO.",
        ],
        to_play=WHITE,
    )
    board.play(board.parse("B1"))  # white throw-in: in atari at once, but legal (it is not suicide)
    assert board.liberties(board.parse("B1")) == 1
    board.play(board.parse("A1"))  # black takes the stone
    assert board.grid[4, 1] == EMPTY
    assert board.liberties(board.parse("A2")) == 1
    taken = board.play(board.parse("B1"))  # white plays back in and takes the whole chain
    assert taken == 5
    assert stones(board, BLACK) == set()


def test_suicide_is_illegal_but_capturing_with_the_last_liberty_is_not():
    board = GoBoard.from_rows(
        [
            ".O...",
            "O....",
            ".....",
            ".....",
            ".....",
        ]
    )
    a5 = board.parse("A5")
    assert not board.is_legal(a5)
    assert board.legal_mask()[a5] == 0
    with pytest.raises(IllegalMove, match="suicide"):
        board.play(a5)
    # Multi-stone suicide: filling the last liberty of one's own chain.
    board = GoBoard.from_rows(
        [
            "XX.O.",
            "OOO..",
            ".....",
            ".....",
            ".....",
        ]
    )
    assert not board.is_legal(board.parse("C5"))
    # The same point is legal when it captures.
    board = GoBoard.from_rows(
        [
            ".OX..",
            "OX...",
            "X....",
            ".....",
            ".....",
        ]
    )
    assert board.is_legal(a5)
    assert board.play(a5) == 2


def test_simple_ko_forbids_the_immediate_retake_only():
    rows = [
        ".XO..",
        "X.XO.",
        ".XO..",
        ".....",
        ".....",
    ]
    for rule in ("simple", "positional_superko"):
        board = GoBoard.from_rows(rows, to_play=WHITE, ko_rule=rule)
        b4 = board.parse("B4")
        c4 = board.parse("C4")
        assert board.play(b4) == 1  # white takes the ko
        assert board.ko_point == c4 or rule != "simple"
        assert not board.is_legal(c4)
        with pytest.raises(IllegalMove, match="ko"):
            board.play(c4)
        board.play(board.parse("E1"))  # a ko threat elsewhere
        board.play(board.parse("E2"))
        assert board.is_legal(c4)  # now black may retake
        assert board.play(c4) == 1


def test_positional_superko_refuses_a_cycle_that_simple_ko_allows():
    # "Two stones taken, one given back": black B1 takes the two white stones C1 D1;
    # white C1 would retake the single stone B1 and recreate the position after C2,
    # two moves earlier. It is no simple ko (black took two), so only superko sees it.
    moves = "D4 A1 C3 B2 D2 C1 C2 D1 B1"
    for rule, allowed in (("simple", True), ("positional_superko", False)):
        board = GoBoard(4, ko_rule=rule)
        play_all(board, moves)
        assert board.captures[BLACK] == 2
        c1 = board.parse("C1")
        assert board.is_legal(c1) is allowed
        assert bool(board.legal_mask()[c1]) is allowed
        if allowed:
            board.play(c1)
            again = GoBoard(4)
            play_all(again, "D4 A1 C3 B2 D2 C1 C2")
            assert (board.grid == again.grid).all()
        else:
            with pytest.raises(IllegalMove, match="superko"):
                board.play(c1)


# --------------------------------------------------------------------------- scoring


def test_tromp_taylor_area_score_with_dame():
    board = GoBoard.from_rows(
        [
            ".X.O.",
            ".X.O.",
            ".X.O.",
            ".X.O.",
            ".X.O.",
        ],
        komi=0.5,
    )
    # Column A is black's (5), column C reaches both colours: dame (0), column E is white's.
    assert board.area() == (10, 10)
    assert board.score() == -0.5
    assert board.winner() == WHITE


def test_tromp_taylor_seki_points_count_for_nobody():
    # Black B5 and white A4-D4 have no eye and share their two liberties A5 and C5:
    # whoever fills one is captured, so both live in seki. Area scoring counts the
    # stones of both and leaves the two shared points to nobody.
    board = GoBoard.from_rows(
        [
            ".X.OX",
            "OOOOX",
            "XXXXX",
            "X.X.X",
            "XXXXX",
        ],
        komi=0,
    )
    a5, b5, c5, a4 = (board.parse(v) for v in ("A5", "B5", "C5", "A4"))
    assert board.chain_at(b5).liberties == {a5, c5}
    assert board.chain_at(a4).liberties == {a5, c5}
    # Filling a shared liberty puts one's own chain in atari: the seki holds.
    for who in (BLACK, WHITE):
        trial = GoBoard.from_rows([".X.OX", "OOOOX", "XXXXX", "X.X.X", "XXXXX"], to_play=who, komi=0)
        trial.play(a5)
        assert trial.liberties(a5) == 1
    assert board.area() == (16 + 2, 5)  # black: 16 stones, 2 eyes; white: 5 stones
    assert board.score() == 13


def test_a_draw_with_an_integer_komi():
    board = GoBoard.from_rows(
        [
            "XX.OO",
            "XX.OO",
            "XX.OO",
            "XX.OO",
            "XX.OO",
        ],
        komi=0,
    )
    assert board.score() == 0
    assert board.winner() == 0
    assert GoBoard.from_rows(["X.", ".."], komi=4).winner() == 0  # 4 points each side of komi
    assert GoBoard.from_rows(["X.", ".."], komi=3.5).winner() == BLACK


def test_the_game_ends_after_two_passes_or_at_max_moves():
    board = GoBoard(3)
    board.play(4)
    board.play(9)
    assert not board.is_over()
    board.play(9)
    assert board.is_over() and board.legal_actions() == []
    with pytest.raises(IllegalMove, match="over"):
        board.play(0)
    board = GoBoard(3, max_moves=3)
    assert board.max_moves == 3 and GoBoard(3).max_moves == 18
    for action in (0, 9, 8):
        board.play(action)
    assert board.is_over()


def test_copy_is_independent():
    board = GoBoard(5)
    play_all(board, "C3 C4 D4")
    twin = board.copy()
    twin.play(twin.parse("B3"))
    assert board.grid[2, 1] == EMPTY and twin.grid[2, 1] == WHITE
    assert board.liberties(board.parse("C4")) == 2 and twin.liberties(twin.parse("C4")) == 2
    assert board.hash != twin.hash and len(board.history) == 3


def test_planes_round_trip():
    board = GoBoard(5)
    play_all(board, "C3 C4 D4")
    planes = board_planes(board)
    assert planes.shape == (5, 5, 5) and planes.dtype == np.float32
    assert planes[0].sum() == 1 and planes[1].sum() == 2 and planes[2].sum() == 22
    assert planes[4].min() == 0.0  # white to move
    again = board_from_planes(planes)
    assert (again.grid == board.grid).all() and again.to_play == board.to_play


# --------------------------------------------------------------------------- a naive cross-check


def naive_after(rows: list[list[int]], size: int, point: int, color: int):
    """Flood-fill reference: the grid after ``color`` plays ``point``, or None for suicide."""
    grid = [row[:] for row in rows]
    r, c = divmod(point, size)
    grid[r][c] = color

    def group(r0, c0):
        colour = grid[r0][c0]
        todo, seen, libs = [(r0, c0)], {(r0, c0)}, set()
        while todo:
            a, b = todo.pop()
            for x, y in ((a - 1, b), (a + 1, b), (a, b - 1), (a, b + 1)):
                if 0 <= x < size and 0 <= y < size:
                    if grid[x][y] == EMPTY:
                        libs.add((x, y))
                    elif grid[x][y] == colour and (x, y) not in seen:
                        seen.add((x, y))
                        todo.append((x, y))
        return seen, libs

    for x, y in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
        if 0 <= x < size and 0 <= y < size and grid[x][y] == 3 - color:
            stones_, libs = group(x, y)
            if not libs:
                for a, b in stones_:
                    grid[a][b] = EMPTY
    if not group(r, c)[1]:
        return None
    return grid


@pytest.mark.parametrize("size, ko_rule", [(4, "positional_superko"), (5, "simple"), (7, "positional_superko")])
def test_every_legality_and_position_agrees_with_a_naive_flood_fill_engine(size, ko_rule):
    rng = random.Random(size)
    for game in range(6):
        board = GoBoard(size, ko_rule=ko_rule)
        grid = [[0] * size for _ in range(size)]
        seen = {tuple(map(tuple, grid))}
        previous = None
        while not board.is_over():
            color = board.to_play
            mask = board.legal_mask()
            for p in range(size * size):
                if grid[p // size][p % size] != EMPTY:
                    expected = False
                else:
                    after = naive_after(grid, size, p, color)
                    key = None if after is None else tuple(map(tuple, after))
                    if after is None:
                        expected = False
                    elif ko_rule == "positional_superko":
                        expected = key not in seen
                    else:
                        expected = key != previous
                assert bool(mask[p]) == expected == board.is_legal(p), (game, board.move_number, p)
            moves = np.flatnonzero(mask).tolist()
            move = moves[rng.randrange(len(moves))]
            if move != board.pass_action:
                after = naive_after(grid, size, move, color)
                previous = tuple(map(tuple, grid))
                grid = after
                seen.add(tuple(map(tuple, grid)))
            board.play(move)
            assert board.grid.tolist() == grid


def test_incremental_chain_bookkeeping_matches_a_recount_through_random_games_and_copies():
    rng = random.Random(7)
    for _game in range(40):
        board = GoBoard(rng.choice([3, 4, 5, 7, 9]))
        while not board.is_over():
            stones_ = board.points
            for color in (BLACK, WHITE):
                chains = board._chain_sets[color]
                assert {id(c) for c in board.atari[color]} == {id(c) for c in chains if len(c.liberties) == 1}
                for chain in chains:
                    # Liberties are exactly the empty neighbours of the chain's stones.
                    libs = {n for s in chain.stones for n in board.neighbours[s] if stones_[n] == EMPTY}
                    assert chain.liberties == libs and all(board.chain_at(s) is chain for s in chain.stones)
            crowded = {
                p
                for p in range(board.num_points)
                if stones_[p] == EMPTY and all(stones_[n] != EMPTY for n in board.neighbours[p])
            }
            assert board._crowded == crowded
            if rng.random() < 0.05:
                board = board.copy()
            legal = board.legal_actions()
            stones_moves = legal[:-1]
            board.play(rng.choice(stones_moves) if stones_moves and rng.random() < 0.95 else legal[-1])
