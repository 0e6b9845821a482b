"""The Go ladder: agents against GNU Go at chosen levels, on chosen board sizes, with both colours.

    python -m benchmarks.go_ladder --agents mcts=mcts:seconds=1 --sizes 5 --levels 10 \\
        --colors black --games 50 --sgf-dir /tmp/ladder-sgf --out docs/results/go_ladder

It reports, per agent, board size, GNU Go level and colour, the wins with a Wilson 95%
interval; an Elo fit per board size (maximum likelihood, GNU Go level 10 anchored at
``--anchor-elo``, 95% intervals from the Hessian); the number of distinct games; and it
saves every game as SGF (``--sgf-dir``). Every game has its own seeds, for the agent and
for GNU Go, drawn from ``--seed``, so that the games differ.

The referee
-----------
gomill's ringmaster, the computer-Go community's tournament runner, is Python 2 only
(gomill 0.8.3: ``print`` statements; it does not import on Python 3), and it would run the
agent as a GTP subprocess. So the referee is the few lines of :func:`play_game` below: the
rules engine (:class:`~rldojo.envs.go.board.GoBoard`, positional superko, Tromp–Taylor
scoring) keeps the board, the agent is asked for its move directly (``select_move``), and
GNU Go is driven over GTP by :class:`~rldojo.envs.go.opponents.GnuGoOpponent` with Chinese
rules, ``--capture-all-dead`` and positional superko, so both sides play by one rule set.
A game ends after two passes, at the move limit (2·N·N moves) or when the agent resigns.
A game in which GNU Go fails (no answer in 600 s, even after two restarts) is logged as
abandoned and not counted.

Agent specs (``--agents``, comma-free, space-separated): ``NAME=KIND[:key=value,...]``
where KIND is ``mcts`` (its Config fields as keys, e.g. ``mcts:seconds=1,prior_path=p.pt``),
``agent`` (``agent:path=model.pt``: any saved Go agent), ``greedy`` or ``random``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

from rldojo.envs.go.board import BLACK, WHITE, GoBoard

GNUGO_ANCHOR_LEVEL = 10
DEFAULT_ANCHOR_ELO = 2000.0
ELO_SCALE = math.log(10) / 400  # a rating gap d wins with probability 1 / (1 + 10^(-d/400))
BATCH = 64  # boards of the batched engine in the speed measurement


# --------------------------------------------------------------------------- statistics


def wilson_interval(wins: float, games: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a win rate (draws counted as half a win by the caller).

    ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``, z the normal quantile; (0, 1) for no games.
    """
    if games <= 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)  # the stdlib's quantile: scipy.stats takes seconds to import
    p = wins / games
    denominator = 1 + z * z / games
    centre = (p + z * z / (2 * games)) / denominator
    half = z * math.sqrt(p * (1 - p) / games + z * z / (4 * games * games)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class EloFit:
    """Ratings with 95% intervals; ``anchor`` is fixed at its rating (interval of zero width)."""

    ratings: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    anchor: str


def fit_elo(
    results: list[tuple[str, str, float]],
    anchor: str,
    anchor_elo: float = DEFAULT_ANCHOR_ELO,
    prior_games: float = 1.0,
) -> EloFit:
    """Elo ratings by maximum likelihood of the logistic (Bradley–Terry) model, ``anchor`` held at ``anchor_elo``.

    :param results: one ``(player, opponent, score)`` a game, score 1 a win of ``player``, 0 a loss, 0.5 a draw
    :param prior_games: each player also draws this many virtual games against the anchor, so that
        a player who won (or lost) every game still gets a finite rating; 0 for none
    :returns: the ratings and 95% intervals from the inverse Hessian of the log-likelihood
        (the anchor's rating is fixed, so the others' intervals are relative to it)
    """
    from scipy.optimize import minimize

    names = sorted({p for p, _, _ in results} | {o for _, o, _ in results} | {anchor})
    free = [n for n in names if n != anchor]
    index = {n: i for i, n in enumerate(free)}
    games = [(index.get(p), index.get(o), float(s)) for p, o, s in results]
    games += [(index[n], None, 0.5) for n in free] if prior_games > 0 else []
    weights = np.array([1.0] * len(results) + [prior_games] * (len(games) - len(results)))
    a_idx = np.array([-1 if g[0] is None else g[0] for g in games], dtype=np.int64)
    b_idx = np.array([-1 if g[1] is None else g[1] for g in games], dtype=np.int64)
    scores = np.array([g[2] for g in games])
    k = len(free)

    def rating_of(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.where(idx >= 0, x[np.maximum(idx, 0)] if k else 0.0, 0.0)  # the anchor is 0 here

    def negative_log_likelihood(x: np.ndarray) -> tuple[float, np.ndarray]:
        d = ELO_SCALE * (rating_of(x, a_idx) - rating_of(x, b_idx))
        p = 1 / (1 + np.exp(-d))
        eps = 1e-300
        value = -np.sum(weights * (scores * np.log(p + eps) + (1 - scores) * np.log(1 - p + eps)))
        residual = weights * (scores - p) * ELO_SCALE
        gradient = np.zeros(k)
        np.add.at(gradient, a_idx[a_idx >= 0], -residual[a_idx >= 0])
        np.add.at(gradient, b_idx[b_idx >= 0], residual[b_idx >= 0])
        return float(value), gradient

    if k:
        solution = minimize(negative_log_likelihood, np.zeros(k), jac=True, method="BFGS", options={"gtol": 1e-10})
        x = solution.x
        d = ELO_SCALE * (rating_of(x, a_idx) - rating_of(x, b_idx))
        p = 1 / (1 + np.exp(-d))
        curvature = weights * p * (1 - p) * ELO_SCALE**2
        hessian = np.zeros((k, k))
        for a, b, c in zip(a_idx, b_idx, curvature, strict=True):
            if a >= 0:
                hessian[a, a] += c
            if b >= 0:
                hessian[b, b] += c
            if a >= 0 and b >= 0:
                hessian[a, b] -= c
                hessian[b, a] -= c
        covariance = np.linalg.pinv(hessian)
        sd = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    else:
        x, sd = np.zeros(0), np.zeros(0)
    ratings = {anchor: anchor_elo}
    intervals = {anchor: (anchor_elo, anchor_elo)}
    for name, i in index.items():
        ratings[name] = anchor_elo + float(x[i])
        intervals[name] = (ratings[name] - 1.96 * float(sd[i]), ratings[name] + 1.96 * float(sd[i]))
    return EloFit(ratings, intervals, anchor)


# --------------------------------------------------------------------------- players and the referee


@dataclass
class AgentSpec:
    """An agent of the ladder: ``name=kind:key=value,...`` on the command line."""

    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> AgentSpec:
        name, _, rest = text.partition("=")
        kind, _, opts = rest.partition(":")
        if not name or kind not in ("mcts", "agent", "greedy", "random"):
            raise ValueError(
                f"agent spec must be NAME=KIND[:key=value,...] with KIND mcts, agent, greedy or random, got {text!r}"
            )
        options = {}
        for item in filter(None, opts.split(",")):
            key, _, value = item.partition("=")
            options[key] = _literal(value)
        return cls(name, kind, options)


def _literal(text: str) -> Any:
    """A command-line value: None, True/False, an int, a float, else the string."""
    if text in ("None", "none"):
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def make_player(spec: AgentSpec, size: int, komi: float, seed: int) -> Callable[[GoBoard], int | None]:
    """A function board -> move (None to resign) for one game, seeded with ``seed``."""
    import gymnasium as gym

    import rldojo  # noqa: F401  (registers Go-v0)
    from rldojo.baselines import load_agent, make_agent
    from rldojo.envs.go.opponents import make_opponent

    if spec.kind in ("greedy", "random"):
        opponent = make_opponent(spec.kind, size, komi)
        opponent.reset(np.random.default_rng(seed))
        return opponent
    env = gym.make("Go-v0", board_size=size, komi=komi)
    if spec.kind == "mcts":
        agent = make_agent("mcts", env, seed=seed, **spec.options)
        return agent.select_move
    agent = load_agent(spec.options["path"], env=env)
    if hasattr(agent, "select_move"):
        return agent.select_move
    if hasattr(agent, "act"):
        return agent.act
    from rldojo.envs.go.opponents import AgentOpponent

    return AgentOpponent(agent)


@dataclass
class Game:
    agent: str
    size: int
    level: int
    color: str
    seed: int
    gnugo_seed: int
    winner: str  # "agent", "gnugo" or "draw"
    result: str  # SGF's RE: B+3.5, W+R, 0
    moves: int
    agent_seconds_per_move: float
    agent_max_seconds: float
    history: list[int]
    agent_simulations_per_move: float = 0.0  # for a search: its mean simulations a move (0 when unknown)


def play_game(
    player, gnugo, size: int, komi: float, agent_color: int, simulations: list[int] | None = None
) -> tuple[GoBoard, str, list[float]]:
    """One game between ``player`` (board -> move or None) and a GNU Go opponent; the referee.

    Returns the finished board, the SGF result and the agent's seconds for each of its moves.

    :param simulations: when given and the player is a search's ``select_move``, its
        simulations for each move are appended to it
    """
    board = GoBoard(size, komi=komi)
    seconds = []
    search = getattr(player, "__self__", None)
    while not board.is_over():
        if board.to_play == agent_color:
            started = time.perf_counter()
            move = player(board)
            seconds.append(time.perf_counter() - started)
            if simulations is not None and hasattr(search, "last_search"):
                simulations.append(search.last_search["simulations"])
            if move is None:  # resigned
                return board, f"{'W' if agent_color == BLACK else 'B'}+R", seconds
            if not board.is_legal(move):
                raise RuntimeError(
                    f"the agent chose the illegal move {board.describe(move)} at move {board.move_number}"
                )
        else:
            move = gnugo(board)
        board.play(move)
    score = board.score()
    result = "0" if score == 0 else f"{'B' if score > 0 else 'W'}+{abs(score):g}"
    return board, result, seconds


def run_ladder(
    agents: list[AgentSpec],
    sizes: list[int],
    levels: list[int],
    colors: list[str],
    games: int,
    seed: int = 0,
    komi: float = 7.5,
    sgf_dir: str | Path | None = None,
    log: Callable[[str], None] = print,
    record: str | Path | None = None,
) -> list[Game]:
    """Every agent against GNU Go at every level, on every size, ``games`` games a colour.

    :param record: a JSON-lines file to which each game is appended as soon as it ends, so that
        an interrupted run keeps what it played (``--summarize`` reads such files)
    """
    from rldojo.envs.go.gtp import GTPError
    from rldojo.envs.go.opponents import GnuGoOpponent
    from rldojo.envs.go.sgf import save_sgf

    if sgf_dir is not None:
        Path(sgf_dir).mkdir(parents=True, exist_ok=True)
    played = []
    for size in sizes:
        for level in levels:
            gnugo = GnuGoOpponent(size, komi, level=level, ko_rule="positional_superko", timeout=600.0, retries=2)
            try:
                for a, spec in enumerate(agents):
                    for g in range(games):  # colours alternate, so that a stopped run has both
                        for color_name in colors:
                            color = BLACK if color_name == "black" else WHITE
                            sequence = np.random.SeedSequence([seed, a, size, level, color, g])
                            agent_seed, gnugo_seed = (int(s) for s in sequence.generate_state(2) % 2**31)
                            player = make_player(spec, size, komi, agent_seed)
                            gnugo.reset(np.random.default_rng(gnugo_seed))  # GNU Go's set_random_seed
                            simulations: list[int] = []
                            try:
                                board, result, seconds = play_game(player, gnugo, size, komi, color, simulations)
                            except GTPError as error:  # GNU Go failed even after its retries: no result
                                log(f"{spec.name} {size}x{size} vs GNU Go {level} game {g} abandoned: {error}")
                                continue
                            winner_letter = result[0]
                            if result == "0":
                                winner = "draw"
                            else:
                                winner = "agent" if (winner_letter == "B") == (color == BLACK) else "gnugo"
                            game = Game(
                                spec.name,
                                size,
                                level,
                                color_name,
                                agent_seed,
                                gnugo_seed,
                                winner,
                                result,
                                board.move_number,
                                float(np.mean(seconds)) if seconds else 0.0,
                                float(np.max(seconds)) if seconds else 0.0,
                                list(board.history),
                                float(np.mean(simulations)) if simulations else 0.0,
                            )
                            played.append(game)
                            if record is not None:
                                with open(record, "a") as f:
                                    f.write(json.dumps(asdict(game)) + "\n")
                            if sgf_dir is not None:
                                names = (spec.name, f"GNU Go level {level}")
                                black, white = names if color == BLACK else names[::-1]
                                path = (
                                    Path(sgf_dir) / f"{spec.name}_{size}x{size}_gnugo{level}_{color_name}_{g:03d}.sgf"
                                )
                                save_sgf(path, board, black=black, white=white, result=result)
                            log(
                                f"{spec.name} {size}x{size} vs GNU Go {level} as {color_name} game {g}: {winner} "
                                f"({result}, {board.move_number} moves, {game.agent_seconds_per_move:.2f} s/move, "
                                f"max {game.agent_max_seconds:.2f}, "
                                f"{game.agent_simulations_per_move:.0f} simulations/move)"
                            )
            finally:
                gnugo.close()
    return played


# --------------------------------------------------------------------------- the report


def summarize(games: list[Game], anchor_elo: float = DEFAULT_ANCHOR_ELO) -> dict:
    """Win rates with Wilson intervals per (agent, size, level, colour), Elo per size, distinct games."""
    rows = []
    keys = sorted({(g.agent, g.size, g.level, g.color) for g in games}, key=lambda k: (k[1], k[0], k[2], k[3]))
    for agent, size, level, color in keys:
        these = [g for g in games if (g.agent, g.size, g.level, g.color) == (agent, size, level, color)]
        wins = sum(g.winner == "agent" for g in these) + 0.5 * sum(g.winner == "draw" for g in these)
        low, high = wilson_interval(wins, len(these))
        rows.append(
            {
                "agent": agent,
                "size": size,
                "gnugo_level": level,
                "color": color,
                "games": len(these),
                "wins": wins,
                "win_rate": wins / len(these),
                "wilson_95": [low, high],
                "distinct_games": len({tuple(g.history) for g in these}),
                "seconds_per_move": float(np.mean([g.agent_seconds_per_move for g in these])),
                "max_seconds_per_move": float(np.max([g.agent_max_seconds for g in these])),
                "mean_moves": float(np.mean([g.moves for g in these])),
                "simulations_per_move": float(  # over the games that recorded it (0: none did)
                    np.mean([g.agent_simulations_per_move for g in these if g.agent_simulations_per_move] or [0.0])
                ),
            }
        )
    elo = {}
    for size in sorted({g.size for g in games}):
        results = []
        for g in (g for g in games if g.size == size):
            score = 1.0 if g.winner == "agent" else 0.5 if g.winner == "draw" else 0.0
            results.append((g.agent, f"gnugo-{g.level}", score))
        fit = fit_elo(results, f"gnugo-{GNUGO_ANCHOR_LEVEL}", anchor_elo)
        elo[size] = {name: {"elo": fit.ratings[name], "ci95": list(fit.intervals[name])} for name in fit.ratings}
    return {
        "rows": rows,
        "elo": elo,
        "games": len(games),
        "distinct_games": len({(g.size, tuple(g.history)) for g in games}),
        "anchor": f"GNU Go level {GNUGO_ANCHOR_LEVEL} = {anchor_elo:g} Elo on each board size",
    }


def to_markdown(summary: dict) -> str:
    lines = [
        "| agent | board | GNU Go level | colour | games | wins | win rate | Wilson 95% | distinct | s/move (max) "
        "| simulations/move |",
        "|---|---|---:|---|---:|---:|---:|---|---:|---|---:|",
    ]
    for r in summary["rows"]:
        low, high = r["wilson_95"]
        lines.append(
            f"| {r['agent']} | {r['size']}x{r['size']} | {r['gnugo_level']} | {r['color']} | {r['games']} | "
            f"{r['wins']:g} | {r['win_rate']:.0%} | {low:.0%}–{high:.0%} | {r['distinct_games']} | "
            f"{r['seconds_per_move']:.2f} ({r['max_seconds_per_move']:.2f}) | {r['simulations_per_move']:.0f} |"
        )
    lines += ["", f"Elo ({summary['anchor']}; 95% intervals from the Hessian):", ""]
    lines += ["| board | player | Elo | 95% interval |", "|---|---|---:|---|"]
    for size, fit in summary["elo"].items():
        for name, v in sorted(fit.items(), key=lambda kv: -kv[1]["elo"]):
            low, high = v["ci95"]
            lines.append(f"| {size}x{size} | {name} | {v['elo']:.0f} | {low:.0f} to {high:.0f} |")
    lines += ["", f"{summary['games']} games, {summary['distinct_games']} distinct."]
    return "\n".join(lines)


def playout_speed(size: int = 9, seconds: float = 10.0) -> dict[str, float]:
    """The search's simulations per second beside the raw engine's, interleaved (``benchmarks.timing``).

    Contestants, on an empty ``size`` board: ``mcts``, whole simulations (copy, walk down the
    tree, new node with its priors, rollout, score, back-up) of one search that keeps
    growing; ``rollout``, the light rollout policy alone from a copy of the empty board;
    ``random legal``, the raw anchor: the rules engine choosing uniformly among
    ``legal_actions()`` every move (the legal mask of every move), as the throughput
    benchmarks do; ``batched``, the same random legal play on ``BATCH`` boards at once with
    :class:`~rldojo.envs.go.batched.GoBatch`, the batched numpy engine.
    """
    import gymnasium as gym

    import rldojo  # noqa: F401
    from benchmarks.timing import interleave
    from rldojo.baselines import make_agent

    env = gym.make("Go-v0", board_size=size)
    agent = make_agent("mcts", env, seed=0, playouts=100, reuse_tree=False)
    empty = GoBoard(size)
    moves = {"rollout": 0, "random legal": 0}

    def search_burst() -> float:
        agent.select_move(empty)  # a fresh search of 100 simulations
        return 100.0

    def rollout_burst() -> float:
        board = empty.copy()
        agent.rollout(board)
        moves["rollout"] += board.move_number
        return 1.0

    rng = np.random.default_rng(0)

    def random_burst() -> float:
        board = empty.copy()
        while not board.is_over():
            legal = board.legal_actions()
            board.play(legal[int(rng.integers(len(legal)))])
        moves["random legal"] += board.move_number
        return 1.0

    from rldojo.envs.go.batched import GoBatch

    batch = GoBatch(BATCH, size)
    moves["batched"] = 0

    def batched_burst() -> float:
        batch.reset()
        while not batch.over.all():
            active = ~batch.over
            mask = batch.legal_mask_view()
            scores = rng.random(mask.shape) * mask  # a uniformly random legal move on every board
            batch.play(scores.argmax(axis=1), active)
            moves["batched"] += int(active.sum())
        return float(BATCH)

    tallies = interleave(
        {"mcts": search_burst, "rollout": rollout_burst, "random legal": random_burst, "batched": batched_burst},
        seconds=seconds,
    )
    return {
        "mcts simulations/s": tallies["mcts"].rate,
        "light rollouts/s": tallies["rollout"].rate,
        "light rollout moves/s": moves["rollout"] / tallies["rollout"].seconds,
        "random legal playouts/s": tallies["random legal"].rate,
        "random legal moves/s": moves["random legal"] / tallies["random legal"].seconds,
        f"batched random legal ({BATCH} boards) playouts/s": tallies["batched"].rate,
        f"batched random legal ({BATCH} boards) moves/s": moves["batched"] / tallies["batched"].seconds,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Go agents against GNU Go: win rates, Elo, SGF of every game")
    parser.add_argument("--agents", nargs="+", default=["mcts=mcts:seconds=1"], help="NAME=KIND[:key=value,...]")
    parser.add_argument("--sizes", default="5", help="board sizes, comma-separated")
    parser.add_argument("--levels", default="10", help="GNU Go levels 0 to 10, comma-separated")
    parser.add_argument("--colors", default="black,white", help="the agent's colours: black, white or both")
    parser.add_argument("--games", type=int, default=10, help="games per agent, size, level and colour")
    parser.add_argument("--komi", type=float, default=7.5)
    parser.add_argument("--seed", type=int, default=0, help="every game's seeds (agent and GNU Go) derive from it")
    parser.add_argument("--anchor-elo", type=float, default=DEFAULT_ANCHOR_ELO, help="GNU Go level 10's rating")
    parser.add_argument("--sgf-dir", default=None, help="save every game here as SGF")
    parser.add_argument(
        "--out", default=None, help="write ladder.json, ladder.md and games.jsonl (one line a game, as played) here"
    )
    parser.add_argument(
        "--speed", type=int, default=None, metavar="SIZE", help="only measure playouts per second on this board size"
    )
    parser.add_argument(
        "--summarize", nargs="+", default=None, metavar="GAMES_JSONL", help="only report on games recorded earlier"
    )
    parser.add_argument("--speed-seconds", type=float, default=10.0, help="each contestant's time for --speed")
    args = parser.parse_args(argv)
    if args.summarize:
        played = [Game(**json.loads(line)) for path in args.summarize for line in Path(path).read_text().splitlines()]
        summary = summarize(played, args.anchor_elo)
        summary["command"] = "python -m benchmarks.go_ladder " + " ".join(argv if argv is not None else [])
        _report(summary, args.out)
        return summary
    if args.speed is not None:
        speed = playout_speed(args.speed, args.speed_seconds)
        for name, value in speed.items():
            print(f"{args.speed}x{args.speed} {name}: {value:,.0f}")
        return speed
    agents = [AgentSpec.parse(text) for text in args.agents]
    sizes = [int(s) for s in args.sizes.split(",")]
    levels = [int(s) for s in args.levels.split(",")]
    colors = [c.strip() for c in args.colors.split(",")]
    for c in colors:
        if c not in ("black", "white"):
            raise SystemExit(f"--colors must list black and/or white, got {c!r}")
    for level in levels:
        if not 0 <= level <= 10:
            raise SystemExit(f"--levels must be from 0 to 10, got {level}")
    record = None
    if args.out is not None:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        record = Path(args.out) / "games.jsonl"
    played = run_ladder(agents, sizes, levels, colors, args.games, args.seed, args.komi, args.sgf_dir, record=record)
    summary = summarize(played, args.anchor_elo)
    summary["command"] = "python -m benchmarks.go_ladder " + " ".join(argv if argv is not None else [])
    _report(summary, args.out)
    return summary


def _report(summary: dict, out: str | None) -> None:
    """Print the tables; with ``out``, also write them as ``ladder.md`` and ``ladder.json`` there."""
    text = to_markdown(summary)
    print(text)
    if out is not None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "ladder.json").write_text(json.dumps(summary, indent=1))
        (folder / "ladder.md").write_text(text + "\n")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
