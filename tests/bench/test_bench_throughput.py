"""benchmarks.throughput gathers every throughput_*.py module into one table; a broken module is a row."""

import json
import textwrap

import pytest

from benchmarks import throughput


@pytest.fixture
def modules(tmp_path):
    folder = tmp_path / "mods"
    folder.mkdir()
    # unique module names per test folder, so two tests never share an import
    tag = tmp_path.name.replace("-", "_")
    (folder / f"throughput_fast{tag}.py").write_text(
        textwrap.dedent("""
        def rows(seconds=2.0):
            return [
                {"env": "Maze-v0", "what": "steps/s", "ours": 5000.0, "peer": "FrozenLake-v1",
                 "peer_value": 2500.0, "ratio": 2.0, "goal": 1.5},
                {"env": "Go-v0 5x5", "what": "steps/s", "ours": 1000.0, "peer": "go_v5",
                 "peer_value": 2000.0, "ratio": 0.5, "goal": 1.0},
                {"env": "Maze-v0", "what": "render fps", "ours": seconds * 30, "peer": None,
                 "peer_value": None, "ratio": None, "goal": None},
                {"env": "LeducHoldem-v0", "what": "steps/s", "ours": 800.0, "peer": "rlcard leduc-holdem",
                 "peer_value": None, "ratio": None, "goal": 1.0, "note": "rlcard not installed"},
            ]
    """)
    )
    (folder / f"throughput_broken{tag}.py").write_text("def rows(seconds=2.0):\n    raise OSError('no peer here')\n")
    (folder / f"throughput_noimport{tag}.py").write_text("import no_such_module_anywhere\n")
    return folder, tag


def test_all_modules_in_one_table_with_failures_as_rows(modules, tmp_path):
    folder, tag = modules
    assert sorted(throughput.discover(folder)) == [f"broken{tag}", f"fast{tag}", f"noimport{tag}"]
    rows = throughput.run_throughput(1.0, out=tmp_path / "out", directory=folder, echo=lambda s: None)
    assert len(rows) == 6
    broken = [r for r in rows if r["what"].startswith("module failed")]
    assert {r["env"] for r in broken} == {f"broken{tag}", f"noimport{tag}"}
    assert any("OSError: no peer here" in r["what"] for r in broken)
    assert any("ModuleNotFoundError" in r["what"] for r in broken)
    table = throughput.text_table(rows)
    lines = table.splitlines()
    assert lines[0].split() == ["env", "what", "ours", "peer", "peer", "value", "ratio", "goal", "met?"]
    maze = next(line for line in lines if line.startswith("Maze-v0") and "steps/s" in line)
    assert maze.split()[-4:] == ["2,500", "2.00", "1.50", "yes"]
    go = next(line for line in lines if line.startswith("Go-v0"))
    assert go.split()[-3:] == ["0.50", "1.00", "NO"]
    leduc = next(line for line in lines if line.startswith("LeducHoldem"))
    assert "(rlcard not installed)" in leduc and leduc.split()[-1] == "n/a"
    render = next(line for line in lines if "render fps" in line)
    assert render.split()[-1] == "—" and "30" in render  # seconds reach the module

    saved = json.loads((tmp_path / "out" / "throughput.json").read_text())
    assert saved["seconds"] == 1.0 and len(saved["rows"]) == 6
    assert saved["rows"][0]["module"] == f"throughput_broken{tag}"
    md = (tmp_path / "out" / "throughput.md").read_text()
    assert "| Go-v0 5x5 | steps/s | 1,000 | go_v5 | 2,000 | 0.50 | 1.00 | NO |" in md


def test_only_picks_modules_and_names_unknown_ones(modules):
    folder, tag = modules
    rows = throughput.run_throughput(1.0, only=[f"fast{tag}"], directory=folder, echo=lambda s: None)
    assert len(rows) == 4 and not any(r["what"].startswith("module failed") for r in rows)
    with pytest.raises(ValueError, match=f"no throughput module for 'maze'.*fast{tag}"):
        throughput.run_throughput(1.0, only=["maze"], directory=folder, echo=lambda s: None)
