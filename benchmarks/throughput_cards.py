"""Card games: env steps, exact exploitability and CFR+ iterations, ours against RLCard and OpenSpiel.

Rows (ours and the peer measured side by side in one run, in alternating short slices
whose times are summed):

- Leduc env steps/s, the action drawn uniformly from ``info["action_mask"]``, against
  RLCard's ``leduc-holdem`` ``env.step`` (its legal actions from the state; goal 3x).
  One of our steps is the agent's action *and* the opponent's reply; one RLCard step is
  one player's action, so the comparison favours RLCard.
- Kuhn and Leduc env steps/s against OpenSpiel's ``rl_environment`` (one player's action a step).
- Exploitability of one random tabular Leduc policy: ours (``analysis.exploitability``)
  against OpenSpiel's C++ ``pyspiel.exploitability`` on the same policy (goal 1: the
  ratio is their time over ours).
- One CFR+ iteration on Leduc: ours against OpenSpiel's C++ ``CFRPlusSolver`` (ratio: their time over ours).

``cfr_comparison()`` (``--cfr``) runs both CFR+ for the same iterations and reports
NashConv and wall time side by side.

    python -m benchmarks.throughput_cards              # the table
    python -m benchmarks.throughput_cards --cfr 300    # CFR+ side by side, 300 iterations
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from benchmarks.throughput import text_table
from benchmarks.throughput_vector_cards import openspiel_stepper, rlcard_stepper
from benchmarks.timing import interleave

SLICES = 10  # alternating slices per row


def _interleave(ours, theirs, seconds: float) -> tuple[float, float | None]:
    """Rates of two ``burst() -> count`` functions (``theirs`` None: ours alone) over ``seconds`` in all,
    in alternating slices, summed."""
    contestants = {"ours": ours} if theirs is None else {"ours": ours, "theirs": theirs}
    tallies = interleave(contestants, seconds / 2, slice_seconds=seconds / (2 * SLICES))
    return tallies["ours"].rate, None if theirs is None else tallies["theirs"].rate


def _our_env_stepper(env_id: str):
    import gymnasium as gym

    import rldojo  # noqa: F401

    env = gym.make(env_id, opponent="random").unwrapped  # the env itself, as the peers are measured bare
    rng = np.random.default_rng(0)
    box = {"info": env.reset(seed=0)[1]}

    def burst() -> int:
        info = box["info"]
        for _ in range(200):
            legal = info["action_mask"].nonzero()[0]
            _, _, terminated, _, info = env.step(legal[int(rng.random() * len(legal))])
            if terminated:
                _, info = env.reset()
        box["info"] = info
        return 200

    return burst


def _calls(fn):
    """A ``burst()`` that calls ``fn`` once: the timer counts calls."""

    def burst() -> int:
        fn()
        return 1

    return burst


def random_leduc_policy(seed: int = 0) -> dict[str, list[float]]:
    """A random tabular Leduc policy keyed by OpenSpiel's information state strings."""
    from rldojo.envs.cards.analysis import game_tree

    tree = game_tree("leduc")
    rng = np.random.default_rng(seed)
    probs = rng.random(tree.legal_mask.shape) * tree.legal_mask
    probs /= probs.sum(axis=1, keepdims=True)
    return {key: probs[i].tolist() for i, key in enumerate(tree.keys)}


def _row(env, what, ours, peer, peer_value, goal, note=None, ratio=None):
    row = {
        "env": env,
        "what": what,
        "ours": ours,
        "peer": peer,
        "peer_value": peer_value,
        "ratio": ratio if ratio is not None else (ours / peer_value if peer_value else None),
        "goal": goal,
    }
    if note:
        row["note"] = note
    return row


