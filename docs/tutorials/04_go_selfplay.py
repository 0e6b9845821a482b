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
# # 4. Two players: SARSA self-play on Go
#
# In a two-player game the next state a player sees is not the result of its own move alone: the
# opponent answers first. The learning cycle becomes (state, action, reward, the opponent's state,
# the opponent's action), the **SARSA** setting of the course, and the course suggests training two
# AIs at once, one for black and one for white, playing each other. This tutorial does exactly that
# on a 5x5 Go board, measures the result against fixed opponents, and then lets it play GNU Go.

# %%
import shutil

import gymnasium as gym
import matplotlib.pyplot as plt
import torch

from rldojo import make_agent  # importing rldojo registers Go-v0
from rldojo.baselines import defaults
from rldojo.envs.go.evaluation import win_rate

torch.set_num_threads(1)
SEED = 0

# %% [markdown]
# ## The game
#
# `Go-v0` is Go against a fixed opponent: each `step` is the agent's move and the opponent's reply.
# An action is a point, `row * 5 + col`, or 25 to pass. The observation is five 5x5 planes: the
# agent's stones, the opponent's, the empty points, the legal moves, and whose turn it is.
# Not every point is legal (occupied points, suicide, ko), so the legal moves also come as
# `info["action_mask"]`. The game ends after two passes in a row and is scored by area
# (Tromp–Taylor) with a komi of 7.5 points for white. The reward is +1 for a win, -1 for a loss,
# at the end.

# %%
env = gym.make("Go-v0", board_size=5, opponent="random", render_mode="ansi")
obs, info = env.reset(seed=SEED)
print(f"observation {obs.shape}, {int(info['action_mask'].sum())} legal actions")
obs, reward, terminated, truncated, info = env.step(12)  # the centre point, C3
print(env.render())

# %% [markdown]
# ## SARSA self-play
#
# `make_agent("selfplay-sarsa", ...)` keeps two learners, black and white, and makes them play each
# other. Black sees a position $s$ and plays $a$; white answers; only then does black see its next
# position $s'$ and choose $a'$, and it updates
#
# $$Q_{black}(s, a) \leftarrow Q_{black}(s, a) + \alpha\big(r + \gamma\, Q_{black}(s', a') - Q_{black}(s, a)\big),$$
#
# and white does the same on its own positions. Both explore ε-greedily, with ε decaying during
# training. Even 5x5 Go has far too many positions for a table, so $Q(s, a)$ is a **linear function
# of binary features** of the move and of the position it leads to: the pattern around the point,
# liberties, captures, and the shapes of small windows of the board. `learn(n)` counts moves of
# self-play. The tuned settings are `defaults("Go-v0", "selfplay-sarsa")`; the benchmark trains for
# 200,000 moves, here 15,000 (a few seconds).

# %%
hyperparameters = defaults("Go-v0", "selfplay-sarsa")
print(hyperparameters)
agent = make_agent("selfplay-sarsa", gym.make("Go-v0", board_size=5), seed=SEED, **hyperparameters)
agent.learn(15_000)
games = agent.episodes.rows
print(f"{len(games)} games of self-play, {sum(g['win'] for g in games)} won by black")

# %% [markdown]
# ## Win rates against fixed opponents
#
# The self-play learners never met these opponents during training. `win_rate(player, opponent)` plays
# games with the trained agent taking black in half of them and white in the other half:
#
# - `"random"`: a uniformly random legal move;
# - `"greedy"`: captures when it can, saves its stones in atari, otherwise a random sensible move.

# %%
for opponent, target in [("random", 0.95), ("greedy", 0.8)]:
    result = win_rate(agent, opponent, games=100, seed=1)
    print(
        f"vs {opponent:6s}: {result.win_rate:.0%} of {result.games} games "
        f"(as black {result.wins_as_black}/{result.games // 2}, as white {result.wins_as_white}/{result.games // 2}), "
        f"mean margin {result.mean_score:+.1f} points"
    )
    assert result.win_rate >= target, f"the agent should beat {opponent} in at least {target:.0%} of games"

# %% [markdown]
# A finished game against the greedy opponent, with the agent as black. `render_mode="rgb_array"`
# draws the board; the agent chooses from the observation and the legal-move mask.


# %%
def play_one_game(env, agent):
    obs, info = env.reset(seed=SEED)
    done = False
    while not done:
        action, _ = agent.predict(obs, action_masks=info["action_mask"])
        obs, _, terminated, truncated, info = env.step(action)
        done = terminated or truncated
    return info


greedy_env = gym.make("Go-v0", board_size=5, opponent="greedy", render_mode="rgb_array")
info = play_one_game(greedy_env, agent)
print(f"winner: {info['winner']}, score {info['score']:+.1f} (black minus white, komi included)")
plt.figure(figsize=(4, 4))
plt.imshow(greedy_env.render())
plt.axis("off")
plt.title("SARSA (black) against greedy")
plt.show()
greedy_env.close()

# %% [markdown]
# ## A game against GNU Go
#
# GNU Go is a real Go program. `opponent="gnugo"` starts it and talks to it in the Go Text Protocol;
# `opponent_kwargs={"level": 1}` sets its strength (0 to 10; 1 is the default). It is far stronger
# than greedy: after 200,000 moves of self-play, the benchmark's agent wins about a quarter of its
# games against it, all as black. After 15,000 moves, expect a loss. This cell needs the `gnugo`
# program; rldojo looks for it on `PATH` and then in `/usr/games`, where Debian's package puts it.
# Without it the cell says so and skips the game.

# %%
gnugo = shutil.which("gnugo") or shutil.which("gnugo", path="/usr/games")
if gnugo is None:
    print("GNU Go is not installed (not on PATH nor in /usr/games): skipping the game against it")
else:
    gnugo_env = gym.make("Go-v0", board_size=5, opponent="gnugo", opponent_kwargs={"level": 1}, render_mode="rgb_array")
    info = play_one_game(gnugo_env, agent)
    print(f"GNU Go ({gnugo}) played white; winner: {info['winner']}, score {info['score']:+.1f}")
    plt.figure(figsize=(4, 4))
    plt.imshow(gnugo_env.render())
    plt.axis("off")
    plt.title("SARSA (black) against GNU Go")
    plt.show()
    gnugo_env.close()

# %% [markdown]
# **What to take away.** Self-play turns a two-player game into its own curriculum: each learner's
# opponent improves with it. SARSA's update waits for the opponent's reply before it bootstraps,
# which is the course's (state, action, reward, state, action) cycle. Function approximation (here
# linear over features) replaces the table. A little self-play beats simple fixed strategies; beating
# a real program needs far more training, and lookahead.
