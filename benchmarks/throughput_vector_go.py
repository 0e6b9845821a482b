"""The batched Go engine's speed against raw OpenSpiel and pgx, side by side in one run.

    python -m benchmarks.throughput_vector_go [--seconds 2] [--batch 256]

Random legal play on 9x9, counted in moves per second (one move on one board):

- rldojo :class:`~rldojo.envs.go.batched.GoBatch` on 256 boards: each step plays a uniformly
  random legal move on every board (the argmax of random numbers over the legal mask), then
  builds the legal masks and the (256, 5, 9, 9) observation planes; finished games restart;
- the native vector env of Go-v0 (``gym.make_vec(..., vectorization_mode="vector_entry_point")``),
  256 envs against the random opponent, when it is registered: two moves an env step;
- raw OpenSpiel (C++ ``pyspiel``): ``legal_actions()`` and ``apply_action`` on one state, no
  observation (goal: at least as fast);
- pgx ``go_9x9`` on CPU: one jitted ``lax.scan`` of 64 steps over a batch of 256, random legal
  actions and resets of finished games inside the jit (goal: 5 times as fast);
- rldojo :class:`~rldojo.envs.go.board.GoBoard`, one board, ``play`` + ``legal_actions``, for reference.

Each contestant runs in short timed slices, alternated (``benchmarks.timing``), so a busy machine
slows all alike; pgx is compiled before the clock starts.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.throughput import text_table
from benchmarks.timing import interleave
from rldojo.envs.go.batched import GoBatch
from rldojo.envs.go.board import GoBoard

SIZE = 9
STEPS = 64  # steps a burst (and the length of pgx's scan)


class _Batched:
    """GoBatch: random legal moves on every board, with masks and planes each step."""

    name = "rldojo GoBatch"

    def __init__(self, batch: int):
        self.batch = GoBatch(batch, SIZE)
        rng = np.random.default_rng(0)
        # A pool of random numbers: the argmax over the legal entries is a uniform legal move.
        self.noise = rng.random((16, batch, SIZE * SIZE + 1), dtype=np.float32)
        self.k = 0
        self.planes = np.empty((batch, 5, SIZE, SIZE), dtype=np.float32)

    def burst(self) -> int:
        batch, moves = self.batch, 0
        for _ in range(STEPS):
            if batch.over.any():
                batch.reset(batch.over.copy())
            self.k = (self.k + 1) & 15
            actions = np.argmax(batch.legal_mask_view() * self.noise[self.k], axis=1)
            batch.play(actions)
            batch.planes(out=self.planes)
            moves += batch.num_boards
        return moves


class _VectorEnv:
    """Go-v0's native vector env against the random opponent: two moves per env and step."""

    name = "rldojo Go-v0 vector env"

    def __init__(self, batch: int):
        import gymnasium as gym

        import rldojo  # noqa: F401  (registers Go-v0)

        self.env = gym.make_vec("Go-v0", num_envs=batch, vectorization_mode="vector_entry_point", board_size=SIZE)
        _obs, self.info = self.env.reset(seed=0)
        self.noise = np.random.default_rng(0).random((16, batch, SIZE * SIZE + 1), dtype=np.float32)
        self.k = 0

    def burst(self) -> int:
        env, moves = self.env, 0
        boards = env.unwrapped.batch
        for _ in range(STEPS):
            self.k = (self.k + 1) & 15
            before = boards.move_number.copy()
            actions = np.argmax(self.info["action_mask"] * self.noise[self.k], axis=1)
            _obs, _reward, _terminated, _truncated, self.info = env.step(actions)
            after = boards.move_number
            moves += int(np.where(after >= before, after - before, after).sum())  # a reset board counts from 0
        return moves


class _Spiel:
    """Raw pyspiel: legal_actions() and apply_action() on one state."""

    name = "OpenSpiel pyspiel (C++)"

    def __init__(self):
        import pyspiel

        self.game = pyspiel.load_game("go", {"board_size": SIZE})
        self.state = self.game.new_initial_state()
        self.uniform = np.random.default_rng(0).random(8192).tolist()
        self.k = 0

    def burst(self) -> int:
        state, uniform = self.state, self.uniform
        for _ in range(STEPS):
            if state.is_terminal():
                state = self.game.new_initial_state()
            legal = state.legal_actions()
            self.k = (self.k + 1) & 8191
            state.apply_action(legal[int(uniform[self.k] * len(legal))])
        self.state = state
        return STEPS


