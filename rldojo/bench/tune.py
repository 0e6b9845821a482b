"""Tuning studies: the same Optuna search for a hand-written agent and its SB3 counterpart.

::

    rldojo bench tune Taxi sb3-dqn --trials 8                   # the entry's quick budget, seed 0
    rldojo bench tune Taxi qlearning --trials 8 --budget 50000 --seeds 0,1

A study runs ``trials`` trials of one agent on one entry. Each trial draws settings from the
agent family's search space (:data:`SPACES`: the same space, the same names translated, for
our DQN and SB3's, for our PPO and SB3's), trains the agent with them for ``budget`` env
steps on every seed through the benchmark's own run (:func:`~rldojo.bench.execute.execute_run`:
the entry's env, metric and evaluation), and scores the mean of the entry's headline over the
seeds. The sampler is Optuna's TPE with a fixed seed, so two agents studied with the same
arguments get the same sampler, seeds, budget and objective: the same tuning budget.

The best trial's settings are written to :mod:`rldojo.baselines.hyperparams.tuned`, with the
study named beside them (trials, budget, seeds, sampler, objective, date), and the benchmark
uses them from then on (:func:`rldojo.baselines.hyperparams.defaults`).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import pprint
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from rldojo.bench.execute import execute_run
from rldojo.bench.plan import plan_runs
from rldojo.bench.suites import all_entries

DEFAULT_SAMPLER_SEED = 0


def _dqn_space(trial) -> dict:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 3e-3, log=True),
        "batch_size": trial.suggest_categorical("batch_size", [32, 64, 128]),
        "buffer_size": trial.suggest_categorical("buffer_size", [10_000, 50_000, 100_000]),
        "learning_starts": trial.suggest_categorical("learning_starts", [100, 1_000, 5_000]),
        "target_update_interval": trial.suggest_categorical("target_update_interval", [100, 500, 2_000]),
        "train_freq": trial.suggest_categorical("train_freq", [1, 4, 8]),
        "exploration_fraction": trial.suggest_float("exploration_fraction", 0.05, 0.5),
        "exploration_final_eps": trial.suggest_float("exploration_final_eps", 0.01, 0.1),
        "gamma": trial.suggest_categorical("gamma", [0.95, 0.99]),
    }


def _ppo_space(trial) -> dict:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 3e-3, log=True),
        "n_steps": trial.suggest_categorical("n_steps", [64, 128, 256, 512]),
        "batch_size": trial.suggest_categorical("batch_size", [32, 64, 128]),
        "n_epochs": trial.suggest_categorical("n_epochs", [4, 10]),
        "gamma": trial.suggest_categorical("gamma", [0.95, 0.99]),
        "gae_lambda": trial.suggest_categorical("gae_lambda", [0.9, 0.95, 0.98]),
        "ent_coef": trial.suggest_float("ent_coef", 1e-4, 0.1, log=True),
    }


def _tabular_space(trial) -> dict:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.05, 1.0, log=True),
        "gamma": trial.suggest_categorical("gamma", [0.9, 0.95, 0.99]),
        "epsilon_decay": trial.suggest_categorical("epsilon_decay", [0.99, 0.995, 0.999]),
        "epsilon_end": trial.suggest_float("epsilon_end", 0.01, 0.1),
    }


# The space of each agent, and how its names differ from the family's (SB3's names are the family's).
SPACES = {
    "sb3-dqn": (_dqn_space, {}),
    "dqn": (_dqn_space, {"exploration_final_eps": "epsilon_end"}),
    "sb3-ppo": (_ppo_space, {}),
    "sb3-maskable-ppo": (_ppo_space, {}),
    "ppo": (_ppo_space, {}),
    "qlearning": (_tabular_space, {}),
    "sarsa": (_tabular_space, {}),
    "expected_sarsa": (_tabular_space, {}),
}


@dataclasses.dataclass
class StudyResult:
    env_id: str
    agent: str
    study: dict  # what was run: entry, trials, budget, seeds, sampler, objective, best value, date
    params: dict  # the best trial's settings, in the agent's own names
    values: list[float | None]  # each trial's objective (None: the trial failed)


def find_entry(name: str, agent: str, entries=None):
    """The entry labelled ``name`` (or the one entry with env id ``name``) that has ``agent``."""
    entries = list(all_entries() if entries is None else entries)
    matches = [e for e in entries if e.label == name] or [e for e in entries if e.env_id == name]
    matches = [e for e in matches if any(spec.agent == agent for spec in e.agents)]
    if len(matches) != 1:
        known = sorted(f"{e.label} ({', '.join(s.agent for s in e.agents)})" for e in entries)
        how = "no" if not matches else "more than one"
        raise ValueError(
            f"env: {how} entry named {name!r} has the agent {agent!r} (give an entry label); "
            f"entries: {'; '.join(known)}"
        )
    return matches[0]


def run_study(
    name: str,
    agent: str,
    trials: int,
    budget: int | None = None,
    seeds: list[int] | tuple[int, ...] = (0,),
    sampler_seed: int = DEFAULT_SAMPLER_SEED,
    entries=None,
    log=print,
) -> StudyResult:
    """Run an Optuna study of ``trials`` trials of ``agent`` on the entry ``name``; returns its winner.

    :param budget: env steps per trial and seed (default: the entry's quick budget, else its full one)
    :param seeds: every trial trains and is scored on each of these seeds
    """
    import optuna

    if agent not in SPACES:
        raise ValueError(f"agent: no search space for {agent!r}; known: {', '.join(sorted(SPACES))}")
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    entry = find_entry(name, agent, entries)
    spec = next(s for s in entry.agents if s.agent == agent)
    suite = "quick" if "quick" in entry.suites and "quick" in spec.suites else "full"
    budget = int(budget if budget is not None else spec.timesteps.get(suite, spec.timesteps.get("full")))
    if budget < 1:
        raise ValueError(f"budget must be positive, got {budget}")
    space, renames = SPACES[agent]
    direction = "maximize" if entry.higher_is_better else "minimize"
    base_runs = [r for r in plan_runs([entry], suite, list(seeds)) if r.agent == agent][: len(seeds)]
    if not base_runs:
        raise ValueError(f"seeds: at least one seed is needed, got {list(seeds)}")
    values: list[float | None] = []

    def objective(trial) -> float:
        drawn = {renames.get(k, k): v for k, v in space(trial).items()}
        scores = []
        for run in base_runs:
            run = dataclasses.replace(run, hyperparameters={**run.hyperparameters, **drawn}, budget=budget)
            run.select = "final"
            record = execute_run(run)
            if record["status"] != "ok":
                values.append(None)
                raise RuntimeError(f"trial {trial.number} failed: {record['error'].strip().splitlines()[-1]}")
            scores.append(record["metrics"].get(entry.headline))
        value = float(sum(scores) / len(scores)) if None not in scores else math.nan
        values.append(value)
        log(f"trial {trial.number}: {entry.headline} {value:.4g} with {drawn}")
        return value

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=sampler_seed)
    study = optuna.create_study(direction=direction, sampler=sampler)
    study.optimize(objective, n_trials=trials, catch=(RuntimeError,))
    finished = [t for t in study.trials if t.value is not None and not math.isnan(t.value)]
    if not finished:
        raise RuntimeError(f"every trial of the study of {agent} on {entry.label} failed")
    best = study.best_trial
    params = {renames.get(k, k): v for k, v in best.params.items()}
    about = {
        "entry": entry.label,
        "trials": trials,
        "budget": budget,
        "seeds": list(seeds),
        "sampler": f"optuna.samplers.TPESampler(seed={sampler_seed})",
        "objective": f"{direction} the mean over the seeds of {entry.headline} ({entry.metric})",
        "best_value": best.value,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "optuna": optuna.__version__,
    }
    return StudyResult(entry.env_id, agent, about, params, values)


def tuned_path() -> Path:
    """The module the studies' winners are written to."""
    from rldojo.baselines.hyperparams import tuned

    return Path(tuned.__file__)


def write_study(result: StudyResult, path: str | Path | None = None) -> Path:
    """Add (or replace) a study's winner in the ``tuned`` module at ``path`` and rewrite it, comments included."""
    path = Path(path) if path is not None else tuned_path()
    namespace: dict = {}
    if path.exists():
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # our own generated file
    studies = dict(namespace.get("STUDIES", {}))
    studies[(result.env_id, result.agent)] = {"study": result.study, "params": result.params}
    header = (namespace.get("__doc__") or "The winning settings of the Optuna studies.").strip()
    lines = [f'"""{header}\n"""', "", "STUDIES: dict[tuple[str, str], dict] = {"]
    for key in sorted(studies):
        about = studies[key]["study"]
        comment = (
            f"Optuna study: {about['entry']}, {key[1]}; {about['trials']} trials x {about['budget']:,} env steps "
            f"on seeds {', '.join(map(str, about['seeds']))}; {about['sampler']}; objective: {about['objective']}; "
            f"best {about['best_value']:.4g}; {about['date']}."
        )
        lines += ["    # " + line for line in textwrap.wrap(comment, width=100)]
        body = pprint.pformat(studies[key], indent=1, width=100, sort_dicts=True).replace("\n", "\n    ")
        lines.append(f"    {key!r}: {body},")
    lines.append("}")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None, prog: str = "rldojo bench tune") -> int:
    """``rldojo bench tune ENV AGENT --trials N``: run a study and write its winner; returns the exit code."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("env", help="an entry label (Taxi, Maze-v0/classic) or the env id of one entry")
    parser.add_argument("agent", help=f"the agent to tune: {', '.join(sorted(SPACES))}")
    parser.add_argument("--trials", type=int, required=True, help="trials of the study")
    parser.add_argument("--budget", type=int, default=None, help="env steps per trial and seed (default: the entry's)")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds every trial runs on (default: 0)")
    parser.add_argument("--sampler-seed", type=int, default=DEFAULT_SAMPLER_SEED, help="the TPE sampler's seed")
    parser.add_argument("--write", default=None, help="the module to write the winner to (default: hyperparams.tuned)")
    parser.add_argument("--dry-run", action="store_true", help="run the study, print the winner, write nothing")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--seeds must be comma-separated integers, got {args.seeds!r}")
    try:
        result = run_study(args.env, args.agent, args.trials, args.budget, seeds, args.sampler_seed)
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"best {result.study['best_value']:.4g} with {result.params}")
    if not args.dry_run:
        print(f"wrote {write_study(result, args.write)}")
    return 0
