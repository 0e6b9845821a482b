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
# # 3. Learning from human feedback
#
# Some tasks have no formula for the reward: how good is a chatbot's answer? **Reinforcement learning
# from human feedback (RLHF)** lets a person's judgement play the reward. This tutorial follows the
# course's chatbot: a policy network learns which answer to give from the scores a rater hands out,
# with the **REINFORCE** policy gradient. Then it runs the three RLHF steps of the course's ChatGPT
# slide in miniature: a supervised policy from demonstrations, a reward model from comparisons, and
# policy optimisation against that reward model.

# %%
import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from rldojo import make_agent  # importing rldojo registers ChatbotFeedback-v0
from rldojo.baselines import defaults, rlhf
from rldojo.envs.chatbot.evaluation import sampled_best_rate, true_score_report

torch.set_num_threads(1)
SEED = 0

# %% [markdown]
# ## The course's chatbot
#
# With its defaults, `ChatbotFeedback-v0` is the course's toy. The **state** is a user query, seen
# only as a random 8-number embedding. The **action** is one of four fixed answers. The **reward** is
# the rater's score out of 10, the same for every query. An episode is one query and one answer.

# %%
env = gym.make("ChatbotFeedback-v0")
responses = env.unwrapped.task.responses
obs, info = env.reset(seed=SEED)
print("query embedding:", np.round(obs, 2))
for action, text in enumerate(responses):
    env.reset()
    _, score, *_ = env.step(action)
    print(f"  answer {action}: {text!r:33s} score {score:.0f}")

# %% [markdown]
# ## REINFORCE, written out
#
# There is no Q-value to learn here, only a policy: the network maps the query to a probability for
# each answer, $\pi(a \mid s)$. REINFORCE, as in the course:
#
# 1. **Collect rollouts**: answer 10 queries with answers sampled from the policy; keep the scores.
# 2. **Advantages**: $A = R - M$, the score minus the batch's mean score: positive when the answer did
#    better than usual.
# 3. **Surrogate loss**: $L = -\mathbb{E}[\log \pi(a \mid s)\, A]$. Gradient descent on it raises the
#    probability of answers that did better than average and lowers the others.

# %%
torch.manual_seed(SEED)
policy = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, len(responses)))  # logits
optimizer = torch.optim.Adam(policy.parameters(), lr=1e-2)
mean_scores = []
env.reset(seed=SEED)
for _update in range(100):
    queries, actions, rewards = [], [], []
    for _ in range(10):  # step 1: ten queries per update
        obs, _ = env.reset()
        with torch.no_grad():
            action = torch.distributions.Categorical(logits=policy(torch.as_tensor(obs))).sample().item()
        _, reward, *_ = env.step(action)
        queries.append(obs)
        actions.append(action)
        rewards.append(reward)
    rewards = torch.tensor(rewards)
    advantages = rewards - rewards.mean()  # step 2
    log_probs = torch.log_softmax(policy(torch.as_tensor(np.array(queries))), dim=1)
    log_probs = log_probs[torch.arange(10), torch.tensor(actions)]
    loss = -(log_probs * advantages).mean()  # step 3
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    mean_scores.append(float(rewards.mean()))

plt.figure(figsize=(5, 2.5))
plt.plot(mean_scores)
plt.xlabel("update (10 queries each)")
plt.ylabel("mean score")
plt.ylim(0, 10.5)
plt.show()

# %% [markdown]
# ## The library agent, judged by the oracle
#
# `make_agent("reinforce", ...)` is the same algorithm (`defaults` gives the course's network and its
# 10 queries per update, with a learning rate of 1e-2). `learn(1000)` is 1,000 queries, so 100
# updates.
#
# The scores an agent trains on may come from a noisy or a human rater, so rldojo judges a policy by
# the **oracle**, the exact score table: `true_score_report(agent, env)` plays the greedy answer on
# 1,000 fixed queries and reports its mean true score, as a fraction of the oracle's.
# `sampled_best_rate` counts how often the *sampled* answer (the policy still explores) is the best.

# %%
agent = make_agent("reinforce", env, seed=SEED, **defaults("ChatbotFeedback-v0", "reinforce"))
agent.learn(1_000)
report = true_score_report(agent, env)
print({key: round(value, 3) for key, value in report.items()})
print(f"sampled answer is the best one {sampled_best_rate(agent, env):.1%} of the time")
assert report["score_fraction"] == 1.0, "REINFORCE should always pick the 10-point answer"

# %% [markdown]
# Notice `query_blind_score`: 10. In the toy the best answer is the same for every query, so the
# policy never needs to read the query. With `queries="text"` the environment is a small help desk:
# 210 real questions with 7 intents (greeting, billing, complaint, ...) and 14 answers whose scores
# depend on the intent. There, the best answer that ignores the query earns 5.29 out of 10.

# %%
text_env = gym.make("ChatbotFeedback-v0", queries="text", rater="noisy", render_mode="ansi")
obs, info = text_env.reset(seed=SEED)
text_env.step(3)
print(text_env.render())
task = text_env.unwrapped.task
print(f"{len(task.queries)} queries, {task.n_responses} answers, intents: {', '.join(task.intents)}")
print(f"oracle {task.oracle_mean_score():.2f}, best query-blind policy {task.query_blind_score():.2f}")

# %% [markdown]
# ## RLHF in three steps
#
# `rldojo.baselines.rlhf` has one function per step of the slide, and `run_pipeline` chains them from
# a `PipelineConfig`. The rater is `"noisy"`: a panel of five simulated people, each with their own
# bias and noise. Each step is judged by the oracle on all 210 queries (`rlhf.true_score`, the greedy
# answer's mean true score). A small budget here: 100 policy updates instead of the default 300.

