"""The Go ladder: Wilson intervals and the Elo fit on cases worked by hand, and a tiny run against GNU Go."""

import json
import math

import pytest

from benchmarks.go_ladder import AgentSpec, fit_elo, main, wilson_interval
from rldojo.envs.go.gtp import gnugo_available
from rldojo.envs.go.sgf import load_sgf

Z = 1.959963984540054  # the normal quantile of 0.975
ELO_SCALE = math.log(10) / 400


def test_wilson_interval_on_hand_computed_cases():
    # 8 wins in 10: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n) with p = 0.8.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490162, abs=1e-6)
    assert high == pytest.approx(0.943318, abs=1e-6)
    # No win in 10: the interval starts at 0 and ends at z² / (n + z²).
    low, high = wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(Z * Z / (10 + Z * Z), rel=1e-9)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_elo_fit_on_hand_computed_cases():
    # 3 wins and a loss against the anchor: the rating that makes the expected score 3/4 is
    # 400·log10(3) above it; the Hessian is n·p(1-p)·s², so the 95% half-width is 1.96 / sqrt(that).
    results = [("a", "anchor", 1.0)] * 3 + [("a", "anchor", 0.0)]
    fit = fit_elo(results, "anchor", anchor_elo=1000.0, prior_games=0)
    assert fit.ratings["anchor"] == 1000.0
    assert fit.ratings["a"] == pytest.approx(1000 + 400 * math.log10(3), abs=0.01)
    half = 1.96 / math.sqrt(4 * 0.75 * 0.25 * ELO_SCALE**2)
    low, high = fit.intervals["a"]
    assert (high - low) / 2 == pytest.approx(half, rel=1e-3)
    # A chain: b even with the anchor, c 3-1 against b: c is 400·log10(3) above the anchor.
    results = [("b", "anchor", 1.0), ("b", "anchor", 0.0)] + [("c", "b", 1.0)] * 3 + [("c", "b", 0.0)]
    fit = fit_elo(results, "anchor", anchor_elo=0.0, prior_games=0)
    assert fit.ratings["b"] == pytest.approx(0.0, abs=0.01)
    assert fit.ratings["c"] == pytest.approx(400 * math.log10(3), abs=0.01)
    # Winning every game stays finite with the prior's virtual draw against the anchor.
    fit = fit_elo([("d", "anchor", 1.0)] * 5, "anchor", anchor_elo=0.0)
    assert 0 < fit.ratings["d"] < 1000


def test_agent_specs_parse_and_bad_ones_are_refused():
    spec = AgentSpec.parse("fast=mcts:seconds=0.5,use_prior=False,prior_path=None")
    assert (spec.name, spec.kind, spec.options) == (
        "fast",
        "mcts",
        {"seconds": 0.5, "use_prior": False, "prior_path": None},
    )
    with pytest.raises(ValueError, match="NAME=KIND"):
        AgentSpec.parse("mcts:seconds=1")


def test_a_tiny_ladder_writes_its_table_and_the_sgf_of_every_game(tmp_path):
    if not gnugo_available():
        pytest.skip("GNU Go is not installed (apt-get install gnugo)")
    out, sgf_dir = tmp_path / "out", tmp_path / "sgf"
    args = ["--agents", "tiny=mcts:playouts=10", "--sizes", "5", "--levels", "0", "--colors", "black,white"]
    summary = main([*args, "--games", "1", "--seed", "4", "--out", str(out), "--sgf-dir", str(sgf_dir)])
    assert summary["games"] == 2
    rows = {r["color"]: r for r in summary["rows"]}
    assert set(rows) == {"black", "white"} and all(r["games"] == 1 for r in rows.values())
    assert "| tiny | 5x5 | 0 | black | 1 |" in (out / "ladder.md").read_text()
    assert json.loads((out / "ladder.json").read_text())["games"] == 2
    games = [json.loads(line) for line in (out / "games.jsonl").read_text().splitlines()]
    files = sorted(sgf_dir.glob("*.sgf"))
    assert len(files) == 2 == len(games)
    for path in files:
        game = next(g for g in games if path.name.endswith(f"_{g['color']}_000.sgf"))
        board = load_sgf(path)
        assert board.history == game["history"]
