"""Hand-written DQN against stable-baselines3's DQN: env steps per second at matched settings.

Matched settings: CartPole-v1, one gradient step per env step (train_freq=1,
gradient_steps=1), batch 64, a 2x64 MLP, Huber loss and gradient clipping at 10 (SB3's),
a 50k replay buffer, learning_starts=100, and the same number of env steps for both.
Each repeat builds fresh agents (not timed) and times ``learn(steps)`` for each, the
order alternating between repeats; the rows report the median steps/s over repeats.

Ours runs three ways: the default (``backend="auto"``, the numpy MLP), the torch
backend (autograd and torch.optim.Adam, numpy only around it), and the course form
(an online update per step, batch 1, no replay). Only the first row has the goal.

    python -m benchmarks.throughput_dqn            # prints the table
    python -m benchmarks.throughput_dqn --seconds 4 --repeats 5
"""

from __future__ import annotations

import argparse

import torch

from benchmarks.throughput import text_table
from benchmarks.timing import interleave

ENV_ID = "CartPole-v1"
GOAL = 3.0
MATCHED = dict(
    batch_size=64,
    train_freq=1,
    gradient_steps=1,
    learning_starts=100,
    buffer_size=50_000,
    learning_rate=1e-3,
    gamma=0.99,
    target_update_interval=500,
    exploration_fraction=0.1,
    epsilon_end=0.05,
    max_grad_norm=10.0,
)


def _ours(backend: str = "auto", form: str = "standard"):
    import gymnasium as gym

    from rldojo.baselines.dqn import DQN

    return DQN(gym.make(ENV_ID), seed=0, hidden_sizes=(64, 64), loss="huber", backend=backend, form=form, **MATCHED)


def _sb3():
    import gymnasium as gym
    from stable_baselines3 import DQN as SB3DQN

    m = MATCHED
    return SB3DQN(
        "MlpPolicy",
        gym.make(ENV_ID),
        seed=0,
        device="cpu",
        batch_size=m["batch_size"],
        train_freq=m["train_freq"],
        gradient_steps=m["gradient_steps"],
        learning_starts=m["learning_starts"],
        buffer_size=m["buffer_size"],
        learning_rate=m["learning_rate"],
        gamma=m["gamma"],
        target_update_interval=m["target_update_interval"],
        exploration_fraction=m["exploration_fraction"],
        exploration_final_eps=m["epsilon_end"],
        max_grad_norm=m["max_grad_norm"],
        policy_kwargs={"net_arch": [64, 64]},
    )


def _fresh_learners(make, steps: int, repeats: int):
    """A ``burst()`` per repeat: ``learn(steps)`` of an agent built beforehand (building is not timed)."""
    agents = iter([make() for _ in range(repeats)])

    def burst() -> int:
        next(agents).learn(steps)
        return steps

    return burst


def rows(seconds: float = 2.0, repeats: int = 3) -> list[dict]:
    """Median env steps/s of ours (three ways) and SB3's DQN over ``repeats`` alternating runs.

    :param seconds: sets the step count: about this long for SB3 at ~500 steps/s
    """
    torch.set_num_threads(1)
    steps = max(500, int(seconds * 500))
    contenders = {
        "ours (numpy MLP, default)": lambda: _ours("auto"),
        "ours (torch backend)": lambda: _ours("torch"),
        "ours (course form, batch 1)": lambda: _ours("auto", "course"),
    }
    try:
        import stable_baselines3  # noqa: F401

        contenders["sb3"] = _sb3
        have_sb3 = True
    except ImportError:
        have_sb3 = False
    # one learn(steps) each a round, the order alternating, so a drift in machine load hits both
    bursts = {name: _fresh_learners(make, steps, repeats) for name, make in contenders.items()}
    tallies = interleave(bursts, 0.0, slice_seconds=0.0, rounds=repeats)
    median = {name: tally.median_rate for name, tally in tallies.items()}
    peer = median.get("sb3")
    out = []
    for name in contenders:
        if name == "sb3":
            continue
        row = {
            "env": ENV_ID,
            "what": f"DQN env steps/s, {name}; batch 64, 2x64 MLP, 1 grad step/env step, {steps} steps",
            "ours": median[name],
            "peer": "stable-baselines3 DQN",
            "peer_value": peer,
            "ratio": (median[name] / peer) if peer else None,
            "goal": GOAL if name.endswith("default)") else None,
        }
        if not have_sb3:
            row["note"] = "stable-baselines3 is not installed"
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(text_table(rows(args.seconds, args.repeats)))


if __name__ == "__main__":
    main()