def rows(seconds: float = 2.0) -> list[dict]:
    """Every row of the table (see the module docstring); a missing peer gives a row with a note."""
    torch.set_num_threads(1)
    out = []
    ours_leduc = _our_env_stepper("LeducHoldem-v0")
    ours_kuhn = _our_env_stepper("KuhnPoker-v0")
    interleave({"leduc": ours_leduc, "kuhn": ours_kuhn}, 0.2, slice_seconds=0.2)  # warm the observation cache

    try:
        ours, theirs = _interleave(ours_leduc, rlcard_stepper(), seconds)
        out.append(
            _row(
                "LeducHoldem-v0",
                "env steps/s, random legal actions from the mask",
                ours,
                "RLCard leduc-holdem env.step",
                theirs,
                3.0,
            )
        )
    except ImportError:
        ours, _ = _interleave(ours_leduc, None, seconds)
        out.append(
            _row(
                "LeducHoldem-v0",
                "env steps/s, random legal actions from the mask",
                ours,
                "RLCard leduc-holdem env.step",
                None,
                3.0,
                note="rlcard is not installed",
            )
        )

    for env_id, game_name, stepper in (
        ("KuhnPoker-v0", "kuhn_poker", ours_kuhn),
        ("LeducHoldem-v0", "leduc_poker", ours_leduc),
    ):
        try:
            ours, theirs = _interleave(stepper, openspiel_stepper(game_name), seconds)
            out.append(
                _row(
                    env_id,
                    "env steps/s, random legal actions",
                    ours,
                    f"OpenSpiel rl_environment {game_name}",
                    theirs,
                    None,
                )
            )
        except ImportError:
            out.append(
                _row(
                    env_id,
                    "env steps/s, random legal actions",
                    None,
                    f"OpenSpiel rl_environment {game_name}",
                    None,
                    None,
                    note="open_spiel is not installed",
                )
            )

    from rldojo.baselines.cfr import CFRPlus
    from rldojo.envs.cards import analysis

    policy = random_leduc_policy()
    analysis.game_tree("leduc")  # built once per process, as a user's first call would
    try:
        import pyspiel

        game = pyspiel.load_game("leduc_poker")
        cpp_policy = pyspiel.TabularPolicy(
            {key: [(a, p) for a, p in enumerate(probs) if p > 0] for key, probs in policy.items()}
        )
        ours_rate, theirs_rate = _interleave(
            _calls(lambda: analysis.exploitability("leduc", policy)),
            _calls(lambda: pyspiel.exploitability(game, cpp_policy)),
            seconds,
        )
        out.append(
            _row(
                "LeducHoldem-v0",
                "exploitability of a tabular policy, ms per call",
                1000 / ours_rate,
                "OpenSpiel C++ pyspiel.exploitability",
                1000 / theirs_rate,
                1.0,
                ratio=ours_rate / theirs_rate,
            )
        )
        import gymnasium as gym

        import rldojo  # noqa: F401

        ours_solver = CFRPlus(gym.make("LeducHoldem-v0"), seed=0)
        their_solver = pyspiel.CFRPlusSolver(game)
        ours_rate, theirs_rate = _interleave(
            _calls(ours_solver.iteration), _calls(their_solver.evaluate_and_update_policy), seconds
        )
        out.append(
            _row(
                "LeducHoldem-v0",
                "CFR+ iteration, ms",
                1000 / ours_rate,
                "OpenSpiel C++ CFRPlusSolver",
                1000 / theirs_rate,
                None,
                ratio=ours_rate / theirs_rate,
            )
        )
    except ImportError:
        once = interleave({"ours": _calls(lambda: analysis.exploitability("leduc", policy))}, 0, slice_seconds=0)
        out.append(
            _row(
                "LeducHoldem-v0",
                "exploitability of a tabular policy, ms per call",
                1000 / once["ours"].rate,
                "OpenSpiel C++ pyspiel.exploitability",
                None,
                1.0,
                note="open_spiel is not installed",
            )
        )
    return out


def cfr_comparison(iterations: int = 300, game_name: str = "leduc") -> list[dict]:
    """Our CFR+ and OpenSpiel's C++ CFR+ for the same iterations: NashConv and wall time of each."""
    import gymnasium as gym

    import rldojo  # noqa: F401
    from rldojo.baselines.cfr import CFRPlus

    env_id = {"kuhn": "KuhnPoker-v0", "leduc": "LeducHoldem-v0"}[game_name]
    torch.set_num_threads(1)
    results = []
    ours = CFRPlus(gym.make(env_id), seed=0)
    started = time.perf_counter()
    ours.learn(iterations)
    results.append(
        {
            "solver": "rldojo CFRPlus",
            "iterations": iterations,
            "seconds": time.perf_counter() - started,
            "nash_conv": ours.nash_conv(),
        }
    )
    try:
        import pyspiel
    except ImportError:
        return results
    game = pyspiel.load_game(f"{game_name}_poker")
    solver = pyspiel.CFRPlusSolver(game)
    started = time.perf_counter()
    for _ in range(iterations):
        solver.evaluate_and_update_policy()
    seconds = time.perf_counter() - started
    results.append(
        {
            "solver": "OpenSpiel C++ CFRPlusSolver",
            "iterations": iterations,
            "seconds": seconds,
            "nash_conv": pyspiel.nash_conv(game, solver.average_policy()),
        }
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per row, split in slices")
    parser.add_argument("--cfr", type=int, default=0, metavar="N", help="run both CFR+ for N iterations instead")
    parser.add_argument("--game", default="leduc", choices=["kuhn", "leduc"], help="the game of --cfr")
    args = parser.parse_args()
    if args.cfr:
        for r in cfr_comparison(args.cfr, args.game):
            print(
                f"{r['solver']:<30} {r['iterations']:>6} iterations {r['seconds']:>8.2f} s  "
                f"NashConv {r['nash_conv']:.6f}"
            )
        return
    print(text_table(rows(args.seconds)))


if __name__ == "__main__":
    main()
