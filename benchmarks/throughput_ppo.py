"""Hand-written PPO against stable-baselines3's PPO: env steps per second at matched settings.

Both train on CartPole-v1 with the same rollout length per env, minibatch size, number of
epochs and networks (separate 64-64 tanh actor and critic, Adam), with 1 env and with 8.
They are measured side by side in one process (``benchmarks.timing``): short slices of training,
alternated, each slice a whole number of rollouts, and the times summed. Goal: ours >= 1.5x SB3's steps/s.

    python -m benchmarks.throughput_ppo [--seconds 2]
"""

from __future__ import annotations

import argparse

import torch

from benchmarks.throughput import text_table
from benchmarks.timing import interleave

GOAL = 1.5
# Per setting: (n_envs, n_steps per env). Minibatch 64 and 10 epochs, SB3's defaults, for all.
SETTINGS = ((1, 256), (8, 64))
BATCH_SIZE, N_EPOCHS = 64, 10


def _timed_slices(learners: dict, steps_per_slice: int, seconds: float) -> dict[str, float]:
    """Alternate a slice of each learner until each has trained for ``seconds``; steps/s per learner."""

    def slice_of(learn):
        def burst() -> int:
            learn(steps_per_slice)
            return steps_per_slice

        return burst

    tallies = interleave({name: slice_of(learn) for name, learn in learners.items()}, seconds, slice_seconds=0)
    return {name: tally.rate for name, tally in tallies.items()}


def _continuing(agent):
    """``agent.learn(n)`` that keeps counting timesteps across calls, bound to this agent."""
    return lambda n: agent.learn(n, reset_num_timesteps=False)


def rows(seconds: float = 2.0) -> list[dict]:
    """One row per env count: hand-written PPO's steps/s, SB3 PPO's, and their ratio."""
    import gymnasium as gym

    from rldojo.baselines.ppo import PPO

    torch.set_num_threads(1)
    out = []
    for n_envs, n_steps in SETTINGS:
        what = (
            f"PPO train steps/s, {n_envs} env{'s' if n_envs > 1 else ''}, n_steps={n_steps}, "
            f"batch {BATCH_SIZE}, {N_EPOCHS} epochs, 64-64 tanh"
        )
        ours = PPO(
            gym.make("CartPole-v1"), seed=0, n_envs=n_envs, n_steps=n_steps, batch_size=BATCH_SIZE, n_epochs=N_EPOCHS
        )
        rollout = n_envs * n_steps
        learners = {"ours": _continuing(ours)}
        try:
            from rldojo.baselines.sb3 import SB3PPO
        except ImportError:
            SB3PPO = None
        if SB3PPO is not None:
            peer = SB3PPO(
                gym.make("CartPole-v1"),
                seed=0,
                n_envs=n_envs,
                n_steps=n_steps,
                batch_size=BATCH_SIZE,
                n_epochs=N_EPOCHS,
                policy_kwargs={"net_arch": [64, 64]},
                device="cpu",
            )
            learners["peer"] = _continuing(peer)
        for learn in learners.values():  # warm-up: first-call costs stay out of the timing
            learn(rollout)
        rates = _timed_slices(learners, 2 * rollout, seconds)
        row = {
            "env": "CartPole-v1",
            "what": what,
            "ours": round(rates["ours"], 1),
            "peer": "stable-baselines3 PPO",
            "peer_value": None,
            "ratio": None,
            "goal": GOAL,
        }
        if "peer" in rates:
            row["peer_value"] = round(rates["peer"], 1)
            row["ratio"] = round(rates["ours"] / rates["peer"], 2)
        else:
            row["note"] = "stable-baselines3 is not installed"
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="training time per side and setting")
    args = parser.parse_args()
    print(text_table(rows(args.seconds)))


if __name__ == "__main__":
    main()
