"""Benchmark entries for the course's systems on Gymnasium's own envs: Taxi, CartPole, CartPole from pixels.

- Taxi-v4: the course's 500-state Q-table against SB3's DQN and PPO. Mark: mean return >= 7.
- CartPole-v1 from the state vector: the hand-written DQN and PPO against SB3's. Mark: >= 475.
- CartPolePixels-v0: a CNN DQN on rendered frames, in the full suite only (minutes of CPU).
  Mark: a mean episode length >= 150 (random play: about 22).

Every agent's settings come from ``rldojo.baselines.hyperparams`` (SB3's from rl-zoo3 where
it has them). The metric (:func:`rldojo.bench.metrics.mean_return_100`) plays 100 greedy
episodes (seeds apart from training's) and reports the mean return, its standard deviation
and the mean episode length; the learning curve uses 10.
"""

from __future__ import annotations

from rldojo.bench.suites import AgentSpec, Entry


def _entry(label: str, env_id: str, agents: list[AgentSpec], **fields) -> Entry:
    """An entry measured by the mean greedy return (100 episodes at the end, 10 on the curve)."""
    fields.setdefault("headline", "mean_return")
    return Entry(
        label=label,
        env_id=env_id,
        agents=agents,
        metric="rldojo.bench.metrics:mean_return_100",
        curve_metric="rldojo.bench.metrics:mean_return_10",
        **fields,
    )


ENTRIES = [
    _entry(
        "Taxi",
        "Taxi-v4",
        [
            AgentSpec(agent="qlearning", timesteps={"quick": 50_000, "full": 100_000}),
            AgentSpec(agent="sb3-dqn", timesteps={"full": 100_000}, suites=("full",)),
            AgentSpec(agent="sb3-ppo", timesteps={"full": 100_000}, suites=("full",)),
        ],
        env_kwargs={},
        solved_at=7.0,
    ),
    _entry(
        "CartPole-v1",
        "CartPole-v1",
        [
            AgentSpec(agent="dqn", timesteps={"quick": 30_000, "full": 50_000}),
            AgentSpec(agent="ppo", timesteps={"quick": 30_000, "full": 100_000}),
            AgentSpec(agent="sb3-dqn", timesteps={"full": 50_000}, suites=("full",)),
            AgentSpec(agent="sb3-ppo", timesteps={"full": 100_000}, suites=("full",)),
        ],
        env_kwargs={},
        solved_at=475.0,
    ),
    _entry(
        "CartPolePixels-v0",
        "CartPolePixels-v0",
        [AgentSpec(agent="dqn", timesteps={"full": 60_000}, suites=("full",))],
        # 4 x 20 x 40 frames: a sixth of the CNN's cost at the default 4 x 40 x 80; a crop of the
        # whole track (crop_width=600) learned slower: a greedy mean length of 50-60 at 50k steps
        env_kwargs={"downscale": 8},
        headline="mean_length",
        solved_at=150.0,
        eval_points=4,
        suites=("full",),
    ),
]
