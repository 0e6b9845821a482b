"""Go-v0 and the Go AEC env: API checks, masks, illegal actions, opponents, rendering."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.envs.go import aec
from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.env import GoEnv
from rldojo.envs.go.opponents import GreedyOpponent, move_effects
from rldojo.envs.go.render import point_at_pixel


def random_legal(info, rng):
    legal = np.flatnonzero(info["action_mask"])
    return int(legal[rng.integers(len(legal))])


@pytest.mark.parametrize(
    "kwargs",
    [
        # (gymnasium's determinism check samples its action before reset, so with white and
        # "raise" that action can land on the opponent's first stone: white is checked with
        # "pass" and "lose".)
        {},
        {"agent_color": "white", "illegal_action": "lose"},
        {"agent_color": "white", "opponent": "greedy", "illegal_action": "pass"},
        {"agent_color": "random", "reward": "score", "opponent": "greedy"},
        {"illegal_action": "lose", "board_size": 3},
        {"illegal_action": "pass", "ko_rule": "simple", "komi": 0},
    ],
)
def test_gymnasium_and_sb3_check_env(kwargs):
    from gymnasium.utils.env_checker import check_env
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    check_env(GoEnv(**kwargs), skip_render_check=True)
    sb3_check_env(GoEnv(**kwargs), warn=True)


def test_registered_and_seeded_episodes_repeat():
    env = gym.make("Go-v0", opponent="greedy")
    assert env.observation_space.shape == (5, 5, 5) and env.action_space.n == 26

    def episode(seed):
        _obs, info = env.reset(seed=seed)
        rng = np.random.default_rng(0)
        done = False
        while not done:
            _obs, reward, term, trunc, info = env.step(random_legal(info, rng))
            done = term or trunc
        return list(env.unwrapped.board.history), reward

    assert episode(3) == episode(3)


def test_observation_planes_and_masks_match_the_board():
    env = GoEnv(board_size=5, agent_color="white")
    obs, info = env.reset(seed=0)
    board = env.unwrapped.board
    assert board.num_stones == 1  # the opponent (black) has moved
    assert obs[1].sum() == 1 and obs[0].sum() == 0 and obs[4].max() == 0.0  # white to move
    assert (info["action_mask"] == env.action_masks()).all()
    assert (obs[3].reshape(-1) == info["action_mask"][:-1]).all()
    assert info["action_mask"].dtype == np.int8


def test_illegal_action_options():
    env = GoEnv(board_size=3, illegal_action="raise")
    env.reset(seed=0)
    occupied = int(np.flatnonzero(env.board.grid.reshape(-1) == 0)[0])
    env.step(occupied)
    stone = int(np.flatnonzero(env.board.grid.reshape(-1))[0])
    with pytest.raises(ValueError, match=r"illegal action .*occupied.*illegal_action"):
        env.step(stone)

    env = GoEnv(board_size=3, illegal_action="lose")
    env.reset(seed=0)
    env.step(4)
    _obs, reward, terminated, _truncated, info = env.step(4)
    assert (reward, terminated, info["is_success"]) == (-1.0, True, False)
    assert "occupied" in info["illegal_action"]

    env = GoEnv(board_size=3, illegal_action="pass", opponent=lambda board: board.pass_action)
    env.reset(seed=0)
    env.step(4)
    _obs, reward, terminated, _truncated, info = env.step(4)  # illegal -> a pass; the opponent passes too
    assert terminated and env.board.history == [4, 9, 9]


@pytest.mark.parametrize(
    "argument, value",
    [
        ("agent_color", "red"),
        ("opponent", "alphago"),
        ("illegal_action", "ignore"),
        ("reward", "points"),
        ("board_size", 1),
        ("ko_rule", "japanese"),
    ],
)
def test_bad_constructor_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        GoEnv(**{argument: value})


def test_win_reward_draw_and_score_reward():
    # Both pass at once with komi 0 on an empty board: a draw, reward 0.
    env = GoEnv(board_size=3, komi=0, opponent=lambda board: board.pass_action)
    env.reset(seed=0)
    _obs, reward, terminated, _truncated, info = env.step(9)
    assert terminated and reward == 0.0 and info["winner"] == "draw" and info["is_success"] is False
    # Black takes the whole 3x3 board: area 9, komi 0.5 -> score reward (9 - 0.5) / 9.
    env = GoEnv(board_size=3, komi=0.5, reward="score", opponent=lambda board: board.pass_action)
    env.reset(seed=0)
    env.step(4)
    _obs, reward, terminated, _truncated, info = env.step(9)
    assert terminated and reward == pytest.approx(8.5 / 9) and info["is_success"]


def test_callable_and_agent_opponents():
    seen = []

    def first_legal(board: GoBoard) -> int:
        seen.append(board.to_play)
        return int(np.flatnonzero(board.legal_mask())[0])

    env = GoEnv(board_size=5, opponent=first_legal)
    env.reset(seed=0)
    env.step(12)
    assert seen == [WHITE] and env.board.grid[0, 0] == WHITE

    class Predictor:
        def predict(self, obs, deterministic=True, action_masks=None):
            assert obs.shape == (5, 5, 5) and obs[4].max() == 0.0  # it sees white to move
            return int(np.flatnonzero(action_masks)[-2]), None

    env = GoEnv(board_size=5, opponent=Predictor())
    env.reset(seed=0)
    env.step(0)
    assert env.board.grid[4, 4] == WHITE


def test_greedy_captures_saves_and_avoids_self_atari():
    greedy = GreedyOpponent()
    greedy.reset(np.random.default_rng(0))
    # White to move can take the black stone at C3 by D3.
    board = GoBoard.from_rows([".....", "..O..", ".OX..", "..O..", "....."], to_play=WHITE)
    assert greedy(board) == board.parse("D3")
    # Black to move: its stone C3 is in atari; extending to D3 saves it.
    board = GoBoard.from_rows([".....", "..O..", ".OX..", "..O..", "....."], to_play=BLACK)
    assert greedy(board) == board.parse("D3")
    assert move_effects(board, board.parse("D3"))[2] == 1
    # Never a move that leaves its own new stone with one liberty.
    board = GoBoard.from_rows([".O...", "O....", ".....", ".....", "....."], to_play=BLACK)
    for seed in range(20):
        greedy.reset(np.random.default_rng(seed))
        move = greedy(board)
        assert move_effects(board, move)[1] >= 2


def test_ansi_and_rgb_rendering(tmp_path):
    env = GoEnv(board_size=5, render_mode="ansi")
    env.reset(seed=0)
    env.step(12)
    text = env.render()
    lines = text.splitlines()
    assert lines[3].replace("(", " ").replace(")", " ").split()[3] == "X"  # C3 is black's
    assert sum(line.count("(O)") for line in lines) == 1  # the opponent's reply is marked
    assert "captures" in text
    env = GoEnv(board_size=9, render_mode="rgb_array")
    env.reset(seed=0)
    env.step(40)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape[2] == 3
    from rldojo.envs.go.render import CELL, MARGIN

    centre = frame[MARGIN + 4 * CELL, MARGIN + 4 * CELL + CELL // 3]
    assert centre.max() < 60  # a black stone on E5 (the marker ring is in its middle)
    env.close()
    env.close()


def test_click_to_action_mapping():
    from rldojo.envs.go.render import CELL, MARGIN

    assert point_at_pixel(MARGIN, MARGIN, 5) == 0
    assert point_at_pixel(MARGIN + 2 * CELL + 10, MARGIN + 3 * CELL - 10, 5) == 3 * 5 + 2
    assert point_at_pixel(MARGIN - CELL, MARGIN, 5) is None
    assert point_at_pixel(MARGIN + 4 * CELL + CELL, MARGIN, 5) is None
    assert point_at_pixel(MARGIN + 4 * CELL + CELL // 3, MARGIN + 4 * CELL, 5) == 24


# --------------------------------------------------------------------------- the AEC env


def test_pettingzoo_api_test():
    from pettingzoo.test import api_test

    api_test(aec.env(board_size=5), num_cycles=200)
    api_test(aec.env(board_size=3, illegal_action="lose", komi=0), num_cycles=100)


def test_two_aec_envs_of_different_sizes_side_by_side():
    small, large = aec.env(board_size=5), aec.env(board_size=9)
    small.reset(seed=0)
    large.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(30):
        for env in (small, large):
            obs, _reward, term, trunc, _info = env.last()
            if term or trunc:
                env.reset()
                continue
            mask = obs["action_mask"]
            legal = np.flatnonzero(mask[:-1]) if mask[:-1].any() else np.flatnonzero(mask)
            env.step(int(rng.choice(legal)))
    assert small.unwrapped.board.size == 5 and large.unwrapped.board.size == 9
    assert small.observation_space("black")["observation"].shape == (5, 5, 5)
    assert large.observation_space("white")["observation"].shape == (5, 9, 9)
    assert small.unwrapped.board.num_stones > 0 and large.unwrapped.board.num_stones > 0


def test_aec_draw_gives_zero_to_both_and_a_win_plus_minus_one():
    env = aec.raw_env(board_size=3, komi=0)
    env.reset()
    env.step(9)
    env.step(9)
    assert env.rewards == {"black": 0.0, "white": 0.0}
    assert all(env.terminations.values()) and env.infos["black"]["winner"] == "draw"
    env = aec.raw_env(board_size=3, komi=0.5)
    env.reset()
    env.step(4)
    env.step(9)
    env.step(9)
    assert env.rewards == {"black": 1.0, "white": -1.0}


def test_aec_illegal_actions():
    env = aec.raw_env(board_size=3)
    env.reset()
    env.step(4)
    with pytest.raises(ValueError, match="occupied"):
        env.step(4)
    env = aec.raw_env(board_size=3, illegal_action="lose")
    env.reset()
    env.step(4)
    env.step(4)
    assert env.rewards == {"black": 1.0, "white": -1.0}
    assert "occupied" in env.infos["white"]["illegal_action"]


def test_throughput_rows_have_the_benchmark_shape():
    from benchmarks.throughput_go import rows

    table = rows(seconds=0.05)
    assert [r["goal"] for r in table] == [10.0, 1.0, None]
    for row in table:
        assert set(row) >= {"env", "what", "ours", "peer", "peer_value", "ratio", "goal"}
        assert row["ours"] > 0 and row["env"] == "Go-v0"
        assert (row["ratio"] is None) == (row["peer_value"] is None)
