"""GNU Go as the oracle of the batched Go engine: 50 random 9x9 games played in one GoBatch.

The games are played in the batch first, all 50 at once; then each is replayed to GNU Go, many
moves to a round trip, and at every move GNU Go is asked whether empty points are legal and
where the stones are (see :func:`asked` for the points asked). Skipped when GNU Go is missing, except on CI (CI=true).
"""

import os

import numpy as np
import pytest

from rldojo.envs.go.batched import GoBatch
from rldojo.envs.go.gtp import INSTALL_HINT, GnuGo, gnugo_available

SIZE = 9
MOVES_A_ROUND_TRIP = 24  # keeps GNU Go's answers well inside a pipe's buffer


def require_gnugo():
    if gnugo_available():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("GNU Go is required on CI (CI=true) but was not found: " + INSTALL_HINT)
    pytest.skip("GNU Go is not installed (apt-get install gnugo)")


def batched_games(games: int, seed: int, ko_rule: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random games played together in a GoBatch until all have ended.

    Returns, per game and move: the action, the stones before it (0, 1, 2), the legal mask
    before it, and the number of moves of each game.
    """
    batch = GoBatch(games, SIZE, ko_rule=ko_rule)
    rng = np.random.default_rng(seed)
    longest = batch.max_moves
    actions = np.zeros((games, longest), dtype=np.int64)
    stones = np.zeros((games, longest, SIZE * SIZE), dtype=np.int8)
    masks = np.zeros((games, longest, SIZE * SIZE + 1), dtype=np.int8)
    while not batch.over.all():
        mask = batch.legal_mask()
        # a random legal stone, the pass 3% of the time (so games get crowded and capture-rich)
        noise = rng.random(mask.shape) * mask[:, :]
        noise[:, -1] = 0
        pick = np.where((noise[:, :-1].max(1) > 0) & (rng.random(games) > 0.03), noise.argmax(1), batch.pass_action)
        playing = np.flatnonzero(~batch.over)
        move = batch.move_number[playing]
        actions[playing, move] = pick[playing]
        stones[playing, move] = batch.grid[playing].reshape(len(playing), -1)
        masks[playing, move] = mask[playing]
        batch.play(pick)
    return actions, stones, masks, batch.move_number.copy()


def check_with_gnugo(gnugo: GnuGo, actions, stones, masks, moves: int, game: int) -> int:
    """Replay one game to GNU Go; at each move compare every empty point's legality and the stones."""
    vertices = [gnugo_vertex(p) for p in range(SIZE * SIZE)]
    gnugo.clear()
    for start in range(0, moves, MOVES_A_ROUND_TRIP):
        lines, expected = [], []
        for t in range(start, min(start + MOVES_A_ROUND_TRIP, moves)):
            color = "black" if t % 2 == 0 else "white"
            empty = np.flatnonzero(asked(stones[t], masks[t], t))
            lines += [f"is_legal {color} {vertices[p]}" for p in empty] + ["list_stones black", "list_stones white"]
            expected.append((t, empty))
            action = actions[t]
            lines.append(f"play {color} {'pass' if action == SIZE * SIZE else vertices[action]}")
        answers = iter(gnugo.commands(lines))
        for t, empty in expected:
            where = f"game {game} move {t}"
            for p in empty:
                assert (next(answers) == "1") == bool(masks[t, p]), f"{where}: is_legal {vertices[p]}"
            for colour in (1, 2):
                mine = {vertices[p] for p in np.flatnonzero(stones[t] == colour)}
                assert set(next(answers).split()) == mine, f"{where}: the stones of colour {colour}"
            next(answers)  # the play
    return moves


def asked(stones: np.ndarray, mask: np.ndarray, t: int) -> np.ndarray:
    """The empty points whose legality GNU Go is asked about at move ``t``.

    Every point the batch refuses and every point with no empty neighbour (where suicide,
    captures and ko live), and a third of the others in turn, so that each point is asked
    every third move at least: a move refused by GNU Go and allowed by the batch (a missed
    repetition) shows within three moves of the many a game has.
    """
    empty = (stones == 0).reshape(SIZE, SIZE)
    padded = np.pad(empty, 1)
    open_near = padded[:-2, 1:-1] | padded[2:, 1:-1] | padded[1:-1, :-2] | padded[1:-1, 2:]
    turn = (np.arange(SIZE * SIZE) % 3) == (t % 3)
    return empty.reshape(-1) & ((mask[:-1] == 0) | ~open_near.reshape(-1) | turn)


def gnugo_vertex(point: int) -> str:
    r, c = divmod(point, SIZE)
    return f"{'ABCDEFGHJ'[c]}{SIZE - r}"


@pytest.mark.parametrize("ko_rule", ["positional_superko", "simple"])
def test_the_batch_agrees_with_gnugo_on_25_random_9x9_games(ko_rule):
    # 50 games in all; GNU Go runs with the same ko rule (--positional-superko or its default).
    require_gnugo()
    games = 25
    actions, stones, masks, lengths = batched_games(games, seed=9 if ko_rule == "simple" else 10, ko_rule=ko_rule)
    checked = 0
    with GnuGo(size=SIZE, komi=7.5, level=0, ko_rule=ko_rule) as gnugo:
        for game in range(games):
            checked += check_with_gnugo(gnugo, actions[game], stones[game], masks[game], int(lengths[game]), game)
    assert checked > games * SIZE * SIZE  # whole games, not a few moves
