"""Contextual bandits against policy gradients on ChatbotFeedback-v0's text corpus.

::

    python -m benchmarks.chatbot_bandits                          # 5 seeds, both raters, 20,000 steps
    python -m benchmarks.chatbot_bandits --seeds 2 --budget 3000  # a quick look
    python -m benchmarks.chatbot_bandits --jobs 3 --figure docs/img/contextual-bandits/chatbot_bandits.png

Every agent (LinUCB, linear Thompson sampling, REINFORCE and PPO, each with its tuned
text-mode hyperparameters) learns online from the rater's scores, oracle or noisy, for the
same budget of env steps. Along the way it is judged twice:

- its **greedy policy's true score** on every query of the corpus, as a fraction of the
  oracle's (:func:`rldojo.envs.chatbot.evaluation.true_score_report`), at evaluation points
  spaced geometrically (about 12% apart), from which comes the number of env steps to first
  reach 90% of the oracle;
- its **regret while learning**: each step, the oracle's best score for the query minus the
  oracle's score of the response it actually gave (``info["regret"]``), summed over steps.
  Exploration costs regret; a learner that stops exploring early stops paying.

Writes, in ``--out`` (default ``results/chatbot_bandits``): ``curves.csv`` (one row per rater,
agent, seed and evaluation point), ``summary.csv`` (per rater and agent: seeds that reached
90%, mean steps to 90% with a 95% t-interval, final score, final cumulative regret) and
``chatbot_bandits.png`` (score and cumulative regret against steps, mean and 95% band), and
prints the table and the ratio LinUCB steps ÷ PPO steps with a bootstrap 95% interval.
"""

from __future__ import annotations

import os

# Before numpy loads: OpenBLAS's worker threads spin on busy cores, and cost ten times the CPU for these small matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import csv
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

import rldojo  # noqa: F401  (registers the envs)
from rldojo.baselines import make_agent
from rldojo.baselines.hyperparams.chatbot import text_defaults
from rldojo.baselines.logging import Callback
from rldojo.envs.chatbot.evaluation import true_score_report

ENV_ID = "ChatbotFeedback-v0"
AGENTS = ("linucb", "lin-ts", "reinforce", "ppo")
LABELS = {"linucb": "LinUCB", "lin-ts": "linear TS", "reinforce": "REINFORCE", "ppo": "PPO"}
COLOURS = {"linucb": "tab:blue", "lin-ts": "tab:cyan", "reinforce": "tab:orange", "ppo": "tab:red"}
TARGET = 0.9  # the fraction of the oracle's score to reach


class RegretRecorder(gym.Wrapper):
    """Keeps ``info["regret"]`` of every step: the oracle's best score minus the oracle's score of the response."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.regrets: list[float] = []

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.regrets.append(float(info["regret"]))
        return obs, reward, terminated, truncated, info


class ScoreProbe(Callback):
    """Judges the agent's greedy policy by the oracle at fixed step counts, without touching its learning."""

    def __init__(self, env: gym.Env, points: np.ndarray):
        self.env = env
        self.points = {int(p) for p in points}
        self.scores: dict[int, float] = {}

    def on_step(self) -> bool:
        if self.num_timesteps in self.points:
            self.scores[self.num_timesteps] = true_score_report(self.agent, self.env)["score_fraction"]
        return True


def evaluation_points(budget: int, first: int = 20, n: int = 60) -> np.ndarray:
    """Step counts from ``first`` to ``budget``, spaced geometrically (each about budget/first^(1/n) after the last)."""
    return np.unique(np.round(np.geomspace(first, budget, n)).astype(int))


@dataclass
class Run:
    rater: str
    agent: str
    seed: int
    points: np.ndarray
    scores: np.ndarray  # score fraction at each point
    regrets: np.ndarray  # regret of every step
    seconds: float
    steps_to_target: int | None = field(init=False)

    def __post_init__(self):
        reached = np.flatnonzero(self.scores >= TARGET)
        self.steps_to_target = int(self.points[reached[0]]) if reached.size else None


def agent_kwargs(agent: str) -> dict:
    """The agent's tuned text-mode hyperparameters (the linear bandits' class defaults are tuned there)."""
    return text_defaults(agent)


