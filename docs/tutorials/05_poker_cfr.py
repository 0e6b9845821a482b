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
# # 5. Hidden hands: poker and CFR
#
# The course's last extension of the RL framework: the agent does not see the state, only an
# **observation** of it, as in a card game where the opponent hides its hand (a *partially
# observable* problem). This tutorial uses the smallest real poker game, Kuhn poker, to show what
# the agent can know (its **information state**), how to measure a strategy exactly (**best
# response** and **exploitability**), and how counterfactual regret minimisation (**CFR**, **CFR+**)
# finds an unexploitable strategy. Leduc Hold'em, a bigger game, comes at the end.

# %%
import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch

from rldojo import make_agent  # importing rldojo registers KuhnPoker-v0 and LeducHoldem-v0
from rldojo.envs.cards import analysis
from rldojo.envs.cards.games import KUHN

torch.set_num_threads(1)
SEED = 0

# %% [markdown]
# ## Kuhn poker
#
# Three cards, J < Q < K. Each player antes 1 chip and gets one card; the third stays hidden. The
# first player checks or bets 1; the second, facing a check, checks (showdown) or bets; facing a bet,
# folds or calls. If the first player checked and the second bet, the first folds or calls. At a
# showdown the higher card takes the pot. The env's actions are 0 fold, 1 call (or check), 2 raise
# (or bet); the legal ones come in `info["action_mask"]`.
#
# `KuhnPoker-v0` is one hand against a fixed opponent. The observation is a vector: the seat, the
# agent's own card, the betting so far and the chips in the pot; never the opponent's card.

# %%
env = gym.make("KuhnPoker-v0", opponent="random", seat="first", render_mode="ansi")
obs, info = env.reset(seed=3)
print("observation:", obs, "legal:", info["action_mask"])
obs, reward, terminated, truncated, info = env.step(2)  # bet
print(env.render())

# %% [markdown]
# ## Information states
#
# What a player knows at a decision is its own card and the betting: the **information state**.
# Different deals that look the same to the player share it, so a strategy can only depend on the
# information state, never on the hidden card. rldojo writes them as OpenSpiel does: the card
# (0 = J, 1 = Q, 2 = K) then the betting (`p` pass or check, `b` bet). `"1pb"` is "I hold the Q, I
# checked, the opponent bet". Kuhn poker has 6 deals and 12 information states, 6 per player.

# %%
tree = analysis.game_tree("kuhn")
print(f"{tree.num_deals} deals, {tree.num_infosets} information states: {tree.keys}")
state = KUHN.deal((0, 2))  # first player holds the J, second the K
print(f"player 0 sees {state.information_state(0)!r}, player 1 sees {state.information_state(1)!r}")
state.apply_action(1)  # check
state.apply_action(2)  # bet
print(f"after check, bet: player 0 sees {state.information_state(0)!r}, legal actions {state.legal_actions()}")

# %% [markdown]
# ## Measuring a strategy exactly
#
# A strategy (a *policy*) gives each information state a probability per action; rldojo takes a dict
# `{information state: [p_fold, p_call, p_raise]}`. Because the game is small, everything can be
# computed exactly by walking the whole game tree, no sampling:
#
# - `expected_value(game, policy)`: what each player wins on average when both play it;
# - `best_response_policy` / `best_response_value`: the opponent's best counter-strategy, which knows
#   our strategy (not our cards), and what it wins;
# - `exploitability`: how much the two best responses gain on average, $\tfrac12$ NashConv. It is 0
#   exactly at a **Nash equilibrium**, a strategy no opponent can beat.

# %%
uniform = analysis.uniform_policy("kuhn")
print("uniform random play: values", np.round(analysis.expected_value("kuhn", uniform), 3))
print("best response of the second player to it:", analysis.best_response_policy("kuhn", uniform, 1))
for name, policy in [
    ("uniform random", uniform),
    ("always call", analysis.always_call_policy(KUHN)),
    ("always raise", analysis.always_raise_policy(KUHN)),
    ("Kuhn's equilibrium", analysis.kuhn_nash_policy()),
]:
    print(f"exploitability of {name:18s}: {analysis.exploitability('kuhn', policy):.4f} chips per hand")
nash_values = analysis.expected_value("kuhn", analysis.kuhn_nash_policy())
print(f"at equilibrium the first player loses 1/18 = {-nash_values[0]:.4f} a hand")

