"""The maze's rules, layouts, generator and oracles, on the plain Maze class (no Gymnasium)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rldojo.envs.maze.generator import generate_maze
from rldojo.envs.maze.layouts import parse_layout
from rldojo.envs.maze.rules import (
    DOWN,
    LEFT,
    LOSE,
    PENALTY_IMPOSSIBLE_MOVE,
    PENALTY_MOVE,
    PENALTY_VISITED,
    PLAYING,
    REWARD_EXIT,
    RIGHT,
    UP,
    WIN,
    Maze,
)


def edges_and_cells(maze: Maze) -> tuple[int, int]:
    """Passages between free cells, and free cells."""
    edges = sum(1 for cell in maze.free_cells for j in maze.next_index[maze.index(cell)] if j >= 0) // 2
    return edges, len(maze.free_cells)


# ---------------------------------------------------------------------------- layouts


def test_seed_layout_is_the_course_maze():
    walls, start, exit_cell = parse_layout("seed")
    assert walls.shape == (4, 4)
    assert [(c, r) for r in range(4) for c in range(4) if walls[r, c]] == [(1, 0), (1, 1), (1, 3), (2, 3)]
    assert start == (0, 0) and exit_cell == (3, 3)


def test_classic_layout_is_8x8_with_walls_and_a_reachable_exit():
    maze = Maze.from_layout("classic")
    assert (maze.width, maze.height) == (8, 8)
    assert maze.walls.sum() >= 16
    assert maze.start_cell == (0, 0) and maze.exit_cell == (7, 7)
    lengths = maze.shortest_path_lengths()
    assert lengths[(0, 0)] > 14  # a real maze, not a straight corridor
    assert set(lengths) == set(maze.free_cells)  # every free cell can reach the exit


def test_ascii_marks_and_array_layouts_agree():
    text = """
    #S..
    ..#.
    .E..
    """
    walls, start, exit_cell = parse_layout(text)
    assert start == (1, 0) and exit_cell == (1, 2)
    assert walls.tolist() == [[True, False, False, False], [False, False, True, False], [False, False, False, False]]
    array_walls, array_start, array_exit = parse_layout(np.array([[0, 1], [0, 0]]))
    assert array_walls.tolist() == [[False, True], [False, False]]
    assert array_start == (0, 0) and array_exit == (1, 1)
    assert parse_layout(["S.", "#E"])[1:] == ((0, 0), (1, 1))
    char_walls, char_start, char_exit = parse_layout(np.array([list("#E."), list("..S")]))
    assert char_walls.tolist() == [[True, False, False], [False, False, False]]
    assert char_start == (2, 1) and char_exit == (1, 0)


# ---------------------------------------------------------------------------- moves and rewards


def test_moves_walls_edges_and_rewards_move_by_move():
    maze = Maze.from_layout("seed")
    assert maze.cell == (0, 0) and maze.status == PLAYING
    assert maze.move(RIGHT) == PENALTY_IMPOSSIBLE_MOVE and maze.cell == (0, 0)  # wall at (1, 0)
    assert maze.move(UP) == PENALTY_IMPOSSIBLE_MOVE and maze.cell == (0, 0)  # top edge
    assert maze.move(LEFT) == PENALTY_IMPOSSIBLE_MOVE and maze.cell == (0, 0)  # left edge
    assert maze.move(DOWN) == PENALTY_MOVE and maze.cell == (0, 1)
    assert maze.move(UP) == PENALTY_VISITED and maze.cell == (0, 0)  # the start counts as visited
    assert maze.move(DOWN) == PENALTY_VISITED and maze.cell == (0, 1)
    for action, cell in [(DOWN, (0, 2)), (RIGHT, (1, 2)), (RIGHT, (2, 2)), (RIGHT, (3, 2))]:
        assert maze.move(action) == PENALTY_MOVE and maze.cell == cell
    assert maze.move(DOWN) == REWARD_EXIT and maze.cell == (3, 3) and maze.status == WIN
    assert maze.total_reward == pytest.approx(3 * -0.75 + 5 * -0.05 + 2 * -0.25 + 10)


def test_loss_when_the_total_drops_below_half_the_cells():
    maze = Maze.from_layout("seed")  # 16 cells: lost below -8
    for _ in range(10):
        maze.move(UP)  # -0.75 each, total -7.5
    assert maze.status == PLAYING
    maze.move(UP)
    assert maze.total_reward == pytest.approx(-8.25) and maze.status == LOSE


def test_loss_needs_the_total_strictly_below_the_threshold():
    maze = Maze.from_layout("..E")  # 3 cells: lost below -1.5
    maze.move(UP)
    maze.move(UP)
    assert maze.total_reward == -1.5 and maze.status == PLAYING
    maze.move(UP)
    assert maze.status == LOSE


def test_slip_goes_at_right_angles():
    maze = Maze.from_layout("...\n...\n..E", slip_prob=0.9, start=(1, 1))
    rng = np.random.default_rng(0)
    landed = set()
    for _ in range(200):
        maze.reset((1, 1))
        maze.move(RIGHT, rng)
        landed.add(maze.cell)
    assert landed == {(2, 1), (1, 0), (1, 2)}  # right, or up or down; never left


# ---------------------------------------------------------------------------- oracles


def test_bfs_best_moves_of_the_seed_maze_are_the_courses():
    maze = Maze.from_layout("seed")
    assert maze.optimal_actions((0, 0)) == [DOWN]
    assert maze.optimal_actions((1, 2)) == [RIGHT]
    assert maze.optimal_actions((3, 2)) == [DOWN]
    assert maze.shortest_path_lengths()[(0, 0)] == 6
    assert maze.optimal_actions((3, 3)) == []


def test_optimal_actions_list_every_tie():
    maze = Maze.from_layout("classic")
    assert maze.optimal_actions((1, 2)) == [LEFT, RIGHT]  # the classic maze's loop: two routes as short


@pytest.mark.parametrize("slip_prob", [0.0, 0.3])
def test_transition_rows_sum_to_one(slip_prob):
    maze = Maze.from_layout("classic", slip_prob=slip_prob)
    P = maze.P
    assert set(P) == set(range(64))
    for s in P:
        assert set(P[s]) == {0, 1, 2, 3}
        for a in P[s]:
            assert sum(p for p, _, _, _ in P[s][a]) == pytest.approx(1.0)
            for _p, s2, reward, terminated in P[s][a]:
                assert 0 <= s2 < 64 and isinstance(terminated, bool) and isinstance(reward, float)
    # a move right from (0, 0) on the classic maze: intended with 1 - slip, the edge above and the wall below
    expected = [(1 - slip_prob, maze.index((1, 0)), PENALTY_MOVE, False)]
    if slip_prob:
        expected += [(slip_prob / 2, 0, PENALTY_IMPOSSIBLE_MOVE, False)] * 2
    assert P[0][RIGHT] == expected
    assert P[maze.exit_index][LEFT] == [(1.0, maze.exit_index, 0.0, True)]


@pytest.mark.parametrize("layout", ["seed", "classic"])
@pytest.mark.parametrize("slip_prob", [0.0, 0.001])
def test_value_iteration_greedy_policy_is_bfs_optimal(layout, slip_prob):
    maze = Maze.from_layout(layout, slip_prob=slip_prob)
    values, policy = maze.value_iteration(gamma=0.95)
    for cell in maze.playable_cells:
        assert policy[maze.index(cell)] in maze.optimal_actions(cell), cell
    if slip_prob == 0.0:
        # one step from the exit is worth the exit reward; d steps: d-1 moves then the exit, discounted
        for cell, d in maze.shortest_path_lengths().items():
            if d > 0:
                expected = sum(0.95**t * PENALTY_MOVE for t in range(d - 1)) + 0.95 ** (d - 1) * REWARD_EXIT
                assert values[maze.index(cell)] == pytest.approx(expected)


def test_value_iteration_prices_in_slips():
    # Slips off the edge cost -0.75 and delay the exit, so the start is worth less than without them.
    maze = Maze.from_layout("S...\n....\n...E", slip_prob=0.5)
    values, _ = maze.value_iteration()
    deterministic, _ = Maze.from_layout("S...\n....\n...E").value_iteration()
    assert values[0] < deterministic[0]  # slipping costs something


# ---------------------------------------------------------------------------- generator


@pytest.mark.parametrize("size", [(3, 3), (9, 7), (15, 15), (21, 5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generator_makes_perfect_mazes(size, seed):
    walls = generate_maze(size, np.random.default_rng(seed))
    assert walls.shape == (size[1], size[0])
    maze = Maze(walls)
    assert set(maze.shortest_path_lengths()) == set(maze.free_cells)  # every free cell reaches the exit
    edges, cells = edges_and_cells(maze)
    assert edges == cells - 1  # a tree: one path between any two cells


def test_loops_add_edges_and_the_same_seed_gives_the_same_maze():
    perfect = generate_maze((15, 15), np.random.default_rng(3))
    assert np.array_equal(perfect, generate_maze((15, 15), np.random.default_rng(3)))
    assert not np.array_equal(perfect, generate_maze((15, 15), np.random.default_rng(4)))
    looped = Maze(generate_maze((15, 15), np.random.default_rng(3), loops=0.3))
    edges, cells = edges_and_cells(looped)
    inner_walls_of_a_perfect_maze = 2 * 7 * 8 - (8 * 8 - 1)  # passages between rooms minus the tree's
    assert edges - (cells - 1) == round(0.3 * inner_walls_of_a_perfect_maze)


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "layout, message",
    [
        ("sed", "unknown layout 'sed'"),
        ("..#\n...\n..#", "no exit"),
        ("S.#\n##.\n..E", "cannot be reached"),
        ("...\n..\n..E", "ragged layout: row 1 has 2 cells"),
        ([[0, 0], [0]], "ragged"),
        ("S..\n.X.\n..E", "unknown character 'X'"),
        ("SS.\n...\n..E", "more than one start"),
        ("#..\n...\n..E", "start (0, 0) is on a wall"),
        ("S.\n.S", "more than one start"),
    ],
)
def test_bad_layouts_raise_naming_the_problem(layout, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Maze.from_layout(layout)


def test_bad_cells_and_slip_raise():
    with pytest.raises(ValueError, match=r"start \(1, 0\) is on a wall"):
        Maze.from_layout("seed", start=(1, 0))
    with pytest.raises(ValueError, match="outside the 4x4 maze"):
        Maze.from_layout("seed", start=(4, 0))
    with pytest.raises(ValueError, match="slip_prob must be in"):
        Maze.from_layout("seed", slip_prob=1.0)
    with pytest.raises(ValueError, match="slip_prob must be in"):
        Maze.from_layout("seed", slip_prob=-0.1)
    with pytest.raises(ValueError, match="odd integers"):
        generate_maze((8, 8), np.random.default_rng(0))
    with pytest.raises(ValueError, match="loops"):
        generate_maze((9, 9), np.random.default_rng(0), loops=1.5)


# ---------------------------------------------------------------------------- any layout


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda w: st.lists(st.lists(st.booleans(), min_size=w, max_size=w), min_size=1, max_size=6)
    )
)
def test_any_grid_is_refused_with_a_reason_or_obeys_the_invariants(rows):
    walls = np.array(rows, dtype=bool)
    try:
        maze = Maze(walls)
    except ValueError as error:
        assert any(word in str(error) for word in ("wall", "cannot be reached", "same cell"))
        return
    lengths = maze.shortest_path_lengths()
    assert lengths[maze.exit_cell] == 0 and lengths[maze.start_cell] > 0
    for cell in maze.playable_cells:
        actions = maze.optimal_actions(cell)
        assert actions
        for action in actions:  # each optimal move brings the exit one step closer
            maze.reset(cell)
            maze.move(action)
            assert lengths[maze.cell] == lengths[cell] - 1
    for _s, row in maze.P.items():
        for outcomes in row.values():
            assert sum(p for p, *_ in outcomes) == pytest.approx(1.0)
