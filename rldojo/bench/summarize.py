"""Summarise a benchmark folder from its ``results.jsonl`` alone: Markdown tables and PNG learning curves.

::

    python -m rldojo.bench.summarize results/quick
    python -m benchmarks.summarize results/quick      # the same, from a checkout

writes ``summary.md`` (a table per entry: one row per agent, the headline metric's
mean over seeds with a 95% bootstrap confidence interval and the worst seed beside it,
steps to solve, training wall time, steps per second, where the settings come from, and
the ratios of each hand-written agent to its stable-baselines3 counterpart; then the
aggregate across entries of :mod:`rldojo.bench.aggregate`), ``curves/<entry>.png`` (the
headline metric against env steps and against training wall time, mean and 95% band over
seeds, hand-written solid and SB3 dashed) and ``curves/aggregate.png``.

Only the runs of the current plan (``plan.json``, see :mod:`rldojo.bench.store`) are
counted; superseded records stay in the results file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from rldojo.bench.aggregate import aggregate, aggregate_markdown, plot_aggregate
from rldojo.bench.plan import is_sb3
from rldojo.bench.store import RESULTS_NAME, current_runs, last_line, read_plan, read_results

SUMMARY_NAME = "summary.md"
CURVES_DIR = "curves"
AGGREGATE_PNG = "aggregate.png"


# --------------------------------------------------------------------------- statistics


def bootstrap_ci(values, confidence: float = 0.95, resamples: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """A percentile bootstrap confidence interval of the mean of ``values`` (seeded, so repeatable)."""
    values = np.asarray([v for v in values if v is not None], dtype=float)
    if values.size == 0:
        return math.nan, math.nan
    if values.size == 1:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, size=(resamples, values.size))].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def reaches(value: float | None, target: float, higher_is_better: bool) -> bool:
    if value is None:
        return False
    return value >= target if higher_is_better else value <= target


def steps_to_solve(record: dict) -> int | None:
    """Env steps at the first curve point whose headline reaches the entry's ``solved_at`` (None if never)."""
    target = record.get("solved_at")
    if target is None:
        return None
    for point in record.get("curve", []):
        if reaches(point["metrics"].get(record["headline"]), target, record.get("higher_is_better", True)):
            return int(point["steps"])
    return None


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def fmt(value: float | None) -> str:
    """Numbers for tables: three significant digits below 0.01, three decimals below 10, one below 1000,
    thousands separated above."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if 0 < abs(value) < 0.01:
        return f"{value:.3g}"  # a small regret or exploitability keeps its digits
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


# --------------------------------------------------------------------------- tables


def agent_groups(records: list[dict]) -> dict[str, list[dict]]:
    """One entry's records by agent variant: the agent name, told apart by budget or by
    hyperparameters when one agent runs more than once in an entry."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for record in records:
        variant = (record["agent"], record["budget"], json.dumps(record.get("hyperparameters"), sort_keys=True))
        groups[variant].append(record)
    names: dict[str, list[tuple]] = defaultdict(list)
    for variant in sorted(groups):
        names[variant[0]].append(variant)
    named = {}
    for agent, variants in names.items():
        budgets = [v[1] for v in variants]
        for number, variant in enumerate(variants, start=1):
            if len(variants) == 1:
                name = agent
            elif budgets.count(variant[1]) == 1:
                name = f"{agent} ({variant[1]:,} steps)"
            else:
                name = f"{agent} #{number}"
            named[name] = sorted(groups[variant], key=lambda r: r["seed"])
    return dict(sorted(named.items(), key=lambda item: (is_sb3(item[0]), item[0])))


