"""The native vector envs of KuhnPoker-v0 and LeducHoldem-v0 against RLCard, OpenSpiel and SyncVectorEnv, in one run.

    python -m benchmarks.throughput_vector_cards [--seconds 2] [--num-envs 256]

Env steps per second, random legal actions against the ``"random"`` opponent:

- the native vector env (``gym.make_vec(id, 256, vectorization_mode="vector_entry_point")``,
  NEXT_STEP autoreset), the actions drawn from ``info["action_mask"]`` for the whole batch
  at once (the argmax of random numbers over the legal entries). Only env steps that play an
  action count: the autoreset steps (an env that ended at the step before resets, its action
  ignored) do not. One of our steps is the agent's action *and* the opponent's reply;
- RLCard's ``leduc-holdem`` ``env.step`` (one player's action a step, its legal actions from
  the state; goal 20x);
- OpenSpiel's ``rl_environment`` ``kuhn_poker`` (one player's action a step);
- Gymnasium's ``SyncVectorEnv`` of the same 256 single envs, stepped as the native one.

All contestants run in one :func:`benchmarks.timing.interleave` call (alternated slices, so a
busy machine slows all alike); the ratios are the figures, not the rates.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.throughput import text_table
from benchmarks.timing import interleave

STEPS = 20  # vector steps a burst
SINGLE_STEPS = 200  # single-env steps a burst


def vector_stepper(env_id: str, num_envs: int, vectorization_mode: str):
    """A ``burst() -> env steps that played an action`` of a vector env of ``env_id`` (native or ``"sync"``).

    ``burst.counts`` keeps the played steps and all env steps (``num_envs`` a call, Gymnasium's count).
    """
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers the ids and their vector entry points)

    env = gym.make_vec(env_id, num_envs, vectorization_mode=vectorization_mode, opponent="random")
    rng = np.random.default_rng(0)
    _, info = env.reset(seed=0)
    box = {"mask": info["action_mask"], "ended": np.zeros(num_envs, dtype=bool)}

    def burst() -> int:
        mask, ended, played = box["mask"], box["ended"], 0
        for _ in range(STEPS):
            actions = (rng.random(mask.shape) * mask).argmax(axis=1)  # a uniform legal action per env
            played += num_envs - np.count_nonzero(ended)
            _, _, terminated, truncated, info = env.step(actions)
            mask, ended = info["action_mask"], terminated | truncated
        box["mask"], box["ended"] = mask, ended
        burst.counts["played"] += played
        burst.counts["all"] += STEPS * num_envs
        return played

    burst.counts = {"played": 0, "all": 0}
    return burst


def rlcard_stepper():
    """RLCard's Leduc Hold'em, ``env.step`` with a random legal action, reset when the hand is over."""
    import rlcard

    env = rlcard.make("leduc-holdem", config={"seed": 0})
    rng = np.random.default_rng(0)
    box = {"state": env.reset()[0]}

    def burst() -> int:
        state = box["state"]
        for _ in range(SINGLE_STEPS):
            legal = list(state["legal_actions"])
            state, _ = env.step(legal[int(rng.random() * len(legal))])
            if env.is_over():
                state, _ = env.reset()
        box["state"] = state
        return SINGLE_STEPS

    return burst


def openspiel_stepper(game_name: str):
    """OpenSpiel's ``rl_environment`` with a random legal action of the player to act."""
    from open_spiel.python import rl_environment

    env = rl_environment.Environment(game_name)
    env.seed(0)
    rng = np.random.default_rng(0)
    box = {"step": env.reset()}

    def burst() -> int:
        step = box["step"]
        for _ in range(SINGLE_STEPS):
            player = step.observations["current_player"]
            legal = step.observations["legal_actions"][player]
            step = env.step([legal[int(rng.random() * len(legal))]])
            if step.last():
                step = env.reset()
        box["step"] = step
        return SINGLE_STEPS

    return burst


def _row(env_id, what, ours, peer, peer_value, goal=None, note=None):
    row = {"env": env_id, "what": what, "ours": ours, "peer": peer, "peer_value": peer_value, "goal": goal}
    if peer_value:
        row["ratio"] = ours / peer_value
    if note:
        row["note"] = note
    return row


def rows(seconds: float = 2.0, num_envs: int = 256) -> list[dict]:
    """Every row of the table (see the module docstring); a missing peer gives a row with a note."""
    contestants = {
        "leduc": vector_stepper("LeducHoldem-v0", num_envs, "vector_entry_point"),
        "leduc sync": vector_stepper("LeducHoldem-v0", num_envs, "sync"),
        "kuhn": vector_stepper("KuhnPoker-v0", num_envs, "vector_entry_point"),
        "kuhn sync": vector_stepper("KuhnPoker-v0", num_envs, "sync"),
    }
    missing = {}
    try:
        contestants["rlcard"] = rlcard_stepper()
    except ImportError:
        missing["rlcard"] = "rlcard is not installed"
    try:
        contestants["openspiel"] = openspiel_stepper("kuhn_poker")
    except ImportError:
        missing["openspiel"] = "open_spiel is not installed"
    for burst in contestants.values():  # warm up: first calls build tables and caches
        burst()
    tallies = interleave(contestants, seconds, slice_seconds=seconds / 10)
    rate = {name: tally.rate for name, tally in tallies.items()}
    leduc = contestants["leduc"].counts
    every_step = rate["leduc"] * leduc["all"] / leduc["played"]  # the autoreset steps counted too
    what = f"env steps/s, {num_envs} envs, native vector env"
    return [
        _row(
            "LeducHoldem-v0",
            what,
            rate["leduc"],
            "RLCard leduc-holdem env.step",
            rate.get("rlcard"),
            goal=20.0,
            note=missing.get("rlcard"),
        ),
        _row(
            "LeducHoldem-v0",
            f"{what}, autoreset steps counted too (Gymnasium's count)",
            every_step,
            "RLCard leduc-holdem env.step",
            rate.get("rlcard"),
            note=missing.get("rlcard"),
        ),
        _row("LeducHoldem-v0", what, rate["leduc"], f"SyncVectorEnv of {num_envs}", rate["leduc sync"]),
        _row(
            "KuhnPoker-v0",
            what,
            rate["kuhn"],
            "OpenSpiel rl_environment kuhn_poker",
            rate.get("openspiel"),
            note=missing.get("openspiel"),
        ),
        _row("KuhnPoker-v0", what, rate["kuhn"], f"SyncVectorEnv of {num_envs}", rate["kuhn sync"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per contestant, in 10 slices")
    parser.add_argument("--num-envs", type=int, default=256, help="envs of each vector env")
    args = parser.parse_args()
    print(text_table(rows(args.seconds, args.num_envs)))


if __name__ == "__main__":
    main()
