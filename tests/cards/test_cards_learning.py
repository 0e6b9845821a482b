"""A hand-written DQN learns to exploit a calling station at Kuhn poker (exact value, no sampling)."""

import gymnasium as gym
import pytest

from rldojo.baselines.registry import make_agent
from rldojo.envs.cards.evaluation import exact_values


def test_dqn_exploits_always_call_at_kuhn():
    env_kwargs = {"opponent": "always_call", "seat": "random"}
    agent = make_agent(
        "dqn",
        gym.make("KuhnPoker-v0", **env_kwargs),
        seed=0,
        learning_starts=200,
        exploration_fraction=0.5,
        target_update_interval=100,
    )
    before = exact_values(agent, "KuhnPoker-v0", env_kwargs)["fraction_of_best_response"]
    agent.learn(1000)
    after = exact_values(agent, "KuhnPoker-v0", env_kwargs)
    # the best response bets a K and checks a J: 1/3 of a chip a hand; checked on seeds 0-2 (all reach 1.0)
    assert after["best_response_value"] == pytest.approx(1 / 3)
    assert after["fraction_of_best_response"] >= 0.8 > before
