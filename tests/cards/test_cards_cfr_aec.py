"""CFR and CFR+ reach their exploitability bars; the PettingZoo AEC envs pass api_test."""

import gymnasium as gym
import numpy as np
import pytest

from rldojo.baselines.cfr import CFR, CFRPlus
from rldojo.baselines.registry import load_agent, make_agent
from rldojo.envs.cards import analysis


def test_cfr_plus_kuhn_below_bar_and_cfr_improves():
    agent = make_agent("cfr+", "KuhnPoker-v0", seed=0)
    agent.learn(300)
    assert agent.iterations == 300 and agent.num_timesteps == 300
    assert agent.exploitability() < 1e-3
    value = analysis.expected_value("kuhn", agent.policy())[0]
    assert value == pytest.approx(-1 / 18, abs=5e-3)
    vanilla = CFR(gym.make("KuhnPoker-v0"), seed=0)
    vanilla.learn(10)
    early = vanilla.exploitability()
    vanilla.learn(100)
    assert vanilla.exploitability() < early / 3


def test_cfr_plus_leduc_nash_conv_below_bar():
    agent = CFRPlus(gym.make("LeducHoldem-v0"), seed=0)
    agent.learn(300)
    assert agent.nash_conv() <= 0.005


def test_cfr_policy_as_opponent_predict_and_checkpoint(tmp_path):
    env = gym.make("KuhnPoker-v0", seat="first")
    agent = CFRPlus(env, seed=0)
    agent.learn(200)
    # as the env's opponent
    opponent_env = gym.make("KuhnPoker-v0", opponent=agent.policy(), seat="first")
    opponent_env.reset(seed=0)
    # predict from the env's observation: with a K the equilibrium never checks a bet away
    env.reset(seed=0)
    while env.unwrapped.cards[0] != 2:
        env.reset()
    env.step(1)  # check
    # predict at "2pb" (K facing a bet after checking): call
    obs = np.asarray(
        env.unwrapped.tables.tree.infoset_info[env.unwrapped.tables.tree.key_index["2pb"]].vector, dtype=np.float32
    )
    action, _ = agent.predict(obs, deterministic=True, action_masks=np.array([1, 1, 0]))
    assert action == 1
    agent.save(tmp_path / "cfr.pt")
    loaded = load_agent(tmp_path / "cfr.pt")
    assert loaded.policy() == agent.policy()
    from_agent = analysis.policy_from_agent("kuhn", loaded)
    assert all(np.allclose(from_agent[key], probs) for key, probs in agent.policy().items())


@pytest.mark.parametrize("make", ["kuhn_env", "leduc_env"])
def test_pettingzoo_api_test(make):
    from pettingzoo.test import api_test, seed_test

    from rldojo.envs.cards import aec

    api_test(getattr(aec, make)(), num_cycles=100)
    api_test(getattr(aec, make)(illegal_action="forfeit"), num_cycles=50)
    seed_test(getattr(aec, make))


def test_aec_zero_sum_and_illegal_action():
    from rldojo.envs.cards import aec

    env = aec.leduc_env()
    env.reset(seed=0)
    obs, *_ = env.last()
    with pytest.raises(ValueError, match="illegal"):
        env.step(0)  # fold with nothing to call
    total = {}
    env.reset(seed=1)
    for agent in env.agent_iter():
        obs, reward, termination, truncation, _info = env.last()
        total[agent] = total.get(agent, 0.0) + reward
        env.step(None if termination or truncation else int(np.flatnonzero(obs["action_mask"])[-1]))
    assert total["player_0"] == -total["player_1"] != 0.0
