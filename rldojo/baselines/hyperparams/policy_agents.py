"""Default hyperparameters of the policy-gradient agents and of the stable-baselines3 agents.

Covers ``reinforce``, ``ppo``, ``a2c`` and every ``sb3-*`` name on CartPole-v1, Maze-v0
and Taxi-v4 (the card games, Go, the bandit and the chatbot have their own modules).

- CartPole-v1: rl-zoo3's tuned settings (hyperparams/ppo.yml, a2c.yml, dqn.yml), for the
  SB3 agents and for ours alike; ``"lin_0.001"`` is rl-zoo3's linear decay to 0, which our
  PPO spells ``anneal_lr=True`` / ``anneal_clip=True``. rl-zoo3's budgets: PPO 1e5 steps,
  A2C 5e5, DQN 5e4. Our A2C uses Adam, GAE 0.95 and normalised advantages, which the tests
  found steadier on small budgets than RMSprop with plain 5-step returns.
- Maze-v0: the seed layout with (col, row) observations; an entropy bonus keeps the policy
  exploring until it finds the exit, and gamma 0.95 makes the short path clearly better
  than wandering. See docs/guide/policy-gradient.md for what was measured.
- Taxi-v4: the course's 500-state table as a one-hot input; long rollouts, an entropy bonus.
  SB3's DQN trains every 4 steps (its own default), a quarter of the full suite's CPU
  for it; on the Maze it trains every step, matched to ours for the wall-time race.
"""

CARTPOLE = "CartPole-v1"
MAZE = "Maze-v0"
TAXI = "Taxi-v4"

HYPERPARAMS = {
    # ---- CartPole-v1 ------------------------------------------------------------------
    (CARTPOLE, "ppo"): {
        "n_envs": 8,
        "n_steps": 32,
        "batch_size": 256,
        "gae_lambda": 0.8,
        "gamma": 0.98,
        "n_epochs": 20,
        "ent_coef": 0.0,
        "learning_rate": 1e-3,
        "anneal_lr": True,
        "clip_epsilon": 0.2,
        "anneal_clip": True,
    },
    (CARTPOLE, "a2c"): {
        "n_envs": 8,
        "n_steps": 8,
        "optimizer": "adam",
        "learning_rate": 1e-3,
        "gae_lambda": 0.95,
        "normalize_advantage": True,
        "ent_coef": 0.0,
    },
    (CARTPOLE, "reinforce"): {
        "learning_rate": 3e-3,
        "batch_episodes": 10,
        "gamma": 0.99,
        "baseline": "value",
        "normalize_advantages": True,
        "hidden_sizes": (64,),
    },
    (CARTPOLE, "sb3-ppo"): {
        "n_envs": 8,
        "n_steps": 32,
        "batch_size": 256,
        "gae_lambda": 0.8,
        "gamma": 0.98,
        "n_epochs": 20,
        "ent_coef": 0.0,
        "learning_rate": "lin_0.001",
        "clip_range": "lin_0.2",
    },
    (CARTPOLE, "sb3-maskable-ppo"): {
        "n_envs": 8,
        "n_steps": 32,
        "batch_size": 256,
        "gae_lambda": 0.8,
        "gamma": 0.98,
        "n_epochs": 20,
        "ent_coef": 0.0,
        "learning_rate": "lin_0.001",
        "clip_range": "lin_0.2",
    },
    (CARTPOLE, "sb3-a2c"): {"n_envs": 8, "ent_coef": 0.0},
    (CARTPOLE, "sb3-dqn"): {
        "learning_rate": 2.3e-3,
        "batch_size": 64,
        "buffer_size": 100_000,
        "learning_starts": 1000,
        "gamma": 0.99,
        "target_update_interval": 10,
        "train_freq": 256,
        "gradient_steps": 128,
        "exploration_fraction": 0.16,
        "exploration_final_eps": 0.04,
        "policy_kwargs": {"net_arch": [256, 256]},
    },
    # ---- Maze-v0 (seed layout, coords) -----------------------------------------------
    (MAZE, "ppo"): {
        "n_envs": 4,
        "n_steps": 64,
        "batch_size": 64,
        "n_epochs": 10,
        "learning_rate": 1e-3,
        "ent_coef": 0.02,
        "gamma": 0.95,
    },
    (MAZE, "a2c"): {
        "n_envs": 4,
        "n_steps": 8,
        "optimizer": "adam",
        "learning_rate": 1e-3,
        "gae_lambda": 0.95,
        "normalize_advantage": True,
        "ent_coef": 0.01,
    },
    (MAZE, "reinforce"): {"learning_rate": 3e-3, "baseline": "value", "normalize_advantages": True},
    (MAZE, "sb3-ppo"): {
        "n_envs": 4,
        "n_steps": 64,
        "batch_size": 64,
        "n_epochs": 10,
        "learning_rate": 1e-3,
        "ent_coef": 0.02,
        "gamma": 0.95,
    },
    (MAZE, "sb3-maskable-ppo"): {
        "n_envs": 4,
        "n_steps": 64,
        "batch_size": 64,
        "n_epochs": 10,
        "learning_rate": 1e-3,
        "ent_coef": 0.02,
        "gamma": 0.95,
    },
    (MAZE, "sb3-a2c"): {"n_envs": 4, "ent_coef": 0.01},
    (MAZE, "sb3-dqn"): {
        "learning_rate": 1e-3,
        "batch_size": 64,
        "buffer_size": 20_000,
        "learning_starts": 500,
        "target_update_interval": 500,
        "train_freq": 1,
        "exploration_fraction": 0.3,
        "exploration_final_eps": 0.05,
        "policy_kwargs": {"net_arch": [64, 64]},
    },
    # ---- Taxi-v4 (500 states, one-hot) -------------------------------------------------
    (TAXI, "ppo"): {
        "n_envs": 8,
        "n_steps": 128,
        "batch_size": 256,
        "n_epochs": 4,
        "learning_rate": 1e-3,
        "gamma": 0.99,
        "gae_lambda": 0.95,
        "ent_coef": 0.01,
    },
    (TAXI, "a2c"): {
        "n_envs": 8,
        "n_steps": 16,
        "optimizer": "adam",
        "learning_rate": 1e-3,
        "gae_lambda": 0.95,
        "normalize_advantage": True,
        "ent_coef": 0.01,
    },
    (TAXI, "reinforce"): {"learning_rate": 3e-3, "baseline": "value", "normalize_advantages": True},
    (TAXI, "sb3-ppo"): {
        "n_envs": 8,
        "n_steps": 128,
        "batch_size": 256,
        "n_epochs": 4,
        "learning_rate": 1e-3,
        "ent_coef": 0.01,
    },
    (TAXI, "sb3-maskable-ppo"): {
        "n_envs": 8,
        "n_steps": 128,
        "batch_size": 256,
        "n_epochs": 4,
        "learning_rate": 1e-3,
        "ent_coef": 0.01,
    },
    (TAXI, "sb3-a2c"): {"n_envs": 8, "ent_coef": 0.01},
    (TAXI, "sb3-dqn"): {
        "learning_rate": 1e-3,
        "batch_size": 64,
        "buffer_size": 50_000,
        "learning_starts": 1000,
        "target_update_interval": 1000,
        "train_freq": 4,
        "exploration_fraction": 0.3,
        "exploration_final_eps": 0.05,
        "policy_kwargs": {"net_arch": [128, 128]},
    },
}
