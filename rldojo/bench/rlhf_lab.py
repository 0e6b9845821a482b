"""The preference-learning lab: RLHF, DPO, best-of-n, GRPO/RLOO and reward-model ensembles side by side.

Every method learns from the same demonstrations and comparisons, collected by the RLHF
pipeline (:func:`rldojo.baselines.rlhf.prepare`) on ChatbotFeedback-v0's text corpus with
the noisy panel, and is judged by the oracle, which the methods never see. The lab writes
to a folder:

- ``table.csv`` and ``table.md``: a row per method, mean and 95% confidence interval
  (Student's t) over the seeds: true score (the greedy response's oracle score, averaged
  over the 210 queries, and as a fraction of the oracle's 10), the same for a sampled
  response, proxy score (the pipeline's reward model, centred per query), KL to the
  supervised policy, the held-out accuracy of the method's reward model, comparisons used;
- ``overoptimisation.png``: gold (oracle) and proxy (reward model) score against
  d = √KL(π ‖ π_SFT) for best-of-n, n = 1, 2, 4, … 256 (exact), and for RL with no KL
  penalty measured at checkpoints along its optimisation, with Gao, Schulman and Hilton's
  fits, R(d) = d(α − βd) for best-of-n and R(d) = d(α − β log d) for RL (gains over SFT);
- ``overoptimisation_ensemble.png``: the same with the K-model ensemble's reward;
- ``sweep.png``: the reward model's held-out accuracy and each method's true score as the
  number of comparisons and the rater's noise change;
- ``results.json``: every number behind the table and the plots.

    rldojo rlhf lab --out results/lab          # the defaults: 5 seeds, ~265 s of CPU (~2.3 min on 2 free cores)
    python -m rldojo.bench.rlhf_lab --seeds 2 --no-sweep --out /tmp/lab
"""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from rldojo.baselines import preference as pref
from rldojo.baselines import rlhf
from rldojo.envs.chatbot.raters import NoisyRater

# The table's rows, in order, with a one-line description for the markdown table.
METHODS = {
    "sft": "supervised policy (step 1)",
    "rm_greedy": "the reward model's greedy choice",
    "rlhf_reinforce": "RLHF: REINFORCE vs the reward model, KL penalty",
    "rlhf_ppo": "RLHF: PPO vs the reward model, KL penalty",
    "dpo": "DPO (no reward model, no RL)",
    "ipo": "IPO (DPO with a squared loss)",
    "best_of_n": "best-of-n vs the reward model",
    "grpo": "GRPO: group-mean baseline",
    "rloo": "RLOO: leave-one-out baseline",
    "rlhf_ensemble": "RLHF (REINFORCE) vs the ensemble, mean − λ·std",
    "best_of_n_ensemble": "best-of-n vs the ensemble, mean − λ·std",
}
SWEEP_METHODS = ("rm_greedy", "rlhf_reinforce", "dpo", "best_of_n")
BEST_OF_N = tuple(2**i for i in range(9))  # 1, 2, 4, ... 256
OPTIMUM_BETAS = tuple(float(b) for b in np.geomspace(10.0, 0.01, 16))  # KL coefficients of the exact optimum


@dataclass
class LabConfig:
    """Every knob of the lab; the defaults are what ``rldojo rlhf lab`` runs."""

    seeds: int = 5  # seeds 0..seeds-1 of the main table and the over-optimisation curves
    noise_std: float = 1.5  # the noisy panel's per-score noise (its default)
    n_comparisons: int = 4000  # the pipeline's default
    rl_updates: int = 300  # RL methods of the table (the pipeline's default)
    dpo_beta: float = 0.5  # DPO's β (0.5 did best of 0.1 to 2, see the docs)
    ipo_beta: float = 0.05  # IPO's β: its margin target is 1/(2β) (0.05 did best of 0.01 to 2, see the docs)
    preference_epochs: int = 30  # DPO/IPO passes over the comparisons, as many as the reward model's
    best_of_n: int = 16  # n of the table's best-of-n row
    group_size: int = 4  # GRPO/RLOO: responses per query (rl_batch / group_size queries per update)
    ensemble_size: int = 5  # K reward models on bootstrap resamples
    ensemble_penalty: float = 1.0  # λ of mean − λ·std
    overopt_algorithm: str = "ppo"  # the over-optimisation run: RL with no KL penalty ("ppo" or "reinforce"),
    overopt_updates: int = 300  # this many updates (PPO travels further from SFT than REINFORCE in as many),
    overopt_learning_rate: float = 3e-3
    overopt_checkpoints: int = 16  # measured at this many updates, spaced evenly in log(update)
    sweep: bool = True  # the sweep over comparisons and noise
    sweep_comparisons: tuple[int, ...] = (250, 1000, 4000, 8000)  # at the default noise
    sweep_noise: tuple[float, ...] = (0.0, 1.5, 3.0)  # at the default comparisons
    sweep_seeds: int = 3
    sweep_rl_updates: int = 300
    methods: tuple[str, ...] = tuple(METHODS)  # rows of the table to run
    workers: int = 2  # processes (1: everything in this process)


