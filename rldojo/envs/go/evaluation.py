"""Measuring Go players: win rates against fixed opponents, and Elo between checkpoints.

A *player* is anything that can choose a move: an agent with ``predict`` (given Go-v0
planes and the mask), an object with ``act(board)``, a callable ``board -> action``,
or an opponent name (``"random"``, ``"greedy"``, ``"gnugo"``).

Games can be kept as SGF records: ``win_rate(..., sgf_dir=...)`` saves every game it plays,
and :class:`SgfRecorder` saves every episode of a Go-v0 env (``rldojo evaluate --sgf-dir``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from rldojo.envs.go.board import BLACK, WHITE, GoBoard
from rldojo.envs.go.opponents import AgentOpponent, CallableOpponent, GnuGoOpponent, Opponent, make_opponent
from rldojo.envs.go.sgf import save_sgf


def player_name(player: Any, opponent: Opponent | None = None) -> str:
    """A short name for an SGF record's PB/PW: ``gnugo-level-1``, ``greedy``, an agent's class name."""
    if isinstance(opponent, GnuGoOpponent):
        return f"gnugo-level-{opponent.level}"
    if isinstance(player, str):
        return player
    if isinstance(opponent, (AgentOpponent, CallableOpponent)) or opponent is None:
        return getattr(player, "__name__", None) or type(getattr(player, "agent", player)).__name__
    return opponent.name


def as_opponent(player: Any, size: int, komi: float, deterministic: bool = True, **kwargs) -> Opponent:
    """Any player as an :class:`Opponent` (``act(board)`` is preferred: it sees the history).

    :param deterministic: how trained agents choose (False: their own exploration)
    """
    if isinstance(player, Opponent):
        return player
    if hasattr(player, "act"):
        return CallableOpponent(lambda board: player.act(board, deterministic=deterministic))
    if hasattr(player, "predict"):
        return AgentOpponent(player, deterministic=deterministic)
    return make_opponent(player, size, komi, **kwargs)


def play_game(
    black: Opponent,
    white: Opponent,
    size: int = 5,
    komi: float = 7.5,
    ko_rule: str = "positional_superko",
    max_moves: int | None = None,
) -> GoBoard:
    """One game between two opponents; returns the finished board.

    A player that chooses an illegal move passes instead (counted in the board's history).
    """
    board = GoBoard(size, komi=komi, ko_rule=ko_rule, max_moves=max_moves)
    while not board.is_over():
        player = black if board.to_play == BLACK else white
        action = int(player(board))
        if not board.is_legal(action):
            action = board.pass_action
        board.play(action)
    return board


@dataclass
class WinRate:
    """Games of one player against one opponent, half with each colour."""

    opponent: str
    games: int
    wins: int
    draws: int
    wins_as_black: int
    wins_as_white: int
    mean_score: float  # from the player's side, komi included

    @property
    def win_rate(self) -> float:
        return self.wins / self.games if self.games else 0.0


def win_rate(
    player: Any,
    opponent: Any,
    games: int = 100,
    size: int = 5,
    komi: float = 7.5,
    seed: int = 0,
    opponent_kwargs: dict | None = None,
    ko_rule: str = "positional_superko",
    sgf_dir: str | os.PathLike | None = None,
) -> WinRate:
    """Play ``games`` games (half as black, half as white) of ``player`` against ``opponent``.

    :param opponent: a name (``"random"``, ``"greedy"``, ``"gnugo"``) or any player
    :param opponent_kwargs: e.g. ``{"level": 1}`` for GNU Go
    :param sgf_dir: a folder to save every game in, as ``game-0000.sgf``, ``game-0001.sgf``, ...
        (created if missing); None saves nothing
    """
    if games < 2:
        raise ValueError(f"games must be at least 2 (one per colour), got {games}")
    me = as_opponent(player, size, komi)
    other = as_opponent(opponent, size, komi, ko_rule=ko_rule, **(opponent_kwargs or {}))
    name = opponent if isinstance(opponent, str) else getattr(other, "name", type(opponent).__name__)
    if sgf_dir is not None:
        sgf_dir = Path(sgf_dir)
        sgf_dir.mkdir(parents=True, exist_ok=True)
        names = (player_name(player, me), player_name(opponent, other))
    wins = draws = black_wins = white_wins = 0
    scores = []
    try:
        for game in range(games):
            rng = np.random.default_rng([seed, game])
            me.reset(rng)
            other.reset(rng)
            my_color = BLACK if game % 2 == 0 else WHITE
            black, white = (me, other) if my_color == BLACK else (other, me)
            board = play_game(black, white, size, komi, ko_rule)
            if sgf_dir is not None:
                pb, pw = names if my_color == BLACK else names[::-1]
                save_sgf(sgf_dir / f"game-{game:04d}.sgf", board, black=pb, white=pw)
            winner = board.winner()
            score = board.score() if my_color == BLACK else -board.score()
            scores.append(score)
            if winner == 0:
                draws += 1
            elif winner == my_color:
                wins += 1
                if my_color == BLACK:
                    black_wins += 1
                else:
                    white_wins += 1
    finally:
        if other is not me and not isinstance(opponent, Opponent):
            other.close()
    return WinRate(name, games, wins, draws, black_wins, white_wins, float(np.mean(scores)))


def win_rates(
    player: Any,
    size: int = 5,
    komi: float = 7.5,
    games: int = 100,
    gnugo_games: int | None = None,
    gnugo_level: int = 1,
    seed: int = 0,
) -> dict[str, float]:
    """Win rates against random, greedy and (when installed) GNU Go, each with both colours.

    Keys: ``win_rate_vs_random``, ``win_rate_vs_greedy``, ``win_rate_vs_gnugo`` (absent without GNU Go).
    """
    from rldojo.envs.go.gtp import gnugo_available

    results = {
        "win_rate_vs_random": win_rate(player, "random", games, size, komi, seed).win_rate,
        "win_rate_vs_greedy": win_rate(player, "greedy", games, size, komi, seed).win_rate,
    }
    if gnugo_available():
        n = games if gnugo_games is None else gnugo_games
        results["win_rate_vs_gnugo"] = win_rate(
            player, "gnugo", n, size, komi, seed, opponent_kwargs={"level": gnugo_level}
        ).win_rate
    return results


class SgfRecorder(gym.Wrapper):
    """A Go-v0 env that saves each finished episode as an SGF record in ``folder``.

    Records are ``episode-0000.sgf``, ``episode-0001.sgf``, ... (numbered on from the
    records already there); PB and PW name the agent and the env's opponent. A game lost by
    an illegal action (``illegal_action="lose"``) is written with the result ``B+F`` or ``W+F``
    (a forfeit).

    :param env: a Go-v0 env (or one wrapping it)
    :param folder: where the records go; created if missing
    :param agent_name: the agent's name in the records
    """

    def __init__(self, env: gym.Env, folder: str | os.PathLike, agent_name: str = "agent"):
        super().__init__(env)
        if not isinstance(getattr(env.unwrapped, "board", None), GoBoard):
            raise ValueError(f"env must be a Go-v0 env (with a GoBoard), got {env.unwrapped!r}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.agent_name = agent_name
        self.saved: list[Path] = []
        self._next = len(list(self.folder.glob("episode-*.sgf")))

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        if terminated or truncated:
            self._save(info)
        return obs, reward, terminated, truncated, info

    def _save(self, info: dict) -> None:
        base = self.env.unwrapped
        opponent = player_name(base.opponent.name, base.opponent)
        agent_black = info.get("agent_color") == "black"
        black, white = (self.agent_name, opponent) if agent_black else (opponent, self.agent_name)
        result = None
        if info.get("forfeit"):
            result = "W+F" if agent_black else "B+F"
        path = self.folder / f"episode-{self._next:04d}.sgf"
        save_sgf(path, base.board, black=black, white=white, result=result)
        self._next += 1
        self.saved.append(path)


# --------------------------------------------------------------------------- Elo


@dataclass
class EloTable:
    """Ratings from a round robin; ``results[i][j]`` is i's score against j (wins + draws/2)."""

    names: list[str]
    ratings: list[float]
    results: list[list[float]]
    games_per_pair: int
    extra: dict = field(default_factory=dict)

    def to_markdown(self) -> str:
        order = sorted(range(len(self.names)), key=lambda i: -self.ratings[i])
        lines = [
            "| player | Elo | " + " | ".join(self.names[j] for j in order) + " |",
            "|---|---:|" + "---:|" * len(order),
        ]
        for i in order:
            cells = []
            for j in order:
                cells.append("-" if i == j else f"{self.results[i][j]:.1f}/{self.games_per_pair}")
            lines.append(f"| {self.names[i]} | {self.ratings[i]:.0f} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def fit_elo(results: list[list[float]], games_per_pair: int, iterations: int = 2000) -> list[float]:
    """Elo ratings (mean 1500) that best explain a score matrix, by logistic maximum likelihood.

    A small prior (one draw against a 1500 player) keeps all-win players finite.
    """
    n = len(results)
    r = np.zeros(n)
    scale = math.log(10) / 400
    for _ in range(iterations):
        gradient = np.zeros(n)
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                expected = 1 / (1 + math.exp(-scale * (r[i] - r[j])))
                gradient[i] += results[i][j] - games_per_pair * expected
            prior = 1 / (1 + math.exp(-scale * r[i]))
            gradient[i] += 0.5 - prior
        r += 8.0 * gradient / max(1, games_per_pair)
        r -= r.mean()
    return [1500.0 + float(x) for x in r]


def round_robin(
    players: dict[str, Any],
    size: int = 5,
    komi: float = 7.5,
    games_per_pair: int = 20,
    seed: int = 0,
    deterministic: bool = False,
) -> EloTable:
    """Every pair of players plays ``games_per_pair`` games, colours alternating; Elo fitted to the scores.

    :param players: name -> player (a checkpointed agent, a name like ``"greedy"``, a callable)
    :param deterministic: False (default) lets trained agents explore a little, so that two
        deterministic checkpoints do not replay the same two games over and over
    """
    names = list(players)
    opponents = {name: as_opponent(p, size, komi, deterministic=deterministic) for name, p in players.items()}
    n = len(names)
    results = [[0.0] * n for _ in range(n)]
    try:
        for i in range(n):
            for j in range(i + 1, n):
                for game in range(games_per_pair):
                    rng = np.random.default_rng([seed, i, j, game])
                    a, b = opponents[names[i]], opponents[names[j]]
                    a.reset(rng)
                    b.reset(rng)
                    i_black = game % 2 == 0
                    board = play_game(a if i_black else b, b if i_black else a, size, komi)
                    winner = board.winner()
                    if winner == 0:
                        results[i][j] += 0.5
                        results[j][i] += 0.5
                    elif (winner == BLACK) == i_black:
                        results[i][j] += 1
                    else:
                        results[j][i] += 1
    finally:
        for opponent in opponents.values():
            opponent.close()
    return EloTable(names, fit_elo(results, games_per_pair), results, games_per_pair)


# --------------------------------------------------------------------------- the benchmark's metric


def benchmark_metric(
    agent, env_id: str, env_kwargs: dict, seed: int, games: int = 200, gnugo_games: int = 40
) -> dict[str, float]:
    """The Go benchmark's metric: win rates vs random, greedy and GNU Go level 1, both colours.

    Quick suites call it with fewer games through :func:`quick_metric`.
    """
    size = int(env_kwargs.get("board_size", 5))
    komi = float(env_kwargs.get("komi", 7.5))
    return win_rates(agent, size, komi, games=games, gnugo_games=gnugo_games, seed=seed + 10_000)


def quick_metric(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """:func:`benchmark_metric` with few games (40 per fixed opponent, 4 against GNU Go)."""
    return benchmark_metric(agent, env_id, env_kwargs, seed, games=40, gnugo_games=4)


def curve_metric(agent, env_id: str, env_kwargs: dict, seed: int) -> dict[str, float]:
    """A cheap metric for learning curves: 20 games each against random and greedy, no GNU Go."""
    size = int(env_kwargs.get("board_size", 5))
    komi = float(env_kwargs.get("komi", 7.5))
    return {
        "win_rate_vs_random": win_rate(agent, "random", 20, size, komi, seed + 20_000).win_rate,
        "win_rate_vs_greedy": win_rate(agent, "greedy", 20, size, komi, seed + 20_000).win_rate,
    }
