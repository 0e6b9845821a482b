"""SGF records: a game saved and read back is the same game after every move; hand-written and broken records."""

import random

import pytest
from sgfmill import sgf

from rldojo.envs.go.board import BLACK, WHITE, GoBoard, fixed_handicap
from rldojo.envs.go.sgf import board_to_sgf, load_sgf, result_text, save_sgf


def random_game(size: int, seed: int, handicap: int = 0) -> GoBoard:
    """A finished game of random legal moves (passes rare, so it is crowded and has captures)."""
    rng = random.Random(seed)
    board = GoBoard(size)
    if handicap:
        board.place_setup_stones(fixed_handicap(size, handicap))
    while not board.is_over():
        legal = board.legal_actions()
        stones = legal[:-1]
        board.play(rng.choice(stones) if stones and rng.random() < 0.95 else legal[-1])
    return board


def same_position(a: GoBoard, b: GoBoard) -> bool:
    return (
        a.points == b.points
        and a.to_play == b.to_play
        and a.captures == b.captures
        and a.hash == b.hash
        and a.consecutive_passes == b.consecutive_passes
    )


@pytest.mark.parametrize(("size", "handicap"), [(5, 0), (9, 4)])
def test_a_saved_game_reads_back_the_same_after_every_move(tmp_path, size, handicap):
    board = random_game(size, seed=size, handicap=handicap)
    assert sum(board.captures.values()) > 0 and board.pass_action in board.history  # captures and passes to replay
    path = tmp_path / "game.sgf"
    save_sgf(path, board, black="Alice", white="Bob")
    loaded = load_sgf(path)
    assert loaded.history == board.history and loaded.komi == board.komi and loaded.is_over()
    assert sorted(loaded.setup_black) == sorted(board.setup_black)
    for move in range(len(board.history) + 1):
        original, replayed = board.copy(), loaded.copy()
        original.rewind(move)
        replayed.rewind(move)
        assert same_position(original, replayed), f"move {move}"
    # The root's properties, as another SGF reader sees them.
    root = sgf.Sgf_game.from_bytes(path.read_bytes()).get_root()
    assert root.get("SZ") == size and root.get("KM") == 7.5 and root.get("RU") == "Chinese"
    assert root.get("PB") == "Alice" and root.get("PW") == "Bob" and root.get("RE") == result_text(board)
    if handicap:
        assert root.get("HA") == handicap and len(root.get("AB")) == handicap and root.get("PL") == "w"
    else:
        assert not root.has_property("HA") and not root.has_property("AB")
    # FF[4]'s pass is an empty value, not [tt].
    data = path.read_bytes()
    assert (b"B[]" in data or b"W[]" in data) and b"[tt]" not in data


def test_result_is_the_score_or_what_the_caller_says():
    board = GoBoard(5, komi=7.5)
    board.play(board.pass_action)
    board.play(board.pass_action)
    assert result_text(board) == "W+7.5"
    assert b"RE[W+7.5]" in board_to_sgf(board)
    assert b"RE[B+R]" in board_to_sgf(board, result="B+R")
    unfinished = GoBoard(5, komi=0)
    unfinished.play(12)
    assert b"RE[" not in board_to_sgf(unfinished)
    even = GoBoard(2, komi=0)
    even.play(even.pass_action)
    even.play(even.pass_action)
    assert result_text(even) == "0"


# Black takes C4 (after a white pass), then the two white stones E1 and E2.
HAND_WRITTEN = b"""(;FF[4]GM[1]SZ[5]KM[0.5]PB[black]PW[white]
;B[bb];W[cb];B[db];W[ee];B[ca];W[];B[cc]
;W[ed];B[de];W[ac];B[dd];W[bd];B[ec])"""

FINAL_ROWS = [
    "..X..",
    ".X.X.",
    "O.X.X",
    ".O.X.",
    "...X.",
]


def test_a_hand_written_record_with_captures_and_a_pass_replays():
    board = load_sgf(HAND_WRITTEN)
    expected = GoBoard.from_rows(FINAL_ROWS)
    assert board.points == expected.points
    assert board.captures == {BLACK: 3, WHITE: 0}
    assert board.history[5] == board.pass_action and board.move_number == 13
    assert board.to_play == WHITE and board.komi == 0.5
    board.rewind(7)  # just after B[cc] took C4
    assert board.captures[BLACK] == 1 and board.points[board.parse("C4")] == 0


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (b"(;FF[4]SZ[5];B[cc];W[d", "not a readable SGF record"),
        (b"this is not SGF", "not a readable SGF record"),
        (b"(;FF[4]SZ[25])", "node 0 (FF[4]SZ[25]): SZ must be from 2 to 19"),
        (b"(;FF[4]GM[2]SZ[5])", "node 0 (FF[4]GM[2]SZ[5]): GM[2] is not Go"),
        (b"(;FF[4]SZ[5]KM[seven])", "node 0 (FF[4]KM[seven]SZ[5]): malformed property"),
        (b"(;FF[4]SZ[5];B[cc];W[cc])", "node 2 (W[cc]), move 2: illegal move: point C3 is occupied"),
        (b"(;FF[4]SZ[5];B[cc];W[zz])", "node 2 (W[zz]): malformed move: not a point of a 5x5 board"),
        (b"(;FF[4]SZ[5];B[cc];B[dd])", "node 2 (B[dd]), move 2: black moves out of turn"),
        (b"(;FF[4]SZ[5];B[cc];AB[dd])", "node 2 (AB[dd]): setup stones after the root node"),
        (b"(;FF[4]SZ[5];B[cc]W[dd])", "node 1 (B[cc]W[dd]): a node holds both a black and a white move"),
        (b"(;FF[4]SZ[3]AB[aa][ab][ba]AW[bb][ca][ac])", "bad setup stones: setup stones would leave a chain"),
        (  # a ko: black takes B4 at C4, white takes back at once
            b"(;FF[4]SZ[5];B[ba];W[ca];B[ab];W[bb];B[bc];W[db];B[ee];W[cc];B[cb];W[bb])",
            "node 10 (W[bb]), move 10: illegal move: white at B4 repeats an earlier position",
        ),
    ],
)
def test_a_malformed_or_illegal_record_is_refused_naming_the_node(record, message):
    with pytest.raises(ValueError) as error:
        load_sgf(record)
    assert message in str(error.value)


