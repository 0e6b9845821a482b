"""The random policy of the normalised scores: an agent that acts uniformly at random, and its headline per entry.

The aggregate statistics (:mod:`rldojo.bench.aggregate`) put every entry's headline on one
scale: a uniformly random policy scores 0, the entry's solved mark (or its oracle) 1. The
random policy's headline is measured here, through the same run as any agent
(:func:`~rldojo.bench.execute.execute_run`: the entry's env, budget and metric), so that the
bandit's regret is measured on the pulls it made and a game's win rate on the same games::

    python -m rldojo.bench.reference --seeds 2     # every entry's random headline
    python -m rldojo.bench.reference --envs Taxi --seeds 5

The values are committed in the entries (``Entry.random_score``), with this command beside them.
CFR entries are measured with the solver itself after no iteration: its average strategy is
then the uniform one.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from rldojo.bench.execute import execute_run
from rldojo.bench.plan import plan_runs
from rldojo.bench.suites import all_entries

RANDOM_AGENT = "rldojo.bench.reference:RandomAgent"


class RandomAgent:
    """Uniformly random legal actions: ``learn(n)`` plays n of them on its env, ``predict`` draws one.

    A legal action comes from the ``action_masks`` given to ``predict``, else from the env's
    ``action_masks()`` or ``info["action_mask"]`` while learning; without masks, any action.
    """

    def __init__(self, env, seed: int = 0, **ignored):
        self.env = env
        self.action_space = env.action_space
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.num_timesteps = 0
        self._mask = None
        self._started = False

    def _draw(self, mask=None):
        if mask is None:
            return int(self.rng.integers(self.action_space.n))
        legal = np.flatnonzero(np.asarray(mask).reshape(-1))
        return int(self.rng.choice(legal)) if legal.size else int(self.rng.integers(self.action_space.n))

    def learn(self, total_timesteps: int, reset_num_timesteps: bool = True) -> RandomAgent:
        """Play ``total_timesteps`` random actions on the env (a bandit's regret is read from them)."""
        if reset_num_timesteps:
            self.num_timesteps = 0
        if not self._started:
            _, info = self.env.reset(seed=self.seed)
            self._mask, self._started = info.get("action_mask"), True
        for _ in range(int(total_timesteps)):
            masks = getattr(self.env.unwrapped, "action_masks", None)
            mask = masks() if callable(masks) else self._mask
            _, _, terminated, truncated, info = self.env.step(self._draw(mask))
            self._mask = info.get("action_mask")
            self.num_timesteps += 1
            if terminated or truncated:
                _, info = self.env.reset()
                self._mask = info.get("action_mask")
        return self

    def predict(self, observation, state=None, episode_start=None, deterministic=True, action_masks=None):
        """A random legal action, or one per observation for a batch (an array of one more dimension)."""
        if action_masks is None and isinstance(observation, dict):
            action_masks = observation.get("action_mask")
        shape = getattr(self.env.observation_space, "shape", None)
        batch = not isinstance(observation, dict) and shape is not None and np.ndim(observation) == len(shape) + 1
        if batch:
            masks = [None] * len(observation) if action_masks is None else list(np.asarray(action_masks))
            return np.array([self._draw(mask) for mask in masks]), state
        return self._draw(action_masks), state

    def get_env(self):
        return self.env


def random_headlines(entries=None, seeds: int = 2, suite: str = "quick", envs=None) -> dict[str, float]:
    """Each entry's headline for the random policy (the mean over ``seeds``), at the entry's ``suite`` budget."""
    entries = list(all_entries() if entries is None else entries)
    found = {}
    for entry in entries:
        if envs is not None and entry.label not in envs and entry.env_id not in envs:
            continue
        use = suite if suite in entry.suites else entry.suites[0]
        cfr = entry.unit == "CFR iterations"
        runs = plan_runs([entry], use, seeds)
        # the first agent's spec (env kwargs, budget) with the random agent (or an untrained CFR) in its place
        runs = [r for r in runs if r.agent == runs[0].agent]
        values = []
        for spec in runs:
            spec.agent, spec.hyperparameters, spec.select = ("cfr", {}, "final") if cfr else (RANDOM_AGENT, {}, "final")
            # a random policy learns nothing: a few thousand steps give the bandit's pulls to read
            spec.budget, spec.eval_points = (0, 1) if cfr else (min(spec.budget, 5_000), 1)
            record = execute_run(spec) if not cfr else _untrained_cfr(spec)
            if record["status"] != "ok":
                raise RuntimeError(f"{entry.label}: the random run failed:\n{record['error']}")
            values.append(record["metrics"][entry.headline])
        found[entry.label] = float(np.mean(values))
    return found


def _untrained_cfr(spec) -> dict:
    """The CFR entries' metric of a solver that ran no iteration (its average strategy is uniform)."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the env ids)
    from rldojo.baselines import make_agent
    from rldojo.bench.metrics import metric_values
    from rldojo.bench.suites import import_path

    env = gym.make(spec.env_id, **spec.env_kwargs)
    agent = make_agent("cfr", env, seed=spec.seed)
    values = metric_values(import_path(spec.metric)(agent, spec.env_id, spec.env_kwargs, spec.seed))
    return {"status": "ok", "metrics": values, "error": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rldojo.bench.reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("--envs", help="comma-separated entry labels or env ids (default: all)")
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args(argv)
    envs = None if args.envs is None else set(args.envs.split(","))
    for entry in all_entries():
        for label, value in random_headlines([entry], seeds=args.seeds, envs=envs).items():
            print(f"{label}: {value!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
