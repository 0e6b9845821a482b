"""The 10-armed testbed: plots of average reward and % optimal action over time for every bandit strategy.

::

    python -m benchmarks.bandit_testbed --out results/bandit
    python -m benchmarks.bandit_testbed --out results/bandit --problems 2000 --steps 1000 --nonstationary-steps 10000

Writes, in the output folder:

- ``testbed_stationary.png``: q* ~ N(0, 1), fixed, ``n_steps`` pulls;
- ``testbed_nonstationary.png``: q* drifting by N(0, 0.01²) a pull, ``nonstationary_steps`` pulls
  (sample averages against a constant step size alpha = 0.1);
- ``testbed_bernoulli_regret.png``: cumulative regret on Bernoulli arms;
- ``testbed_summary.json`` and a table on stdout: each curve's mean over its last part.

Every strategy meets the same problems (the same seed), averaged over ``n_problems``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rldojo.baselines import bandits

STATIONARY = {
    "greedy (epsilon 0)": ("bandit-epsilon-greedy", {"epsilon": 0.0}),
    "epsilon-greedy 0.01": ("bandit-epsilon-greedy", {"epsilon": 0.01}),
    "epsilon-greedy 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
    "optimistic Q0=5, alpha 0.1, greedy": (
        "bandit-epsilon-greedy",
        {"epsilon": 0.0, "alpha": 0.1, "initial_value": 5.0},
    ),
    "UCB c=2": ("bandit-ucb", {"c": 2.0}),
    "Thompson (gaussian)": ("bandit-thompson", {"prior": "gaussian"}),
    "gradient alpha 0.1": ("bandit-gradient", {"alpha": 0.1}),
}
NONSTATIONARY = {
    "epsilon-greedy 0.1, sample averages": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
    "epsilon-greedy 0.1, alpha 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1, "alpha": 0.1}),
    "UCB c=2, sample averages": ("bandit-ucb", {"c": 2.0}),
    "UCB c=2, alpha 0.1": ("bandit-ucb", {"c": 2.0, "alpha": 0.1}),
    "Thompson (gaussian)": ("bandit-thompson", {"prior": "gaussian"}),
    "gradient alpha 0.1, baseline alpha 0.1": ("bandit-gradient", {"alpha": 0.1, "baseline_alpha": 0.1}),
}
BERNOULLI = {
    "epsilon-greedy 0.1": ("bandit-epsilon-greedy", {"epsilon": 0.1}),
    "UCB1 (c=sqrt 2)": ("bandit-ucb", {"c": float(np.sqrt(2.0))}),
    "Thompson (beta)": ("bandit-thompson", {"prior": "beta"}),
    "gradient alpha 0.1": ("bandit-gradient", {"alpha": 0.1}),
}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, title_ax, result: bandits.TestbedResult, path: Path, title: str) -> Path:
    """Title the figure with the testbed's size and seed, write it to ``path`` and close it."""
    title_ax.set_title(f"{title}\n{result.n_problems} problems, k={result.k}, seed {result.seed}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)
    return path


def _plot_curves(result: bandits.TestbedResult, path: Path, title: str) -> Path:
    steps = np.arange(1, result.n_steps + 1)
    fig, (reward_ax, optimal_ax) = _pyplot().subplots(2, 1, figsize=(9, 7.5), sharex=True)
    for label in result.labels:
        reward_ax.plot(steps, result.average_reward[label], linewidth=1, label=label)
        optimal_ax.plot(steps, result.percent_optimal[label], linewidth=1, label=label)
    reward_ax.set_ylabel("average reward")
    optimal_ax.set_ylabel("% optimal action")
    optimal_ax.set_xlabel("steps")
    optimal_ax.set_ylim(0, 100)
    reward_ax.grid(alpha=0.3)
    optimal_ax.grid(alpha=0.3)
    reward_ax.legend(loc="lower right", fontsize=8)
    return _save(fig, reward_ax, result, path, title)


def _plot_regret(result: bandits.TestbedResult, path: Path, title: str) -> Path:
    steps = np.arange(1, result.n_steps + 1)
    fig, ax = _pyplot().subplots(figsize=(9, 4.5))
    for label in result.labels:
        ax.plot(steps, result.cumulative_regret(label), linewidth=1.2, label=label)
    ax.set_xlabel("steps")
    ax.set_ylabel("cumulative regret (mean over problems)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, ax, result, path, title)


def _summary(result: bandits.TestbedResult, window: tuple[int, int]) -> dict:
    start, stop = window
    return {
        label: {
            "average_reward": round(result.window_mean("average_reward", label, start, stop), 4),
            "percent_optimal": round(result.window_mean("percent_optimal", label, start, stop), 2),
            "cumulative_regret": round(float(result.cumulative_regret(label)[-1]), 2),
        }
        for label in result.labels
    }


def make_plots(
    out_dir, n_problems: int = 2000, n_steps: int = 1000, nonstationary_steps: int | None = None, seed: int = 0
) -> dict:
    """Run the testbed (stationary, non-stationary, Bernoulli) and save its plots in ``out_dir``.

    :param n_problems: independent problems each curve averages over
    :param n_steps: pulls in the stationary and the Bernoulli runs
    :param nonstationary_steps: pulls in the non-stationary run (10 x n_steps if None)
    :returns: {"plots": [paths], "summary": {case: {"window": [start, stop], label: {...}}}, "seconds": ...}
    """
    import torch

    torch.set_num_threads(1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nonstationary_steps = 10 * n_steps if nonstationary_steps is None else int(nonstationary_steps)
    started = time.perf_counter()
    stationary = bandits.testbed(STATIONARY, n_problems=n_problems, n_steps=n_steps, seed=seed)
    drifting = bandits.testbed(
        NONSTATIONARY, n_problems=n_problems, n_steps=nonstationary_steps, nonstationary=True, seed=seed
    )
    bernoulli = bandits.testbed(BERNOULLI, n_problems=n_problems, n_steps=n_steps, arms="bernoulli", seed=seed)
    seconds = time.perf_counter() - started
    plots = [
        _plot_curves(stationary, out / "testbed_stationary.png", "Stationary 10-armed testbed"),
        _plot_curves(
            drifting, out / "testbed_nonstationary.png", "Non-stationary testbed: q* drifts by N(0, 0.01^2) per step"
        ),
        _plot_regret(bernoulli, out / "testbed_bernoulli_regret.png", "Bernoulli arms: cumulative regret"),
    ]
    windows = {
        "stationary": (n_steps // 5, n_steps),
        "nonstationary": (nonstationary_steps - nonstationary_steps // 10, nonstationary_steps),
        "bernoulli": (n_steps // 5, n_steps),
    }
    summary = {}
    for case, result in (("stationary", stationary), ("nonstationary", drifting), ("bernoulli", bernoulli)):
        summary[case] = {
            "window": list(windows[case]),
            "n_problems": n_problems,
            "n_steps": result.n_steps,
            "strategies": _summary(result, windows[case]),
        }
    report = {"plots": [str(p) for p in plots], "summary": summary, "seconds": round(seconds, 2), "seed": seed}
    (out / "testbed_summary.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def format_table(report: dict) -> str:
    lines = []
    for case, block in report["summary"].items():
        start, stop = block["window"]
        lines.append(
            f"\n{case}: {block['n_problems']} problems x {block['n_steps']} steps, means over steps {start}-{stop}"
        )
        lines.append(f"  {'strategy':44s} {'avg reward':>10s} {'% optimal':>10s} {'cum. regret':>12s}")
        for label, row in block["strategies"].items():
            lines.append(
                f"  {label:44s} {row['average_reward']:10.3f} {row['percent_optimal']:10.1f} "
                f"{row['cumulative_regret']:12.1f}"
            )
    lines.append(f"\ntestbed time: {report['seconds']:.1f} s; plots: {', '.join(report['plots'])}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for the PNG plots and testbed_summary.json")
    parser.add_argument("--problems", type=int, default=2000, help="independent problems per curve (2000)")
    parser.add_argument("--steps", type=int, default=1000, help="pulls in the stationary runs (1000)")
    parser.add_argument("--nonstationary-steps", type=int, default=None, help="pulls in the drifting run (10 x steps)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.problems < 1 or args.steps < 1:
        parser.error("--problems and --steps must be positive")
    report = make_plots(args.out, args.problems, args.steps, args.nonstationary_steps, args.seed)
    print(format_table(report))


if __name__ == "__main__":
    main()
