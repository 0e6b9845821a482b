"""The shared defaults: every (env id, agent) pair builds its agent, so no name or value is off."""

import gymnasium as gym
import pytest

import rldojo  # noqa: F401  (registers the env ids)
from rldojo.baselines import make_agent
from rldojo.baselines.hyperparams import all_defaults

PAIRS = sorted(all_defaults())
TABLES = ("qlearning", "sarsa", "expected_sarsa")


def env_for(env_id: str, agent: str) -> gym.Env:
    if env_id == "Maze-v0" and agent in TABLES:
        return gym.make(env_id, obs_mode="index")  # a table needs one row per cell
    return gym.make(env_id)


@pytest.mark.parametrize("env_id, agent", PAIRS, ids=[f"{e}-{a}" for e, a in PAIRS])
def test_every_default_builds_its_agent(env_id, agent):
    if agent.startswith("sb3"):
        pytest.importorskip("stable_baselines3")
    if agent == "sb3-maskable-ppo":
        pytest.importorskip("sb3_contrib")
    chosen = all_defaults()[(env_id, agent)]
    built = make_agent(agent, env_for(env_id, agent), seed=0, **chosen)
    if agent.startswith("sb3"):
        # SB3 keeps plain numbers as attributes of the model (schedules and train_freq it wraps).
        numbers = {k: v for k, v in chosen.items() if isinstance(v, (int, float)) and k != "train_freq"}
        assert {k: getattr(built, k) for k in numbers} == numbers
        return
    # Each default lands in the agent's Config under its own name, with its own value.
    for name, value in chosen.items():
        got = getattr(built.config, name)
        assert (tuple(got) if isinstance(value, tuple) else got) == value, name
