"""Preference learning beside the RLHF pipeline: DPO and IPO, best-of-n, GRPO and RLOO, reward-model ensembles.

Every method here learns from what :func:`rldojo.baselines.rlhf.prepare` collected: the same
demonstrations (the supervised policy, SFT, is the starting point or the reference of each
method) and the same comparisons (the training part; the held-out part measures).

- **DPO** (Rafailov et al., 2023): no reward model and no RL. The policy's own log-ratio to
  the reference, β·(log π(a|x) − log π_SFT(a|x)), is read as a reward, and the Bradley-Terry
  loss is put on it directly: −log σ(β·(h_w − h_l)), h = log π − log π_SFT, for winner w and
  loser l. Its optimum is π ∝ π_SFT·exp(r/β), the optimum of RLHF with KL coefficient β.
  **IPO** (Azar et al., 2023) swaps the loss for a square, (h_w − h_l − 1/(2β))², which stops
  pushing once the margin reaches 1/(2β) instead of driving it to infinity on every pair.
- **Best-of-n**: sample n responses from SFT, keep the one the reward model scores highest.
  With 14 responses its distribution is exact: if F(a) is the SFT probability of the
  responses the reward model ranks at or below a, P(a) = F(a)^n − F(a⁻)^n. So are its
  scores and its KL to SFT, which is at most the textbook log n − (n−1)/n (that formula
  holds when no two draws can be equal; here they often are).
- **Group-relative policy gradient**: each query is answered k times, and the baseline of a
  response's reward is its own group's mean (GRPO, Shao et al., 2024) or the mean of the
  other k − 1 (RLOO, Ahmadian et al., 2024). The group shares the query, so the baseline
  also removes whatever the reward model adds to every answer of that query. GRPO also
  divides by the group's standard deviation; without that, its advantage is exactly
  (k − 1)/k times RLOO's, and Adam, which ignores a constant scale, would take the same
  steps for both. The loop is
  the pipeline's :func:`~rldojo.baselines.rlhf.optimise_policy`; only the advantage differs.
- **Reward-model ensemble** (Coste et al., 2024): K reward models, each on a bootstrap
  resample of the comparisons; the reward is their mean, or the mean minus λ times their
  spread (where the models disagree, the policy is not paid for going there).

Each policy is judged exactly, by summing over the 14 responses: :func:`policy_measures`.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import torch
from torch import nn

from rldojo.baselines.rlhf import PipelineData, optimise_policy, train_reward_model

PREFERENCE_LOSSES = ("dpo", "ipo")
GROUP_BASELINES = ("grpo", "rloo")


# --------------------------------------------------------------------------- judging a policy exactly


def response_probabilities(policy: nn.Module, observations: torch.Tensor) -> torch.Tensor:
    """π(a|x) for every observation and response, an (n, n_responses) tensor."""
    with torch.no_grad():
        return torch.softmax(policy(observations), dim=1)


def centred(rewards: torch.Tensor) -> torch.Tensor:
    """Rewards minus their mean over the responses of each query.

    A Bradley-Terry reward model is only defined up to a constant per query (the loss sees
    differences), so only centred rewards can be compared or averaged across models.
    """
    return rewards - rewards.mean(dim=1, keepdim=True)


def oracle_table(data: PipelineData) -> torch.Tensor:
    """The oracle's score of every response to every evaluation query, (n_queries, n_responses)."""
    task = data.env.task
    _, queries = data.eval_set
    return torch.tensor([[task.oracle_score(q, a) for a in range(task.n_responses)] for q in queries])


