"""Tuned defaults of the value-based agents (tabular TD and DQN) per environment.

Measured on this repository's machine; the commands that check them are in docs/guide/value-based.md.
"""

from __future__ import annotations

# The maze: the course's discount (0.95); an aggressive step size is safe in a deterministic maze.
_MAZE_TABULAR = {"learning_rate": 0.5, "gamma": 0.95, "epsilon_decay": 0.99}

# Taxi: the 500-state table. alpha 0.5 and a faster epsilon decay than the course's 0.995
# reach a greedy mean return of about 7.5 (optimal is about 7.9) in 50k steps.
_TAXI_TABULAR = {"learning_rate": 0.5, "gamma": 0.99, "epsilon_decay": 0.99, "epsilon_end": 0.01}

# CartPole from the state vector: a standard double DQN with a Polyak-averaged target network
# (tau 0.005 at every step) and two gradient steps every four env steps. Adam's step is 5e-4:
# at 1e-3, 8 of seeds 0-9 reached >= 475 (best of 10 checkpoints, 100k steps, 2026-12-02); at
# 5e-4, 9 of 10 (seed 6: 249.9), as with a 100k replay or 20 checkpoints; see docs/benchmark.md.
_CARTPOLE_DQN = {
    "form": "standard",
    "hidden_sizes": (64, 64),
    "learning_rate": 5e-4,
    "batch_size": 64,
    "buffer_size": 50_000,
    "learning_starts": 1_000,
    "train_freq": 4,
    "gradient_steps": 2,
    "target_update_interval": 1,
    "tau": 0.005,
    "exploration_fraction": 0.1,
    "epsilon_end": 0.02,
    "loss": "huber",
}

HYPERPARAMS = {
    **{("Maze-v0", name): dict(_MAZE_TABULAR) for name in ("qlearning", "sarsa", "expected_sarsa")},
    ("Maze-v0", "dqn"): {
        "form": "standard",
        "learning_rate": 3e-3,
        "gamma": 0.95,
        "epsilon_decay": 0.98,
        "learning_starts": 200,
        "target_update_interval": 200,
        "batch_size": 32,
    },
    **{("Taxi-v4", name): dict(_TAXI_TABULAR) for name in ("qlearning", "sarsa", "expected_sarsa")},
    ("CartPole-v1", "dqn"): _CARTPOLE_DQN,
    # CartPole from pixels: a light CNN torso, 3-step returns, a replay of 100k frames and a
    # target network every 2,000 steps (the benchmark uses 4 x 20 x 40 frames). Against the
    # NatureCNN torso, 1-step returns and a 20k replay, seed 0 reached a greedy mean length of
    # 123-200 from 20k to 100k steps instead of 9-90, at 5.7 ms a step instead of 7.7.
    ("CartPolePixels-v0", "dqn"): {
        "form": "standard",
        "cnn": True,
        "cnn_channels": (16, 32),
        "features_dim": 256,
        "hidden_sizes": (),
        "learning_rate": 2.5e-4,
        "batch_size": 32,
        "buffer_size": 100_000,
        "learning_starts": 2_000,
        "train_freq": 4,
        "gradient_steps": 1,
        "n_step": 3,
        "target_update_interval": 2_000,
        "exploration_fraction": 0.2,
        "epsilon_end": 0.02,
        "loss": "huber",
    },
    # SB3's DQN on the same frames, with the same settings and the same torso (rldojo's CNN as an SB3
    # features extractor, then the Q head: net_arch=[]); nobody publishes tuned SB3 settings for
    # CartPole from pixels, so SB3 gets exactly what ours got.
    ("CartPolePixels-v0", "sb3-dqn"): {
        "policy_kwargs": {
            "features_extractor_class": "rldojo_cnn",
            "features_extractor_kwargs": {"features_dim": 256, "channels": [16, 32]},
            "net_arch": [],
        },
        "learning_rate": 2.5e-4,
        "batch_size": 32,
        "buffer_size": 100_000,
        "learning_starts": 2_000,
        "train_freq": 4,
        "gradient_steps": 1,
        "n_steps": 3,
        "target_update_interval": 2_000,
        "exploration_fraction": 0.2,
        "exploration_final_eps": 0.02,
    },
}
