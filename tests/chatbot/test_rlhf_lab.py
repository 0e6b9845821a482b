"""The preference-learning lab runs end to end on tiny budgets and writes its table and plots."""

import csv
import json

import matplotlib.image
import pytest

from rldojo.baselines import rlhf
from rldojo.bench import rlhf_lab
from rldojo.cli import main as cli_main

TINY = {
    "seeds": 2,
    "n_comparisons": 300,
    "rl_updates": 4,
    "preference_epochs": 2,
    "ensemble_size": 2,
    "overopt_updates": 6,
    "overopt_checkpoints": 4,
    "sweep_comparisons": (200, 300),
    "sweep_noise": (1.5, 3.0),
    "sweep_seeds": 1,
    "workers": 1,
}


def test_lab_writes_its_table_and_plots(tmp_path):
    result = rlhf_lab.run_lab(tmp_path, **TINY)
    for name in ("table.csv", "table.md", "overoptimisation.png", "overoptimisation_ensemble.png", "sweep.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    for name in ("overoptimisation.png", "overoptimisation_ensemble.png", "sweep.png"):
        assert matplotlib.image.imread(tmp_path / name).shape[2] in (3, 4)

    with open(tmp_path / "table.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["method"] for r in rows] == list(rlhf_lab.METHODS)
    by_method = {r["method"]: r for r in rows}
    assert all(r["seeds"] == "2" for r in rows)
    # SFT is the reference: zero KL, no comparisons; the others used the 240 training comparisons.
    assert float(by_method["sft"]["kl"]) == 0.0 and float(by_method["sft"]["comparisons"]) == 0
    assert float(by_method["dpo"]["comparisons"]) == 240
    assert 0.0 < float(by_method["rlhf_reinforce"]["true_score"]) <= 10.0
    assert float(by_method["rlhf_reinforce"]["true_score_ci"]) >= 0.0  # a 95% CI over 2 seeds
    markdown = (tmp_path / "table.md").read_text().splitlines()
    assert markdown[0].startswith("| method | true score | of oracle |") and len(markdown) == 2 + len(rows)

    # Best-of-n: n = 1 is SFT itself (d = 0), and d grows with n.
    fits = result["overoptimisation"]["single"]
    assert fits["best_of_n"]["d"][0] == pytest.approx(0.0, abs=1e-3) and fits["best_of_n"]["gold_gain"][0] == 0.0
    assert fits["best_of_n"]["d"] == sorted(fits["best_of_n"]["d"])
    assert set(fits["rl"]["gold_fit"]) == {"alpha", "beta", "r2"} and len(fits["rl"]["seed_falls"]) == 2
    assert fits["optimum"]["gold_gain"][0] == 0.0 and len(fits["optimum"]["d"]) == 1 + len(rlhf_lab.OPTIMUM_BETAS)
    # The sweep: 3 (comparisons, noise) cells, the default one read from the main seeds.
    cells = {(c["n_comparisons"], c["noise_std"]) for c in result["sweep"]["cells"]}
    assert cells == {(200, 1.5), (300, 1.5), (300, 3.0)}
    # Every method starts where the pipeline's step 3 does: the REINFORCE row is `rldojo rlhf`'s policy.
    pipeline = rlhf.run_pipeline(n_comparisons=300, rl_updates=4, seed=1)
    assert result["per_seed"][1]["rows"]["rlhf_reinforce"]["true_score"] == pytest.approx(pipeline["rlhf_score"])
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["config"]["seeds"] == 2 and len(saved["per_seed"]) == 2


def test_gao_fits_recover_known_parameters():
    import numpy as np

    d = np.linspace(0.05, 3, 30)
    best = rlhf_lab.fit(rlhf_lab.gao_best_of_n, d, rlhf_lab.gao_best_of_n(d, 1.5, 0.4))
    rl = rlhf_lab.fit(rlhf_lab.gao_rl, d, rlhf_lab.gao_rl(d, 0.8, 0.5))
    assert best["alpha"] == pytest.approx(1.5, rel=1e-4) and best["beta"] == pytest.approx(0.4, rel=1e-4)
    assert rl["alpha"] == pytest.approx(0.8, rel=1e-4) and rl["beta"] == pytest.approx(0.5, rel=1e-4)
    assert best["r2"] == pytest.approx(1.0) and rl["r2"] == pytest.approx(1.0)
    mean, half = rlhf_lab.mean_ci([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.303 * 1 / 3**0.5, rel=1e-3)  # t(0.975, 2) = 4.303


def test_cli_runs_the_lab_and_bad_options_are_clear(tmp_path, capsys):
    argv = ["rlhf", "lab", "--out", str(tmp_path), "--seeds", "1", "--comparisons", "100", "--updates", "2"]
    argv += ["--methods", "sft", "dpo", "best_of_n", "--overopt-updates", "0", "--no-sweep", "--workers", "1"]
    assert cli_main(argv) == 0
    printed = capsys.readouterr().out
    assert "| DPO (no reward model, no RL), β = 0.5 |" in printed and "best-of-16" in printed
    assert (tmp_path / "table.csv").exists() and not (tmp_path / "overoptimisation.png").exists()
    with pytest.raises(ValueError, match="run_lab has no option 'epochs'"):
        rlhf_lab.run_lab(tmp_path, epochs=3)
    with pytest.raises(ValueError, match=r"methods must be among sft, .* got 'kto'"):
        rlhf_lab.run_lab(tmp_path, methods=("sft", "kto"))
    with pytest.raises(ValueError, match="seeds must be a positive integer, got 0"):
        rlhf_lab.run_lab(tmp_path, seeds=0)
