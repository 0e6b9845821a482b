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
# # 2. Deep Q-learning on the maze
#
# A Q-table needs one row per state. When states are too many, or not a finite list at all, the course
# replaces the table by a **neural network** that takes the state and outputs one value $Q(s, a)$ per
# action. This tutorial follows the course's deep Q-learning lesson on its own maze: first the course's
# training loop in a few lines of torch, then rldojo's `DQN` agent, and at the end the course's
# picture of the best move in every cell.

# %%
import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from rldojo import make_agent  # importing rldojo registers Maze-v0 with Gymnasium
from rldojo.baselines import defaults
from rldojo.envs.maze.evaluation import maze_policy_metrics

torch.set_num_threads(1)
SEED = 0

# %% [markdown]
# ## The maze
#
# `Maze-v0` is the course's 4x4 maze: the agent starts in the top-left cell and must reach the exit
# in the bottom-right one. A cell is (column, row). Actions: 0 left, 1 right, 2 up, 3 down.
# Rewards are the course's: +10 at the exit, -0.05 for a move, -0.25 for a move into a cell already
# visited, -0.75 for bumping into a wall or the edge. An episode is lost when the total reward falls
# below -8 (half a point per cell).
#
# The network reads the state as a **one-hot vector** of the 16 cells (`obs_mode="onehot"`), and, as
# in the course, every training episode starts from a random free cell (`start="random"`), so the
# agent learns the way out from everywhere, not one path.

# %%
env = gym.make("Maze-v0", obs_mode="onehot", start="random")
picture = gym.make("Maze-v0", render_mode="rgb_array")
picture.reset(seed=SEED)
print(f"observation {env.observation_space}, actions {env.action_space}")

plt.figure(figsize=(3, 3))
plt.imshow(picture.render())
plt.axis("off")
plt.title("the course's maze")
plt.show()

# %% [markdown]
# ## The course's loop, in torch
#
# The pieces of the course's `DQLAgent`:
#
# - **The Q-network**: Linear, ReLU, Linear, ReLU, Linear; 16 inputs, 4 outputs.
# - **ε-greedy with decay**: a random action with probability ε, otherwise $\arg\max_a Q(s, a)$;
#   ε starts at 1 and is multiplied by a decay factor after each episode.
# - **The TD loss**: the target is $y = r + \gamma \max_{a'} Q(s', a')$, or $y = r$ when the move
#   ended the game; the loss is $(y - Q(s, a))^2$, and autograd and Adam do the rest. One gradient
#   step per move, as the course does.
# - **The convergence check**: every 5 episodes, play greedily from every start cell; stop as soon as
#   every one of them reaches the exit. `env.unwrapped.check_win_all(policy)` is that check; it
#   returns `(won_all, win_rate)` and takes an agent or any function from observation to action.
#
# The course decays ε by 0.995 over up to 2,000 episodes; on this small maze 0.98 is enough.

# %%
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
n_inputs, n_actions = env.observation_space.shape[0], env.action_space.n
q_network = nn.Sequential(nn.Linear(n_inputs, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, n_actions))
optimizer = torch.optim.Adam(q_network.parameters(), lr=1e-3)
gamma, epsilon, epsilon_decay = 0.95, 1.0, 0.98


def greedy_policy(obs):
    with torch.no_grad():
        return int(q_network(torch.as_tensor(obs)).argmax())


win_history = []
env.reset(seed=SEED)
for episode in range(1, 501):
    obs, info = env.reset()
    done = False
    while not done:
        if rng.random() < epsilon:
            action = int(rng.integers(n_actions))  # exploration move
        else:
            action = greedy_policy(obs)  # exploitation move
        next_obs, reward, terminated, truncated, info = env.step(action)
        with torch.no_grad():  # the TD target
            target = reward if terminated else reward + gamma * q_network(torch.as_tensor(next_obs)).max().item()
        loss = (q_network(torch.as_tensor(obs))[action] - target) ** 2  # the deep Q-learning loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        obs, done = next_obs, terminated or truncated
    epsilon *= epsilon_decay
    if episode % 5 == 0:  # the course's convergence check
        won_all, win_rate = env.unwrapped.check_win_all(greedy_policy)
        win_history.append((episode, win_rate))
        if won_all:
            print(f"won from every start cell after {episode} episodes (epsilon {epsilon:.3f}); stopped learning")
            break
assert won_all, "the course's loop should win from every start cell within 500 episodes"

episodes, rates = zip(*win_history, strict=True)
plt.figure(figsize=(5, 2.5))
plt.plot(episodes, rates, marker=".")
plt.ylim(-0.05, 1.05)
plt.xlabel("episode")
plt.ylabel("win rate from all cells")
plt.show()

# %% [markdown]
# As in the course, ask the network for its move on a few cells and compare with the shortest way out
# (`env.unwrapped.optimal_actions(cell)` knows it by breadth-first search).
# `env.unwrapped.observation_at(cell)` is the one-hot vector of a cell.

# %%
names = ["left", "right", "up", "down"]
for cell in [(0, 0), (1, 2), (3, 2)]:
    move = greedy_policy(env.unwrapped.observation_at(cell))
    shortest = [names[a] for a in env.unwrapped.optimal_actions(cell)]
    print(f"cell {cell}: network says {names[move]:5s}  shortest paths start with {shortest}")

# %% [markdown]
# ## The library agent
#
# rldojo's `DQN` does the same with two additions from the standard algorithm (Mnih et al., 2015):
# a **replay buffer** (moves are stored and learned from in random minibatches, not only once in
# order) and a **target network** (a copy of the network, refreshed every few hundred steps, computes
# the targets, so the target does not move with every gradient step). `form="course"` would give the
# loop above instead. `defaults("Maze-v0", "dqn")` holds settings tuned for this maze; `learn(n)`
# counts moves.

# %%
env = gym.make("Maze-v0", obs_mode="onehot", start="random")
hyperparameters = defaults("Maze-v0", "dqn")
print(hyperparameters)
agent = make_agent("dqn", env, seed=SEED, **hyperparameters)
agent.learn(5_000)

won_all, win_rate = env.unwrapped.check_win_all(agent)
metrics = maze_policy_metrics(agent, env)
print(f"{len(agent.episodes.rows)} training episodes; won from every cell: {won_all} (win rate {win_rate:.2f})")
print(f"path optimality (shortest path / greedy path, averaged over start cells): {metrics['path_optimality']:.2f}")
assert won_all, "the DQN agent should win from every start cell after 5,000 moves"

# %% [markdown]
# ## The best-move picture
#
# The course ends with an arrow in every cell: the move the agent would make there.
# `env.unwrapped.render_best_moves(agent)` draws it as an image.

# %%
plt.figure(figsize=(3.5, 3.5))
plt.imshow(env.unwrapped.render_best_moves(agent))
plt.axis("off")
plt.title("DQN's best move in every cell")
plt.show()

# %% [markdown]
# **What to take away.** Deep Q-learning keeps Q-learning's target and exploration and swaps the table
# for a network trained on the squared TD error. Checking the greedy policy from every start cell is
# a direct test of what was learned; the arrows show it at a glance. The same agent runs on larger
# mazes (`layout="classic"`), on pixels (`obs_mode="rgb"`) and on CartPole.
