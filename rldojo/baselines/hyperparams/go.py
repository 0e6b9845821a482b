"""Default hyperparameters on Go-v0 (5x5), read by the CLI and the benchmark.

The self-play SARSA learners decay exploration over the first 60% of the budget and
mix the margin into the final reward (``score_weight``), so that the side that loses
every game early on (white, on 5x5) still learns which losses are smaller, and value
the position after each move by its whole-board shapes up to 3x3 (``shape_window``). The
stable-baselines3 agents play against the greedy opponent; DQN has no masks, so it
trains with ``illegal_action="lose"`` (set in the benchmark entry).
"""

HYPERPARAMS = {
    ("Go-v0", "selfplay-sarsa"): {
        "learning_rate": 0.3,
        "learning_rate_end": 0.1,
        "gamma": 0.9,
        "epsilon_start": 0.3,
        "epsilon_end": 0.05,
        "exploration_fraction": 0.6,
        "score_weight": 0.5,
        "shape_window": 3,
    },
    ("Go-v0", "sb3-maskable-ppo"): {
        "n_steps": 512,
        "batch_size": 64,
        "gamma": 0.99,
        "ent_coef": 0.01,
        "learning_rate": 3e-4,
    },
    ("Go-v0", "sb3-dqn"): {
        "learning_rate": 5e-4,
        "learning_starts": 1_000,
        "buffer_size": 50_000,
        "batch_size": 64,
        "train_freq": 4,
        "target_update_interval": 500,
        "exploration_fraction": 0.3,
        "exploration_final_eps": 0.05,
        "gamma": 0.99,
    },
}
