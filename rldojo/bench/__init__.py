"""The benchmark engine: every entry's agents, on several seeds, into one results file, then a summary.

::

    rldojo bench --suite quick --out results/quick         # or: python -m rldojo.bench ...
    python -m rldojo.bench.summarize results/quick          # the summary again, from the results file

A *run* is one (entry label, env id, env kwargs, agent, hyperparameters, seed, budget);
its key is a hash of those (and of the runner's training protocol). The runner trains the
agent in one ``learn(budget)`` call, evaluates the entry's curve metric from a callback at
``eval_points`` evenly spaced steps (the learning curve) and its metric at the end, and
appends one JSON line per finished run to ``results.jsonl`` (flushed and fsynced, written
by the suite's process only); ``plan.json`` beside it holds the keys of the
suite's current plan, the only runs the summary counts. Running the same command again skips the
runs already recorded, so a killed suite resumes where it stopped. A run that raises is
recorded as failed, with its traceback, and the suite goes on.

The modules, in the order a suite uses them:

- :mod:`~rldojo.bench.suites` and :mod:`~rldojo.bench.entries`: what a suite is made of;
- :mod:`~rldojo.bench.plan`: the runs of a suite and their keys;
- :mod:`~rldojo.bench.execute`: one run, and the backends (this process, a process pool, Ray);
- :mod:`~rldojo.bench.metrics`: the shape of a metric's answer, and the greedy-return metrics;
- :mod:`~rldojo.bench.store`: the results file;
- :mod:`~rldojo.bench.runner`: a whole suite, with :mod:`~rldojo.bench.progress` on the terminal;
- :mod:`~rldojo.bench.summarize`: tables and learning curves from the results file (and the
  plan beside it), with :mod:`~rldojo.bench.aggregate`, the statistics across entries
  (normalised scores from :mod:`~rldojo.bench.reference`'s random policy, IQM, stratified
  bootstrap, performance profiles, probability of improvement);
- :mod:`~rldojo.bench.tune`: Optuna studies with the same budget for both sides;
- :mod:`~rldojo.bench.estimate`: how long planned runs should take; :mod:`~rldojo.bench.cli`: the command line.
"""

from __future__ import annotations

from rldojo.bench.cli import main
from rldojo.bench.execute import execute_run, machine_info
from rldojo.bench.plan import RunSpec, canonical, plan_runs, run_key
from rldojo.bench.runner import SuiteReport, run_suite
from rldojo.bench.store import RECORD_FORMAT, RESULTS_NAME, ResultsFile, latest_by_key, read_results
from rldojo.bench.suites import AgentSpec, Entry, all_entries, load_entries

__all__ = [
    "RECORD_FORMAT",
    "RESULTS_NAME",
    "AgentSpec",
    "Entry",
    "ResultsFile",
    "RunSpec",
    "SuiteReport",
    "all_entries",
    "canonical",
    "execute_run",
    "latest_by_key",
    "load_entries",
    "machine_info",
    "main",
    "plan_runs",
    "read_results",
    "run_key",
    "run_suite",
]
