"""The mcts search agent: tactics, strength against greedy, legality, determinism, the contract's face."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.baselines import MCTS, load_agent, make_agent
from rldojo.envs.go.aec import raw_env
from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.evaluation import play_game, win_rate
from rldojo.envs.go.opponents import GreedyOpponent, RandomOpponent


def go5():
    return gym.make("Go-v0", board_size=5)


def test_it_captures_the_stone_in_atari():
    board = GoBoard.from_rows([".....", "..X..", ".XOX.", ".....", "....."], to_play=BLACK)
    for seed in (0, 1):
        agent = make_agent("mcts", go5(), seed=seed, playouts=200)
        assert board.describe(agent.select_move(board)) == "C2"


def test_it_saves_its_stone_in_atari():
    board = GoBoard.from_rows([".....", "..O..", ".OXO.", ".....", "....."], to_play=BLACK)
    for seed in (0, 1):
        agent = make_agent("mcts", go5(), seed=seed, playouts=200)
        assert board.describe(agent.select_move(board)) == "C2"


def test_it_beats_greedy_on_5x5_with_a_small_budget():
    # 30 playouts a move; 10 games, 5 with each colour (it won 20 of 20 such games, 10 as white).
    agent = make_agent("mcts", go5(), seed=0, playouts=30)
    result = win_rate(agent, "greedy", games=10, size=5, seed=3)
    assert result.win_rate >= 0.9, result


def test_it_never_plays_an_illegal_move_and_leaves_the_board_alone():
    # Tiny budgets on small boards reach the end, passes, captures and (3x3) superko often.
    for size, seed in ((3, 0), (3, 1), (4, 2), (5, 3)):
        agent = make_agent("mcts", gym.make("Go-v0", board_size=size), seed=seed, playouts=8)
        opponent = RandomOpponent()
        opponent.reset(np.random.default_rng(seed))
        board = GoBoard(size)
        while not board.is_over():
            if board.to_play == BLACK:
                before = (list(board.history), board.hash, board.to_play)
                move = agent.select_move(board)
                assert (list(board.history), board.hash, board.to_play) == before
                assert move is not None and board.is_legal(move), (board, move)
            else:
                move = opponent(board)
            board.play(move)


def test_the_same_seed_gives_the_same_moves():
    games = []
    for _ in range(2):
        agent = make_agent("mcts", go5(), seed=7, playouts=30)
        greedy = GreedyOpponent()
        greedy.reset(np.random.default_rng(0))
        games.append(play_game(agent.act, greedy, size=5).history)
    assert games[0] == games[1]
    other = make_agent("mcts", go5(), seed=8, playouts=30)
    greedy = GreedyOpponent()
    greedy.reset(np.random.default_rng(0))
    assert play_game(other.act, greedy, size=5).history != games[0]


def test_it_passes_at_once_to_end_a_won_game_and_plays_on_in_a_lost_one():
    agent = make_agent("mcts", go5(), seed=0, playouts=50)
    won = GoBoard(5)
    for vertex in ("C3", "pass"):  # black's one stone owns the board: 25 - 7.5 > 0
        won.play(won.parse(vertex))
    assert agent.select_move(won) == won.pass_action
    assert agent.last_search["simulations"] == 0
    behind = GoBoard(5)
    for vertex in ("D3", "C3", "E5", "pass"):
        behind.play(behind.parse(vertex))
    # Black: D3 and E5; white: C3, then a pass. Black is behind by komi: it searches and plays on.
    assert behind.to_play == BLACK and behind.score() < 0
    assert agent.select_move(behind) != behind.pass_action
    assert agent.last_search["simulations"] == 50


def test_the_subtree_is_kept_between_moves():
    agent = make_agent("mcts", go5(), seed=0, playouts=200, opening_book=False)
    board = GoBoard(5)
    move = agent.select_move(board)
    kept = agent.root
    assert kept is not None and kept.total > 0
    board.play(move)
    reply = int(np.argmax(kept.real_visits() + kept.illegal))  # the reply the search looked at most
    board.play(reply)
    grandchild = kept.children.get(reply)
    agent.select_move(board)
    assert grandchild is not None and agent.last_search["simulations"] == 200
    # The search started from the kept node: its simulations add to those it had.
    assert grandchild.total >= 200


def test_it_plays_in_go_v0_and_in_the_aec_env():
    env = gym.make("Go-v0", board_size=5, opponent="greedy")
    agent = make_agent("mcts", env, seed=0, playouts=20)
    obs, info = env.reset(seed=0)
    done = False
    while not done:
        action, _ = agent.predict(obs, action_masks=info["action_mask"])
        assert info["action_mask"][action]
        obs, _, done, _, info = env.step(action)
    aec = raw_env(board_size=5)
    aec.reset(seed=0)
    for agent_name in aec.agent_iter():
        observation, _, termination, truncation, _ = aec.last()
        if termination or truncation:
            aec.step(None)
            continue
        action, _ = agent.predict(observation["observation"], action_masks=observation["action_mask"])
        assert observation["action_mask"][action], agent_name
        aec.step(int(action))
    assert aec.board.is_over()


def test_learn_trains_the_sarsa_prior_and_save_load_keeps_it(tmp_path):
    agent = make_agent("mcts", go5(), seed=0, playouts=20)
    assert not agent.has_prior
    agent.learn(300)
    assert agent.has_prior and agent.num_timesteps == 300
    assert np.abs(agent.prior.weights[BLACK]).sum() > 0
    path = agent.save(tmp_path / "mcts.pt")
    loaded = load_agent(path)
    assert isinstance(loaded, MCTS) and loaded.has_prior
    np.testing.assert_array_equal(loaded.prior.weights[WHITE], agent.prior.weights[WHITE])
    # With the prior the search still answers legally, and without it (use_prior=False) too.
    board = GoBoard(5)
    assert board.is_legal(loaded.select_move(board))
    assert not MCTS.load(path, use_prior=False).has_prior


def test_a_prior_from_a_file_is_kept_in_the_checkpoint(tmp_path):
    sarsa = make_agent("selfplay-sarsa", go5(), seed=0)
    sarsa.weights[BLACK][:] = 0.25
    sarsa_path = sarsa.save(tmp_path / "sarsa.pt")
    agent = make_agent("mcts", go5(), seed=0, playouts=10, prior_path=str(sarsa_path))
    assert agent.has_prior
    path = agent.save(tmp_path / "mcts.pt")
    sarsa_path.unlink()  # the checkpoint does not refer to the file: it holds the weights
    loaded = load_agent(path)
    assert loaded.has_prior
    assert (loaded.prior.weights[BLACK] == 0.25).all()


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="playouts"):
        make_agent("mcts", go5(), playouts=0)
    with pytest.raises(ValueError, match="prior_path must be None or the path of an existing file"):
        make_agent("mcts", go5(), prior_path="/no/such/sarsa.pt")
    with pytest.raises(ValueError, match="leaf"):
        make_agent("mcts", go5(), leaf="guess")
    with pytest.raises(ValueError, match="Go-v0"):
        make_agent("mcts", "CartPole-v1")
    agent = make_agent("mcts", go5(), playouts=5)
    with pytest.raises(TypeError, match="GoBoard"):
        agent.select_move("C3")
    with pytest.raises(ValueError, match="seconds"):
        agent.select_move(GoBoard(5), seconds=-1)


def test_on_an_empty_5x5_board_it_plays_the_solved_first_move_and_searches_after_it():
    for seed in (0, 1, 2):
        agent = make_agent("mcts", go5(), seed=seed, playouts=50)
        board = GoBoard(5)
        assert board.describe(agent.select_move(board)) == "C3"
        assert agent.last_search["simulations"] == 0 and agent.last_search["book"]
        board.play(board.parse("C3"))
        board.play(board.parse("B3"))
        agent.select_move(board)
        assert agent.last_search["simulations"] == 50
    # Without the book, or with stones on the board (a handicap), it searches from the first move.
    agent = make_agent("mcts", go5(), seed=0, playouts=50, opening_book=False)
    agent.select_move(GoBoard(5))
    assert agent.last_search["simulations"] == 50
    agent = make_agent("mcts", go5(), seed=0, playouts=50)
    handicap = GoBoard(5)
    handicap.place_setup_stones([handicap.parse("B2")], [])
    agent.select_move(handicap)
    assert agent.last_search["simulations"] == 50
