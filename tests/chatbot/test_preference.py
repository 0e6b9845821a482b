"""Preference learning beside the pipeline: DPO/IPO, best-of-n, GRPO/RLOO, reward-model ensembles."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from rldojo.baselines import preference as pref
from rldojo.baselines import rlhf

# ----------------------------------------------------------------------------- DPO and IPO


def _table_policy(logits) -> nn.Module:
    """A policy whose logits for one-hot observation i are row i of ``logits``."""
    policy = nn.Linear(len(logits), len(logits[0]), bias=False)
    with torch.no_grad():
        policy.weight.copy_(torch.tensor(logits, dtype=torch.float32).T)
    return policy


def _log_softmax(z):
    z = np.asarray(z, dtype=float)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("loss", ["dpo", "ipo"])
def test_dpo_and_ipo_loss_and_gradient_equal_the_closed_form(loss):
    policy_logits = [[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]
    reference_logits = [[0.0, 0.0, 0.0], [1.0, 0.0, -0.5]]
    policy, reference = _table_policy(policy_logits), _table_policy(reference_logits)
    observations = torch.eye(2)[[0, 1, 1]]  # three pairs: query 0 once, query 1 twice
    winners, losers = torch.tensor([0, 1, 2]), torch.tensor([2, 0, 1])
    beta = 0.7

    value = pref.preference_loss(
        pref.log_ratios(policy, reference, observations, winners),
        pref.log_ratios(policy, reference, observations, losers),
        beta,
        loss,
    )
    value.backward()

    # By hand: h = log pi - log pi_ref; margin m = h_w - h_l; d m / d logits = e_w - e_l.
    query = [0, 1, 1]
    h = _log_softmax(policy_logits) - _log_softmax(reference_logits)
    margins = np.array([h[q, w] - h[q, lo] for q, w, lo in zip(query, [0, 1, 2], [2, 0, 1], strict=True)])
    if loss == "dpo":
        expected = np.mean(np.log1p(np.exp(-beta * margins)))
        slopes = -beta / (1 + np.exp(beta * margins))  # d/dm of -log sigmoid(beta m)
    else:
        expected = np.mean((margins - 1 / (2 * beta)) ** 2)
        slopes = 2 * (margins - 1 / (2 * beta))
    gradient = np.zeros((2, 3))  # d loss / d logits, one row per query
    for q, w, lo, slope in zip(query, [0, 1, 2], [2, 0, 1], slopes, strict=True):
        gradient[q, w] += slope / 3
        gradient[q, lo] -= slope / 3
    assert value.item() == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(policy.weight.grad.T.numpy(), gradient, rtol=1e-5, atol=1e-7)
    assert reference.weight.grad is None  # the reference is fixed


def test_dpo_bad_arguments_are_clear():
    data = rlhf.PipelineData.__new__(rlhf.PipelineData)
    with pytest.raises(ValueError, match="loss must be one of dpo, ipo, got 'kto'"):
        pref.train_dpo(data, loss="kto")
    with pytest.raises(ValueError, match="beta must be a positive number, got 0"):
        pref.train_dpo(data, beta=0)


def test_dpo_beats_the_supervised_policy_on_true_score():
    torch.set_num_threads(1)
    data = rlhf.prepare(rlhf.make_config(n_comparisons=2000, seed=0))
    sft = rlhf.true_score(data.sft, data.env, data.eval_set)
    policy = pref.train_dpo(data, beta=0.5)
    dpo = rlhf.true_score(policy, data.env, data.eval_set)
    assert dpo > sft + 1.0, (sft, dpo)
    # Its implicit reward orders held-out comparisons about as well as a reward model does.
    implicit = pref.ImplicitReward(policy, data.sft, 0.5)
    held = data.heldout
    assert rlhf.pairwise_accuracy(implicit, data.observations[held], data.winners[held], data.losers[held]) > 0.6


# ----------------------------------------------------------------------------- best-of-n


def test_best_of_n_distribution_and_kl_match_monte_carlo():
    rng = np.random.default_rng(0)
    sft = torch.tensor([[0.5, 0.2, 0.15, 0.1, 0.05]], dtype=torch.float64)
    rewards = torch.tensor([[0.0, 3.0, 1.0, 2.0, 2.0]])  # a tie: responses 3 and 4 (3 wins it)
    n, draws = 4, 200_000
    samples = rng.choice(5, size=(draws, n), p=sft[0].numpy())
    # The best of each draw; on a tie the lower response index wins (argmin over (-reward, index)).
    keys = -rewards[0].numpy()[samples] * 10 + samples
    winners = samples[np.arange(draws), keys.argmin(axis=1)]
    frequencies = np.bincount(winners, minlength=5) / draws
    exact = pref.best_of_n_probabilities(sft, rewards, n)[0].numpy()
    np.testing.assert_allclose(exact.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(frequencies, exact, atol=0.005)
    mc_kl = float(np.sum(frequencies * np.log(frequencies / sft[0].numpy())))
    assert float(pref.kl_divergence(torch.tensor(exact)[None], sft)) == pytest.approx(mc_kl, abs=0.01)
    # Five responses: the exact KL is under the formula for rewards that never tie.
    assert mc_kl < pref.best_of_n_kl_bound(n) - 0.03


@pytest.mark.parametrize("n", [2, 4, 16])
def test_best_of_n_kl_formula_matches_monte_carlo_when_draws_never_tie(n):
    rng = np.random.default_rng(n)
    draws, bins = 200_000, 200
    # Best of n uniform draws on a continuum of responses; its quantile, binned into equal-probability bins.
    best = rng.random((draws, n)).max(axis=1)
    frequencies = np.bincount((best * bins).astype(int), minlength=bins) / draws
    seen = frequencies > 0
    mc_kl = float(np.sum(frequencies[seen] * np.log(frequencies[seen] * bins)))
    assert mc_kl == pytest.approx(pref.best_of_n_kl_bound(n), abs=0.01)
    # The exact discrete computation agrees when there are many responses, all different.
    many = 20_000
    uniform = torch.full((1, many), 1.0 / many, dtype=torch.float64)
    probs = pref.best_of_n_probabilities(uniform, torch.arange(many, dtype=torch.float64)[None], n)
    assert float(pref.kl_divergence(probs, uniform)) == pytest.approx(pref.best_of_n_kl_bound(n), abs=0.01)


def test_best_of_one_is_the_policy_itself_and_large_n_is_the_reward_models_choice():
    sft = torch.tensor([[0.6, 0.3, 0.1]], dtype=torch.float64)
    rewards = torch.tensor([[0.0, 1.0, 5.0]])
    torch.testing.assert_close(pref.best_of_n_probabilities(sft, rewards, 1), sft)
    assert pref.best_of_n_probabilities(sft, rewards, 256)[0, 2] > 0.99
    assert pref.best_of_n_kl_bound(1) == 0.0
    assert pref.best_of_n_kl_bound(256) == pytest.approx(math.log(256) - 255 / 256)


# ----------------------------------------------------------------------------- group-relative baselines


def test_grpo_and_rloo_advantages_on_a_hand_made_group():
    rewards = torch.tensor([[1.0, 2.0, 3.0, 6.0], [5.0, 5.0, 5.0, 5.0]])
    torch.testing.assert_close(
        pref.grpo_advantages(rewards, scale=False), torch.tensor([[-2.0, -1.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
    )
    std = math.sqrt(14 / 3)  # the sample std of 1, 2, 3, 6
    torch.testing.assert_close(
        pref.grpo_advantages(rewards)[0], torch.tensor([-2.0, -1.0, 0.0, 3.0]) / std, rtol=1e-6, atol=1e-6
    )
    assert torch.all(pref.grpo_advantages(rewards)[1] == 0)  # a group that all agree teaches nothing
    rloo = pref.rloo_advantages(rewards)
    torch.testing.assert_close(rloo[0], torch.tensor([1 - 11 / 3, 2 - 10 / 3, 3 - 3.0, 6 - 2.0]))
    # Leave-one-out is the group-mean advantage scaled by k/(k-1).
    torch.testing.assert_close(rloo, pref.grpo_advantages(rewards, scale=False) * 4 / 3)
    with pytest.raises(ValueError, match="at least 2 responses per query"):
        pref.rloo_advantages(torch.ones(3, 1))


def test_group_relative_training_answers_each_query_k_times(monkeypatch):
    torch.manual_seed(0)
    data = rlhf.PipelineData.__new__(rlhf.PipelineData)
    data.cfg = rlhf.make_config(queries="course", rl_batch=12, rl_updates=2)
    data.env = rlhf.make_env(data.cfg)
    data.env.reset(seed=0)
    data.sft = nn.Linear(8, 4)
    groups = []
    rloo = pref.rloo_advantages

    def spy(rewards):
        groups.append(tuple(rewards.shape))
        return rloo(rewards)

    monkeypatch.setattr(pref, "rloo_advantages", spy)
    pref.train_group_relative(data, nn.Linear(8, 4), "rloo", group_size=3)
    assert groups == [(4, 3), (4, 3)]  # 12 // 3 queries per update, each answered 3 times
    with pytest.raises(ValueError, match="group_size must be an integer >= 2, got 1"):
        pref.train_group_relative(data, nn.Linear(8, 4), "rloo", group_size=1)
    with pytest.raises(ValueError, match="baseline must be one of grpo, rloo, got 'ppo'"):
        pref.train_group_relative(data, nn.Linear(8, 4), "ppo")


# ----------------------------------------------------------------------------- ensembles and measures


def test_reward_ensemble_is_mean_minus_penalty_times_spread_of_centred_members():
    class Fixed(nn.Module):
        def __init__(self, row):
            super().__init__()
            self.row = torch.tensor(row)

        def forward(self, x):
            return self.row.expand(len(x), -1)

    members = [Fixed([1.0, 2.0, 3.0]), Fixed([10.0, 10.0, 13.0])]  # the second's offset of 9 is meaningless
    centred = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, -1.0, 2.0]])
    x = torch.zeros(2, 4)
    torch.testing.assert_close(pref.RewardEnsemble(members)(x)[0], centred.mean(0))
    torch.testing.assert_close(pref.RewardEnsemble(members, penalty=2.0)(x)[1], centred.mean(0) - 2 * centred.std(0))


def test_policy_measures_are_exact_expectations():
    probs = torch.tensor([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)
    sft = torch.full((2, 3), 1 / 3, dtype=torch.float64)
    gold = torch.tensor([[10.0, 0.0, 5.0], [1.0, 2.0, 3.0]], dtype=torch.float64)
    proxy = torch.tensor([[0.0, 3.0, 0.0], [0.0, 0.0, 3.0]], dtype=torch.float64)
    m = pref.policy_measures(probs, sft, gold, proxy)
    assert m["true_score"] == pytest.approx((10 + 3) / 2)  # greedy: response 0 (first of the tie), then 2
    assert m["sampled_true_score"] == pytest.approx((5 + 3) / 2)
    assert m["proxy_score"] == pytest.approx((0.5 * (-1) + 0.5 * 2 + 2) / 2)
    assert m["kl"] == pytest.approx((math.log(1.5) + math.log(3)) / 2)