# %%
cfg = rlhf.PipelineConfig(queries="text", rater="noisy", rl_updates=100, seed=SEED)
torch.manual_seed(cfg.seed)
rng = np.random.default_rng(cfg.seed)
chat = gym.make("ChatbotFeedback-v0", queries=cfg.queries, rater=cfg.rater).unwrapped
chat.reset(seed=cfg.seed)
n_inputs, n_answers = chat.embedding_dim, chat.task.n_responses
eval_set = rlhf.evaluation_set(chat, cfg.n_eval, cfg.seed)  # the whole corpus, for the true score
print(cfg)

# %% [markdown]
# **Step 1: a supervised policy.** For a few sampled queries the labeler *demonstrates* the answer
# they would give (`env.demonstrate()`), and a policy network learns to copy them with cross-entropy.
# Demonstrations are expensive, so there are only 40, and the policy generalises imperfectly.

# %%
demo_obs, demo_actions, demo_best = rlhf.collect_demonstrations(chat, cfg.n_demonstrations)
sft = rlhf.train_supervised(demo_obs, demo_actions, n_inputs, n_answers, cfg)
sft_score = rlhf.true_score(sft, chat, eval_set)
print(f"{cfg.n_demonstrations} demonstrations ({demo_best:.1%} were the best answer)")
print(f"step 1, supervised policy: true score {sft_score:.2f}")

# %% [markdown]
# **Step 2: a reward model.** Comparisons are cheap: show the labeler two answers to a query and ask
# which is better (`env.prefer(a, b)`). A reward model $r(x, a)$ is fitted with the **Bradley–Terry**
# loss $-\log \sigma(r(x, \text{winner}) - r(x, \text{loser}))$. A fifth of the comparisons is held out
# to measure it. The noisy labels agree with the oracle's order only about 80% of the time, which
# bounds what the model can learn.

# %%
obs, winners, losers, oracle_sign = rlhf.collect_comparisons(chat, cfg.n_comparisons, rng)
n_train = cfg.n_comparisons - round(cfg.heldout_fraction * cfg.n_comparisons)
reward_model = rlhf.train_reward_model(obs[:n_train], winners[:n_train], losers[:n_train], n_inputs, n_answers, cfg)
held = slice(n_train, None)
accuracy = rlhf.pairwise_accuracy(reward_model, obs[held], winners[held], losers[held])
oracle_accuracy = rlhf.pairwise_accuracy(reward_model, obs[held], winners[held], losers[held], oracle_sign[held])
rm_score = rlhf.true_score(reward_model, chat, eval_set)  # the answer the reward model rates highest
print(f"reward model on {cfg.n_comparisons - n_train} held-out pairs: {accuracy:.1%} agree with the labels,")
print(f"{oracle_accuracy:.1%} with the oracle's order")
print(f"step 2, the reward model's favourite answer: true score {rm_score:.2f}")

# %% [markdown]
# **Step 3: optimise the policy against the reward model.** Starting from the supervised policy, the
# policy answers batches of 64 new queries and the reward model scores the answers. REINFORCE with the
# course's batch-mean baseline updates it. A **KL penalty** keeps it close to the supervised policy:
# the reward of an answer is $r(x, a) - \beta(\log \pi(a \mid x) - \log \pi_{SFT}(a \mid x))$, as in
# InstructGPT, so the policy cannot drift into the reward model's mistakes.

# %%
rl_policy, log = rlhf.optimise_policy(chat, sft, reward_model, cfg, eval_set)
rlhf_score = rlhf.true_score(rl_policy, chat, eval_set)
kl = rlhf.mean_kl(rl_policy, sft, eval_set[0])
print(f"step 3, RLHF policy: true score {rlhf_score:.2f}, KL to the supervised policy {kl:.2f} nats")

curve = log["curve"]
plt.figure(figsize=(5, 3))
plt.plot([0] + [p["update"] for p in curve], [sft_score] + [p["true_score"] for p in curve], marker=".")
plt.axhline(task.oracle_mean_score(), color="tab:green", linestyle="--", label="oracle")
plt.axhline(rm_score, color="tab:orange", linestyle=":", label="reward model's favourite")
plt.axhline(task.query_blind_score(), color="gray", linestyle="--", label="best query-blind")
plt.xlabel("policy update")
plt.ylabel("true score")
plt.legend(loc="lower right")
plt.show()
assert rlhf_score > sft_score + 0.5, "RLHF should improve clearly on the supervised policy"
assert rlhf_score > rm_score, "RLHF should beat the reward model's own favourite answer"

# %% [markdown]
# The same three steps in one call: `run_pipeline` takes the config's fields and returns the scores
# after each step (the command line has it as `rldojo rlhf`). Same config, same seed, same numbers.

# %%
result = rlhf.run_pipeline(**{name: getattr(cfg, name) for name in cfg.__dataclass_fields__})
print(rlhf.format_report(result))
assert abs(result["rlhf_score"] - rlhf_score) < 1e-9

# %% [markdown]
# **What to take away.** REINFORCE learns a policy directly from scores, with no value table. When the
# scores come from people, asking them is the bottleneck: RLHF asks for a few demonstrations and many
# cheap comparisons, turns the comparisons into a reward model, and optimises the policy against it
# while the KL penalty keeps it close to what the people showed. The result beats both the supervised
# policy and the reward model's own favourite answer.