# %% [markdown]
# Kuhn found the equilibria by hand in 1950: a whole family of them, with one parameter α in
# [0, 1/3]. The first player **bluffs** (bets a J) with probability α and bets a K with probability 3α.
# A strategy that never randomises is exploitable: the opponent would read the cards from the bets.
#
# ## CFR and CFR+
#
# Counterfactual regret minimisation plays the game against itself over the whole tree. At every
# information state it keeps, for each action, the **regret**: how much better that action would
# have done than the current strategy, weighted by how likely the opponent and the cards were to lead
# there. The next strategy plays each action in proportion to its positive regret. The **average**
# strategy over all iterations converges to a Nash equilibrium. CFR+ clips negative regrets to zero
# and weights later iterations more; it converges much faster.
#
# `make_agent("cfr+", "KuhnPoker-v0")` is such a solver, and `learn(n)` runs `n` **iterations** (not
# env steps). Each `learn` call continues where the last one stopped, so measuring the exploitability
# between calls draws the convergence curve.

# %%
checkpoints = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
curves = {}
for name in ("cfr", "cfr+"):
    solver = make_agent(name, "KuhnPoker-v0", seed=SEED)
    done, curve = 0, []
    for n in checkpoints:
        solver.learn(n - done)
        done = n
        curve.append(solver.exploitability())
    curves[name] = curve
    print(f"{name:4s}: exploitability {curve[-1]:.2e} after {done} iterations")

plt.figure(figsize=(5, 3.2))
for name, curve in curves.items():
    plt.loglog(checkpoints, curve, marker=".", label=name.upper())
plt.xlabel("iterations")
plt.ylabel("exploitability (chips per hand)")
plt.legend()
plt.show()
assert curves["cfr+"][-1] < 1e-3 and curves["cfr+"][-1] < curves["cfr"][-1]

# %% [markdown]
# CFR+ reaches an exploitability under 1e-4 of a chip per hand. Which equilibrium did it find? Read
# α off its first-player strategy: the probability of betting the J and of betting the K should be α
# and 3α.

# %%
policy = solver.policy()  # the average strategy of the CFR+ solver
for key in tree.keys:
    print(f"  {key:4s} fold {policy[key][0]:.3f}  call {policy[key][1]:.3f}  raise {policy[key][2]:.3f}")
alpha = policy["0"][2]
print(f"bluff with J: alpha = {alpha:.3f}; bet with K: {policy['2'][2]:.3f} (3 alpha = {3 * alpha:.3f})")
assert 0 <= alpha <= 1 / 3 + 1e-3 and abs(policy["2"][2] - 3 * alpha) < 0.02

# %% [markdown]
# The solved strategy can sit at the table: the env takes it as its `opponent`. Against it, even the
# best response, averaged over both seats, wins next to nothing.

# %%
print(f"best response against it: {analysis.best_response_value_vs('kuhn', policy, 'random'):+.5f} chips per hand")
env = gym.make("KuhnPoker-v0", opponent=policy, seat="random")
obs, info = env.reset(seed=SEED)
action, _ = solver.predict(obs, action_masks=info["action_mask"])  # the solver can also play from observations
print(f"in seat {info['seat']} the solver's most likely action is {['fold', 'call', 'raise'][int(action)]}")

# %% [markdown]
# ## Leduc Hold'em, briefly
#
# Leduc has six cards (J, Q, K in two suits), two betting rounds with a public card between them, and
# raises capped at two a round: 120 deals and 936 information states. The same exact tools apply.
# A uniformly random strategy is badly exploitable; 300 iterations of CFR+ bring NashConv under
# 0.005.

# %%
leduc_tree = analysis.game_tree("leduc")
print(f"Leduc: {leduc_tree.num_deals} deals, {leduc_tree.num_infosets} information states")
print(f"NashConv of uniform random play: {analysis.nash_conv('leduc', analysis.uniform_policy('leduc')):.3f}")
leduc = make_agent("cfr+", "LeducHoldem-v0", seed=SEED)
leduc.learn(300)
print(f"CFR+ after 300 iterations: NashConv {leduc.nash_conv():.5f}")
value = analysis.value_vs("leduc", leduc.policy(), analysis.uniform_policy("leduc"))
print(f"it wins {value:.3f} chips per hand against uniform random play")
assert leduc.nash_conv() < 0.005

# %% [markdown]
# **What to take away.** With hidden information, a good strategy is a probability distribution per
# information state, and it must mix (bluff) to be safe. Exploitability measures a strategy against
# its worst opponent, exactly, on games this size. CFR learns by self-play over the whole tree and its
# average strategy converges to an equilibrium; CFR+ gets there much faster.
