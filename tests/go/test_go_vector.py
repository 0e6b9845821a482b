"""Go-v0's native vector env against N single Go-v0 envs run by SyncVectorEnv.

The same options, seeds and actions must give the same observations, rewards, flags, infos and
action masks, in every autoreset mode, with the random, greedy and a callable opponent (the last
played env by env); illegal actions are refused, lost or passed as the single env does.
"""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rldojo  # noqa: F401  (registers Go-v0 and its vector entry point)
from rldojo.envs.go.vector import GoVectorEnv
from rldojo.envs.vector import native_and_sync


def assert_same_info(expected: dict, got: dict, path: str = "info") -> None:
    """Same keys and presence arrays; equal values (and types) wherever a key is present."""
    assert expected.keys() == got.keys(), f"{path}: keys {sorted(expected)} != {sorted(got)}"
    for key, value in expected.items():
        if key.startswith("_"):
            continue
        present = expected["_" + key]
        assert np.array_equal(present, got["_" + key]), f"{path}._{key}: {present} != {got['_' + key]}"
        if isinstance(value, dict):
            assert_same_info(value, got[key], f"{path}.{key}")
            continue
        mine = got[key]
        assert value.shape == mine.shape, f"{path}.{key}: {value!r} != {mine!r}"
        if object not in (value.dtype, mine.dtype):
            assert value.dtype == mine.dtype, f"{path}.{key}: {value.dtype} != {mine.dtype}"
        for i in np.flatnonzero(present):
            a, b = value[i], mine[i]
            if a is None or b is None or isinstance(a, str):
                assert a == b and type(a) is type(b), f"{path}.{key}[{i}]: {a!r} != {b!r}"
            else:
                assert np.array_equal(a, b), f"{path}.{key}[{i}]: {a!r} != {b!r}"