def kl_divergence(probs: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """KL(probs ‖ reference) per row, in nats (0·log 0 counts as 0)."""
    ratio = torch.where(probs > 0, probs / reference, torch.ones_like(probs))
    return (probs * torch.log(ratio)).sum(dim=1)


def policy_measures(
    probs: torch.Tensor, sft_probs: torch.Tensor, gold: torch.Tensor, proxy: torch.Tensor
) -> dict[str, float]:
    """How a policy does over the evaluation queries, computed exactly from its response probabilities.

    :param probs: the policy's π(a|x), (n_queries, n_responses)
    :param sft_probs: the supervised policy's, same shape (the reference of the KL)
    :param gold: the oracle's scores, same shape (:func:`oracle_table`)
    :param proxy: a reward model's rewards, same shape (centred per query by this function)
    :returns: ``true_score`` (the greedy response's oracle score, the pipeline's measure),
        ``sampled_true_score`` (the expected oracle score of a sampled response),
        ``proxy_score`` (the expected centred reward-model reward of a sampled response)
        and ``kl`` (mean KL(π ‖ π_SFT) in nats), each a mean over the queries
    """
    greedy = gold.gather(1, probs.argmax(dim=1, keepdim=True)).squeeze(1)
    return {
        "true_score": float(greedy.mean()),
        "sampled_true_score": float((probs * gold).sum(dim=1).mean()),
        "proxy_score": float((probs * centred(proxy)).sum(dim=1).mean()),
        "kl": float(kl_divergence(probs, sft_probs).mean()),
    }


# --------------------------------------------------------------------------- DPO and IPO


def preference_loss(
    log_ratio_winners: torch.Tensor, log_ratio_losers: torch.Tensor, beta: float, loss: str = "dpo"
) -> torch.Tensor:
    """DPO's (or IPO's) loss from the log-ratios h = log π(a|x) − log π_ref(a|x) of winners and losers.

    DPO: mean of −log σ(β (h_w − h_l)). IPO: mean of (h_w − h_l − 1/(2β))².
    """
    margin = log_ratio_winners - log_ratio_losers
    if loss == "dpo":
        return -nn.functional.logsigmoid(beta * margin).mean()
    return ((margin - 1.0 / (2.0 * beta)) ** 2).mean()  # IPO: the one line that differs


def log_ratios(policy: nn.Module, reference: nn.Module, observations, responses) -> torch.Tensor:
    """log π(a|x) − log π_ref(a|x) for each (observation, response) pair; differentiable in ``policy``."""
    log_probs = torch.log_softmax(policy(observations), dim=1).gather(1, responses[:, None]).squeeze(1)
    with torch.no_grad():
        ref_log_probs = torch.log_softmax(reference(observations), dim=1).gather(1, responses[:, None]).squeeze(1)
    return log_probs - ref_log_probs


def train_dpo(data: PipelineData, beta: float = 0.5, loss: str = "dpo", epochs: int = 30) -> nn.Module:
    """A policy fitted to the training comparisons by DPO (or IPO), starting from and referenced to SFT.

    :param beta: how far from SFT the policy may go: the β of π ∝ π_SFT·exp(r/β) (small: far)
    :param loss: "dpo" or "ipo"
    :param epochs: passes over the training comparisons, in minibatches of 256
    """
    if loss not in PREFERENCE_LOSSES:
        raise ValueError(f"loss must be one of {', '.join(PREFERENCE_LOSSES)}, got {loss!r}")
    if not beta > 0:
        raise ValueError(f"beta must be a positive number, got {beta!r}")
    cfg = data.cfg
    policy = copy.deepcopy(data.sft)
    reference = copy.deepcopy(data.sft).requires_grad_(False)
    observations, winners, losers = (t[data.train] for t in (data.observations, data.winners, data.losers))
    optimizer = torch.optim.Adam(policy.parameters(), lr=cfg.learning_rate)
    generator = torch.Generator().manual_seed(cfg.seed)
    for _ in range(epochs):
        order = torch.randperm(len(winners), generator=generator)
        for start in range(0, len(order), 256):
            idx = order[start : start + 256]
            value = preference_loss(
                log_ratios(policy, reference, observations[idx], winners[idx]),
                log_ratios(policy, reference, observations[idx], losers[idx]),
                beta,
                loss,
            )
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
    return policy


class ImplicitReward(nn.Module):
    """DPO's implicit reward model, β·(log π(·|x) − log π_SFT(·|x)), to measure it like a reward model."""

    def __init__(self, policy: nn.Module, reference: nn.Module, beta: float):
        super().__init__()
        self.policy, self.reference, self.beta = policy, reference, beta

    def forward(self, x):
        return self.beta * (torch.log_softmax(self.policy(x), dim=1) - torch.log_softmax(self.reference(x), dim=1))


# --------------------------------------------------------------------------- best-of-n


def best_of_n_probabilities(sft_probs: torch.Tensor, rewards: torch.Tensor, n: int) -> torch.Tensor:
    """The exact distribution of best-of-n: n draws from ``sft_probs``, keep the highest reward.

    Ties in ``rewards`` go to the lower response index. (n_queries, n_responses) in and out.
    """
    # Rank the responses by reward (stable: equal rewards keep index order, the lower index ranking higher).
    order = torch.argsort(-rewards, dim=1, stable=True).flip(1)  # worst first
    p_sorted = sft_probs.gather(1, order)
    at_or_below = p_sorted.cumsum(dim=1).clamp(max=1.0)
    below = at_or_below - p_sorted
    # The best of n draws is a when all n fall at or below a, but not all strictly below it.
    p_best = at_or_below**n - below.clamp(min=0.0) ** n
    return torch.zeros_like(sft_probs).scatter(1, order, p_best)


def best_of_n_kl_bound(n: int) -> float:
    """log n − (n−1)/n: the KL of best-of-n to its base policy when no two draws can tie (an upper bound)."""
    return math.log(n) - (n - 1) / n


def kl_regularised_optimum(sft_probs: torch.Tensor, rewards: torch.Tensor, beta: float) -> torch.Tensor:
    """π(a|x) ∝ π_SFT(a|x)·exp(r(x, a)/β): the policy RLHF with KL coefficient β aims at (and DPO with the same β).

    β → ∞ gives SFT back; β → 0 gives the reward model's greedy choice.
    """
    return torch.softmax(torch.log(sft_probs) + centred(rewards) / beta, dim=1)


# --------------------------------------------------------------------------- group-relative policy gradient


def grpo_advantages(rewards: torch.Tensor, scale: bool = True) -> torch.Tensor:
    """Reward minus its group's mean, divided by the group's spread (Shao et al.); ``rewards`` is (queries, k).

    :param scale: divide by the group's standard deviation (+1e-8), as GRPO does; without it the
        advantage is exactly (k − 1)/k times RLOO's, which Adam's step does not tell apart
    """
    advantages = rewards - rewards.mean(dim=1, keepdim=True)
    if scale:
        advantages = advantages / (rewards.std(dim=1, keepdim=True) + 1e-8)
    return advantages


def rloo_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """Reward minus the mean of the *other* k − 1 rewards of its group (k ≥ 2)."""
    k = rewards.shape[1]
    if k < 2:
        raise ValueError(f"RLOO needs at least 2 responses per query (group_size >= 2), got {k}")
    others = (rewards.sum(dim=1, keepdim=True) - rewards) / (k - 1)
    return rewards - others


def train_group_relative(
    data: PipelineData, reward_model: nn.Module, baseline: str = "grpo", group_size: int = 4, **overrides
) -> nn.Module:
    """Step 3 of the pipeline with a group-relative baseline: ``rl_batch // group_size`` queries, each answered k times.

    :param baseline: "grpo" (the group's mean) or "rloo" (the mean of the others)
    :param overrides: fields of the pipeline's config to change for this run (e.g. ``kl_coef``)
    """
    if baseline not in GROUP_BASELINES:
        raise ValueError(f"baseline must be one of {', '.join(GROUP_BASELINES)}, got {baseline!r}")
    if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 2:
        raise ValueError(f"group_size must be an integer >= 2, got {group_size!r}")
    cfg = dataclasses.replace(data.cfg, **overrides)
    advantage_fn = grpo_advantages if baseline == "grpo" else rloo_advantages
    policy, _ = optimise_policy(data.env, data.sft, reward_model, cfg, group_size=group_size, advantage_fn=advantage_fn)
    return policy


# --------------------------------------------------------------------------- reward-model ensembles


class RewardEnsemble(nn.Module):
    """K reward models as one: the mean of their centred rewards, minus ``penalty`` times their spread.

    :param members: the reward models, each mapping observations to (n, n_responses) rewards
    :param penalty: λ of mean − λ·std (0: the plain mean)
    """

    def __init__(self, members: list[nn.Module], penalty: float = 0.0):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.penalty = float(penalty)

    def member_rewards(self, x) -> torch.Tensor:
        """Each member's centred rewards, stacked: (K, n, n_responses)."""
        return torch.stack([centred(member(x)) for member in self.members])

    def forward(self, x):
        rewards = self.member_rewards(x)
        if self.penalty == 0.0:
            return rewards.mean(dim=0)
        return rewards.mean(dim=0) - self.penalty * rewards.std(dim=0)

    def with_penalty(self, penalty: float) -> RewardEnsemble:
        """The same members with another λ."""
        return RewardEnsemble(list(self.members), penalty)


def train_reward_ensemble(data: PipelineData, k: int = 5, penalty: float = 0.0) -> RewardEnsemble:
    """K reward models, each fitted to a bootstrap resample (with replacement) of the training comparisons."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    cfg = data.cfg
    rng = np.random.default_rng(cfg.seed + 104729)
    n_inputs, n_actions = data.env.embedding_dim, data.env.task.n_responses
    members = []
    for member in range(k):
        idx = torch.as_tensor(rng.integers(0, data.n_train, size=data.n_train))
        member_cfg = dataclasses.replace(cfg, seed=cfg.seed + 1000 * (member + 1))  # its own minibatch order
        members.append(
            train_reward_model(
                data.observations[idx], data.winners[idx], data.losers[idx], n_inputs, n_actions, member_cfg
            )
        )
    return RewardEnsemble(members, penalty)
