"""The batched Go engine against GoBoard, move by move: stones, legal masks, captures, ko, superko, the end, the score.

Also: hand-made superko refusals (a capture and a quiet move that repeat a position), a forced
Zobrist hash collision that must refuse nothing, the observation planes, the greedy opponent's
move effects, and bad input.
"""

import copy

import numpy as np
import pytest

from rldojo.envs.go.batched import GoBatch
from rldojo.envs.go.board import BLACK, WHITE, GoBoard, IllegalMove, board_planes
from rldojo.envs.go.opponents import move_effects


def random_actions(masks: np.ndarray, rng: np.random.Generator, pass_rate: float) -> np.ndarray:
    """A random legal stone per board (the pass now and then, or when there is no stone to play)."""
    actions = np.empty(len(masks), dtype=np.int64)
    for i, mask in enumerate(masks):
        legal = np.flatnonzero(mask)
        stones = legal[:-1]
        actions[i] = stones[rng.integers(len(stones))] if len(stones) and rng.random() > pass_rate else legal[-1]
    return actions


def superko_refusals(board: GoBoard) -> int:
    """Empty points that only superko refuses now."""
    mask = board.legal_mask()
    return sum(
        1 for p in range(board.num_points) if not mask[p] and "superko" in (board.why_illegal(p, board.to_play) or "")
    )


@pytest.mark.parametrize("ko_rule", ["positional_superko", "simple"])
@pytest.mark.parametrize("size", range(2, 10))
def test_the_batch_agrees_with_goboard_move_by_move(size, ko_rule):
    num_boards, steps = 6, 120
    max_moves = 60 if size > 5 else None  # big boards end by the move limit within the steps, small ones by passes too
    rng = np.random.default_rng(size)
    batch = GoBatch(num_boards, size, ko_rule=ko_rule, max_moves=max_moves)
    boards = [GoBoard(size, ko_rule=ko_rule, max_moves=max_moves) for _ in range(num_boards)]
    games = refusals = captured = 0
    for step in range(steps):
        masks = batch.legal_mask()
        grids = batch.grid
        for i, board in enumerate(boards):
            where = f"{size}x{size} {ko_rule} board {i} step {step}\n{board}"
            assert np.array_equal(board.legal_mask(), masks[i]), where
            assert np.array_equal(board.grid, grids[i]), where
            assert board.to_play == batch.to_play[i] and board.move_number == batch.move_number[i], where
            assert board.is_over() == batch.over[i], where
            assert board.captures[BLACK] == batch.captures[i, BLACK] and board.captures[WHITE] == batch.captures[i, 2]
            assert (-1 if board.ko_point is None else board.ko_point) == batch.ko_point[i], where
            if ko_rule == "positional_superko" and not board.is_over():
                refusals += superko_refusals(board)
        if batch.over.any():
            ended = np.flatnonzero(batch.over)
            for i, score in zip(ended, batch.score(ended), strict=True):
                assert score == boards[i].score()  # Tromp–Taylor, komi included
                boards[i].clear()
                games += 1
            batch.reset(batch.over.copy())
            continue
        actions = random_actions(masks, rng, 0.03 if size > 3 else 0.1)
        taken = batch.play(actions)
        for i, board in enumerate(boards):
            assert board.play(int(actions[i])) == taken[i]
        captured += int(taken.sum())
    assert games > 0 and captured > 0  # whole games, with captures
    if ko_rule == "positional_superko" and size <= 5:
        assert refusals > 0  # superko refused moves, and the batch refused the same ones


def play_sequence(moves: list[int], size: int, **kwargs) -> GoBatch:
    batch = GoBatch(1, size, **kwargs)
    for move in moves:
        batch.play(np.array([move]))
    return batch


