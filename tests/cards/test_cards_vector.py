"""The native vector envs of KuhnPoker-v0 and LeducHoldem-v0 against N single envs run by SyncVectorEnv.

The same options, seeds and actions must give the same observations, rewards, flags, infos and
action masks, in every autoreset mode; illegal and bad actions are refused as the single env
refuses them, and nothing changes.
"""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rldojo.envs.cards.analysis import game_tree
from rldojo.envs.cards.games import CALL, FOLD, RAISE
from rldojo.envs.cards.vector import KuhnPokerVectorEnv, LeducHoldemVectorEnv
from rldojo.envs.vector import assert_same_infos

ENV_IDS = ["KuhnPoker-v0", "LeducHoldem-v0"]
OPPONENTS = ["random", "always_call", "always_raise", "nash", "tabular", "callable", "agent"]


class KingRaiser:
    """An agent opponent that raises with a king when it may and calls otherwise; ``predict`` takes a batch too."""

    def __init__(self):
        self.calls = 0

    def predict(self, observation, state=None, episode_start=None, deterministic=True, action_masks=None):
        self.calls += 1
        obs, masks = np.asarray(observation), np.asarray(action_masks, dtype=bool)
        actions = np.where((obs[..., 4] == 1) & masks[..., RAISE], RAISE, CALL)
        return (int(actions) if actions.ndim == 0 else actions), state


def picky(info_state):
    """A callable opponent: a king raises when it may (an action); anything else answers probabilities."""
    if info_state.card // info_state.game.num_suits == 2 and RAISE in info_state.legal_actions:
        return RAISE
    return [0.2, 0.5, 0.3]


def make_opponent(name: str, env_id: str, seed: int):
    if name == "tabular":  # random probabilities over the legal actions of every information state
        tree = game_tree("kuhn" if env_id == "KuhnPoker-v0" else "leduc")
        probs = np.random.default_rng(seed).random(tree.legal_mask.shape) * tree.legal_mask
        return {key: (probs[i] / probs[i].sum()).tolist() for i, key in enumerate(tree.keys)}
    return {"callable": picky, "agent": KingRaiser()}.get(name, name)


def pick_actions(masks: np.ndarray, codes: list[int], forfeit: bool) -> np.ndarray:
    """An action per env from drawn codes: a legal one, or under forfeit sometimes any action."""
    actions = []
    for mask, code in zip(masks, codes, strict=True):
        legal = np.flatnonzero(mask)
        if legal.size == 0 or (forfeit and code % 8 == 0):
            actions.append(code % 3)
        else:
            actions.append(int(legal[code % legal.size]))
    return np.array(actions, dtype=np.int64)


@st.composite
def scenarios(draw):
    env_id = draw(st.sampled_from(ENV_IDS))
    names = OPPONENTS if env_id == "KuhnPoker-v0" else [o for o in OPPONENTS if o != "nash"]
    options = {
        "opponent": draw(st.sampled_from(names)),
        "seat": draw(st.sampled_from(["first", "second", "random"])),
        "illegal_action": draw(st.sampled_from(["raise", "forfeit"])),
    }
    if options["opponent"] == "nash":
        options["alpha"] = draw(st.floats(0.0, 1.0 / 3.0))
    limit = draw(st.sampled_from([None, None, 1, 2]))  # a time limit cuts hands short (truncated)
    if limit is not None:
        options["max_episode_steps"] = limit
    num_envs = draw(st.integers(1, 6))
    steps = draw(st.lists(st.lists(st.integers(0, 255), min_size=num_envs, max_size=num_envs), min_size=1, max_size=25))
    return env_id, options, draw(st.sampled_from(list(AutoresetMode))), draw(st.integers(0, 2**31)), steps


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_native_vector_env_matches_single_envs(scenario):
    env_id, options, mode, seed, steps = scenario
    num_envs = len(steps[0])
    forfeit = options["illegal_action"] == "forfeit"
    sync_options = {**options, "opponent": make_opponent(options["opponent"], env_id, seed)}
    native_options = {**options, "opponent": make_opponent(options["opponent"], env_id, seed)}
    sync = gym.make_vec(
        env_id, num_envs, vectorization_mode="sync", vector_kwargs={"autoreset_mode": mode}, **sync_options
    )
    native = gym.make_vec(
        env_id, num_envs, vectorization_mode="vector_entry_point", autoreset_mode=mode, **native_options
    )
    assert native.metadata["autoreset_mode"] == mode
    singles = [env.unwrapped for env in sync.envs]

    expected, got = sync.reset(seed=seed), native.reset(seed=seed)
    assert np.array_equal(expected[0], got[0]) and got[0].dtype == np.float32
    assert_same_infos(got[1], expected[1])
    ended = np.zeros(num_envs, dtype=bool)
    for t, codes in enumerate(steps):
        masks = np.stack([env.action_masks() for env in singles]).astype(bool)
        assert np.array_equal(native.action_masks(), masks)
        actions = pick_actions(masks, codes, forfeit)
        # an env that ended at the last step resets now under NEXT_STEP, its action ignored
        resetting = ended if mode == AutoresetMode.NEXT_STEP else np.zeros(num_envs, dtype=bool)
        illegal = [i for i, m in enumerate(masks) if m.any() and not m.all() and not resetting[i]]
        if not forfeit and illegal and codes[0] % 5 == 0:  # an illegal action is refused, and nothing changes
            i = illegal[codes[0] % len(illegal)]
            bad = actions.copy()
            bad[i] = int(np.flatnonzero(~masks[i])[0])
            with pytest.raises(ValueError, match="illegal"):
                singles[i].step(int(bad[i]))
            with pytest.raises(ValueError, match=f"env {i} is illegal"):
                native.step(bad)
        expected, got = sync.step(actions), native.step(actions)
        for name, a, b in zip(("obs", "reward", "terminated", "truncated"), expected[:4], got[:4], strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b), f"step {t}, {name}: {a} != {b}"
        assert_same_infos(got[4], expected[4], f"step {t} info")
        ended = expected[2] | expected[3]
        if mode == AutoresetMode.DISABLED and ended.any():  # the user resets; new seeds now and then
            seeds = [seed + 100 * t + i if m and codes[0] % 3 == 0 else None for i, m in enumerate(ended)]
            expected = sync.reset(seed=seeds, options={"reset_mask": ended})
            got = native.reset(seed=seeds, options={"reset_mask": ended})
            assert np.array_equal(expected[0], got[0])
            assert_same_infos(got[1], expected[1])


