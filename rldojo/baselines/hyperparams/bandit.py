"""Default hyperparameters on Bandit-v0 (the 10-armed testbed), read by the CLI and the benchmark.

The bandit strategies use Sutton & Barto's textbook settings. The stable-baselines3
agents get gamma = 0: a bandit has no future, so a discount only adds noise to the
value estimates. SB3's DQN trains every 4 steps, its own default.
"""

HYPERPARAMS = {
    ("Bandit-v0", "bandit-epsilon-greedy"): {"epsilon": 0.1},
    ("Bandit-v0", "bandit-ucb"): {"c": 2.0},
    ("Bandit-v0", "bandit-thompson"): {"prior": "auto"},
    ("Bandit-v0", "bandit-gradient"): {"alpha": 0.1},
    ("Bandit-v0", "sb3-ppo"): {"gamma": 0.0, "n_steps": 256, "batch_size": 64, "ent_coef": 0.01},
    ("Bandit-v0", "sb3-dqn"): {
        "gamma": 0.0,
        "learning_rate": 1e-3,
        "learning_starts": 200,
        "buffer_size": 10_000,
        "batch_size": 64,
        "train_freq": 4,
        "target_update_interval": 100,
        "exploration_fraction": 0.2,
        "exploration_final_eps": 0.02,
    },
}