@pytest.mark.parametrize(
    "moves, refused, what",
    [
        # White C1 has just taken A1 and B1; black B1 would take C1 back and remake the position of move 4.
        ([5, 4, 7, 3, 6, 8], 7, "a capture"),
        # White A1 takes nothing, yet remakes an earlier position.
        ([3, 5, 4, 6, 8, 7, 8], 6, "a quiet move"),
    ],
)
def test_superko_refuses_a_move_that_repeats_an_earlier_position(moves, refused, what):
    batch = play_sequence(moves, 3)
    assert batch.legal_mask()[0, refused] == 0, what
    assert "repeats an earlier position (positional superko)" in batch.why_illegal(0, refused)
    with pytest.raises(IllegalMove, match=r"board 0: .* repeats an earlier position"):
        batch.play(np.array([refused]))
    simple = play_sequence(moves, 3, ko_rule="simple")  # no simple ko here: the move is allowed
    assert simple.legal_mask()[0, refused] == 1
    board = GoBoard(3)
    for move in moves:
        board.play(move)
    assert not board.is_legal(refused)


def collision_keys(size: int, capturing: bool):
    """Keys under which a legal move makes a position with the hash of a different earlier one.

    Plays random games with the default keys until a never-played point ``m`` (capturing or not,
    as asked) is legal while an earlier position has the stone count the move would leave; then
    gives ``m`` the key that makes the two hashes equal. Returns (keys, moves before m, m, the
    earlier position's index among the stone moves).
    """
    for seed in range(500):
        rng = np.random.default_rng(seed)
        batch = GoBatch(1, size)
        moves, seen = [], [(0, 0)]  # (hash, stones) of each position: the empty board, then each stone move
        for _ in range(4 * size * size):
            if batch.over[0]:
                break
            mask = batch.legal_mask()[0]
            for m in np.flatnonzero(mask[:-1]).tolist():
                if m in moves:
                    continue
                trial = copy.deepcopy(batch)
                taken = int(trial.play(np.array([m]))[0])
                if (taken > 0) != capturing:
                    continue
                colour = int(batch.to_play[0])
                rest = int(trial.hash[0]) ^ int(batch.zobrist[colour - 1, m])  # the new hash without m's key
                for index, (h, stones) in enumerate(seen):
                    if stones == trial.num_stones[0] and h != int(trial.hash[0]):
                        keys = batch.zobrist.copy()
                        keys[colour - 1, m] = np.uint64(rest ^ h)
                        if len(np.unique(keys)) == keys.size and keys[colour - 1, m] != 0:
                            return keys, list(moves), m, index
            action = random_actions(batch.legal_mask(), rng, 0.02)
            batch.play(action)
            moves.append(int(action[0]))
            if action[0] != batch.pass_action:
                seen.append((int(batch.hash[0]), int(batch.num_stones[0])))
    raise AssertionError("no collision found")


@pytest.mark.parametrize("capturing", [False, True], ids=["quiet move", "capture"])
def test_a_forced_hash_collision_refuses_nothing(capturing):
    size = 4
    keys, moves, m, index = collision_keys(size, capturing)
    batch = GoBatch(1, size, zobrist=keys)
    board = GoBoard(size)
    hashes, grids = [int(batch.hash[0])], [batch.grid[0]]
    for move in moves:
        batch.play(np.array([move]))
        board.play(move)
        if move != batch.pass_action:
            hashes.append(int(batch.hash[0]))
            grids.append(batch.grid[0])
    assert np.array_equal(batch.legal_mask()[0], board.legal_mask())  # the collision refused nothing
    assert batch.legal_mask()[0, m] == 1
    taken = batch.play(np.array([m]))[0]
    assert (taken > 0) == capturing
    assert int(batch.hash[0]) == hashes[index]  # the same hash as an earlier position...
    assert not np.array_equal(batch.grid[0], grids[index])  # ...of other stones


