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
# # 1. The Q-table on Taxi
#
# The course's first agent keeps a **Q-table**: one row per state, one column per action, and in
# each cell an estimate of $Q(s, a)$, the return of taking action $a$ in state $s$ and playing well
# afterwards. The course's example is Gymnasium's Taxi: a 500-row table.
#
# This tutorial writes the Q-learning update out in a few lines of numpy, trains it, measures the
# greedy policy it leads to against the exact optimum, and then does the same with rldojo's
# `QLearning` agent. It runs in a few seconds on a CPU.

# %%
import os

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch

from rldojo import evaluate, make_agent  # Taxi-v4 is Gymnasium's own environment
from rldojo.baselines import defaults

torch.set_num_threads(1)
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # Taxi draws its pictures with pygame: no window needed
SEED = 0

# %% [markdown]
# ## The problem
#
# A taxi drives on a 5x5 grid with four marked stands (R, G, Y, B). A passenger waits at one stand
# and wants to go to another. The **state** is the taxi's row and column, where the passenger is
# (one of the four stands, or in the taxi) and the destination: 25 x 5 x 4 = **500 states**.
# There are **6 actions**: 0 south, 1 north, 2 east, 3 west, 4 pick up, 5 drop off.
# The **reward** is -1 for every step, +20 for delivering the passenger (which ends the episode)
# and -10 for a pick-up or drop-off at the wrong place. Gymnasium cuts an episode at 200 steps.

# %%
env = gym.make("Taxi-v4", render_mode="rgb_array")
obs, info = env.reset(seed=SEED)
row, col, passenger, destination = env.unwrapped.decode(obs)
print(f"{env.observation_space} states, {env.action_space} actions")
print(f"state {obs}: taxi at row {row}, column {col}; passenger at stand {passenger}; destination stand {destination}")

plt.figure(figsize=(3.5, 3.5))
plt.imshow(env.render())
plt.axis("off")
plt.title(f"Taxi, state {obs}")
plt.show()

# %% [markdown]
# ## Q-learning, written out
#
# The table starts at zero. At each step the agent picks an action **ε-greedily**: with probability ε
# a random action (exploration), otherwise the best action of the table (exploitation). After the
# step it moves the table entry toward the **temporal-difference target**:
#
# $$Q(s_t, a_t) \leftarrow Q(s_t, a_t) + \alpha \big(r_t + \gamma \max_a Q(s_{t+1}, a) - Q(s_t, a_t)\big)$$
#
# When the episode ends on the move, there is no future: the target is $r_t$ alone. A time-limit cut
# is not an end of the game, so there the target still looks ahead. ε starts at 1 (pure
# exploration) and is multiplied by a decay factor after every episode, the course's schedule.

# %%
n_states, n_actions = env.observation_space.n, env.action_space.n
alpha, gamma = 0.5, 0.99  # step size and discount
epsilon, epsilon_decay, epsilon_end = 1.0, 0.99, 0.01

rng = np.random.default_rng(SEED)
Q = np.zeros((n_states, n_actions))
episode_returns = []
steps = 0
env.reset(seed=SEED)
for _episode in range(1500):
    state, _ = env.reset()
    total, done = 0.0, False
    while not done:
        if rng.random() < epsilon:
            action = int(rng.integers(n_actions))  # explore
        else:
            action = int(np.argmax(Q[state]))  # exploit
        next_state, reward, terminated, truncated, _ = env.step(action)
        target = reward if terminated else reward + gamma * Q[next_state].max()
        Q[state, action] += alpha * (target - Q[state, action])  # the Q-learning update
        state, total, done = next_state, total + reward, terminated or truncated
        steps += 1
    epsilon = max(epsilon_end, epsilon * epsilon_decay)
    episode_returns.append(total)

print(f"{steps} steps; mean return of the last 100 training episodes: {np.mean(episode_returns[-100:]):.2f}")


# %% [markdown]
# The learning curve: early episodes wander for the full 200 steps and collect penalties; as ε decays
# the table's greedy choices take over and the return climbs toward the optimum.


# %%
def moving_average(values, window=50):
    return np.convolve(values, np.ones(window) / window, mode="valid")


plt.figure(figsize=(6, 3))
plt.plot(episode_returns, alpha=0.3, label="episode")
plt.plot(np.arange(49, len(episode_returns)), moving_average(episode_returns), label="mean of 50")
plt.ylim(-250, 20)
plt.xlabel("episode")
plt.ylabel("return")
plt.legend()
plt.show()