class _Pgx:
    """pgx go_9x9 on CPU: one jitted scan of STEPS steps over the batch, resets inside the jit."""

    name = "pgx go_9x9 (JAX, CPU)"

    def __init__(self, batch: int):
        import jax
        import jax.numpy as jnp
        import pgx

        env = pgx.make("go_9x9")
        init, step = jax.vmap(env.init), jax.vmap(env.step)

        def one_step(carry, _):
            state, key = carry
            key, pick, fresh = jax.random.split(key, 3)
            logits = jnp.where(state.legal_action_mask, 0.0, -jnp.inf)
            state = step(state, jax.random.categorical(pick, logits, axis=-1))
            restart = init(jax.random.split(fresh, batch))
            done = state.terminated | state.truncated

            def choose(new, old):
                return jnp.where(done.reshape((-1,) + (1,) * (old.ndim - 1)), new, old)

            return (jax.tree_util.tree_map(choose, restart, state), key), None

        self.run = jax.jit(lambda state, key: jax.lax.scan(one_step, (state, key), None, length=STEPS)[0])
        key = jax.random.PRNGKey(0)
        self.carry = (jax.jit(init)(jax.random.split(key, batch)), key)
        self.batch = batch
        jax.block_until_ready(self.run(*self.carry))  # compile before timing

    def burst(self) -> int:
        import jax

        self.carry = self.run(*self.carry)
        jax.block_until_ready(self.carry)
        return STEPS * self.batch


class _Single:
    """One GoBoard: play and legal_actions, the issue's anchor."""

    name = "rldojo GoBoard (one board)"

    def __init__(self):
        self.board = GoBoard(SIZE)
        self.uniform = np.random.default_rng(0).random(8192).tolist()
        self.k = 0

    def burst(self) -> int:
        board = self.board
        for _ in range(STEPS):
            if board.is_over():
                board.clear()
            legal = board.legal_actions()
            self.k = (self.k + 1) & 8191
            board.play(legal[int(self.uniform[self.k] * len(legal))])
        return STEPS


def _make(factory, *args):
    try:
        return factory(*args), None
    except ImportError as error:
        return None, f"not installed ({error}); pip install 'rldojo[peers]'"
    except Exception as error:  # e.g. no vector entry point registered yet
        return None, f"unavailable: {type(error).__name__}: {error}"


def rows(seconds: float = 2.0, batch: int = 256) -> list[dict]:
    """9x9 random legal play, moves/s: GoBatch vs raw pyspiel (goal 1x) and vs pgx at the same batch (goal 5x)."""
    ours = _Batched(batch)
    vector, vector_note = _make(_VectorEnv, batch)
    spiel, spiel_note = _make(_Spiel)
    jax_go, pgx_note = _make(_Pgx, batch)
    single = _Single()
    contestants = [c for c in (ours, vector, spiel, jax_go, single) if c is not None]
    tallies = interleave({c.name: c.burst for c in contestants}, seconds)
    rate = {name: tally.rate for name, tally in tallies.items()}
    what = f"moves/s, 9x9 random legal play, batch {batch}, with planes and masks"
    result = []
    for peer, note, goal in ((spiel, spiel_note, 1.0), (jax_go, pgx_note, 5.0)):
        peer_value = None if peer is None else rate[peer.name]
        row = {
            "env": "Go 9x9 (GoBatch)",
            "what": what,
            "ours": rate[ours.name],
            "peer": _Spiel.name if peer is spiel else _Pgx.name + f", batch {batch}",
            "peer_value": peer_value,
            "ratio": None if peer_value is None else rate[ours.name] / peer_value,
            "goal": goal,
        }
        if note:
            row["note"] = note
        result.append(row)
    if vector is not None:
        for peer, goal in ((spiel, 1.0), (jax_go, 5.0)):
            if peer is not None:
                result.append(
                    {
                        "env": "Go-v0 (native vector env)",
                        "what": f"moves/s, {batch} envs vs the random opponent, with planes and masks",
                        "ours": rate[vector.name],
                        "peer": peer.name,
                        "peer_value": rate[peer.name],
                        "ratio": rate[vector.name] / rate[peer.name],
                        "goal": goal,
                    }
                )
    else:
        result.append({"env": "Go-v0 (native vector env)", "what": what, "ours": None, "note": vector_note})
    result.append(
        {
            "env": "Go 9x9 (GoBatch)",
            "what": "moves/s, for reference: one GoBoard (play + legal_actions, no planes)",
            "ours": rate[ours.name],
            "peer": single.name,
            "peer_value": rate[single.name],
            "ratio": rate[ours.name] / rate[single.name],
            "goal": None,
        }
    )
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed seconds per contestant")
    parser.add_argument("--batch", type=int, default=256, help="boards in the batch (ours and pgx)")
    args = parser.parse_args(argv)
    print(text_table(rows(args.seconds, args.batch)))


if __name__ == "__main__":
    main()