def agent_rows(records: list[dict]) -> list[dict]:
    """One row per agent variant of one entry's ok records, with the statistics the table shows."""
    rows = []
    for name, runs in agent_groups(records).items():
        headline = runs[0]["headline"]
        values = [r["metrics"].get(headline) for r in runs]
        solved = [steps_to_solve(r) for r in runs]
        low, high = bootstrap_ci(values)
        higher = runs[0].get("higher_is_better", True)
        scored = [(v, r["seed"]) for v, r in zip(values, runs, strict=True) if v is not None]
        worst = (min if higher else max)(scored) if scored else (None, None)
        metric_names = []
        for r in runs:
            metric_names += [m for m in r["metrics"] if m not in metric_names]
        rows.append(
            {
                "agent": name,
                "base_agent": runs[0]["agent"],
                "counterpart": runs[0].get("counterpart"),
                "kind": "sb3" if is_sb3(runs[0]["agent"]) else "hand-written",
                "budget": runs[0]["budget"],
                "seeds": len(runs),
                "mean": _mean(values),
                "ci": (low, high),
                "worst": worst,  # (value, seed)
                "settings": runs[0].get("settings") or "",
                "others": {m: _mean(r["metrics"].get(m) for r in runs) for m in metric_names if m != headline},
                "solved": sum(s is not None for s in solved),
                "steps_to_solve": _mean(solved),
                "wall_time": _mean(r.get("wall_time") for r in runs),
                "steps_per_second": _mean(r.get("steps_per_second") for r in runs),
            }
        )
    return rows


def counterpart_row(row: dict, rows: list[dict], higher_is_better: bool) -> dict | None:
    """The SB3 row a hand-written row is compared with: its counterpart of the same family
    (``AgentSpec.counterpart``; the best variant on the headline when it ran with several settings),
    or None when it has none here."""
    if row["kind"] != "hand-written" or not row["counterpart"]:
        return None
    candidates = [other for other in rows if other["base_agent"] == row["counterpart"] and other["mean"] is not None]
    if not candidates:
        return None
    return (max if higher_is_better else min)(candidates, key=lambda other: other["mean"])


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    """``ours / theirs`` where both are positive; else None (a ratio of a score to a negative one means nothing)."""
    if ours is None or theirs is None or ours < 0 or theirs <= 0:
        return None
    return ours / theirs