def test_what_cannot_be_saved_is_refused():
    with pytest.raises(ValueError, match="from_rows"):
        board_to_sgf(GoBoard.from_rows(["X..", "...", "..."]))
    board = GoBoard(9)
    board.place_setup_stones(fixed_handicap(9, 2))
    with pytest.raises(ValueError, match="handicap must be the board's black setup stones"):
        board_to_sgf(board, handicap=[0, 1])
    assert b"HA[2]" in board_to_sgf(board, handicap=fixed_handicap(9, 2))
    with pytest.raises(TypeError, match="black must be a player's name"):
        board_to_sgf(board, black=3)


def test_setup_stones_start_the_game_and_survive_rewind():
    board = GoBoard(5)
    board.place_setup_stones([6, 18])  # B4 and D2: white moves first, as after a handicap
    assert board.to_play == WHITE and board.setup_black == (6, 18)
    board.play(12)
    board.play(8)
    board.rewind(1)
    assert board.points[6] == board.points[18] == BLACK and board.points[12] == WHITE and board.points[8] == 0
    with pytest.raises(ValueError, match="before its first move"):
        board.place_setup_stones([0])
    full = GoBoard(2)
    with pytest.raises(ValueError, match="without a liberty"):
        full.place_setup_stones([0, 1, 2, 3])
    assert full.num_stones == 0 and full.hash == 0 and full.setup_black == ()  # the failed call changed nothing
    with pytest.raises(ValueError, match="distinct empty points; occupied or repeated: A2"):
        full.place_setup_stones([0, 0])


# --------------------------------------------------------------------------- games that are saved


def test_win_rate_saves_every_game(tmp_path):
    from rldojo.envs.go.evaluation import win_rate

    result = win_rate("random", "greedy", games=2, size=5, seed=0, sgf_dir=tmp_path)
    names = []
    for game in range(result.games):
        record = (tmp_path / f"game-{game:04d}.sgf").read_bytes()
        root = sgf.Sgf_game.from_bytes(record).get_root()
        names.append((root.get("PB"), root.get("PW")))
        assert load_sgf(record).is_over() and root.has_property("RE")
    assert names == [("random", "greedy"), ("greedy", "random")]  # the player takes both colours


def test_rldojo_evaluate_saves_each_go_episode(tmp_path):
    import gymnasium as gym

    from rldojo.baselines import make_agent
    from rldojo.cli import main

    agent = make_agent("dqn", gym.make("Go-v0", board_size=5), seed=0)
    model = agent.save(tmp_path / "model.pt")
    folder = tmp_path / "games"
    env_options = ["-e", "board_size=5", "-e", "opponent=greedy", "-e", "agent_color=white"]
    code = main(["evaluate", "Go-v0", *env_options, "--agent", str(model), "--episodes", "2", "--sgf-dir", str(folder)])
    assert code == 0
    records = sorted(folder.glob("episode-*.sgf"))
    assert [r.name for r in records] == ["episode-0000.sgf", "episode-0001.sgf"]
    root = sgf.Sgf_game.from_bytes(records[0].read_bytes()).get_root()
    assert (root.get("PB"), root.get("PW")) == ("greedy", "model.pt")
    assert load_sgf(records[1]).move_number > 0


def test_a_person_s_game_is_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    import pygame

    from rldojo.envs.go.play import play_human
    from rldojo.envs.go.render import CELL, MARGIN

    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(MARGIN + 2 * CELL, MARGIN + 2 * CELL), button=1))
    result = play_human(opponent="greedy", board_size=5, max_frames=3, sgf_dir=tmp_path)
    (path,) = result["sgf"]
    board = load_sgf(path)
    assert board.history == result["history"] and board.history[0] == board.parse("C3")
    root = sgf.Sgf_game.from_bytes(path.read_bytes()).get_root()
    assert (root.get("PB"), root.get("PW")) == ("human", "greedy") and not root.has_property("RE")