def one_run(rater: str, agent: str, seed: int, budget: int, points: np.ndarray) -> Run:
    env = RegretRecorder(gym.make(ENV_ID, queries="text", rater=rater))
    started = time.process_time()
    learner = make_agent(agent, env, seed=seed, **agent_kwargs(agent))
    probe = ScoreProbe(env, points)
    learner.learn(budget, callback=probe)
    seconds = time.process_time() - started
    env.close()
    scores = np.array([probe.scores[int(p)] for p in points])
    return Run(rater, agent, seed, points, scores, np.array(env.regrets[:budget]), seconds)


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The mean's two-sided t confidence interval (nan with fewer than two values)."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    if len(values) < 2 or np.all(values == values[0]):
        mean = float(values.mean()) if len(values) else float("nan")
        return (mean, mean) if len(values) >= 2 else (float("nan"), float("nan"))
    low, high = stats.t.interval(confidence, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    return float(low), float(high)


def ratio_interval(numerator: np.ndarray, denominator: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """A percentile bootstrap 95% interval of mean(numerator) / mean(denominator), the samples drawn apart."""
    from scipy import stats

    if len(numerator) < 2 or len(denominator) < 2:
        return float("nan"), float("nan")
    result = stats.bootstrap(
        (np.asarray(numerator, float), np.asarray(denominator, float)),
        lambda a, b, axis=-1: np.mean(a, axis=axis) / np.mean(b, axis=axis),
        paired=False,
        vectorized=True,
        method="percentile",
        n_resamples=10_000,
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def summarise(runs: list[Run], budget: int) -> list[dict]:
    rows = []
    for rater in dict.fromkeys(r.rater for r in runs):
        for agent in dict.fromkeys(r.agent for r in runs):
            group = [r for r in runs if r.rater == rater and r.agent == agent]
            if not group:
                continue
            steps = np.array([r.steps_to_target for r in group if r.steps_to_target is not None], dtype=float)
            regret = np.array([r.regrets.sum() for r in group])
            final = np.array([r.scores[-1] for r in group])
            low, high = t_interval(steps) if len(steps) else (float("nan"), float("nan"))
            rows.append(
                {
                    "rater": rater,
                    "agent": agent,
                    "seeds": len(group),
                    "reached_90": len(steps),
                    "steps_to_90_mean": float(steps.mean()) if len(steps) else float("nan"),
                    "steps_to_90_ci_low": low,
                    "steps_to_90_ci_high": high,
                    "steps_to_90_each": " ".join(
                        str(r.steps_to_target) if r.steps_to_target is not None else f">{budget}" for r in group
                    ),
                    "final_score_fraction": float(final.mean()),
                    "cumulative_regret": float(regret.mean()),
                    "cumulative_regret_ci_low": t_interval(regret)[0],
                    "cumulative_regret_ci_high": t_interval(regret)[1],
                    "cpu_seconds": float(np.mean([r.seconds for r in group])),
                }
            )
    return rows


def write_csvs(runs: list[Run], summary: list[dict], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "curves.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["rater", "agent", "seed", "steps", "score_fraction", "cumulative_regret"])
        for r in runs:
            cumulative = np.cumsum(r.regrets)
            for point, score in zip(r.points, r.scores, strict=True):
                writer.writerow([r.rater, r.agent, r.seed, int(point), f"{score:.4f}", f"{cumulative[point - 1]:.2f}"])
    with open(out / "summary.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(summary[0]))
        writer.writeheader()
        for row in summary:
            writer.writerow({k: f"{v:.4g}" if isinstance(v, float) else v for k, v in row.items()})


def band(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean over rows (seeds) and its 95% t-interval at every column."""
    from scipy import stats

    mean = curves.mean(axis=0)
    if len(curves) < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.975, len(curves) - 1) * stats.sem(curves, axis=0)
    return mean, mean - half, mean + half


def plot(runs: list[Run], summary: list[dict], path: Path, budget: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    raters = list(dict.fromkeys(r.rater for r in runs))
    agents = list(dict.fromkeys(r.agent for r in runs))
    fig, axes = plt.subplots(2, len(raters), figsize=(5.2 * len(raters), 7.6), squeeze=False)
    for column, rater in enumerate(raters):
        score_ax, regret_ax = axes[0, column], axes[1, column]
        for agent in agents:
            group = [r for r in runs if r.rater == rater and r.agent == agent]
            if not group:
                continue
            row = next(s for s in summary if s["rater"] == rater and s["agent"] == agent)
            reached = row["reached_90"]
            steps = f"{row['steps_to_90_mean']:.0f}" if reached else f">{budget}"
            label = f"{LABELS.get(agent, agent)}: 90% at {steps} ({reached}/{row['seeds']} seeds)"
            points = group[0].points
            mean, low, high = band(np.array([r.scores for r in group]))
            colour = COLOURS.get(agent)
            score_ax.plot(points, mean, color=colour, linewidth=1.6, label=label)
            score_ax.fill_between(points, low, high, color=colour, alpha=0.2, linewidth=0)
            steps_axis = np.arange(1, budget + 1)
            mean, low, high = band(np.array([np.cumsum(r.regrets) for r in group]))
            regret_ax.plot(steps_axis, mean, color=colour, linewidth=1.6, label=LABELS.get(agent, agent))
            regret_ax.fill_between(steps_axis, np.maximum(low, 0), high, color=colour, alpha=0.2, linewidth=0)
        score_ax.axhline(TARGET, color="grey", linestyle="--", linewidth=1)
        score_ax.set_xscale("log")
        score_ax.set_ylim(0.3, 1.0)
        score_ax.set_ylabel("greedy policy's true score / oracle's")
        score_ax.set_title(f"{rater} rater: score of the greedy policy", fontsize=10)
        score_ax.legend(fontsize=7.5, loc="lower right")
        score_ax.grid(alpha=0.3)
        regret_ax.set_xlim(0, budget)
        regret_ax.set_ylim(bottom=0)
        regret_ax.set_xlabel("env steps (queries answered while learning)")
        regret_ax.set_ylabel("cumulative regret (oracle points)")
        regret_ax.set_title(f"{rater} rater: regret while learning", fontsize=10)
        regret_ax.legend(fontsize=7.5, loc="upper left")
        regret_ax.grid(alpha=0.3)
    n_seeds = len({r.seed for r in runs})
    fig.suptitle(
        f"ChatbotFeedback-v0, text corpus (210 queries, 14 responses): mean and 95% band over {n_seeds} seeds",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    """LinUCB and linear Thompson sampling against REINFORCE and PPO on ChatbotFeedback-v0's text corpus."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chatbot_bandits", description=main.__doc__)
    parser.add_argument("--raters", nargs="+", choices=("oracle", "noisy"), default=["oracle", "noisy"])
    parser.add_argument("--agents", nargs="+", default=list(AGENTS), help="make_agent names")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1")
    parser.add_argument("--budget", type=int, default=20_000, help="env steps per run, the same for every agent")
    parser.add_argument("--out", type=Path, default=Path("results/chatbot_bandits"), help="folder for CSVs and plot")
    parser.add_argument("--figure", type=Path, default=None, help="also save the plot here")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel processes")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    points = evaluation_points(args.budget)
    jobs = [(rater, agent, seed) for rater in args.raters for agent in args.agents for seed in range(args.seeds)]
    runs = []
    # Runs are independent (each seeds its own env and agent), so processes change no number.
    with ProcessPoolExecutor(args.jobs, initializer=torch.set_num_threads, initargs=(1,)) as pool:
        futures = [pool.submit(one_run, rater, agent, seed, args.budget, points) for rater, agent, seed in jobs]
        for future in futures:
            run = future.result()
            runs.append(run)
            print(
                f"{run.rater:6s} {run.agent:9s} seed {run.seed}: 90% at {run.steps_to_target or f'>{args.budget}'} "
                f"steps, final {run.scores[-1]:.3f}, cumulative regret {run.regrets.sum():.0f}, "
                f"{run.seconds:.1f} s CPU",
                flush=True,
            )
    summary = summarise(runs, args.budget)
    write_csvs(runs, summary, args.out)
    figure = plot(runs, summary, args.out / "chatbot_bandits.png", args.budget)
    if args.figure is not None:
        plot(runs, summary, args.figure, args.budget)
    print(f"\n{'rater':6s} {'agent':9s} reached  steps to 90% (95% CI)        final  cumulative regret")
    for row in summary:
        print(
            f"{row['rater']:6s} {row['agent']:9s} {row['reached_90']}/{row['seeds']}      "
            f"{row['steps_to_90_mean']:7.0f} ({row['steps_to_90_ci_low']:.0f}-{row['steps_to_90_ci_high']:.0f})"
            f"{'':8s} {row['final_score_fraction']:.3f}  {row['cumulative_regret']:.0f} "
            f"({row['cumulative_regret_ci_low']:.0f}-{row['cumulative_regret_ci_high']:.0f})"
        )
    for rater in args.raters:
        by_agent = {
            agent: np.array(
                [r.steps_to_target for r in runs if r.rater == rater and r.agent == agent and r.steps_to_target],
                dtype=float,
            )
            for agent in ("linucb", "ppo")
        }
        if all(len(v) for v in by_agent.values()):
            ratio = by_agent["linucb"].mean() / by_agent["ppo"].mean()
            low, high = ratio_interval(by_agent["linucb"], by_agent["ppo"])
            print(
                f"{rater} rater: LinUCB steps / PPO steps to 90% = {ratio:.3f} (bootstrap 95% CI {low:.3f}-{high:.3f}; "
                f"goal <= 0.25)"
            )
    print(f"wrote {args.out / 'curves.csv'}, {args.out / 'summary.csv'} and {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
