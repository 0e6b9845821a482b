"""Aggregate statistics across entries, as Agarwal et al. (NeurIPS 2021, the rliable library) define them.

Every entry's headline is put on one scale (:func:`normalise`): a uniformly random policy
scores 0 (``random_score``, measured by :mod:`rldojo.bench.reference`) and the solved mark, or
the oracle where the entry has no mark, scores 1; values beyond are clipped to [0, 1], so a
run past the mark counts as solved and one worse than random as random.

The comparison is between each hand-written agent and its SB3 counterpart of the same family
(``AgentSpec.counterpart``: DQN and Q-learning with SB3's DQN, PPO and REINFORCE with SB3's
PPO or MaskablePPO). Each (entry, hand-written agent, counterpart) pair is a *task*; the
hand-written side and the SB3 side each give a (runs x tasks) matrix of normalised scores,
one row per seed. On them:

- the interquartile mean (:func:`iqm`: the mean of the middle 50% of all runs' scores, as
  ``scipy.stats.trim_mean(scores, 0.25, axis=None)``, rliable's ``aggregate_iqm``);
- a 95% confidence interval by the stratified bootstrap (:func:`stratified_bootstrap_ci`:
  runs resampled with replacement within each task, then the percentile interval, as
  rliable's ``get_interval_estimates`` with its default percentile method);
- the performance profile (:func:`performance_profile`: the fraction of runs whose score
  exceeds tau, for tau in [0, 1], rliable's run-score distribution);
- the probability of improvement (:func:`probability_of_improvement`: P(X_m > Y_m), the
  Mann-Whitney U statistic over the two sides' runs of task m divided by n_x n_y, ties
  counted half, averaged over tasks, rliable's ``probability_of_improvement``).

rliable itself does not import with the pandas this project uses (its bootstrap module needs
``arch``, which fails on pandas 3), so these are written on numpy, vectorised over the
bootstrap's resamples, and checked against values worked out by hand and against
``rliable.metrics`` (which does import; it uses scipy) in ``tests/bench/test_bench_aggregate.py``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 2_000  # bootstrap resamples in the summary; seeded, so a results file always gives the same CIs
TAUS = np.linspace(0.0, 1.0, 51)


def normalise(value: float | None, random_score: float | None, target: float | None) -> float | None:
    """``value`` on the [0, 1] scale where ``random_score`` is 0 and ``target`` is 1 (either direction), clipped."""
    if value is None or random_score is None or target is None or target == random_score:
        return None
    return float(np.clip((value - random_score) / (target - random_score), 0.0, 1.0))


def iqm(scores: np.ndarray) -> float | np.ndarray:
    """The interquartile mean of every run of every task: the 25%-trimmed mean of the flattened (runs x tasks).

    As ``scipy.stats.trim_mean(scores, 0.25, axis=None)``: ``int(0.25 n)`` scores cut from each
    end of the n sorted ones. Leading axes are a batch (one IQM each), for the bootstrap.
    """
    scores = np.asarray(scores, dtype=float)
    flat = np.sort(scores.reshape(*scores.shape[:-2], -1), axis=-1)
    cut = int(0.25 * flat.shape[-1])
    middle = flat[..., cut : flat.shape[-1] - cut].mean(axis=-1)
    return float(middle) if middle.ndim == 0 else middle


def probability_of_improvement(x: np.ndarray, y: np.ndarray) -> float | np.ndarray:
    """P(X > Y) averaged over tasks: per task the Mann-Whitney U of X's runs over Y's, divided by n_x n_y (ties 1/2).

    ``x`` is (runs_x x tasks), ``y`` (runs_y x tasks); leading axes are a batch, for the bootstrap.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim < 2 or x.ndim != y.ndim or x.shape[-1] != y.shape[-1] or x.shape[:-2] != y.shape[:-2]:
        raise ValueError(f"x and y must be (runs x tasks) with the same tasks, got shapes {x.shape} and {y.shape}")
    # U / (n_x n_y) counted directly over every (run of x, run of y) of a task: wins 1, ties 1/2
    # (scipy.stats.mannwhitneyu's statistic, here for thousands of resamples at once)
    pairs_x, pairs_y = x[..., :, None, :], y[..., None, :, :]
    per_task = (pairs_x > pairs_y).mean(axis=(-3, -2)) + 0.5 * (pairs_x == pairs_y).mean(axis=(-3, -2))
    value = per_task.mean(axis=-1)
    return float(value) if value.ndim == 0 else value


def performance_profile(scores: np.ndarray, taus=TAUS) -> np.ndarray:
    """The fraction of runs (over every run of every task) whose score exceeds each tau (leading axes: a batch)."""
    scores = np.asarray(scores, dtype=float)
    taus = np.asarray(taus, dtype=float)
    return (scores[..., None, :, :] > taus[:, None, None]).mean(axis=(-2, -1))