def entry_table(label: str, records: list[dict]) -> tuple[str, list[dict]]:
    """The Markdown table of one entry's ok records (and the rows it was made from)."""
    first = records[0]
    headline = first["headline"]
    higher = first.get("higher_is_better", True)
    rows = agent_rows(records)
    references = {row["agent"]: counterpart_row(row, rows, higher) for row in rows}
    others = []
    for row in rows:
        others += [m for m in row["others"] if m not in others]
    # the ratio columns only where a hand-written agent has its SB3 counterpart to compare with
    ratios = any(reference is not None for reference in references.values())
    unit = first.get("unit") or "env steps"
    header = (
        ["agent", "seeds", f"budget ({unit})", f"{headline} (95% CI)", "worst seed"]
        + others
        + ["steps to solve", "train time (s)", "steps/s", "settings"]
        + ([f"{headline} ÷ SB3", "steps/s ÷ SB3"] if ratios else [])
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for row in rows:
        if first.get("solved_at") is None:
            solve = "—"
        elif row["solved"] == 0:
            solve = "not solved"
        else:
            solve = f"{round(row['steps_to_solve']):,}" + (
                "" if row["solved"] == row["seeds"] else f" ({row['solved']}/{row['seeds']})"
            )
        low, high = row["ci"]
        headline_cell = f"{fmt(row['mean'])} [{fmt(low)}, {fmt(high)}]"
        reference = references[row["agent"]]
        worst_value, worst_seed = row["worst"]
        worst_cell = "—" if worst_value is None else f"{fmt(worst_value)} (seed {worst_seed})"
        cells = (
            [row["agent"], str(row["seeds"]), f"{row['budget']:,}", headline_cell, worst_cell]
            + [fmt(row["others"].get(m)) for m in others]
            + [solve, fmt(row["wall_time"]), fmt(row["steps_per_second"]), row["settings"] or "—"]
        )
        if ratios:
            cells += [
                fmt_ratio(_ratio(row["mean"], reference["mean"])) if reference else "—",
                fmt_ratio(_ratio(row["steps_per_second"], reference["steps_per_second"])) if reference else "—",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    common, special = env_kwargs_split(records)
    parts = [
        f"## {label}",
        "",
        f"`{first['env_id']}` with `{json.dumps(common, sort_keys=True)}`"
        + "".join(f", {agent} adds `{json.dumps(extra, sort_keys=True)}`" for agent, extra in special.items())
        + "; "
        f"headline `{headline}` ({'higher' if higher else 'lower'} is better)"
        + (f", solved at {first['solved_at']:g}" if first.get("solved_at") is not None else "")
        + ".",
        "",
        *lines,
        "",
    ]
    if first.get("select") == "best":
        parts += [
            f"Best-so-far: each run's final metrics are those of its best evaluation checkpoint (of "
            f"{first.get('eval_points')} curve points, judged by the curve's `{headline}`; a tie goes to the "
            "later one), the same rule for every agent of this entry.",
            "",
        ]
    parts += not_learning_notes(first, rows)
    variants = variant_notes(records)
    if variants:
        parts += ["Runs of one agent with other hyperparameters: " + "; ".join(variants) + ".", ""]
    if ratios:
        pairs = [f"{agent} ÷ {reference['agent']}" for agent, reference in references.items() if reference]
        unpaired = [row for row in rows if row["kind"] == "hand-written" and not references[row["agent"]]]
        alone = [row["agent"] for row in unpaired if not row["counterpart"]]
        absent = [f"{row['agent']} ({row['counterpart']})" for row in unpaired if row["counterpart"]]
        unsigned = [
            f"{row['agent']} ({fmt(row['mean'])} against {fmt(reference['mean'])})"
            for row in rows
            if (reference := references[row["agent"]]) and _ratio(row["mean"], reference["mean"]) is None
        ]
        parts += [
            "Ratios: each hand-written agent ÷ its SB3 counterpart of the same family ("
            + ", ".join(pairs)
            + ")"
            + ("" if higher else "; lower is better, so below 1× is better")
            + "."
            + (f" No SB3 agent is of the family of {', '.join(alone)}: no ratio." if alone else "")
            + (f" No run of the counterpart of {', '.join(absent)} is in this table: no ratio." if absent else "")
            + (
                f" A ratio of {headline} needs two positive means, so none for {', '.join(unsigned)}."
                if unsigned
                else ""
            ),
            "",
        ]
    return "\n".join(parts), rows


def not_learning_notes(first: dict, rows: list[dict]) -> list[str]:
    """A sentence for each SB3 agent that reached the mark on no seed, with the tuning its settings had."""
    if first.get("solved_at") is None:
        return []
    notes = []
    for row in rows:
        if row["kind"] != "sb3" or row["solved"] > 0:
            continue
        settings = row["settings"] or "library defaults"
        if settings.startswith("Optuna study"):
            how = f"the winner of an Optuna study of {settings.split(': ', 1)[1]}, the tuning it was given"
        elif settings.startswith("rl-zoo3"):
            how = f"rl-zoo3's published tuned ones ({settings.split(' (', 1)[-1].rstrip(')')})"
        else:
            how = f"{settings}, and no tuning study was run for it"
        notes.append(
            f"{row['agent']} reached the mark ({first['solved_at']:g}) at no evaluation point of any seed; "
            f"its settings are {how}."
        )
    return [" ".join(notes), ""] if notes else []


def variant_notes(records: list[dict]) -> list[str]:
    """For an agent run with several hyperparameter sets ("dqn #1", "dqn #2"), what tells them apart."""
    notes = []
    groups = agent_groups(records)
    for base in sorted({name.split(" #")[0] for name in groups if " #" in name}):
        named = {
            name: runs[0].get("hyperparameters") or {} for name, runs in groups.items() if name.startswith(base + " #")
        }
        keys = sorted({k for hp in named.values() for k in hp})
        differing = [k for k in keys if len({json.dumps(hp.get(k), sort_keys=True) for hp in named.values()}) > 1]
        for name, hp in named.items():
            notes.append(f"{name}: " + ", ".join(f"{k}={json.dumps(hp.get(k))}" for k in differing))
    return notes


def env_kwargs_split(records: list[dict]) -> tuple[dict, dict[str, dict]]:
    """The env kwargs every run of an entry shares, and what each agent's runs add or change."""
    kwargs = [(r["agent"], r.get("env_kwargs") or {}) for r in records]
    common = {k: v for k, v in kwargs[0][1].items() if all(k in kw and kw[k] == v for _, kw in kwargs)}
    special: dict[str, dict] = {}
    for agent, kw in kwargs:
        extra = {k: v for k, v in kw.items() if k not in common}
        if extra:
            special.setdefault(agent, extra)
    return common, dict(sorted(special.items()))


def failed_table(failed: list[dict]) -> str:
    lines = ["## Failed runs", "", "| entry | agent | seed | error |", "|---|---|---:|---|"]
    for record in sorted(failed, key=lambda r: (r["label"], r["agent"], r["seed"])):
        error = last_line(record.get("error"), "(no message)").replace("|", "\\|")
        lines.append(f"| {record['label']} | {record['agent']} | {record['seed']} | {error} |")
    lines += ["", f"Full tracebacks are in the `error` field of `{RESULTS_NAME}`.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- plots


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("_") or "entry"


def curve_metric_name(records: list[dict]) -> str | None:
    """The headline if the curve has it, else the first metric the curve has."""
    headline = records[0]["headline"]
    names = [name for r in records for point in r.get("curve", []) for name in point["metrics"]]
    if headline in names:
        return headline
    return names[0] if names else None


def plot_entry(label: str, records: list[dict], path: Path) -> Path | None:
    """Learning curves of one entry, against env steps (left) and training wall time (right): mean and
    95% bootstrap band over seeds for every agent."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = curve_metric_name(records)
    if metric is None:
        return None
    by_agent = agent_groups(records)
    fig, (ax_steps, ax_time) = plt.subplots(1, 2, figsize=(13, 4.5), sharey=True)
    colours = plt.get_cmap("tab10")
    for index, (agent, runs) in enumerate(by_agent.items()):
        length = min(len(r["curve"]) for r in runs)
        if length == 0:
            continue
        points = [[r["curve"][i] for r in runs] for i in range(length)]
        steps = np.array([np.mean([p["steps"] for p in at]) for at in points])
        # the mean over seeds of the training seconds each seed had spent by that point
        seconds = np.array([np.mean([p.get("wall_time") or 0.0 for p in at]) for at in points])
        values = [[p["metrics"].get(metric) for p in at] for at in points]
        mean = np.array([np.nan if _mean(v) is None else _mean(v) for v in values])
        bands = np.array([bootstrap_ci(v, resamples=2000) for v in values])
        style = "--" if is_sb3(agent) else "-"
        colour = colours(index % 10)
        for ax, xs in ((ax_steps, steps), (ax_time, seconds)):
            ax.plot(
                xs,
                mean,
                style,
                color=colour,
                marker="o",
                markersize=3,
                linewidth=1.8,
                label=f"{agent} ({len(runs)} seed{'s' if len(runs) != 1 else ''})",
            )
            if len(runs) > 1:
                ax.fill_between(xs, bands[:, 0], bands[:, 1], color=colour, alpha=0.18, linewidth=0)
    solved_at = records[0].get("solved_at")
    for ax in (ax_steps, ax_time):
        if solved_at is not None and metric == records[0]["headline"]:
            ax.axhline(solved_at, color="0.4", linestyle=":", linewidth=1, label=f"solved ({solved_at:g})")
        ax.grid(alpha=0.3)
    unit = records[0].get("unit") or "env steps"
    ax_steps.set_xlabel(unit)
    ax_time.set_xlabel("training wall time (s, evaluation excluded)")
    ax_time.set_xscale("symlog", linthresh=1.0)
    ax_time.set_xlim(left=0)  # times are never negative; symlog would pad the axis with -1 and -10
    ax_steps.set_ylabel(metric)
    ax_steps.set_title(f"against {unit}", fontsize=10)
    ax_time.set_title("against wall time (log scale above 1 s)", fontsize=10)
    fig.suptitle(f"{label}: {metric} (mean, 95% CI over seeds; SB3 dashed)", fontsize=11)
    ax_time.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- the summary


def _span(records: list[dict]) -> str:
    times = sorted(r["finished_at"] for r in records if r.get("finished_at"))
    machines = {(m.get("host"), m.get("cpu"), m.get("cpus")) for r in records if (m := r.get("machine"))}
    text = ""
    if times:
        text += f", finished {times[0][:16].replace('T', ' ')} to {times[-1][:16].replace('T', ' ')} UTC"
    if machines:
        text += " on " + "; ".join(f"{host} ({cpu}, {cpus} CPUs)" for host, cpu, cpus in sorted(machines, key=str))
    return text


def summary_markdown(
    records: list[dict], curves_dir: Path | None = None, plots: bool = True, plan: dict | None = None
) -> str:
    """The whole summary as Markdown; with ``plots`` the PNGs are written to ``curves_dir`` too.

    :param plan: the suite's ``plan.json``: only its runs are counted (None: every run in ``records``)
    """
    runs, superseded = current_runs(records, plan)
    ok = [r for r in runs if r.get("status") == "ok"]
    failed = [r for r in runs if r.get("status") != "ok"]
    suites = sorted({r.get("suite") for r in runs if r.get("suite")})
    cpu = sum(r.get("cpu_time") or 0.0 for r in runs)
    parts = [
        "# Benchmark results",
        "",
        f"{len(runs)} runs ({len(ok)} ok, {len(failed)} failed) of the {', '.join(suites) or '?'} suite"
        f"{_span(runs)}"
        + (
            f", the runs of its current plan ({len(plan['keys'])} planned, seeds "
            f"{', '.join(map(str, plan.get('seeds', [])))}; {len(superseded)} superseded record"
            f"{'s' if len(superseded) != 1 else ''} in the file not counted)"
            if plan is not None
            else ""
        )
        + ". Within an entry every agent has the same budget and the same evaluation. Each row is one agent: "
        "the headline metric's mean over seeds with a 95% bootstrap confidence interval and the worst seed, "
        "the env steps at which the learning curve first reached the solved level (mean over the seeds that "
        "reached it), training wall time and env steps per second (evaluation excluded), where its settings "
        "come from, and each hand-written agent's ratio to its SB3 counterpart of the same family."
        + (f" The runs took {cpu:,.0f} CPU seconds in all." if cpu else ""),
        "",
    ]
    found = aggregate(ok)
    if found is not None:
        png = None
        if plots and curves_dir is not None:
            png = f"{CURVES_DIR}/{plot_aggregate(found, curves_dir / AGGREGATE_PNG).name}"
        parts.append(aggregate_markdown(found, png))
    by_label: dict[str, list[dict]] = defaultdict(list)
    for record in ok:
        by_label[record["label"]].append(record)
    for label in sorted(by_label):
        table, _ = entry_table(label, by_label[label])
        parts.append(table)
        if plots and curves_dir is not None:
            png = plot_entry(label, by_label[label], curves_dir / f"{slug(label)}.png")
            if png is not None:
                parts += [f"![{label} learning curves]({CURVES_DIR}/{png.name})", ""]
    if failed:
        parts.append(failed_table(failed))
    if not runs:
        parts += ["No runs recorded yet.", ""]
    return "\n".join(parts)


def summarize(out_dir: str | os.PathLike, plots: bool = True) -> Path:
    """Write ``summary.md`` (and ``curves/*.png``) in ``out_dir`` from its results file; returns the summary's path."""
    out_dir = Path(out_dir)
    results = out_dir / RESULTS_NAME
    if not results.exists():
        raise FileNotFoundError(f"no {RESULTS_NAME} in {out_dir}")
    text = summary_markdown(read_results(results), out_dir / CURVES_DIR, plots, read_plan(out_dir))
    path = out_dir / SUMMARY_NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None, prog: str = "python -m rldojo.bench.summarize") -> int:
    """Write the summary of a benchmark folder and print it; returns the exit code."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="a benchmark output folder (holding results.jsonl)")
    parser.add_argument("--no-plots", action="store_true", help="tables only, no PNGs")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    try:
        path = summarize(args.dir, plots=not args.no_plots)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(path.read_text(encoding="utf-8"))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
