"""Go-v0's speed against PettingZoo's go_v5 and OpenSpiel's rl_environment Go, side by side in one run.

    python -m benchmarks.throughput_go [--seconds 2]

Random legal play on 9x9. Each contestant builds its observation and its legal-move
mask every move, and picks a uniformly random legal move from them:

- Go-v0 through ``gym.make("Go-v0", board_size=9)``: the agent's move and the random
  opponent's reply are two moves of one env step; planes and mask come back each step;
- PettingZoo ``go_v5`` (board_size=9): ``env.last()`` (observation planes and mask) and
  ``env.step``, one move each;
- OpenSpiel ``rl_environment.Environment("go", board_size=9)``: one move per step, its
  time step carrying both players' observation tensors and legal actions.

The unit is moves per second, since a move is what each of them simulates; a third row
gives Go-v0's env steps per second (agent decisions, each with the opponent's reply
inside) against OpenSpiel's steps, the strictest reading, with no goal. Each contestant
runs in short timed slices, alternated (``benchmarks.timing``), and the slices are summed,
so a busy machine slows all alike.
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np
import torch

import rldojo  # noqa: F401  (registers Go-v0)
from benchmarks.throughput import text_table
from benchmarks.timing import interleave

torch.set_num_threads(1)

SIZE = 9


class _Contestant:
    """Plays random legal moves in bursts of 64 steps; counts moves and (for Go-v0) env steps."""

    name = ""

    def __init__(self):
        self.moves = 0
        self.steps = 0
        # The same cheap random stream for everyone: index = int(u * number of legal moves).
        self.uniform = np.random.default_rng(0).random(8192).tolist()
        self.k = 0

    def timed_burst(self) -> int:
        """64 steps for the timer; the moves they made."""
        before = self.moves
        self.burst(64)
        return self.moves - before

    def pick(self, n: int) -> int:
        self.k = (self.k + 1) & 8191
        return int(self.uniform[self.k] * n)


class _GoV0(_Contestant):
    name = "Go-v0"

    def __init__(self):
        super().__init__()
        self.env = gym.make("Go-v0", board_size=SIZE)
        _, self.info = self.env.reset(seed=0)
        self.board = self.env.unwrapped.board

    def burst(self, n: int) -> None:
        env, board = self.env, self.board
        info = self.info
        for _ in range(n):
            legal = info["action_mask"].nonzero()[0]
            before = board.move_number
            _obs, _reward, terminated, truncated, info = env.step(int(legal[self.pick(len(legal))]))
            self.moves += board.move_number - before
            self.steps += 1
            if terminated or truncated:
                _, info = env.reset()
                self.moves += board.move_number  # the opponent's opening when the agent is white
        self.info = info


class _PettingZoo(_Contestant):
    name = "PettingZoo go_v5"

    def __init__(self):
        super().__init__()
        from pettingzoo.classic import go_v5

        self.env = go_v5.env(board_size=SIZE)
        self.env.reset(seed=0)

    def burst(self, n: int) -> None:
        env = self.env
        for _ in range(n):
            obs, _reward, termination, truncation, _info = env.last()
            if termination or truncation:
                env.reset()
                continue
            legal = obs["action_mask"].nonzero()[0]
            env.step(int(legal[self.pick(len(legal))]))
            self.moves += 1
            self.steps += 1


class _OpenSpiel(_Contestant):
    name = "OpenSpiel rl_environment go"

    def __init__(self):
        super().__init__()
        from open_spiel.python import rl_environment

        self.env = rl_environment.Environment("go", board_size=SIZE)
        self.time_step = self.env.reset()

    def burst(self, n: int) -> None:
        env, time_step = self.env, self.time_step
        for _ in range(n):
            if time_step.last():
                time_step = env.reset()
            player = time_step.observations["current_player"]
            legal = time_step.observations["legal_actions"][player]
            time_step = env.step([legal[self.pick(len(legal))]])
            self.moves += 1
            self.steps += 1
        self.time_step = time_step


def _make(cls):
    try:
        return cls(), None
    except ImportError as error:
        return None, f"not installed ({error}); pip install 'rldojo[peers]'"


def rows(seconds: float = 2.0) -> list[dict]:
    """Go-v0 9x9 random legal play: moves/s vs go_v5 (goal 10x) and vs OpenSpiel rl_environment (goal 1x)."""
    ours = _GoV0()
    zoo, zoo_note = _make(_PettingZoo)
    spiel, spiel_note = _make(_OpenSpiel)
    contestants = [c for c in (ours, zoo, spiel) if c is not None]
    tallies = interleave({c.name: c.timed_burst for c in contestants}, seconds)

    def rate(c: _Contestant | None, what: str = "moves") -> float | None:
        if c is None:
            return None
        return (c.moves if what == "moves" else c.steps) / tallies[c.name].seconds

    ours_moves = rate(ours)
    result = []
    for peer, note, label, goal in (
        (zoo, zoo_note, "PettingZoo go_v5", 10.0),
        (spiel, spiel_note, "OpenSpiel rl_environment go", 1.0),
    ):
        peer_value = rate(peer)
        row = {
            "env": "Go-v0",
            "what": "moves/s, random legal play on 9x9 with planes and masks",
            "ours": ours_moves,
            "peer": label,
            "peer_value": peer_value,
            "ratio": None if peer_value is None else ours_moves / peer_value,
            "goal": goal,
        }
        if note:
            row["note"] = note
        result.append(row)
    spiel_steps = rate(spiel, "steps")
    ours_steps = rate(ours, "steps")
    row = {
        "env": "Go-v0",
        "what": "env steps/s (one agent move + the opponent's reply) vs one-move steps",
        "ours": ours_steps,
        "peer": "OpenSpiel rl_environment go",
        "peer_value": spiel_steps,
        "ratio": None if spiel_steps is None else ours_steps / spiel_steps,
        "goal": None,
    }
    if spiel_note:
        row["note"] = spiel_note
    result.append(row)
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per contestant")
    args = parser.parse_args(argv)
    print(text_table(rows(args.seconds)))


if __name__ == "__main__":
    main()