def stratified_resample(scores: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """``resamples`` stratified bootstrap resamples (resamples x runs x tasks): runs drawn within each task."""
    runs, tasks = scores.shape
    rows = rng.integers(0, runs, size=(resamples, runs, tasks))
    return scores[rows, np.arange(tasks)]


def stratified_bootstrap_ci(
    statistic: Callable[..., float | np.ndarray],
    *matrices: np.ndarray,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> tuple:
    """The percentile interval of ``statistic(*matrices)`` over stratified bootstrap resamples of each matrix.

    Each matrix is (runs x tasks) and is resampled on its own, runs within tasks (for the
    probability of improvement both sides are, as rliable does); ``statistic`` takes the
    resamples as a batch (a leading axis). Seeded: the same input and seed give the same interval.
    """
    rng = np.random.default_rng(seed)
    batches = [stratified_resample(np.asarray(m, dtype=float), rng, resamples) for m in matrices]
    values = np.asarray(statistic(*batches), dtype=float)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, tail, axis=0), np.percentile(values, 100 - tail, axis=0)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


# --------------------------------------------------------------------------- from the results


@dataclasses.dataclass
class Pair:
    """One task of the aggregate: a hand-written agent and its SB3 counterpart on one entry."""

    label: str
    agent: str
    counterpart: str
    seeds: list[int]
    hand: list[float]  # normalised headline per seed
    sb3: list[float]


@dataclasses.dataclass
class Aggregate:
    pairs: list[Pair]
    runs: int  # seeds per task in the matrices
    hand: np.ndarray  # (runs x tasks)
    sb3: np.ndarray
    left_out: list[str]  # why an entry or pair is not in the matrices


def normalised_scores(records: list[dict]) -> dict[tuple[str, str], dict[int, float]]:
    """{(entry label, agent): {seed: normalised headline}} of the ok records that carry a random score and a target."""
    found: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for record in records:
        if record.get("status") != "ok":
            continue
        value = normalise(
            record["metrics"].get(record["headline"]), record.get("random_score"), record.get("target_score")
        )
        if value is not None:
            found[(record["label"], record["agent"])][int(record["seed"])] = value
    return dict(found)


def pairs_of(records: list[dict]) -> tuple[list[Pair], list[str]]:
    """Every (entry, hand-written agent, counterpart) with normalised scores on common seeds, and what was left out."""
    scores = normalised_scores(records)
    left_out, pairs, seen = [], [], set()
    for record in records:
        label, agent, counterpart = record["label"], record["agent"], record.get("counterpart")
        if record.get("kind") != "hand-written" or not counterpart or (label, agent) in seen:
            continue
        seen.add((label, agent))
        if record.get("random_score") is None:
            left_out.append(f"{label}: no random score to normalise by")
            continue
        ours, theirs = scores.get((label, agent), {}), scores.get((label, counterpart), {})
        common = sorted(set(ours) & set(theirs))
        if not common:
            left_out.append(f"{label}: {agent} has no {counterpart} run on the same seeds")
            continue
        pairs.append(Pair(label, agent, counterpart, common, [ours[s] for s in common], [theirs[s] for s in common]))
    return sorted(pairs, key=lambda p: (p.label, p.agent)), left_out


def aggregate(records: list[dict]) -> Aggregate | None:
    """The (runs x tasks) matrices of both sides, on the seeds every pair shares (None: no pair)."""
    pairs, left_out = pairs_of(records)
    if not pairs:
        return None
    runs = min(len(p.seeds) for p in pairs)
    for pair in pairs:
        if len(pair.seeds) > runs:
            left_out.append(f"{pair.label} {pair.agent}: seeds {pair.seeds[runs:]} left out (other pairs have {runs})")
    hand = np.array([p.hand[:runs] for p in pairs]).T
    sb3 = np.array([p.sb3[:runs] for p in pairs]).T
    return Aggregate(pairs, runs, hand, sb3, left_out)


def fmt_ci(value: float, low: float, high: float) -> str:
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


def aggregate_markdown(found: Aggregate, plot: str | None = None) -> str:
    """The summary's section on the aggregate: the two sides' IQM and the probability of improvement, per pair too."""
    hand_iqm, sb3_iqm = iqm(found.hand), iqm(found.sb3)
    hand_low, hand_high = stratified_bootstrap_ci(iqm, found.hand)
    sb3_low, sb3_high = stratified_bootstrap_ci(iqm, found.sb3)
    poi = probability_of_improvement(found.hand, found.sb3)
    poi_low, poi_high = stratified_bootstrap_ci(probability_of_improvement, found.hand, found.sb3)
    lines = [
        "## Across entries",
        "",
        f"Each task is a hand-written agent and its SB3 counterpart of the same family on one entry "
        f"({len(found.pairs)} tasks, {found.runs} seed{'s' if found.runs != 1 else ''} each). Headlines are "
        "normalised: a uniformly random policy scores 0, the solved mark (or the oracle) 1, clipped to [0, 1]. "
        f"95% confidence intervals by the stratified bootstrap ({RESAMPLES:,} resamples, seeded). "
        "P(hand-written > SB3) is the probability that a run of the hand-written agent scores higher than a "
        "run of its counterpart on the same task, averaged over tasks (0.5: no difference).",
        "",
        "| | hand-written | SB3 |",
        "|---|---:|---:|",
        f"| IQM of normalised scores (95% CI) | {fmt_ci(hand_iqm, hand_low, hand_high)} "
        f"| {fmt_ci(sb3_iqm, sb3_low, sb3_high)} |",
        f"| mean of normalised scores | {found.hand.mean():.3f} | {found.sb3.mean():.3f} |",
        f"| P(hand-written > SB3) (95% CI) | {fmt_ci(poi, poi_low, poi_high)} | |",
        "",
        "| entry | hand-written | SB3 counterpart | seeds | normalised, hand-written | normalised, SB3 | "
        "P(hand-written > SB3) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for pair in found.pairs:
        x, y = np.array([pair.hand]).T, np.array([pair.sb3]).T
        lines.append(
            f"| {pair.label} | {pair.agent} | {pair.counterpart} | {len(pair.seeds)} | {np.mean(pair.hand):.3f} "
            f"| {np.mean(pair.sb3):.3f} | {probability_of_improvement(x, y):.2f} |"
        )
    lines.append("")
    if found.left_out:
        lines += ["Not in the aggregate: " + "; ".join(found.left_out) + ".", ""]
    if plot:
        lines += [f"![Aggregate statistics across entries]({plot})", ""]
    return "\n".join(lines)


def plot_aggregate(found: Aggregate, path: Path) -> Path:
    """Three panels: the IQM with its CI per side, the performance profiles with bands, P(hand-written > SB3)."""
    import matplotlib.pyplot as plt

    colours = {"hand-written": "tab:blue", "SB3": "tab:orange"}
    sides = {"hand-written": found.hand, "SB3": found.sb3}
    fig, (ax_iqm, ax_profile, ax_poi) = plt.subplots(1, 3, figsize=(13, 3.8), gridspec_kw={"width_ratios": [1, 2, 1]})
    for index, (name, scores) in enumerate(sides.items()):
        value = iqm(scores)
        low, high = stratified_bootstrap_ci(iqm, scores)
        ax_iqm.barh(index, high - low, left=low, height=0.5, color=colours[name], alpha=0.35)
        ax_iqm.plot([value, value], [index - 0.25, index + 0.25], color=colours[name], linewidth=2.5)
        profile = performance_profile(scores)
        band_low, band_high = stratified_bootstrap_ci(performance_profile, scores)
        ax_profile.plot(TAUS, profile, color=colours[name], linewidth=2, label=name, linestyle="--" if index else "-")
        ax_profile.fill_between(TAUS, band_low, band_high, color=colours[name], alpha=0.18, linewidth=0)
    ax_iqm.set_yticks([0, 1], list(sides))
    ax_iqm.set_xlim(0, 1.02)  # an IQM of 1 stays visible
    ax_iqm.set_xlabel("IQM of normalised scores")
    ax_iqm.set_title("IQM, 95% CI", fontsize=10)
    ax_profile.set_xlabel("normalised score τ")
    ax_profile.set_ylabel("fraction of runs with score > τ")
    ax_profile.set_title("performance profile (95% CI bands)", fontsize=10)
    ax_profile.set_xlim(0, 1)
    ax_profile.set_ylim(0, 1.02)
    ax_profile.legend(fontsize=8, frameon=False)
    poi = probability_of_improvement(found.hand, found.sb3)
    low, high = stratified_bootstrap_ci(probability_of_improvement, found.hand, found.sb3)
    ax_poi.barh(0, high - low, left=low, height=0.5, color="tab:green", alpha=0.35)
    ax_poi.plot([poi, poi], [-0.25, 0.25], color="tab:green", linewidth=2.5)
    ax_poi.axvline(0.5, color="0.4", linestyle=":", linewidth=1)
    ax_poi.set_yticks([0], ["hand-written\n> SB3"])
    ax_poi.set_xlim(0, 1)
    ax_poi.set_xlabel("probability of improvement")
    ax_poi.set_title("P(X > Y), 95% CI", fontsize=10)
    for ax in (ax_iqm, ax_profile, ax_poi):
        ax.grid(alpha=0.3)
    fig.suptitle(f"{len(found.pairs)} tasks (hand-written agent vs its SB3 counterpart), {found.runs} seeds each")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
