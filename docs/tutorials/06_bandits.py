# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. Bandits and non-stationary problems
#
# The multi-armed bandit is reinforcement learning with a single state: `k` slot machines ("arms"),
# each paying a random reward around an unknown mean. Every pull is a choice between the arm that
# looks best so far (**exploitation**) and another that might be better (**exploration**). This
# tutorial runs the classic strategies (ε-greedy, UCB, Thompson sampling, the gradient bandit) on one
# problem, then on thousands at once to draw the textbook's curves (Sutton & Barto, chapter 2), and
# ends with a problem whose arms drift over time, where a constant step size wins.

# %%
import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch

# importing rldojo registers Bandit-v0 with Gymnasium
from rldojo.baselines import UCB, EpsilonGreedy, GradientBandit, ThompsonSampling, bandits

torch.set_num_threads(1)
SEED = 0

# %% [markdown]
# ## One bandit problem
#
# `Bandit-v0` with its defaults is the 10-armed testbed: the true value of each arm, $q_*(a)$, is
# drawn from N(0, 1), and a pull of arm $a$ pays a reward drawn from N($q_*(a)$, 1). The observation
# is always the same (there is one state); an episode is 1,000 pulls. With `problem_seed` fixed, every
# episode is the same problem. `info["regret"]` is what a pull cost against the best arm,
# $q_*(\text{best}) - q_*(a)$.

# %%
env = gym.make("Bandit-v0", problem_seed=SEED, render_mode="rgb_array")
obs, info = env.reset(seed=SEED)
env.action_space.seed(SEED)
true_values = env.unwrapped.values
print("true values q*:", np.round(true_values, 2))
print(f"best arm: {info['optimal_arm']}")
for _ in range(30):
    env.step(env.action_space.sample())
plt.figure(figsize=(5, 3.3))
plt.imshow(env.render())
plt.axis("off")
plt.title("after 30 random pulls")
plt.show()

# %% [markdown]
# ## The strategies
#
# Each keeps an estimate $Q(a)$ of every arm's value, the average of its rewards so far,
# $Q(a) \leftarrow Q(a) + \frac{1}{N(a)}(R - Q(a))$, and differs in how it chooses:
#
# - **ε-greedy**: the best-looking arm, except with probability ε a random one.
# - **UCB** (upper confidence bound): the arm with the largest $Q(a) + c\sqrt{\ln t / N(a)}$. Rarely
#   tried arms get a bonus, so exploration goes where the uncertainty is.
# - **Thompson sampling**: keeps a posterior distribution over each arm's value, draws one sample
#   from each and pulls the arm whose sample is largest. Arms are tried as often as they are likely
#   to be the best.
# - **Gradient bandit**: no value estimates; it learns a preference per arm, plays the softmax of the
#   preferences, and moves them by a policy gradient with the average reward as baseline.
#
# They are agents with the usual interface (`learn(n)` is n pulls; `predict` gives the arm believed
# best). Each plays 1,000 pulls on its own copy of the problem; the env counts the regret it paid.

# %%
strategies = {
    "epsilon-greedy 0.1": (EpsilonGreedy, {"epsilon": 0.1}),
    "UCB c=2": (UCB, {"c": 2.0}),
    "Thompson": (ThompsonSampling, {}),
    "gradient 0.1": (GradientBandit, {"alpha": 0.1}),
}
for name, (cls, hyperparameters) in strategies.items():
    env = gym.make("Bandit-v0", problem_seed=SEED)
    agent = cls(env, seed=SEED, **hyperparameters).learn(1_000)
    obs, _ = env.reset()
    arm, _ = agent.predict(obs)
    print(f"{name:19s} believes arm {arm} is best; regret paid while learning: {env.unwrapped.total_regret:6.1f}")

# %% [markdown]
# ## The testbed: a thousand problems at once
#
# One problem is one draw of luck. `bandits.testbed` runs each strategy on the same `n_problems`
# problems, all advancing together as numpy arrays, and averages: the reward at each step and the
# percentage of problems in which the best arm was pulled. Pure greedy (ε = 0) is the baseline: it
# locks onto the first arm that looks good.

# %%
stationary = bandits.testbed(
    {
        "greedy": ("bandit-epsilon-greedy", {"epsilon": 0.0}),
        "epsilon-greedy 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
        "UCB c=2": ("bandit-ucb", {"c": 2.0}),
        "Thompson": "bandit-thompson",
        "gradient 0.1": ("bandit-gradient", {"alpha": 0.1}),
    },
    n_problems=1000,
    n_steps=1000,
    seed=SEED,
)


def smooth(values, window=20):
    return np.convolve(values, np.ones(window) / window, mode="valid")


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
for label in stationary.labels:
    left.plot(smooth(stationary.average_reward[label]), label=label)
    right.plot(smooth(stationary.percent_optimal[label]), label=label)
left.set(xlabel="step", ylabel="average reward")
right.set(xlabel="step", ylabel="% optimal action")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()

print("steps 200-1000:")
for label in stationary.labels:
    reward = stationary.window_mean("average_reward", label, 200)
    optimal = stationary.window_mean("percent_optimal", label, 200)
    print(f"  {label:19s} average reward {reward:.3f}, best arm {optimal:4.1f}% of the time")
late = {label: stationary.window_mean("average_reward", label, 200) for label in stationary.labels}
assert late["greedy"] < late["epsilon-greedy 0.1"] < late["UCB c=2"] < late["Thompson"]

# %% [markdown]
# Exploring pays: greedy finds the best arm in about a third of the problems, ε-greedy in three
# quarters, and the strategies that explore where it is uncertain (UCB, Thompson) or learn a
# preference (gradient) do better still. ε-greedy can never exceed about 91% optimal: it keeps
# pulling a random arm 10% of the time.
#
# ## When the problem drifts
#
# In a **non-stationary** problem the true values move: here each $q_*(a)$ takes a small random-walk
# step, N(0, 0.01²), after every pull. A sample average weighs a reward from long ago as much as
# today's, so it falls behind. A **constant step size**, $Q(a) \leftarrow Q(a) + \alpha(R - Q(a))$,
# weighs recent rewards more (exponentially, by recency) and follows the drift. Same strategy,
# ε-greedy with ε = 0.1, with both updates, on 500 drifting problems for 5,000 steps:

# %%
drifting = bandits.testbed(
    {
        "sample averages": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
        "constant step 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1, "alpha": 0.1}),
    },
    n_problems=500,
    n_steps=5000,
    nonstationary=True,
    seed=SEED,
)
plt.figure(figsize=(5, 3.2))
for label in drifting.labels:
    plt.plot(smooth(drifting.percent_optimal[label], 100), label=label)
plt.xlabel("step")
plt.ylabel("% optimal action")
plt.legend()
plt.show()

tail = {label: drifting.window_mean("percent_optimal", label, 4000) for label in drifting.labels}
print("best arm pulled, steps 4000-5000:", {label: f"{value:.1f}%" for label, value in tail.items()})
assert tail["constant step 0.1"] > tail["sample averages"] + 10

# %% [markdown]
# **What to take away.** Exploration has a price and a payoff: too little and the agent settles on a
# poor arm; uniform exploration keeps paying forever; directed exploration (UCB, Thompson) pays less
# for more. When the world changes, old evidence must be forgotten, and a constant step size is the
# simplest way to do it. The same idea appears in every value update of the previous tutorials: α is
# the weight of the newest experience.