def test_an_illegal_action_names_the_env_and_changes_nothing():
    env = KuhnPokerVectorEnv(num_envs=3, opponent="always_call", seat="first")
    obs, info = env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action 0 of env 1 is illegal now; legal actions there: \[1, 2\]"):
        env.step(np.array([CALL, FOLD, CALL]))  # nothing to fold against at the first action
    assert np.array_equal(env.action_masks(), info["action_mask"].astype(bool))
    again, *_ = env.step(np.array([CALL, CALL, CALL]))  # check, check: showdown
    assert env.hands.finished().all() and not np.array_equal(again, obs)


@pytest.mark.parametrize(
    "actions",
    [np.array([1, 3]), np.array([1.0, 1.0]), np.array([1, 1, 1]), "1", None, [True, False]],
    ids=["out of range", "floats", "wrong shape", "a string", "None", "bools"],
)
def test_bad_actions_are_refused_before_anything_changes(actions):
    env, untouched = LeducHoldemVectorEnv(num_envs=2, illegal_action="forfeit"), LeducHoldemVectorEnv(num_envs=2)
    env.reset(seed=3)
    untouched.reset(seed=3)
    with pytest.raises(ValueError, match="actions must be an integer array of shape"):
        env.step(actions)
    calls = np.array([CALL, CALL])
    assert np.array_equal(env.step(calls)[0], untouched.step(calls)[0])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"opponent": "shark"}, "opponent must be one of"),
        ({"seat": "middle"}, "seat must be one of"),
        ({"illegal_action": "ignore"}, "illegal_action must be one of"),
        ({"opponent": "nash", "alpha": 0.5}, r"alpha must be in \[0, 1/3\]"),
        ({"render_mode": "human"}, "render_mode of a vector env must be None or 'rgb_array'"),
        ({"num_envs": 0}, "num_envs must be an integer"),
    ],
)
def test_bad_options_are_refused_as_the_single_env_refuses_them(options, message):
    with pytest.raises(ValueError, match=message):
        gym.make_vec("KuhnPoker-v0", vectorization_mode="vector_entry_point", **{"num_envs": 2, **options})


def test_nash_for_leduc_and_reset_options_are_refused():
    with pytest.raises(ValueError, match="exists for KuhnPoker-v0 only"):
        LeducHoldemVectorEnv(num_envs=2, opponent="nash")
    with pytest.raises(ValueError, match="unknown reset option"):
        KuhnPokerVectorEnv(num_envs=2).reset(options={"start": 0})


def test_an_agent_opponent_gets_one_predict_per_move_for_the_whole_batch():
    agent = KingRaiser()
    env = LeducHoldemVectorEnv(num_envs=64, opponent=agent, seat="second")
    env.reset(seed=0)
    assert agent.calls == 1  # the opponent opened all 64 hands with one predict

    class OneAtATime:  # a predict that knows nothing of batches is asked once per hand
        def predict(self, obs, deterministic=True, action_masks=None):
            return (RAISE if action_masks[RAISE] else CALL), None

    env = LeducHoldemVectorEnv(num_envs=4, opponent=OneAtATime(), seat="second")
    obs, _ = env.reset(seed=0)
    assert (obs[:, 8 + RAISE] == 1).all()  # the first slot of the betting history: the opponent's raise


def test_action_space_samples_legal_actions():
    env = gym.make_vec("LeducHoldem-v0", 8, vectorization_mode="vector_entry_point", opponent="always_raise")
    env.reset(seed=0)
    env.action_space.seed(0)
    for _ in range(300):  # illegal_action="raise": an illegal sample would raise
        env.step(env.action_space.sample())


def test_render_shows_the_single_envs_table_and_a_grid():
    one = LeducHoldemVectorEnv(num_envs=4, opponent="always_raise", render_mode="rgb_array")
    env = LeducHoldemVectorEnv(num_envs=4, opponent="always_raise", render_mode="rgb_array", render_envs=4)
    single = gym.make("LeducHoldem-v0", opponent="always_raise", render_mode="rgb_array")
    for e in (one, env, single):
        e.reset(seed=5)
    for e in (one, env, single):  # raise, the opponent re-raises: the bets show on the table
        e.step(RAISE if e is single else np.full(4, RAISE))
    frame = single.render()
    assert np.array_equal(one.render(), frame)
    grid = env.render()
    h, w, _ = frame.shape
    assert grid.shape == (2 * h + 4, 2 * w + 4, 3) and np.array_equal(grid[:h, :w], frame)