# %% [markdown]
# ## How good is the greedy policy?
#
# After training we stop exploring and always take $\arg\max_a Q(s, a)$. `rldojo.evaluate` plays
# episodes with any policy (an agent, or a plain function from observation to action) and reports
# their statistics. The same seed gives the same passengers, so policies can be compared episode for
# episode.
#
# Taxi is small enough to know the answer exactly: Gymnasium exposes its model as
# `env.unwrapped.P[s][a] = [(probability, next state, reward, terminated)]`, so **value iteration**
# (repeating the Bellman optimality update over all 500 states at once) gives the optimal table $Q^*$.

# %%
model_next = np.zeros((n_states, n_actions), dtype=int)
model_reward = np.zeros((n_states, n_actions))
model_ends = np.zeros((n_states, n_actions))
for s in range(n_states):
    for a in range(n_actions):
        ((_, model_next[s, a], model_reward[s, a], model_ends[s, a]),) = env.unwrapped.P[s][a]  # deterministic

Q_star = np.zeros((n_states, n_actions))
for _ in range(1000):
    Q_new = model_reward + gamma * (1 - model_ends) * Q_star.max(axis=1)[model_next]
    if np.abs(Q_new - Q_star).max() < 1e-9:
        break
    Q_star = Q_new

eval_seed, n_eval = 1000, 100
optimal = evaluate(lambda s: int(np.argmax(Q_star[s])), "Taxi-v4", n_episodes=n_eval, seed=eval_seed)
ours = evaluate(lambda s: int(np.argmax(Q[s])), "Taxi-v4", n_episodes=n_eval, seed=eval_seed)
print(f"optimal policy (value iteration): mean return {optimal.mean_return:.2f}")
print(
    f"our Q-table, greedy:              mean return {ours.mean_return:.2f}, "
    f"{sum(n < 200 for n in ours.lengths)}/{n_eval} passengers delivered"
)

# %% [markdown]
# ## The library agent
#
# `make_agent("qlearning", "Taxi-v4", ...)` builds rldojo's `QLearning`: the same update, the same
# ε-greedy schedule and the same table (`agent.q_table`, 500 x 6). `defaults("Taxi-v4", "qlearning")`
# holds the settings tuned for Taxi, the ones used above. Two differences from the loop above:
# `learn(n)` counts environment **steps**, not episodes, and the agent reads `info["action_mask"]`,
# which Taxi fills with the actions that change the state, so it never explores into a wall.
# The agent has stable-baselines3's interface: `learn`, `predict`, `save`, `load`.

# %%
hyperparameters = defaults("Taxi-v4", "qlearning")
print(hyperparameters)
agent = make_agent("qlearning", "Taxi-v4", seed=SEED, **hyperparameters)
agent.learn(50_000)
print(f"{len(agent.episodes.rows)} training episodes, table of shape {agent.q_table.shape}")

result = evaluate(agent, "Taxi-v4", n_episodes=n_eval, seed=eval_seed)
delivered = sum(n < 200 for n in result.lengths)
print(f"QLearning agent, greedy: mean return {result.mean_return:.2f} (optimal {optimal.mean_return:.2f})")
print(f"{delivered}/{n_eval} passengers delivered, {result.mean_length:.1f} steps on average")
assert delivered == n_eval, "the greedy policy should deliver every passenger"
assert result.mean_return > optimal.mean_return - 1.0, "the greedy policy should be close to optimal"

# %% [markdown]
# One row of the learned table, like the course's slide: the state's four numbers decoded, and the
# value of each action next to its optimal value. The greedy policy only needs the **largest** entry
# to be the right one. The others are rarely tried once ε is small, so they stay rough, and the
# actions the mask rules out here (driving into a wall, a pick-up with no passenger) are never tried
# and keep their initial 0.

# %%
state = 328
row, col, passenger, destination = env.unwrapped.decode(state)
names = ["south", "north", "east", "west", "pick up", "drop off"]
print(f"state {state}: taxi at ({row}, {col}), passenger at {passenger}, destination {destination}")
for name, value, best in zip(names, agent.q_table[state], Q_star[state], strict=True):
    print(f"  {name:9s} Q = {value:7.2f}   (optimal {best:7.2f})")
action, _ = agent.predict(state)
print(f"greedy action: {names[int(action)]}")

# %% [markdown]
# Both tables, ours and the agent's, deliver every passenger within a fraction of a point of the
# optimal return; which of the two comes closer depends on the run's random numbers.
#
# **What to take away.** A Q-table is a complete description of a greedy policy: one number per
# (state, action). Q-learning fills it from experience alone, without the model `P`, using the
# temporal-difference target. It works because Taxi has only 500 states; the next tutorial replaces
# the table by a neural network for problems where a table would not fit.