# --------------------------------------------------------------------------- one seed


def _snapshot(data: rlhf.PipelineData):
    return torch.get_rng_state(), copy.deepcopy(data.env.np_random.bit_generator.state)


def _restore(data: rlhf.PipelineData, state) -> None:
    # Every method starts from the same random state: the one the pipeline's step 3 starts from.
    torch.set_rng_state(state[0])
    data.env.np_random.bit_generator.state = copy.deepcopy(state[1])


def _rater(noise_std: float) -> NoisyRater:
    return NoisyRater(noise_std=noise_std)


def _prepare(lab: LabConfig, seed: int, n_comparisons: int, noise_std: float, rl_updates: int) -> rlhf.PipelineData:
    torch.set_num_threads(1)
    cfg = rlhf.make_config(rater=_rater(noise_std), n_comparisons=n_comparisons, rl_updates=rl_updates, seed=seed)
    return rlhf.prepare(cfg)


class _Judge:
    """Measures policies of one seed exactly: gold is the oracle, proxy the pipeline's reward model."""

    def __init__(self, data: rlhf.PipelineData, proxy_model=None):
        self.data = data
        self.observations = data.eval_set[0]
        self.gold = pref.oracle_table(data)
        self.sft_probs = pref.response_probabilities(data.sft, self.observations)
        with torch.no_grad():
            self.proxy = (proxy_model or data.reward_model)(self.observations)

    def probs(self, probs, **extra) -> dict:
        return pref.policy_measures(probs, self.sft_probs, self.gold, self.proxy) | extra

    def policy(self, policy, **extra) -> dict:
        return self.probs(pref.response_probabilities(policy, self.observations), **extra)

    def accuracy(self, reward_model) -> float:
        d = self.data
        held = d.heldout
        return rlhf.pairwise_accuracy(reward_model, d.observations[held], d.winners[held], d.losers[held])


