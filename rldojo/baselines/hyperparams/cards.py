"""Default hyperparameters on KuhnPoker-v0 and LeducHoldem-v0 (against a fixed opponent).

A hand is 1 to 4 decisions with the only reward at the end, so no discount is needed
(gamma = 1 for PPO). Kuhn is tiny: DQN starts learning after 200 steps and explores
over half the budget. Leduc (34 inputs, 288 states of the agent) uses the library
defaults for DQN, and larger PPO rollouts with a higher step size and an entropy bonus of 0.1. Measured with
``python -m benchmarks.run --suite full --envs KuhnPoker-v0,LeducHoldem-v0`` (see docs/guide/cards.md).
CFR and CFR+ have no hyperparameters to tune (``learn(n)`` runs n iterations).
"""

_KUHN_DQN = {"learning_starts": 200, "exploration_fraction": 0.5, "target_update_interval": 100}
_KUHN_PPO = {"n_steps": 128, "batch_size": 64, "n_epochs": 4, "learning_rate": 3e-3, "gamma": 1.0}
_KUHN_SB3_PPO = {"n_steps": 256, "batch_size": 64, "n_epochs": 4, "learning_rate": 3e-3, "gamma": 1.0}
# a strong entropy bonus: with none (or 0.05), rldojo's PPO and both SB3 PPOs settle before they find
# that a pair of jacks should bet in round two (a rare state) and stay at 0.818 of the best response
# to always_call
_LEDUC_PPO = {"n_steps": 1024, "batch_size": 256, "learning_rate": 1e-3, "gamma": 1.0, "ent_coef": 0.1}

HYPERPARAMS = {
    ("KuhnPoker-v0", "dqn"): _KUHN_DQN,
    ("KuhnPoker-v0", "sb3-dqn"): _KUHN_DQN,  # the same names in SB3: what ours got
    ("KuhnPoker-v0", "ppo"): _KUHN_PPO,
    ("KuhnPoker-v0", "sb3-ppo"): _KUHN_SB3_PPO,
    ("KuhnPoker-v0", "sb3-maskable-ppo"): _KUHN_SB3_PPO,
    ("LeducHoldem-v0", "dqn"): {},
    ("LeducHoldem-v0", "sb3-dqn"): {},
    ("LeducHoldem-v0", "ppo"): _LEDUC_PPO,
    ("LeducHoldem-v0", "sb3-ppo"): _LEDUC_PPO,
    ("LeducHoldem-v0", "sb3-maskable-ppo"): _LEDUC_PPO,
}