def test_an_illegal_move_names_its_board_and_changes_nothing():
    batch = GoBatch(3, 5)
    batch.play(np.array([12, 0, 24]))
    before = (batch.grid, batch.legal_mask(), batch.move_number.copy(), batch.to_play.copy())
    with pytest.raises(IllegalMove, match="board 1: point A5 is occupied"):
        batch.play(np.array([6, 0, 7]))
    after = (batch.grid, batch.legal_mask(), batch.move_number.copy(), batch.to_play.copy())
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    with pytest.raises(ValueError, match=r"actions must be an integer array of shape \(3,\)"):
        batch.play(np.array([1.0, 2.0, 3.0]))
    batch.play(np.array([25, 25, 25]), active=np.array([True, False, True]))  # only boards 0 and 2 pass
    assert batch.move_number.tolist() == [2, 1, 2]


def test_suicide_is_illegal_and_the_end_comes_after_two_passes_or_max_moves():
    batch = GoBatch(2, 2, max_moves=5)
    batch.play(np.array([0, 0]))  # black A2 on both boards
    batch.play(np.array([4, 4]))  # white passes
    batch.play(np.array([3, 4]))  # black B1 on board 0; board 1: a second pass in a row ends the game
    assert batch.over.tolist() == [False, True]
    assert batch.legal_mask()[0].tolist() == [0, 0, 0, 0, 1]  # white A1 and B2 would be suicide
    assert "white at A1 would be suicide" in batch.why_illegal(0, 2)
    batch.play(np.array([4, 4]), active=np.array([True, False]))  # white passes
    batch.play(np.array([1, 4]))  # black B2: the fifth move, the limit
    assert batch.over.tolist() == [True, True] and batch.move_number.tolist() == [5, 3]
    assert not batch.legal_mask().any()
    assert batch.score().tolist() == [4 - 7.5, 4 - 7.5]  # black owns the board (area), komi 7.5


def test_planes_match_board_planes_for_both_colours():
    size, rng = 7, np.random.default_rng(1)
    batch = GoBatch(5, size)
    boards = [GoBoard(size) for _ in range(5)]
    for _ in range(40):
        actions = random_actions(batch.legal_mask(), rng, 0.0)
        batch.play(actions)
        for board, action in zip(boards, actions, strict=True):
            board.play(int(action))
    for colour in (BLACK, WHITE):
        planes = batch.planes(np.full(5, colour))
        for i, board in enumerate(boards):
            assert np.array_equal(planes[i], board_planes(board, colour))
    assert planes.dtype == np.float32 and planes.shape == (5, 5, size, size)


def test_move_effects_match_the_single_boards():
    size, rng = 6, np.random.default_rng(2)
    batch = GoBatch(6, size)
    boards = [GoBoard(size) for _ in range(6)]
    checked = 0
    for _ in range(60):
        board_of, action, taken, rescued, two_liberties, eye = batch.move_effects(np.arange(6))
        for b, a, t, r, two, e in zip(board_of, action, taken, rescued, two_liberties, eye, strict=True):
            t1, libs, r1, e1 = move_effects(boards[b], int(a))
            assert (t, e) == (t1, e1)
            if t == 0:  # liberties and rescues are read only for moves that take nothing
                assert (two, r if two else 0) == (libs >= 2, r1)
            checked += 1
        actions = random_actions(batch.legal_mask(), rng, 0.0)
        batch.play(actions)
        for board, action in zip(boards, actions, strict=True):
            board.play(int(action))
    assert checked > 1000


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_boards": 0}, "num_boards must be"),
        ({"num_boards": 2, "size": 20}, "size must be"),
        ({"num_boards": 2, "ko_rule": "japanese"}, "ko_rule must be one of"),
        ({"num_boards": 2, "size": 2, "zobrist": np.ones((2, 4), dtype=np.uint64)}, "all different"),
        ({"num_boards": 2, "size": 2, "zobrist": np.ones((2, 5), dtype=np.uint64)}, r"shape \(2, 4\)"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GoBatch(**kwargs)