def _greedy_probs(rewards: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(rewards.argmax(dim=1), rewards.shape[1]).double()


def run_methods(data: rlhf.PipelineData, lab: LabConfig, methods, ensemble=None, state=None) -> dict[str, dict]:
    """Train and measure each method on one seed's data; ``{method: measures}``.

    :param state: the random state every method starts from (default: the current one)
    """
    judge = _Judge(data)
    state = _snapshot(data) if state is None else state
    cfg, n_train = data.cfg, data.n_train
    rm_accuracy = judge.accuracy(data.reward_model)
    rows: dict[str, dict] = {}
    for method in methods:
        _restore(data, state)
        used = {"comparisons": n_train, "rm_heldout_accuracy": rm_accuracy}
        if method == "sft":
            rows[method] = judge.policy(data.sft, comparisons=0, rm_heldout_accuracy=math.nan)
        elif method == "rm_greedy":
            rows[method] = judge.probs(_greedy_probs(judge.proxy), **used)
        elif method in ("rlhf_reinforce", "rlhf_ppo"):
            run_cfg = dataclasses.replace(cfg, algorithm=method.removeprefix("rlhf_"))
            policy, _ = rlhf.optimise_policy(data.env, data.sft, data.reward_model, run_cfg)
            rows[method] = judge.policy(policy, **used)
        elif method in ("dpo", "ipo"):
            beta = lab.dpo_beta if method == "dpo" else lab.ipo_beta
            policy = pref.train_dpo(data, beta=beta, loss=method, epochs=lab.preference_epochs)
            implicit = pref.ImplicitReward(policy, data.sft, beta)
            rows[method] = judge.policy(policy, comparisons=n_train, rm_heldout_accuracy=judge.accuracy(implicit))
        elif method == "best_of_n":
            probs = pref.best_of_n_probabilities(judge.sft_probs, judge.proxy, lab.best_of_n)
            rows[method] = judge.probs(probs, **used)
        elif method in ("grpo", "rloo"):
            policy = pref.train_group_relative(data, data.reward_model, method, lab.group_size)
            rows[method] = judge.policy(policy, **used)
        elif method in ("rlhf_ensemble", "best_of_n_ensemble"):
            penalised = ensemble.with_penalty(lab.ensemble_penalty)
            used["rm_heldout_accuracy"] = judge.accuracy(ensemble)
            if method == "rlhf_ensemble":
                policy, _ = rlhf.optimise_policy(data.env, data.sft, penalised, cfg)
                rows[method] = judge.policy(policy, **used)
            else:
                with torch.no_grad():
                    rewards = penalised(judge.observations)
                probs = pref.best_of_n_probabilities(judge.sft_probs, rewards, lab.best_of_n)
                rows[method] = judge.probs(probs, **used)
        else:
            raise ValueError(f"methods must be among {', '.join(METHODS)}, got {method!r}")
    return rows


def _checkpoints(updates: int, count: int) -> set[int]:
    return {int(u) for u in np.unique(np.round(np.geomspace(1, updates, count)))}


def overoptimisation_curves(data: rlhf.PipelineData, lab: LabConfig, reward_model) -> dict[str, list[dict]]:
    """Gold and proxy (``reward_model``'s) score and KL, for best-of-n (each n) and for RL (at checkpoints)."""
    judge = _Judge(data, reward_model)
    curves = {"best_of_n": [], "rl": [judge.probs(judge.sft_probs, update=0)]}
    for n in BEST_OF_N:
        probs = pref.best_of_n_probabilities(judge.sft_probs, judge.proxy, n)
        curves["best_of_n"].append(judge.probs(probs, n=n, kl_bound=pref.best_of_n_kl_bound(n)))
    # The policies RL with a KL penalty β aims at, for β from large (near SFT) to small (near the RM's greedy choice).
    curves["optimum"] = [judge.probs(judge.sft_probs, beta=math.inf)]
    for beta in OPTIMUM_BETAS:
        probs = pref.kl_regularised_optimum(judge.sft_probs, judge.proxy, beta)
        curves["optimum"].append(judge.probs(probs, beta=beta))
    checkpoints = _checkpoints(lab.overopt_updates, lab.overopt_checkpoints)

    def measure(update, policy):
        if update in checkpoints:
            curves["rl"].append(judge.policy(policy, update=update))

    cfg = dataclasses.replace(
        data.cfg,
        kl_coef=0.0,
        algorithm=lab.overopt_algorithm,
        rl_updates=lab.overopt_updates,
        learning_rate=lab.overopt_learning_rate,
    )
    rlhf.optimise_policy(data.env, data.sft, reward_model, cfg, on_update=measure)
    return curves


def run_seed(lab: LabConfig, seed: int) -> dict:
    """One seed of the main table and of the over-optimisation curves (single reward model and ensemble)."""
    started = time.perf_counter()
    data = _prepare(lab, seed, lab.n_comparisons, lab.noise_std, lab.rl_updates)
    state = _snapshot(data)
    needs_ensemble = any("ensemble" in m for m in lab.methods) or lab.overopt_updates > 0
    ensemble = pref.train_reward_ensemble(data, lab.ensemble_size) if needs_ensemble else None
    rows = run_methods(data, lab, lab.methods, ensemble, state)  # from the state the pipeline's step 3 starts in
    curves = {}
    if lab.overopt_updates > 0:
        _restore(data, state)
        curves["single"] = overoptimisation_curves(data, lab, data.reward_model)
        _restore(data, state)
        curves["ensemble"] = overoptimisation_curves(data, lab, ensemble.with_penalty(lab.ensemble_penalty))
    return {
        "seed": seed,
        "rows": rows,
        "curves": curves,
        "oracle_score": data.env.task.oracle_mean_score(),
        "seconds": time.perf_counter() - started,
    }


def run_sweep_cell(lab: LabConfig, n_comparisons: int, noise_std: float, seed: int) -> dict:
    """One (comparisons, noise, seed) cell of the sweep: the reward model's accuracy and a few methods' scores."""
    data = _prepare(lab, seed, n_comparisons, noise_std, lab.sweep_rl_updates)
    rows = run_methods(data, lab, SWEEP_METHODS)
    return {"n_comparisons": n_comparisons, "noise_std": noise_std, "seed": seed, "rows": rows}


# --------------------------------------------------------------------------- statistics and fits


def mean_ci(values) -> tuple[float, float]:
    """The mean and the half-width of its 95% Student-t confidence interval (nan with one value)."""
    from scipy.special import stdtrit  # the t quantile, without importing all of scipy.stats

    values = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if len(values) == 0:
        return math.nan, math.nan
    if len(values) == 1:
        return float(values[0]), math.nan
    half = stdtrit(len(values) - 1, 0.975) * values.std(ddof=1) / math.sqrt(len(values))
    return float(values.mean()), float(half)


def gao_best_of_n(d, alpha, beta):
    """Gao et al.'s best-of-n form: R(d) = d(α − βd)."""
    return d * (alpha - beta * d)


def gao_rl(d, alpha, beta):
    """Gao et al.'s RL form: R(d) = d(α − β log d) (0 at d = 0)."""
    d = np.asarray(d, dtype=float)
    return np.where(d > 0, d * (alpha - beta * np.log(np.maximum(d, 1e-12))), 0.0)


def fit(form, d, gains) -> dict:
    """Least-squares fit of ``form`` to (d, gain) points: ``alpha``, ``beta`` and R²."""
    from scipy.optimize import curve_fit

    d, gains = np.asarray(d, dtype=float), np.asarray(gains, dtype=float)
    try:
        (alpha, beta), _ = curve_fit(form, d, gains, p0=(1.0, 0.1), maxfev=20000)
    except (RuntimeError, ValueError):
        return {"alpha": math.nan, "beta": math.nan, "r2": math.nan}
    residual = gains - form(d, alpha, beta)
    total = ((gains - gains.mean()) ** 2).sum()
    r2 = float(1 - (residual**2).sum() / total) if total else math.nan
    return {"alpha": float(alpha), "beta": float(beta), "r2": r2}


def mean_curve(seed_curves: list[list[dict]]) -> dict[str, np.ndarray]:
    """The seeds' curves averaged point by point: d, gold gain and proxy gain over SFT (and peak location)."""
    d, gold, proxy = [], [], []
    for curve in seed_curves:
        base = curve[0]  # best-of-1 and RL's update 0 are SFT itself
        d.append([math.sqrt(max(p["kl"], 0.0)) for p in curve])
        gold.append([p["sampled_true_score"] - base["sampled_true_score"] for p in curve])
        proxy.append([p["proxy_score"] - base["proxy_score"] for p in curve])
    return {"d": np.mean(d, axis=0), "gold": np.mean(gold, axis=0), "proxy": np.mean(proxy, axis=0)}


def curve_summary(seed_curves: list[list[dict]], form) -> dict:
    """The mean curve, Gao's fit to its gold and proxy gains, and where its gold gain peaks."""
    curve = mean_curve(seed_curves)
    peak = int(np.argmax(curve["gold"]))
    # Each seed's own fall from its gold peak to its last point (the mean curve blurs peaks at different d).
    falls = []
    for curve_of_seed in seed_curves:
        gold = [p["sampled_true_score"] for p in curve_of_seed]
        falls.append(float(max(gold) - gold[-1]))
    return {
        "d": curve["d"].tolist(),
        "gold_gain": curve["gold"].tolist(),
        "proxy_gain": curve["proxy"].tolist(),
        "gold_fit": fit(form, curve["d"], curve["gold"]),
        "proxy_fit": fit(form, curve["d"], curve["proxy"]),
        "gold_peak": {"d": float(curve["d"][peak]), "gain": float(curve["gold"][peak])},
        "gold_end": {"d": float(curve["d"][-1]), "gain": float(curve["gold"][-1])},
        "seed_falls": falls,
    }


# --------------------------------------------------------------------------- writing


COLUMNS = (
    ("true_score", "true score"),
    ("fraction", "of oracle"),
    ("sampled_true_score", "sampled true score"),
    ("proxy_score", "proxy score"),
    ("kl", "KL to SFT (nats)"),
    ("rm_heldout_accuracy", "RM held-out accuracy"),
    ("comparisons", "comparisons used"),
)


def table_rows(seeds: list[dict], lab: LabConfig) -> list[dict]:
    """One row per method: the mean and 95% CI half-width of each measure over the seeds."""
    rows = []
    for method in lab.methods:
        per_seed = [s["rows"][method] for s in seeds]
        per_seed = [r | {"fraction": r["true_score"] / s["oracle_score"]} for r, s in zip(per_seed, seeds, strict=True)]
        row = {"method": method, "description": _describe(method, lab), "seeds": len(per_seed)}
        for key, _ in COLUMNS:
            row[key], row[f"{key}_ci"] = mean_ci([r[key] for r in per_seed])
        rows.append(row)
    return rows


def _describe(method: str, lab: LabConfig) -> str:
    text = METHODS[method]
    if method in ("dpo", "ipo"):
        text += f", β = {lab.dpo_beta if method == 'dpo' else lab.ipo_beta:g}"
    if method.startswith("best_of_n"):
        text = text.replace("best-of-n", f"best-of-{lab.best_of_n}")
    if method in ("grpo", "rloo"):
        text += f", k = {lab.group_size}"
    if "ensemble" in method:
        text = text.replace("the ensemble", f"the ensemble of {lab.ensemble_size}").replace(
            "λ", f"{lab.ensemble_penalty:g}"
        )
    return text


def _cell(mean: float, half: float, digits: int, percent: bool = False) -> str:
    if math.isnan(mean):
        return "—"
    scale, unit = (100.0, "%") if percent else (1.0, "")
    text = f"{mean * scale:.{digits}f}{unit}"
    return text if math.isnan(half) or half == 0 else f"{text} ± {half * scale:.{digits}f}"


def table_markdown(rows: list[dict]) -> str:
    """The table as Markdown: mean ± 95% CI half-width over the seeds."""
    header = "| method | " + " | ".join(title for _, title in COLUMNS) + " |"
    lines = [header, "|---|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = [
            _cell(row["true_score"], row["true_score_ci"], 2),
            _cell(row["fraction"], row["fraction_ci"], 1, percent=True),
            _cell(row["sampled_true_score"], row["sampled_true_score_ci"], 2),
            _cell(row["proxy_score"], row["proxy_score_ci"], 2),
            _cell(row["kl"], row["kl_ci"], 2),
            _cell(row["rm_heldout_accuracy"], row["rm_heldout_accuracy_ci"], 1, percent=True),
            f"{row['comparisons']:.0f}",
        ]
        lines.append(f"| {row['description']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_csv(rows: list[dict], path: Path) -> None:
    keys = ["method", "description", "seeds"] + [k for key, _ in COLUMNS for k in (key, f"{key}_ci")]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _pyplot():
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_overoptimisation(seeds: list[dict], kind: str, title: str, path: Path) -> dict:
    """Gold and proxy gain over SFT against d, best-of-n and RL side by side, with Gao's fits; returns the fits."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
    summaries = {}
    panels = (
        ("best_of_n", gao_best_of_n, "best-of-n, n = 1 … 256"),
        ("rl", gao_rl, "RL (PPO, no KL penalty) at checkpoints"),
        ("optimum", gao_rl, "RLHF's target π ∝ π_SFT·exp(r/β), β = 10 … 0.01"),
    )
    for ax, (name, form, label) in zip(axes, panels, strict=True):
        seed_curves = [s["curves"][kind][name] for s in seeds]
        summary = curve_summary(seed_curves, form)
        summaries[name] = summary
        for curve in seed_curves:  # each seed, faint
            base = curve[0]
            ds = [math.sqrt(max(p["kl"], 0.0)) for p in curve]
            ax.plot(ds, [p["sampled_true_score"] - base["sampled_true_score"] for p in curve], color="C0", alpha=0.2)
        d = np.asarray(summary["d"])
        grid = np.linspace(1e-3, d.max(), 200)
        gold_fit, proxy_fit = summary["gold_fit"], summary["proxy_fit"]
        ax.plot(d, summary["gold_gain"], "o", color="C0", label="gold (oracle), mean of seeds")
        ax.plot(
            grid,
            form(grid, gold_fit["alpha"], gold_fit["beta"]),
            "-",
            color="C0",
            label=f"fit α={gold_fit['alpha']:.2f} β={gold_fit['beta']:.2f} R²={gold_fit['r2']:.2f}",
        )
        twin = ax.twinx()
        twin.plot(d, summary["proxy_gain"], "s", color="C1", label="proxy (reward model)")
        twin.plot(
            grid,
            form(grid, proxy_fit["alpha"], proxy_fit["beta"]),
            "--",
            color="C1",
            label=f"fit α={proxy_fit['alpha']:.2f} β={proxy_fit['beta']:.2f} R²={proxy_fit['r2']:.2f}",
        )
        ax.set_xlabel("d = √KL(π ‖ π_SFT)  (√nats)")
        ax.set_ylabel("gold score gain over SFT (0–10 scale)", color="C0")
        twin.set_ylabel("proxy reward gain over SFT (reward-model units)", color="C1")
        ax.set_title(label)
        ax.axhline(0, color="grey", lw=0.5)
        lines = ax.get_legend_handles_labels()
        lines2 = twin.get_legend_handles_labels()
        ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=7, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return summaries


def sweep_summary(cells: list[dict]) -> dict:
    """Mean over seeds of each (comparisons, noise) cell: RM accuracy and each sweep method's true score."""
    grouped: dict[tuple, list[dict]] = {}
    for cell in cells:
        grouped.setdefault((cell["n_comparisons"], cell["noise_std"]), []).append(cell)
    out = []
    for (n, noise), group in sorted(grouped.items()):
        entry = {"n_comparisons": n, "noise_std": noise, "seeds": len(group)}
        entry["rm_heldout_accuracy"] = mean_ci([g["rows"]["rm_greedy"]["rm_heldout_accuracy"] for g in group])
        for method in SWEEP_METHODS:
            entry[method] = mean_ci([g["rows"][method]["true_score"] for g in group])
        entry["dpo_implicit_accuracy"] = mean_ci([g["rows"]["dpo"]["rm_heldout_accuracy"] for g in group])
        out.append(entry)
    return {"cells": out}


def plot_sweep(summary: dict, lab: LabConfig, path: Path) -> None:
    """Two rows (comparisons at the default noise; noise at the default comparisons): RM accuracy, true scores."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    cells = summary["cells"]
    for row, (key, fixed_key, fixed, xlabel, log) in enumerate(
        (
            ("n_comparisons", "noise_std", lab.noise_std, "comparisons (80% train, 20% held out)", True),
            ("noise_std", "n_comparisons", lab.n_comparisons, "rater noise (std of each score)", False),
        )
    ):
        chosen = sorted((c for c in cells if c[fixed_key] == fixed), key=lambda c: c[key])
        xs = [c[key] for c in chosen]
        ax = axes[row][0]
        for name, label in (("rm_heldout_accuracy", "reward model"), ("dpo_implicit_accuracy", "DPO, implicit")):
            means = [c[name][0] for c in chosen]
            halves = [0 if math.isnan(c[name][1]) else c[name][1] for c in chosen]
            ax.errorbar(xs, means, yerr=halves, marker="o", capsize=3, label=label)
        ax.set_ylabel("held-out accuracy vs the rater's labels")
        ax = axes[row][1]
        for method in SWEEP_METHODS:
            means = [c[method][0] for c in chosen]
            halves = [0 if math.isnan(c[method][1]) else c[method][1] for c in chosen]
            ax.errorbar(xs, means, yerr=halves, marker="o", capsize=3, label=_describe(method, lab))
        ax.set_ylabel("true score (oracle, of 10)")
        for ax in axes[row]:
            ax.set_xlabel(xlabel)
            if log:
                ax.set_xscale("log")
                ax.minorticks_off()
            ax.set_xticks(xs, [f"{x:g}" for x in xs])
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3)
    fig.suptitle(f"Sweep: mean and 95% CI over {lab.sweep_seeds} seeds")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# --------------------------------------------------------------------------- the lab


def _map(function, jobs: list[tuple], workers: int) -> list:
    if workers <= 1 or len(jobs) <= 1:
        return [function(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        return [f.result() for f in futures]


def _sweep_jobs(lab: LabConfig) -> list[tuple]:
    cells = {(n, lab.noise_std) for n in lab.sweep_comparisons} | {(lab.n_comparisons, s) for s in lab.sweep_noise}
    cells.discard((lab.n_comparisons, lab.noise_std))  # the main table's seeds are that cell
    return [(lab, n, noise, seed) for n, noise in sorted(cells) for seed in range(lab.sweep_seeds)]


def _main_cells(lab: LabConfig, seeds: list[dict]) -> list[dict]:
    """The sweep's default cell, read from the main table's first ``sweep_seeds`` seeds."""
    if not all(m in lab.methods for m in SWEEP_METHODS):
        return []
    return [
        {"n_comparisons": lab.n_comparisons, "noise_std": lab.noise_std, "seed": s["seed"], "rows": s["rows"]}
        for s in seeds[: lab.sweep_seeds]
    ]


def run_lab(out: str | os.PathLike, **options) -> dict:
    """Run the lab and write its table, plots and ``results.json`` to ``out`` (see :class:`LabConfig`).

    :returns: the results: ``table`` (rows), ``overoptimisation`` (fits and peaks of the mean
        curves, single reward model and ensemble), ``sweep``, ``config``, ``seconds`` and ``files``
    """
    unknown = sorted(set(options) - set(LabConfig.__dataclass_fields__))
    if unknown:
        raise ValueError(
            f"run_lab has no option {', '.join(map(repr, unknown))}; its options are: "
            f"{', '.join(LabConfig.__dataclass_fields__)}"
        )
    lab = LabConfig(**options)
    lab.methods = tuple(lab.methods)
    bad = [m for m in lab.methods if m not in METHODS]
    if bad:
        raise ValueError(f"methods must be among {', '.join(METHODS)}, got {', '.join(map(repr, bad))}")
    for name in ("seeds", "workers", "sweep_seeds", "rl_updates", "best_of_n", "ensemble_size"):
        value = getattr(lab, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    for name in ("dpo_beta", "ipo_beta"):
        if not getattr(lab, name) > 0:
            raise ValueError(f"{name} must be a positive number, got {getattr(lab, name)!r}")
    if lab.overopt_algorithm not in rlhf.ALGORITHMS:
        raise ValueError(
            f"overopt_algorithm must be one of {', '.join(rlhf.ALGORITHMS)}, got {lab.overopt_algorithm!r}"
        )
    if lab.group_size < 2:
        raise ValueError(f"group_size must be an integer >= 2, got {lab.group_size!r}")
    started = time.perf_counter()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)

    jobs = [(run_seed, (lab, seed)) for seed in range(lab.seeds)]
    if lab.sweep:
        jobs += [(run_sweep_cell, job) for job in _sweep_jobs(lab)]
    results = _map(_call, jobs, lab.workers)
    seeds = [r for r in results if "curves" in r]
    cells = [r for r in results if "n_comparisons" in r]
    if cells:
        cells += _main_cells(lab, seeds)

    rows = table_rows(seeds, lab)
    write_csv(rows, folder / "table.csv")
    (folder / "table.md").write_text(table_markdown(rows))
    files = ["table.csv", "table.md"]
    overopt = {}
    if lab.overopt_updates > 0:
        for kind, name, title in (
            ("single", "overoptimisation.png", "Reward over-optimisation, one reward model"),
            (
                "ensemble",
                "overoptimisation_ensemble.png",
                f"Reward over-optimisation, ensemble of {lab.ensemble_size}, mean − {lab.ensemble_penalty:g}·std",
            ),
        ):
            overopt[kind] = plot_overoptimisation(seeds, kind, f"{title} ({len(seeds)} seeds)", folder / name)
            files.append(name)
    sweep = {}
    if cells:
        sweep = sweep_summary(cells)
        plot_sweep(sweep, lab, folder / "sweep.png")
        files.append("sweep.png")
    result = {
        "table": rows,
        "overoptimisation": overopt,
        "sweep": sweep,
        "per_seed": seeds,
        "config": asdict(lab),
        "seconds": time.perf_counter() - started,
        "files": [*files, "results.json"],
    }
    (folder / "results.json").write_text(json.dumps(result, indent=1, default=float))
    return result


def _call(function, args):
    return function(*args)


def build_parser() -> argparse.ArgumentParser:
    d = LabConfig()
    p = argparse.ArgumentParser(
        prog="rldojo rlhf lab",
        description="The preference-learning lab on ChatbotFeedback-v0: RLHF, DPO, IPO, best-of-n, GRPO, RLOO and a "
        "reward-model ensemble from the same comparisons, judged by the oracle; the over-optimisation "
        "curves with Gao et al.'s fits; a sweep over comparisons and rater noise.",
    )
    p.add_argument("--out", default="results/rlhf-lab", help="folder for table.csv, table.md, the plots, results.json")
    p.add_argument("--seeds", type=int, default=d.seeds)
    p.add_argument("--comparisons", type=int, default=d.n_comparisons)
    p.add_argument("--noise", type=float, default=d.noise_std, help="the noisy panel's noise per score")
    p.add_argument("--updates", type=int, default=d.rl_updates, help="RL updates of the table's RL methods")
    p.add_argument("--dpo-beta", type=float, default=d.dpo_beta)
    p.add_argument("--ipo-beta", type=float, default=d.ipo_beta)
    p.add_argument("--best-of", type=int, default=d.best_of_n, help="n of the table's best-of-n")
    p.add_argument("--group-size", type=int, default=d.group_size, help="GRPO/RLOO: responses per query")
    p.add_argument("--ensemble", type=int, default=d.ensemble_size, help="K reward models")
    p.add_argument("--penalty", type=float, default=d.ensemble_penalty, help="λ of the ensemble's mean − λ·std")
    p.add_argument("--overopt-updates", type=int, default=d.overopt_updates, help="0: no over-optimisation curves")
    p.add_argument("--no-sweep", action="store_true", help="skip the sweep over comparisons and noise")
    p.add_argument("--sweep-seeds", type=int, default=d.sweep_seeds)
    p.add_argument("--methods", nargs="+", choices=tuple(METHODS), default=list(d.methods))
    p.add_argument("--workers", type=int, default=d.workers, help="processes")
    return p


def main(argv: list[str] | None = None) -> int:
    """``rldojo rlhf lab [options]``: run the lab and print its table."""
    args = build_parser().parse_args(argv)
    torch.set_num_threads(1)
    result = run_lab(
        args.out,
        seeds=args.seeds,
        n_comparisons=args.comparisons,
        noise_std=args.noise,
        rl_updates=args.updates,
        dpo_beta=args.dpo_beta,
        ipo_beta=args.ipo_beta,
        best_of_n=args.best_of,
        group_size=args.group_size,
        ensemble_size=args.ensemble,
        ensemble_penalty=args.penalty,
        overopt_updates=args.overopt_updates,
        sweep=not args.no_sweep,
        sweep_seeds=args.sweep_seeds,
        methods=tuple(args.methods),
        workers=args.workers,
    )
    print((Path(args.out) / "table.md").read_text())
    for kind, fits in result["overoptimisation"].items():
        for name, s in fits.items():
            g = s["gold_fit"]
            print(
                f"{kind:8s} {name:10s} gold peak +{s['gold_peak']['gain']:.2f} at d={s['gold_peak']['d']:.2f}, "
                f"end +{s['gold_end']['gain']:.2f} at d={s['gold_end']['d']:.2f}; Gao fit α={g['alpha']:.3f} "
                f"β={g['beta']:.3f} R²={g['r2']:.3f}; each seed's fall from its peak: "
                + ", ".join(f"{fall:.2f}" for fall in s["seed_falls"])
            )
    print(f"wrote {', '.join(result['files'])} to {args.out} in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
