"""The generated pages other than the envs': agents, results, performance, and the Markdown they are made with.

``docs/scripts/gen_pages.py`` writes them at build time; here each part is checked on its
own: the nav names exactly the generated pages, every ``make_agent`` name has its page,
every ``Config`` field has the comment its table shows, every algorithm's *The update*
section names code that exists, and the results and performance pages are made from the
files they read (or say that none is committed).
"""

import importlib
import json
import re
from pathlib import Path

import pytest
import yaml

from rldojo.baselines.registry import AGENTS

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PREFIXES = ("envs/", "agents/", "reference/")
GENERATED_FILES = ("results/quick.md", "results/full.md", "results/full-2026-12-02.md", "performance.md")


def nav_paths(items) -> list[str]:
    """Every page path in an mkdocs nav (labels dropped, sections flattened)."""
    paths: list[str] = []
    for item in items:
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                paths += nav_paths(value) if isinstance(value, list) else nav_paths([value])
    return paths


def test_the_nav_names_exactly_the_generated_pages(gen_pages):
    nav = nav_paths(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"])
    expected = [p for p in nav if p.startswith(GENERATED_PREFIXES) or p in GENERATED_FILES]
    assert sorted(gen_pages.page_paths()) == sorted(expected)


def test_every_agent_name_is_on_exactly_one_page(gen_pages):
    listed = [name for page in gen_pages.AGENT_PAGES.values() for name in page.agents]
    assert sorted(listed) == sorted(AGENTS), "each make_agent name belongs on one agents/ page"


def hand_written_pages(gen_pages) -> list[str]:
    return [slug for slug in gen_pages.AGENT_PAGES if slug != gen_pages.SB3_PAGE]


def test_every_config_field_has_its_comment(gen_pages):
    """The hyperparameter tables show each field's ``# comment``: a field without one would show a dash."""
    for slug in hand_written_pages(gen_pages):
        for name, cls in gen_pages.agent_classes(gen_pages.AGENT_PAGES[slug].agents).items():
            fields = gen_pages.config_fields(cls.Config)
            assert fields, f"{name}: no Config fields found"
            bare = [f.name for f in fields if not f.comment]
            assert not bare, f"{cls.__name__}.Config fields without a '# comment' after them: {bare}"


def test_config_fields_read_defaults_and_comments(gen_pages):
    from rldojo.baselines.dqn import DQN

    fields = {f.name: f for f in gen_pages.config_fields(DQN.Config)}
    assert fields["form"].default == "standard"
    assert fields["hidden_sizes"].default == (64, 64)
    assert fields["learning_rate"].comment == "Adam's step size"


@pytest.mark.parametrize("slug", ["tabular", "dqn", "reinforce", "ppo", "a2c", "cfr", "selfplay-sarsa", "bandits"])
def test_the_update_names_code_that_exists(slug, gen_pages):
    """Each algorithm module's docstring has a section *The update* (the page's math) whose bullets
    name, in double backticks, the functions and methods that do each part: they must exist."""
    page = gen_pages.AGENT_PAGES[slug]
    module = importlib.import_module(page.module)
    update = gen_pages.setext_sections(module.__doc__ or "").get(gen_pages.UPDATE_SECTION)
    assert update, f"{page.module}'s docstring has no section {gen_pages.UPDATE_SECTION!r}"
    assert "::" in update, "the math goes in a literal block (a paragraph ending in '::')"
    bullets = [line for line in update.splitlines() if line.startswith("- ")]
    assert bullets, "the section names where each part happens, in a list"
    named = 0
    for bullet in bullets:
        where = bullet.split(": ", 1)[0]  # the names before the colon; what follows may name options
        for name in re.findall(r"``([A-Za-z_][\w.]*)``", where):
            if name.endswith(".py"):
                continue
            obj = module
            for part in name.split("."):
                assert hasattr(obj, part), f"{page.module}: 'The update' names {name}, which does not exist"
                obj = getattr(obj, part)
            named += 1
    assert named, "no code is named"


def test_the_agents_index_lists_every_name(gen_pages):
    text = gen_pages.agents_index()
    for name in AGENTS:
        assert f"| `{name}` |" in text


def test_tuned_defaults_show_only_what_differs(gen_pages):
    text = gen_pages.tuned_defaults_markdown(("dqn",))
    maze = text.split("### Maze-v0\n", 1)[1].split("###", 1)[0]
    assert "| `learning_rate` | `0.003` | `0.001` |" in maze
    assert "`form`" not in maze  # tuned to "standard", the class default


# --------------------------------------------------------------------------- Markdown from docstrings


def test_docstring_markdown_converts_the_rest_habits(gen_pages):
    doc = "\n".join(
        [
            "Intro with ``code`` and :class:`~rldojo.envs.MazeEnv` and :func:`somewhere.else`.",
            "A list follows:",
            "- one",
            "- two",
            "",
            "The update",
            "----------",
            "The math::",
            "",
            "    y = r + γ · V(s')",
            "",
            "Usage::",
            "",
            "    agent = make()",
            "",
            "After.",
        ]
    )
    text = gen_pages.docstring_markdown(doc, documented={"rldojo.envs.MazeEnv"})
    assert "with `code` and [`MazeEnv`][rldojo.envs.MazeEnv] and `somewhere.else`." in text
    assert "A list follows:\n\n- one\n- two" in text
    assert "## The update" in text
    assert "The math:\n\n```text\ny = r + γ · V(s')\n```" in text
    assert "Usage:\n\n```python\nagent = make()\n```" in text
    assert text.rstrip().endswith("After.")


def test_docstring_sections_split_on_level_two_headings_outside_code(gen_pages):
    doc = "Lead.\n\n## Description\nText.\n```python\n## not a heading\n```\n## Arguments\n- ``x`` (default ``1``): x."
    sections = gen_pages.docstring_sections(doc)
    assert list(sections) == ["", "Description", "Arguments"]
    assert "## not a heading" in sections["Description"]


# --------------------------------------------------------------------------- results and performance


def record(label: str, agent: str, seed: int) -> dict:
    """A minimal finished run, as ``rldojo.bench`` writes it."""
    return {
        "key": f"{label}-{agent}-{seed}",
        "label": label,
        "env_id": "Maze-v0",
        "env_kwargs": {},
        "agent": agent,
        "hyperparameters": {},
        "seed": seed,
        "budget": 1000,
        "suite": "quick",
        "headline": "win_rate",
        "higher_is_better": True,
        "solved_at": 0.9,
        "status": "ok",
        "metrics": {"win_rate": 1.0},
        "curve": [{"steps": 1000, "metrics": {"win_rate": 1.0}}],
        "wall_time": 2.0,
        "steps_per_second": 500.0,
        "finished_at": "2026-12-01T10:00:00+00:00",
    }


def test_quick_results_page_says_when_nothing_is_committed(gen_pages, tmp_path):
    text = gen_pages.quick_results_page(tmp_path)
    assert text.startswith("# Results, quick suite")
    assert "No results of the quick suite are committed yet" in text


def test_quick_results_page_links_the_committed_curves(gen_pages, tmp_path):
    folder = tmp_path / "results" / "quick"
    (folder / "curves").mkdir(parents=True)
    records = [record("Maze/seed", "dqn", 0), record("Maze/seed", "sb3-dqn", 0), record("Go 5x5", "ppo", 0)]
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (folder / "curves" / "Maze_seed.png").write_bytes(b"png")  # Go 5x5 has no curve
    text = gen_pages.quick_results_page(tmp_path)
    assert text.startswith("# Results, quick suite")
    maze = text.split("## Maze/seed\n", 1)[1].split("\n## ", 1)[0]
    assert "![Maze/seed: learning curves](quick/curves/Maze_seed.png)" in maze
    assert "| dqn |" in maze
    assert "curves/Go" not in text
    assert "No curve is committed for Go 5x5." in text


def test_performance_page_from_a_throughput_file(gen_pages, tmp_path):
    assert "No throughput measurement is committed yet" in gen_pages.performance_page(tmp_path)
    payload = {
        "date": "2026-12-01T18:21:22+00:00",
        "machine": {"host": "box", "cpu": "Test CPU", "cpus": 2, "python": "3.11.7", "platform": "Linux"},
        "seconds": 2.0,
        "modules": ["benchmarks.throughput_go"],
        "rows": [
            {
                "module": "benchmarks.throughput_go",
                "env": "Go-v0",
                "what": "env steps/s",
                "ours": 3000.0,
                "peer": "PettingZoo",
                "peer_value": 1000.0,
                "ratio": 3.0,
                "goal": 2.0,
            }
        ],
    }
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "throughput.json").write_text(json.dumps(payload))
    text = gen_pages.performance_page(tmp_path)
    assert "| date | 2026-12-01 18:21 UTC |" in text
    assert "box: Test CPU, 2 CPUs" in text
    assert "## go" in text
    assert "| Go-v0 | env steps/s | 3,000 | PettingZoo | 1,000 | 3.00 | 2.00 | yes |" in text
    assert "ratio = ours / peer" in text


def test_full_results_page_before_and_after_a_run_is_committed(gen_pages, tmp_path):
    text = gen_pages.full_results_page(tmp_path)
    assert text.startswith("# Results, full suite\n")
    assert "No results of the full suite are committed yet" in text
    assert f"]({gen_pages.FULL_ARCHIVE})" in text  # the earlier run stays one click away
    folder = tmp_path / "results" / "full"
    folder.mkdir(parents=True)
    records = [record("Maze/seed", "dqn", 0), record("Maze/seed", "sb3-dqn", 0)]
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    text = gen_pages.full_results_page(tmp_path)
    assert "## Maze/seed" in text and "| dqn |" in text
    assert f"]({gen_pages.FULL_ARCHIVE})" in text