def middle_move(board):
    """A callable opponent: the middle one of the legal actions (the pass when it is the only one)."""
    legal = board.legal_actions()
    return legal[len(legal) // 2]


def pick_actions(masks: np.ndarray, codes: list[int], any_action: bool) -> np.ndarray:
    """An action per env from drawn codes: a legal one, or (when illegal actions are allowed) now and then any."""
    actions = []
    for mask, code in zip(masks, codes, strict=True):
        if any_action and code % 7 == 0:
            actions.append(code % mask.size)
        else:
            legal = np.flatnonzero(mask)
            actions.append(int(legal[code % legal.size]))
    return np.array(actions, dtype=np.int64)


@st.composite
def scenarios(draw):
    options = {
        "board_size": draw(st.integers(2, 5)),
        "komi": draw(st.sampled_from([7.5, 0.0, 2.0])),  # integer komi: draws happen
        "ko_rule": draw(st.sampled_from(["positional_superko", "simple"])),
        "agent_color": draw(st.sampled_from(["black", "white", "random"])),
        "opponent": draw(st.sampled_from(["random", "greedy", "callable"])),
        "illegal_action": draw(st.sampled_from(["raise", "lose", "pass"])),
        "reward": draw(st.sampled_from(["win", "score"])),
        "max_moves": draw(st.sampled_from([None, 2, 7, 15])),
    }
    num_envs = draw(st.integers(1, 5))
    steps = draw(st.lists(st.lists(st.integers(0, 255), min_size=num_envs, max_size=num_envs), min_size=1, max_size=40))
    return options, draw(st.sampled_from(list(AutoresetMode))), draw(st.integers(0, 2**31)), steps


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_native_vector_env_matches_single_envs(scenario):
    options, mode, seed, steps = scenario
    num_envs = len(steps[0])
    options = {**options, "opponent": middle_move if options["opponent"] == "callable" else options["opponent"]}
    any_action = options["illegal_action"] != "raise"
    native, reference = native_and_sync("Go-v0", num_envs, mode, **options)
    assert isinstance(native.unwrapped, GoVectorEnv) and native.metadata["autoreset_mode"] == mode
    singles = [env.unwrapped for env in reference.envs]

    expected, got = reference.reset(seed=seed), native.reset(seed=seed)
    assert np.array_equal(expected[0], got[0]) and got[0].dtype == np.float32
    assert_same_info(expected[1], got[1])
    resetting = np.zeros(num_envs, dtype=bool)  # NEXT_STEP: these envs reset in this step and ignore their action
    for t, codes in enumerate(steps):
        masks = np.stack([env.action_masks() for env in singles]).astype(bool)
        assert np.array_equal(native.action_masks(), masks), f"step {t}"
        actions = pick_actions(masks, codes, any_action)
        refusable = np.flatnonzero(~masks.all(1) & ~resetting)
        if not any_action and codes[0] % 5 == 0 and refusable.size:  # an illegal action is refused; nothing changes
            i = int(refusable[0])
            bad = actions.copy()
            bad[i] = int(np.flatnonzero(~masks[i])[0])
            with pytest.raises(ValueError, match=f"env {i} is illegal"):
                native.step(bad)
        expected, got = reference.step(actions), native.step(actions)
        for name, a, b in zip(("obs", "reward", "terminated", "truncated"), expected[:4], got[:4], strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b), f"step {t}, {name}: {a} != {b}"
        assert_same_info(expected[4], got[4], f"step {t} info")
        ended = expected[2] | expected[3]
        resetting = ended if mode == AutoresetMode.NEXT_STEP else np.zeros(num_envs, dtype=bool)
        if mode == AutoresetMode.DISABLED and ended.any():  # the user resets; new seeds now and then
            seeds = [seed + 100 * t + i if m and codes[0] % 3 == 0 else None for i, m in enumerate(ended)]
            expected = reference.reset(seed=seeds, options={"reset_mask": ended})
            got = native.reset(seed=seeds, options={"reset_mask": ended})
            assert np.array_equal(expected[0], got[0])
            assert_same_info(expected[1], got[1])
    native.close()
    reference.close()


def test_many_games_against_the_greedy_opponent_end_as_the_single_envs_do():
    """Whole 5x5 games in 16 envs: every reward and final score as 16 single envs give them."""
    options = {"board_size": 5, "opponent": "greedy", "agent_color": "random", "reward": "score"}
    reference = SyncVectorEnv([lambda: gym.make("Go-v0", **options) for _ in range(16)])
    native = GoVectorEnv(16, **options)
    reference.reset(seed=5)
    native.reset(seed=5)
    rng = np.random.default_rng(0)
    finished = 0
    for _ in range(120):
        masks = native.action_masks()
        actions = np.array([rng.choice(np.flatnonzero(m)) for m in masks])
        expected, got = reference.step(actions), native.step(actions)
        assert np.array_equal(expected[1], got[1]) and np.array_equal(expected[2], got[2])
        if got[2].any():
            assert np.array_equal(expected[4]["score"][got[2]], got[4]["score"][got[2]])
        finished += int(got[2].sum())
    assert finished >= 16


def test_an_illegal_action_names_the_env_and_changes_nothing():
    env = GoVectorEnv(3, board_size=3)
    env.reset(seed=0)
    env.step(np.array([4, 4, 4]))  # black takes the centre everywhere; the random opponent answers
    before = (env.batch.grid, env.action_masks())
    with pytest.raises(ValueError, match="action 4 of env 1 is illegal now"):
        env.step(np.array([9, 4, 9]))
    assert np.array_equal(before[0], env.batch.grid) and np.array_equal(before[1], env.action_masks())


def test_illegal_actions_lose_or_pass_as_asked():
    lose = GoVectorEnv(2, board_size=3, illegal_action="lose")
    lose.reset(seed=1)
    lose.step(np.array([4, 4]))
    _obs, reward, terminated, _truncated, info = lose.step(np.array([4, 9]))  # env 0 plays on a stone
    assert reward[0] == -1.0 and terminated.tolist() == [True, False]
    assert info["forfeit"][0] and info["winner"][0] == "white" and "occupied" in info["illegal_action"][0]
    assert lose.action_masks()[0].tolist() == [False] * 9 + [True]  # after the end only the pass
    passing = GoVectorEnv(1, board_size=3, illegal_action="pass")
    passing.reset(seed=1)
    passing.step(np.array([4]))
    passing.step(np.array([4]))  # the stone's point: played as a pass
    assert passing.batch.history[0, 2] == 9


def test_render_shows_the_first_envs_in_a_grid():
    env = GoVectorEnv(4, board_size=5, render_mode="rgb_array", render_envs=2)
    env.reset(seed=0)
    env.step(np.array([12, 12, 12, 12]))
    frame = env.render()
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame.shape[1] > frame.shape[0]  # two boards side by side
    env.close()


def test_gnugo_runs_env_by_env_and_plays_as_in_the_single_envs():
    from rldojo.envs.go.gtp import gnugo_available

    if not gnugo_available():
        pytest.skip("GNU Go is not installed (apt-get install gnugo)")
    options = {"board_size": 5, "opponent": "gnugo", "opponent_kwargs": {"level": 0}, "agent_color": "white"}
    reference = SyncVectorEnv([lambda: gym.make("Go-v0", **options) for _ in range(2)])
    native = GoVectorEnv(2, **options)
    expected, got = reference.reset(seed=3), native.reset(seed=3)
    assert np.array_equal(expected[0], got[0]) and native.batch.num_stones.tolist() == [1, 1]  # GNU Go opened
    for t in range(4):
        masks = native.action_masks()
        actions = np.array([np.flatnonzero(m)[t % m.sum()] for m in masks])
        expected, got = reference.step(actions), native.step(actions)
        assert np.array_equal(expected[0], got[0]) and np.array_equal(expected[1], got[1])
        assert_same_info(expected[4], got[4], f"step {t} info")
    engines = [opponent.engine for opponent in native.opponents]
    native.close()
    reference.close()
    assert all(engine.closed for engine in engines)
