"""KuhnPoker-v0 and LeducHoldem-v0: the API, the checkers, seeding, hidden cards, errors, rendering."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from rldojo.envs.cards.env import KuhnPokerEnv, LeducHoldemEnv
from rldojo.envs.cards.games import CALL, FOLD, RAISE

ENV_IDS = ["KuhnPoker-v0", "LeducHoldem-v0"]


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize(
    "opponent, seat",
    [
        ("random", "first"),
        ("random", "second"),
        ("random", "random"),
        ("always_call", "random"),
        ("always_raise", "random"),
    ],
)
def test_gymnasium_and_sb3_check_env(env_id, opponent, seat):
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = gym.make(env_id, opponent=opponent, seat=seat).unwrapped
        check_env(env)
        sb3_check_env(env)


def test_check_env_kuhn_nash_and_forfeit_and_render_modes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_env(KuhnPokerEnv(opponent="nash", alpha=0.3))
        check_env(LeducHoldemEnv(illegal_action="forfeit"))
        for mode in ("ansi", "rgb_array"):
            check_env(LeducHoldemEnv(render_mode=mode))


def _play(env, seed, policy_seed=0):
    rng = np.random.default_rng(policy_seed)
    obs, info = env.reset(seed=seed)
    trace = [obs.tolist()]
    done = False
    while not done:
        legal = np.flatnonzero(info["action_mask"])
        obs, reward, done, _truncated, info = env.step(int(rng.choice(legal)))
        trace.append((obs.tolist(), reward))
    return trace, list(env.unwrapped.cards), env.unwrapped.seat


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_same_deals(env_id):
    a = gym.make(env_id, opponent="random")
    b = gym.make(env_id, opponent="random")
    for seed in range(20):
        assert _play(a, seed) == _play(b, seed)
    deals = {tuple(_play(a, seed)[1]) for seed in range(40)}
    assert len(deals) > 4  # different seeds, different deals


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_illegal_action_raises_a_clear_error(env_id):
    env = gym.make(env_id, seat="first")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"action 0 is illegal here; legal actions: 1 \(call\), 2 \(raise\)"):
        env.step(FOLD)  # nothing to fold against


def test_illegal_action_forfeit_loses_the_ante():
    env = KuhnPokerEnv(seat="first", illegal_action="forfeit")
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step(FOLD)
    assert terminated and reward == -1.0 and not info["showdown"]


def test_bad_arguments_name_the_allowed_values():
    with pytest.raises(ValueError, match="seat must be one of 'first', 'second', 'random'"):
        KuhnPokerEnv(seat="left")
    with pytest.raises(ValueError, match="opponent must be one of"):
        KuhnPokerEnv(opponent="shark")
    with pytest.raises(ValueError, match="KuhnPoker-v0 only"):
        LeducHoldemEnv(opponent="nash")
    with pytest.raises(ValueError, match="illegal_action must be one of 'raise', 'forfeit'"):
        LeducHoldemEnv(illegal_action="ignore")
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1/3\]"):
        KuhnPokerEnv(opponent="nash", alpha=0.5)


def test_opponent_card_only_at_showdown():
    env = gym.make("LeducHoldem-v0", opponent="always_call", seat="first")
    for seed in range(10):
        _obs, info = env.reset(seed=seed)
        assert "opponent_card" not in info
        # the observation does not depend on the opponent's card
        cards = env.unwrapped.cards
        done = False
        while not done:
            _obs, reward, done, _, info = env.step(CALL)
            if not done:
                assert "opponent_card" not in info
        assert info["showdown"] and info["opponent_card"] == cards[1]
        assert reward == info["returns"][0]
    env = gym.make("KuhnPoker-v0", opponent="always_raise", seat="first")
    env.reset(seed=0)
    env.step(CALL)  # check; the opponent bets
    _, reward, done, _, info = env.step(FOLD)
    assert done and reward == -1.0 and "opponent_card" not in info


def test_observation_is_the_information_state():
    env = LeducHoldemEnv(opponent="always_raise", seat="second")
    obs, info = env.reset(seed=3)
    state = env.state
    assert state.current_player == 1
    assert obs.tolist() == pytest.approx(state.information_state_tensor(1))
    assert obs[1] == 1.0  # second seat
    assert info["action_mask"].tolist() == [1, 1, 1]  # facing one raise: fold, call, re-raise
    assert env.action_masks().tolist() == info["action_mask"].tolist()


def test_rewards_are_chips_and_sum_with_the_opponent():
    env = gym.make("LeducHoldem-v0", opponent="always_raise", seat="first")
    env.reset(seed=1)
    _, r, done, _, info = env.step(RAISE)  # bet 2, the opponent re-raises
    assert not done and r == 0.0 and isinstance(r, float)
    _, r, done, _, info = env.step(FOLD)
    assert done and r == -3.0 and info["returns"] == [-3.0, 3.0] and info["is_success"] is False


def test_callable_and_agent_opponents():
    seen = []

    def opponent(info_state):
        seen.append(info_state.key)
        return CALL

    env = KuhnPokerEnv(opponent=opponent, seat="second")
    env.reset(seed=0)
    assert seen and seen[0] in ("0", "1", "2")

    class Raiser:
        def predict(self, obs, deterministic=True, action_masks=None):
            return (2 if action_masks[2] else 1), None

    env = LeducHoldemEnv(opponent=Raiser(), seat="second")
    _, _info = env.reset(seed=0)
    assert env.state.betting[0] == [RAISE]


def test_action_space_sample_is_legal():
    env = LeducHoldemEnv(opponent="random")
    for seed in range(30):
        env.reset(seed=seed)
        env.action_space.seed(seed)
        env.action_space.sample()
        done = False
        while not done:
            _, _, done, _, _ = env.step(env.action_space.sample())  # would raise on an illegal one


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_render_modes(env_id):
    env = gym.make(env_id, render_mode="rgb_array", opponent="always_call", seat="first")
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (360, 480, 3) and frame.dtype == np.uint8
    text_env = gym.make(env_id, render_mode="ansi", opponent="always_call", seat="first")
    text_env.reset(seed=0)
    text = text_env.render()
    assert "[??]" in text  # the opponent's card is face down
    done = False
    while not done:
        _, _, done, _, _ = text_env.step(CALL)
    assert "[??]" not in text_env.render() and "showdown" in text_env.render()
    env.close()
    env.close()


@pytest.mark.parametrize(
    "env_id, opponent", [("KuhnPoker-v0", "nash"), ("LeducHoldem-v0", "random"), ("LeducHoldem-v0", "always_raise")]
)
def test_sampled_rewards_match_the_exact_value(env_id, opponent):
    from rldojo.envs.cards import analysis

    game = {"KuhnPoker-v0": "kuhn", "LeducHoldem-v0": "leduc"}[env_id]
    env = gym.make(env_id, opponent=opponent, seat="random").unwrapped
    rewards = []
    env.reset(seed=0)
    for _ in range(6000):
        done = False
        while not done:  # the agent always checks or calls
            _, reward, done, _, _ = env.step(CALL)
        rewards.append(reward)
        env.reset()
    exact = analysis.value_vs(game, analysis.always_call_policy(game), analysis.named_policy(game, opponent), "random")
    assert abs(np.mean(rewards) - exact) < 4 * np.std(rewards) / np.sqrt(len(rewards))
