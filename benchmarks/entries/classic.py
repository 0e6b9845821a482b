"""Benchmark entries for the course's systems on Gymnasium's own envs: Taxi, CartPole, CartPole from pixels.

- Taxi-v4: the course's 500-state Q-table against SB3's DQN and PPO. Mark: mean return >= 7.
- CartPole-v1 from the state vector: the hand-written DQN and PPO against SB3's. Mark: >= 475.
- CartPolePixels-v0: a CNN DQN on rendered frames, in the full suite only (minutes of CPU).
  Mark: a mean episode length >= 150 (random play: about 22).

Every agent's settings come from ``rldojo.baselines.hyperparams`` (SB3's from rl-zoo3 where
it has them). The metric plays 100 greedy episodes (seeds apart from training's) and reports the mean
return, its standard deviation and the mean episode length; the learning curve uses 10.
"""

from __future__ import annotations

from benchmarks.suite import AgentSpec, Entry

EVAL_SEED_OFFSET = 10_000
FINAL_EPISODES = 100
CURVE_EPISODES = 10

def _evaluate(agent, env_id: str, env_kwargs: dict, seed: int, n_episodes: int) -> dict[str, float]:
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)
    from rldojo.baselines.evaluation import evaluate

    env = gym.make(env_id, **env_kwargs)
    try:
        result = evaluate(agent, env, n_episodes=n_episodes, deterministic=True, seed=seed + EVAL_SEED_OFFSET)
    finally:
        env.close()
    return {"mean_return": result.mean_return, "std_return": result.std_return, "mean_length": result.mean_length}


def mean_return_100(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """Mean return (and its std, and the mean length) of 100 greedy episodes."""
    return _evaluate(agent, env_id, env_kwargs, seed, FINAL_EPISODES)


def mean_return_10(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """The same over 10 episodes: the cheaper learning-curve metric."""
    return _evaluate(agent, env_id, env_kwargs, seed, CURVE_EPISODES)


ENTRIES = [
    Entry(
        label="Taxi",
        env_id="Taxi-v4",
        env_kwargs={},
        agents=[
            AgentSpec(agent="qlearning", timesteps={"quick": 50_000, "full": 100_000}),
            AgentSpec(agent="sb3-dqn", timesteps={"full": 100_000}, suites=("full",)),
            AgentSpec(agent="sb3-ppo", timesteps={"full": 100_000}, suites=("full",)),
        ],
        metric="benchmarks.entries.classic:mean_return_100",
        curve_metric="benchmarks.entries.classic:mean_return_10",
        headline="mean_return",
        solved_at=7.0,
    ),
    Entry(
        label="CartPole-v1",
        env_id="CartPole-v1",
        env_kwargs={},
        agents=[
            AgentSpec(agent="dqn", timesteps={"quick": 30_000, "full": 50_000}),
            AgentSpec(agent="ppo", timesteps={"quick": 30_000, "full": 100_000}),
            AgentSpec(agent="sb3-dqn", timesteps={"full": 50_000}, suites=("full",)),
            AgentSpec(agent="sb3-ppo", timesteps={"full": 100_000}, suites=("full",)),
        ],
        metric="benchmarks.entries.classic:mean_return_100",
        curve_metric="benchmarks.entries.classic:mean_return_10",
        headline="mean_return",
        solved_at=475.0,
    ),
    Entry(
        label="CartPolePixels-v0",
        env_id="CartPolePixels-v0",
        # 4 x 20 x 40 frames: a sixth of the CNN's cost at the default 4 x 40 x 80; a crop of the
        # whole track (crop_width=600) learned slower: a greedy mean length of 50-60 at 50k steps
        env_kwargs={"downscale": 8},
        agents=[AgentSpec(agent="dqn", timesteps={"full": 60_000}, suites=("full",))],
        metric="benchmarks.entries.classic:mean_return_100",
        curve_metric="benchmarks.entries.classic:mean_return_10",
        headline="mean_length",
        solved_at=150.0,
        eval_points=4,
        suites=("full",),
    ),
]
