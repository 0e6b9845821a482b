"""The site's generated pages, written at build time by the mkdocs-gen-files plugin (see ``mkdocs.yml``).

Every page here is made from the code or from committed results, so it cannot drift from them:

- ``envs/<slug>.md``, one per id of ``rldojo.ENV_IDS``: a facts table read from the registry
  and a default env, the env's GIF, then its class docstring's sections (Description, Action
  Space, ... Version History); ``envs/index.md``, the gallery;
- ``agents/<page>.md``, one per algorithm file: its module docstring (whose section *The
  update* holds the math and names the code that does each part), a table of every ``Config``
  field (its default and its ``# comment``) and the tuned defaults of
  ``rldojo.baselines.hyperparams``; ``agents/index.md``, every ``make_agent`` name;
- ``reference/*.md``: mkdocstrings ``:::`` blocks of the public modules;
- ``results/quick.md`` from ``docs/results/quick/results.jsonl`` (its ``plan.json``: only the
  current plan's runs count; its ``curves/*.png``: curves against env steps and wall time, and
  the aggregate across entries),
  ``performance.md`` from ``docs/results/throughput.json``; each says so when its file is not
  committed yet.

The docstrings are written for both places they are read: mkdocstrings renders them as
Markdown, and this script turns their reST habits (````code````, ``:class:`~a.B```` roles,
``::`` literal blocks, underlined headings) into Markdown. A role becomes a link only when
its target is documented in the API reference; otherwise it is plain code, so that
``mkdocs build --strict`` never meets a reference it cannot resolve.

The module is importable without side effects (``tests/docs`` load it by path); it writes
pages only when mkdocs-gen-files runs it. ``python docs/scripts/gen_pages.py --out DIR``
writes the same pages to DIR, to look at them without a build.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import importlib
import inspect
import io
import json
import os
import re
import sys
import textwrap
import tokenize
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # CartPolePixels-v0 is made to read its spaces
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import gymnasium as gym

import rldojo  # noqa: F401  (registers the env ids)

DOCS = Path(__file__).resolve().parents[1]  # docs/, when not told otherwise by mkdocs
ROOT = DOCS.parent

# --------------------------------------------------------------------------- what is generated


@dataclasses.dataclass(frozen=True)
class EnvPage:
    slug: str  # envs/<slug>.md, docs/img/envs/<slug>.gif and <slug>.png
    teaches: str  # the gallery's line
    extra_images: tuple[tuple[str, str], ...] = ()  # (file in docs/img/envs, caption)


ENV_PAGES: dict[str, EnvPage] = {
    "Maze-v0": EnvPage(
        "maze",
        "Q-tables and deep Q-learning on a grid: the course's maze, with slips that make it a stochastic MDP.",
        (("maze-best-moves.png", "A trained agent's move in every cell (`render_best_moves`)."),),
    ),
    "ChatbotFeedback-v0": EnvPage(
        "chatbot-feedback", "Learning from human feedback: a chatbot's answers scored by a rater, the RLHF toy."
    ),
    "Go-v0": EnvPage("go", "Two players, action masks and self-play: Go on a small board against an opponent."),
    "KuhnPoker-v0": EnvPage("kuhn-poker", "Hidden information: the smallest poker, solved exactly by CFR."),
    "LeducHoldem-v0": EnvPage(
        "leduc-holdem", "Hidden information at a larger scale: two betting rounds and a public card."
    ),
    "Bandit-v0": EnvPage("bandit", "Exploration against exploitation: the k-armed testbed of Sutton & Barto."),
    "CartPolePixels-v0": EnvPage(
        "cartpole-pixels", "Learning from pixels: CartPole seen only through its frames, for a DQN with a CNN."
    ),
}

# The sections every env docstring has, in Gymnasium's order (tests/docs check them).
ENV_SECTIONS = (
    "Description",
    "Action Space",
    "Observation Space",
    "Rewards",
    "Starting State",
    "Episode End",
    "Arguments",
    "Version History",
)


@dataclasses.dataclass(frozen=True)
class AgentPage:
    title: str  # as in mkdocs.yml's nav
    module: str  # the file whose docstring the page shows
    agents: tuple[str, ...]  # make_agent names


AGENT_PAGES: dict[str, AgentPage] = {
    "tabular": AgentPage(
        "Q-learning, SARSA, Expected SARSA", "rldojo.baselines.tabular", ("qlearning", "sarsa", "expected_sarsa")
    ),
    "dqn": AgentPage("DQN", "rldojo.baselines.dqn", ("dqn",)),
    "reinforce": AgentPage("REINFORCE", "rldojo.baselines.reinforce", ("reinforce",)),
    "ppo": AgentPage("PPO", "rldojo.baselines.ppo", ("ppo",)),
    "a2c": AgentPage("A2C", "rldojo.baselines.a2c", ("a2c",)),
    "cfr": AgentPage("CFR and CFR+", "rldojo.baselines.cfr", ("cfr", "cfr+")),
    "selfplay-sarsa": AgentPage("SARSA self-play", "rldojo.baselines.selfplay", ("selfplay-sarsa",)),
    "bandits": AgentPage(
        "Bandit strategies",
        "rldojo.baselines.bandits",
        ("bandit-epsilon-greedy", "bandit-ucb", "bandit-thompson", "bandit-gradient"),
    ),
    "linear-bandits": AgentPage(
        "LinUCB and linear Thompson sampling", "rldojo.baselines.linear_bandits", ("linucb", "lin-ts")
    ),
    "mcts": AgentPage("MCTS search (Go)", "rldojo.baselines.mcts", ("mcts",)),
    "sb3": AgentPage(
        "stable-baselines3", "rldojo.baselines.sb3.agents", ("sb3-dqn", "sb3-ppo", "sb3-a2c", "sb3-maskable-ppo")
    ),
}
SB3_PAGE = "sb3"  # no Config there: SB3's own arguments
UPDATE_SECTION = "The update"  # the section of each algorithm module's docstring that holds the math


@dataclasses.dataclass(frozen=True)
class ReferenceBlock:
    module: str
    members: bool = True  # False: the module's docstring only


@dataclasses.dataclass(frozen=True)
class ReferencePage:
    title: str
    intro: str
    blocks: tuple[ReferenceBlock, ...]  # the first is the page's own module, without a heading of its own


REFERENCE_PAGES: dict[str, ReferencePage] = {
    "reference/rldojo.md": ReferencePage(
        "rldojo",
        "The package's face: importing it registers every env id; the agent functions load torch on first use.",
        (ReferenceBlock("rldojo"),),
    ),
    "reference/envs.md": ReferencePage(
        "rldojo.envs",
        "The env classes (their pages, with pictures, are under [Environments](../envs/index.md)), what every "
        "env shares, and the option checks.",
        (
            ReferenceBlock("rldojo.envs"),
            ReferenceBlock("rldojo.envs.common"),
            ReferenceBlock("rldojo.envs.options"),
            ReferenceBlock("rldojo.envs.vector"),
            ReferenceBlock("rldojo.envs.go.batched"),
            ReferenceBlock("rldojo.envs.go.sgf"),
        ),
    ),
    "reference/baselines.md": ReferencePage(
        "rldojo.baselines",
        "The contract every agent shares, the registry behind `make_agent` and `load_agent`, checkpoints, "
        "logging and evaluation. The algorithms have their own pages under [Agents](../agents/index.md).",
        (
            ReferenceBlock("rldojo.baselines", members=False),
            ReferenceBlock("rldojo.baselines.agent"),
            ReferenceBlock("rldojo.baselines.registry"),
            ReferenceBlock("rldojo.baselines.checkpoint"),
            ReferenceBlock("rldojo.baselines.logging"),
            ReferenceBlock("rldojo.baselines.evaluation"),
            ReferenceBlock("rldojo.baselines.preference"),
        ),
    ),
    "reference/bench.md": ReferencePage(
        "rldojo.bench",
        "The benchmark engine: plans, runs, the results file, the summary made from it with its statistics "
        "across entries, and the tuning studies.",
        (
            ReferenceBlock("rldojo.bench"),
            ReferenceBlock("rldojo.bench.summarize"),
            ReferenceBlock("rldojo.bench.aggregate"),
            ReferenceBlock("rldojo.bench.tune"),
            ReferenceBlock("rldojo.bench.rlhf_lab"),
        ),
    ),
    "reference/gtp.md": ReferencePage(
        "rldojo.gtp",
        "The GTP engine behind `rldojo gtp`: the protocol, the board and its commands, the players and the clock.",
        (
            ReferenceBlock("rldojo.gtp"),
            ReferenceBlock("rldojo.gtp.protocol"),
            ReferenceBlock("rldojo.gtp.engine"),
            ReferenceBlock("rldojo.gtp.players"),
            ReferenceBlock("rldojo.gtp.clock"),
        ),
    ),
}

QUICK_RESULTS = Path("results") / "quick"  # under docs/: results.jsonl and curves/*.png
FULL_RESULTS = Path("results") / "full"  # under docs/: the five-seed run, plan.json and curves/*.png
FULL_ARCHIVE = "full-2026-11-25.md"  # the last five-seed run before the fair benchmark, by hand
# the five-seed run of 2026-12-02 at equal budgets, made while the runner still called learn once per curve point
FULL_CHUNKED = Path("results") / "full-2026-12-02"
THROUGHPUT = Path("results") / "throughput.json"  # under docs/

# --------------------------------------------------------------------------- docstrings to Markdown

Identifiers = AbstractSet[str]  # what the API reference documents, for cross-references

ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|obj|exc|py:\w+):`(~?)([\w.]+)`")
LITERAL = re.compile(r"``(.+?)``")
UNDERLINE = re.compile(r"^(-{3,}|={3,}|~{3,})\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
ATX_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def underlined(line: str, following: str) -> bool:
    """Whether ``line`` is a reST heading: text underlined by ``following`` (----, ====, ~~~~) at least as long."""
    text = line.strip()
    return (
        bool(text)
        and not LIST_ITEM.match(line)
        and bool(UNDERLINE.match(following))
        and (len(following.strip()) >= len(text))
    )


def inline_markdown(text: str, documented: Identifiers = frozenset()) -> str:
    """One line's reST habits as Markdown: ````x```` as code, a role as a cross-reference when
    its target is documented (mkdocstrings' ``[text][identifier]``), else as code."""

    def role(match: re.Match) -> str:
        tilde, target = match.groups()
        shown = target.rsplit(".", 1)[-1] if tilde else target
        return f"[`{shown}`][{target}]" if target in documented else f"`{shown}`"

    return LITERAL.sub(lambda m: f"`{m.group(1)}`", ROLE.sub(role, text))


def code_language(code: str) -> str:
    """``python`` for a block that parses as Python, else ``text`` (math, tables, shell lines)."""
    try:
        ast.parse(code)
    except SyntaxError:
        return "text"
    return "python"


def docstring_markdown(doc: str, documented: Identifiers = frozenset(), level: int = 2) -> str:
    """A cleaned docstring (``inspect.cleandoc``) as Markdown.

    reST underlined headings become ATX headings at ``level``; a paragraph ending in ``::``
    introduces a literal block, which becomes a fenced one; Markdown fences pass unchanged; a
    list gets the blank line Python-Markdown needs before it.
    """
    lines = doc.splitlines()
    out: list[str] = []
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            i += 1
            continue
        if in_fence:
            out.append(line)
            i += 1
            continue
        if underlined(line, lines[i + 1] if i + 1 < len(lines) else ""):
            out += ["", "#" * level + " " + inline_markdown(stripped, documented), ""]
            i += 2
            continue
        if stripped.endswith("::"):
            indent = len(line) - len(line.lstrip())
            text = stripped[:-2].rstrip()
            if text:
                prefix = line[:indent]
                out.append(prefix + inline_markdown(text + ("" if text.endswith(":") else ":"), documented))
            i += 1
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i])
                i += 1
            code = textwrap.dedent("\n".join(block)).strip("\n")
            if code:
                out += ["", f"```{code_language(code)}", *code.splitlines(), "```", ""]
            continue
        previous = out[-1] if out else ""
        if (
            LIST_ITEM.match(line)
            and previous.strip()
            and not LIST_ITEM.match(previous)
            and not previous[:1].isspace()
            and not ATX_HEADING.match(previous)
        ):
            out.append("")  # Python-Markdown starts a list only after a blank line
        out.append(inline_markdown(line, documented))
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def docstring_sections(doc: str) -> dict[str, str]:
    """A Gymnasium-style docstring's ``## Section`` blocks, by title, in order; the text before
    the first heading is under ``""``."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    in_fence = False
    for line in inspect.cleandoc(doc).splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        heading = None if in_fence else ATX_HEADING.match(line)
        if heading and len(heading.group(1)) == 2:
            current = heading.group(2).strip()
            sections[current] = []
            continue
        sections[current].append(line)
    return {title: "\n".join(body).strip("\n") for title, body in sections.items()}


def setext_sections(doc: str) -> dict[str, str]:
    """A module docstring's underlined (reST) sections, by title; the text before the first is under ``""``."""
    lines = inspect.cleandoc(doc).splitlines()
    sections: dict[str, list[str]] = {"": []}
    current = ""
    i = 0
    while i < len(lines):
        if underlined(lines[i], lines[i + 1] if i + 1 < len(lines) else ""):
            current = lines[i].strip()
            sections[current] = []
            i += 2
            continue
        sections[current].append(lines[i])
        i += 1
    return {title: "\n".join(body).strip("\n") for title, body in sections.items()}


def griffe_sees_docstring(obj: Any) -> bool:
    """Whether mkdocstrings, which reads the source, finds a docstring for ``obj`` (and so renders it):
    a literal docstring, or a class's ``__doc__`` assignment (see ``griffe_runtime_docs.py``)."""
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0]
    except (OSError, TypeError, SyntaxError):
        return False
    if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if ast.get_docstring(node):
        return True
    return isinstance(node, ast.ClassDef) and any(
        isinstance(statement, ast.Assign) and any(getattr(t, "id", None) == "__doc__" for t in statement.targets)
        for statement in node.body
    )


def documented_identifiers() -> frozenset[str]:
    """Every identifier the API reference renders with a docstring: the modules, their public
    classes and functions, under their public path and their defining path (autorefs knows both)."""
    names: set[str] = set()
    for page in REFERENCE_PAGES.values():
        for block in page.blocks:
            module = importlib.import_module(block.module)
            names.add(block.module)
            if not block.members:
                continue
            public = getattr(module, "__all__", None)
            if public is None:
                public = [
                    name
                    for name, obj in vars(module).items()
                    if not name.startswith("_") and getattr(obj, "__module__", None) == block.module
                ]
            for name in public:
                obj = getattr(module, name)
                if not (inspect.isclass(obj) or inspect.isfunction(obj)) or not griffe_sees_docstring(obj):
                    continue
                names.add(f"{block.module}.{name}")
                names.add(f"{obj.__module__}.{obj.__qualname__}")
    return frozenset(names)


# --------------------------------------------------------------------------- small Markdown helpers


def code(value: Any) -> str:
    """A value as inline code, written as Python would take it (strings in double quotes)."""
    return f"`{python_text(value)}`"


def python_text(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_text(k)}: {python_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(python_text(v) for v in value) + "]"
    if isinstance(value, tuple):
        items = ", ".join(python_text(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


def cell(text: str) -> str:
    """Markdown text for a table cell: outside code spans, pipes, stars and angle brackets escaped."""
    pieces = re.split(r"(`[^`]*`)", text)
    return "".join(
        piece if piece.startswith("`") else piece.replace("|", "\\|").replace("*", "\\*").replace("<", "&lt;")
        for piece in pieces
    )


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def tidy(parts: list[str]) -> str:
    """Lines joined into a page: at most one blank line in a row outside code, one newline at the end."""
    text = "\n".join(parts)
    chunks = re.split(r"(\n```.*?\n```)", text, flags=re.S)  # fenced blocks keep their blank lines
    return "".join(c if c.startswith("\n```") else re.sub(r"\n{3,}", "\n\n", c) for c in chunks).strip() + "\n"


def module_path(module: str) -> Path:
    """A module's file in this checkout, found without importing it (the SB3 modules need the ``sb3`` extra)."""
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def source_file(module: str) -> str:
    """A module's file, relative to the repository (``rldojo/baselines/dqn.py``)."""
    return module_path(module).relative_to(ROOT).as_posix()


# --------------------------------------------------------------------------- environments


def env_class(env_id: str) -> type:
    module, _, name = gym.spec(env_id).entry_point.partition(":")
    return getattr(importlib.import_module(module), name)


def env_page(env_id: str, documented: Identifiers = frozenset()) -> str:
    """The page of one env: facts, pictures, then the docstring's sections."""
    page = ENV_PAGES[env_id]
    cls = env_class(env_id)
    spec = gym.spec(env_id)
    env = gym.make(env_id)
    try:
        action_space, observation_space = repr(env.action_space), repr(env.observation_space)
        render_modes = env.metadata.get("render_modes", [])
    finally:
        env.close()
    public = f"rldojo.envs.{cls.__name__}"
    class_cell = f"[`{cls.__name__}`][{public}]" if public in documented else f"`{cls.__name__}`"
    facts = [
        ("Make", f'`gym.make("{env_id}")`'),
        ("Import", "`import gymnasium as gym, rldojo`"),
        ("Class", f"{class_cell} in `{source_file(cls.__module__)}`"),
        ("Action space", f"`{action_space}`"),
        ("Observation space", f"`{observation_space}` (default arguments)"),
        ("max_episode_steps", "none" if spec.max_episode_steps is None else str(spec.max_episode_steps)),
        ("Render modes", ", ".join(code(mode) for mode in render_modes) or "none"),
        ("Vector entry point", f"`{spec.vector_entry_point}`" if spec.vector_entry_point else "none"),
    ]
    sections = docstring_sections(cls.__doc__ or "")
    parts = [f"# {env_id}", ""]
    if sections.get(""):
        parts += [docstring_markdown(sections[""], documented), ""]
    parts += [table(facts[0], facts[1:]), ""]
    parts += [f"![{env_id}: an episode](../img/envs/{page.slug}.gif)", ""]
    for image, caption in page.extra_images:
        parts += [f"![{caption.replace('`', '')}](../img/envs/{image})", "", f"*{caption}*", ""]
    for title, body in sections.items():
        if title:
            parts += [f"## {title}", "", docstring_markdown(body, documented, level=3), ""]
    return "\n".join(parts)


def envs_index() -> str:
    cards = []
    for env_id, page in ENV_PAGES.items():
        cards += [
            f"-   [![{env_id}](../img/envs/{page.slug}.png){{ height=150 }}]({page.slug}.md)",
            "",
            f"    **[{env_id}]({page.slug}.md)**: {page.teaches}",
            "",
        ]
    return "\n".join(
        [
            "# Environments",
            "",
            "Every id is registered by `import rldojo` and made with `gym.make`. Each page lists the spaces, "
            "the rewards, when an episode ends and every argument, from the env's own docstring.",
            "",
            '<div class="grid cards" markdown>',
            "",
            *cards,
            "</div>",
            "",
        ]
    )


# --------------------------------------------------------------------------- agents


@dataclasses.dataclass(frozen=True)
class ConfigField:
    name: str
    default: Any
    comment: str


def config_fields(config: type) -> list[ConfigField]:
    """A ``Config`` dataclass's fields with their defaults and the ``# comment`` after each in the source."""
    comments: dict[str, str] = {}
    for klass in reversed(config.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        source = textwrap.dedent(inspect.getsource(klass))
        by_line = {
            token.start[0]: token.string.lstrip("#").strip()
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        }
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.ClassDef)
        for statement in node.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                end = statement.end_lineno or statement.lineno
                found = [by_line[n] for n in range(statement.lineno, end + 1) if n in by_line]
                comments[statement.target.id] = " ".join(found)
    fields = []
    for field in dataclasses.fields(config):
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING
        fields.append(ConfigField(field.name, default, comments.get(field.name, "")))
    return fields


def config_table(config: type) -> str:
    rows = [
        (f"`{f.name}`", "required" if f.default is dataclasses.MISSING else code(f.default), cell(f.comment) or "—")
        for f in config_fields(config)
    ]
    return table(["name", "default", "what it is"], rows)


def agent_classes(names: Iterable[str]) -> dict[str, type]:
    from rldojo.baselines.registry import agent_class

    return {name: agent_class(name) for name in names}


def class_summaries(module: str) -> dict[str, str]:
    """The first line of every class docstring of ``module``, read from the source (nothing imported)."""
    tree = ast.parse(module_path(module).read_text(encoding="utf-8"))
    summaries: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name not in summaries:
            doc = ast.get_docstring(node)
            summaries[node.name] = doc.strip().splitlines()[0] if doc else ""
    return summaries


def module_docstring(module: str) -> str:
    """A module's docstring, read from its source (nothing imported)."""
    return ast.get_docstring(ast.parse(module_path(module).read_text(encoding="utf-8"))) or ""


def tuned_defaults(agents: Iterable[str]) -> dict[str, list[tuple[str, str, Any, Any]]]:
    """By env id: (agent, hyperparameter, tuned value, the class default) of every tuned value that
    differs from the class default (for SB3 agents, every tuned value: the default is SB3's)."""
    from rldojo.baselines.hyperparams import all_defaults
    from rldojo.baselines.registry import AGENTS

    by_env: dict[str, list[tuple[str, str, Any, Any]]] = {}
    wanted = list(agents)
    for (env_id, agent), values in all_defaults().items():
        if agent not in wanted:
            continue
        rows = by_env.setdefault(env_id, [])
        class_defaults: dict[str, Any] = {}
        if not agent.startswith("sb3-"):
            module, _, name = AGENTS[agent].partition(":")
            config = getattr(importlib.import_module(module), name).Config
            class_defaults = {f.name: f.default for f in config_fields(config)}
        for key, value in values.items():
            default = class_defaults.get(key, dataclasses.MISSING)
            if default is dataclasses.MISSING or default != value:
                rows.append((agent, key, value, default))
    for rows in by_env.values():
        rows.sort(key=lambda row: wanted.index(row[0]))
    return by_env


def tuned_defaults_markdown(agents: tuple[str, ...], sb3: bool = False) -> str:
    """A table per env id: a row per tuned hyperparameter, a column per agent (and the class default)."""
    by_env = tuned_defaults(agents)
    if not by_env:
        return "No env has tuned values for these agents: the class defaults apply everywhere.\n"
    parts = []
    for env_id in sorted(by_env):
        rows = by_env[env_id]
        parts += [f"### {env_id}", ""]
        if not rows:
            parts += ["The class defaults, unchanged.", ""]
            continue
        shown = [agent for agent in agents if any(row[0] == agent for row in rows)]
        keys = list(dict.fromkeys(row[1] for row in rows))
        value = {(agent, key): tuned for agent, key, tuned, _ in rows}
        default = {(agent, key): d for agent, key, _, d in rows}
        one_default = not sb3 and all(
            len({python_text(default[a, k]) for a in shown if (a, k) in default}) == 1 for k in keys
        )
        header = ["hyperparameter"] + ([f"`{a}`" for a in shown] if len(agents) > 1 else ["tuned"])
        body = []
        for key in keys:
            cells = []
            for agent in shown:
                if (agent, key) not in value:
                    cells.append("")
                    continue
                text = code(value[agent, key])
                d = default[agent, key]
                if not sb3 and not one_default and d is not dataclasses.MISSING:
                    text += f" (class default {code(d)})"
                cells.append(text)
            row = [f"`{key}`", *cells]
            if one_default:
                d = next(default[a, key] for a in shown if (a, key) in default)
                row.append("—" if d is dataclasses.MISSING else code(d))
            body.append(row)
        parts += [table(header + (["class default"] if one_default else []), body), ""]
    return "\n".join(parts)


def agent_page(slug: str, documented: Identifiers = frozenset()) -> str:
    page = AGENT_PAGES[slug]
    if slug == SB3_PAGE:
        return sb3_page(documented)
    classes = agent_classes(page.agents)
    doc = module_docstring(page.module)
    summary, _, rest = doc.partition("\n")
    making = [f'`make_agent("{name}", env)` → `{cls.__name__}`' for name, cls in classes.items()]
    parts = [
        f"# {page.title}",
        "",
        inline_markdown(summary, documented),
        "",
        f"In `{source_file(page.module)}`:" if len(making) > 1 else f"In `{source_file(page.module)}`: {making[0]}.",
        "",
        *([f"- {line};" for line in making[:-1]] + [f"- {making[-1]}."] if len(making) > 1 else []),
        "",
        docstring_markdown(inspect.cleandoc(rest), documented),
        "",
        "## Hyperparameters",
        "",
        "Keyword arguments of the class and of `make_agent`, the fields of its `Config` dataclass. Every agent "
        "also takes `seed`, `verbose`, `tensorboard_log` and `monitor_dir`"
        + (" (see [`Agent`][rldojo.baselines.agent.Agent])." if "rldojo.baselines.agent.Agent" in documented else ".")
        + " The descriptions are the comments of the source.",
        "",
    ]
    by_config: dict[type, list[str]] = {}
    for cls in classes.values():
        by_config.setdefault(cls.Config, []).append(cls.__name__)
    for config, users in by_config.items():
        if len(by_config) > 1 or len(users) > 1:
            shared = ", ".join(f"`{name}`" for name in users)
            parts += [f"### {' / '.join(users)}" if len(by_config) > 1 else f"Shared by {shared}.", ""]
        parts += [config_table(config), ""]
    parts += [
        "## Tuned defaults",
        "",
        "What `rldojo train` and the benchmark pass on each env (`rldojo.baselines.hyperparams`), where it "
        "differs from the class default.",
        "",
        tuned_defaults_markdown(page.agents),
    ]
    return "\n".join(parts)


def sb3_page(documented: Identifiers = frozenset()) -> str:
    page = AGENT_PAGES[SB3_PAGE]
    from rldojo.baselines.registry import AGENTS

    summaries = class_summaries(page.module)
    rows = []
    for name in page.agents:
        cls = AGENTS[name].partition(":")[2]
        rows.append((f"`{name}`", f"`{cls}`", cell(inline_markdown(summaries.get(cls, ""), documented))))
    doc = module_docstring(page.module)
    summary, _, rest = doc.partition("\n")
    loading = module_docstring("rldojo.baselines.sb3.loading")
    return "\n".join(
        [
            f"# {page.title}",
            "",
            inline_markdown(summary, documented),
            "",
            f"In `{source_file(page.module)}`; they need the `sb3` extra: `pip install 'rldojo[sb3]'`.",
            "",
            table(["make_agent name", "class", "what it is"], rows),
            "",
            "## What they add",
            "",
            docstring_markdown(inspect.cleandoc(rest), documented),
            "",
            "## Safe loading",
            "",
            docstring_markdown(loading, documented),
            "",
            "## Tuned arguments",
            "",
            "What `rldojo train` and the benchmark pass to SB3 on each env (`rldojo.baselines.hyperparams`); "
            "anything not named is SB3's default.",
            "",
            tuned_defaults_markdown(page.agents, sb3=True),
        ]
    )


def agents_index() -> str:
    from rldojo.baselines.registry import AGENTS

    page_of = {name: slug for slug, page in AGENT_PAGES.items() for name in page.agents}
    rows = []
    summaries: dict[str, dict[str, str]] = {}
    for name, path in AGENTS.items():
        module, _, cls = path.partition(":")
        if module not in summaries:
            summaries[module] = class_summaries(module)
        slug = page_of.get(name)
        shown = f"[`{cls}`]({slug}.md)" if slug else f"`{cls}`"
        rows.append((f"`{name}`", shown, f"`{source_file(module)}`", cell(inline_markdown(summaries[module][cls]))))
    return "\n".join(
        [
            "# Agents",
            "",
            "Every name `make_agent` knows (`rldojo.baselines.registry.AGENTS`). The hand-written agents share "
            "stable-baselines3's face: `learn`, `predict`, `save`, `load`.",
            "",
            "```python",
            "from rldojo import make_agent, load_agent",
            'agent = make_agent("dqn", "Maze-v0", seed=0).learn(5_000)',
            'agent.save("maze.pt"); agent = load_agent("maze.pt")',
            "```",
            "",
            table(["make_agent name", "class", "file", "what it is"], rows),
        ]
    )


# --------------------------------------------------------------------------- API reference


def reference_page(page: ReferencePage) -> str:
    """mkdocstrings blocks, one per module (mkdocs.yml loads the Griffe extension for run-time docstrings)."""
    parts = [f"# {page.title}", "", page.intro, ""]
    for number, block in enumerate(page.blocks):
        parts += [f"::: {block.module}", "    options:"]
        parts.append(f"      show_root_heading: {'false' if number == 0 else 'true'}")
        if not block.members:
            parts.append("      members: false")
        parts.append("")
    return "\n".join(parts)


def reference_index() -> str:
    rows = [
        (f"[{page.title}]({Path(path).name})", ", ".join(f"`{b.module}`" for b in page.blocks), page.intro)
        for path, page in REFERENCE_PAGES.items()
    ]
    return "\n".join(
        [
            "# API reference",
            "",
            "The public names of each package, from their docstrings: what `__all__` exports. The layers and "
            "what each file holds are on the [design page](../design.md).",
            "",
            table(["page", "modules", "what is there"], rows),
        ]
    )


# --------------------------------------------------------------------------- results


def insert_image(text: str, heading: str, image: str) -> str:
    """``text`` with ``image`` at the end of the section that starts with the line ``heading`` (unchanged if none)."""
    start = text.find(f"\n{heading}\n")
    if start < 0:
        return text
    end = text.find("\n## ", start + 1)
    end = len(text) if end < 0 else end
    return text[:end].rstrip("\n") + f"\n\n{image}\n" + text[end:]


def results_page(docs_dir: Path, folder: Path, title: str, suite: str) -> str:
    """The summary of a committed suite (``docs/<folder>/results.jsonl`` and its ``plan.json``), with its plots.

    Only the runs of the suite's current plan are counted, as ``rldojo.bench.summarize`` does; each
    entry's section ends with its curves (against env steps and against wall time), and the section
    across entries with the aggregate plot, when the PNGs are committed in ``curves/``.
    """
    results = docs_dir / folder / "results.jsonl"
    if not results.exists():
        return (
            f"{title}\n\nNo results of the {suite} suite are committed yet: this page is made from "
            f"`docs/{folder.as_posix()}/results.jsonl` and its `curves/*.png`. To make them, see "
            "[Running it](../benchmark.md).\n"
        )
    from rldojo.bench.store import current_runs, read_plan, read_results
    from rldojo.bench.summarize import AGGREGATE_PNG, CURVES_DIR, slug, summary_markdown

    records = read_results(results)
    plan = read_plan(docs_dir / folder)
    text = summary_markdown(records, curves_dir=docs_dir / folder / CURVES_DIR, plots=False, plan=plan)
    text = text.replace("# Benchmark results", title, 1)
    curves = docs_dir / folder / CURVES_DIR
    link = f"{folder.name}/{CURVES_DIR}"  # relative to the page, results/<suite>.md
    if (curves / AGGREGATE_PNG).exists():
        image = f"![Aggregate statistics across entries]({link}/{AGGREGATE_PNG})"
        text = insert_image(text, "## Across entries", image)
    current, _ = current_runs(records, plan)
    missing = []
    for label in sorted({r["label"] for r in current if r.get("status") == "ok"}):
        png = curves / f"{slug(label)}.png"
        if not png.exists():
            missing.append(label)
            continue
        image = f"![{label}: learning curves]({link}/{png.name})"  # against env steps and wall time
        text = insert_image(text, f"## {label}", image)
    lead = (
        f"Made from `docs/{folder.as_posix()}/results.jsonl` by `rldojo.bench.summarize`; "
        "the commands, and how to read the tables and plots, are on [Running it](../benchmark.md)."
    )
    if missing:
        lead += " No curve is committed for " + ", ".join(missing) + "."
    return text.replace(f"{title}\n", f"{title}\n\n{lead}\n", 1).rstrip() + "\n"


def quick_results_page(docs_dir: Path) -> str:
    """``results/quick.md``: the summary of the committed quick suite, with its learning curves."""
    return results_page(docs_dir, QUICK_RESULTS, "# Results, quick suite", "quick")


def full_results_page(docs_dir: Path) -> str:
    """``results/full.md``: the summary of the committed five-seed run of the full suite, with its curves."""
    title = "# Results, full suite"
    text = results_page(docs_dir, FULL_RESULTS, title, "full")
    archive = (
        f"This run trains each run in one `learn` call. An earlier five-seed run of 2026-12-02, made while the "
        f"runner still trained in one `learn` call per curve point, is [kept as it was]({FULL_CHUNKED.name}.md); "
        f"the last one before the fair benchmark "
        f"(2026-11-25) [too]({FULL_ARCHIVE})."
    )
    return text.replace(f"{title}\n", f"{title}\n\n{archive}\n", 1)


def full_chunked_results_page(docs_dir: Path) -> str:
    """``results/full-2026-12-02.md``: the five-seed run of 2026-12-02, kept with the runner's caveat of that day."""
    title = "# Results, full suite of 2026-12-02 (one learn call per curve point)"
    text = results_page(docs_dir, FULL_CHUNKED, title, "full")
    caveat = (
        '!!! warning "Trained in one `learn` call per curve point"\n'
        "    These 310 runs (every one ok, 14,301 CPU seconds) were made by the runner as it was until "
        "2026-12-02: it called `learn(budget / eval_points, reset_num_timesteps=False)` once per curve "
        "point. That restarted our DQN's epsilon and our PPO's learning-rate annealing in every call, "
        "and squeezed SB3's schedules (epsilon, rl-zoo3's linear learning rates and clip ranges) into "
        "the first call, so these numbers are not what a single `learn(budget)` gives. The runner now "
        "trains in one call (see [Running it](../benchmark.md#measured)); [the current page](full.md) "
        "shows the runs made since."
    )
    return text.replace(f"{title}\n", f"{title}\n\n{caveat}\n", 1)


def performance_page(docs_dir: Path) -> str:
    """``performance.md``: the committed throughput measurement, a table per area."""
    path = docs_dir / THROUGHPUT
    title = "# Performance"
    if not path.exists():
        return (
            f"{title}\n\nNo throughput measurement is committed yet: this page is made from "
            f"`docs/{THROUGHPUT.as_posix()}`, which `python -m benchmarks.throughput --out DIR` writes.\n"
        )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # benchmarks/ is a checkout's package, not an installed one
    from benchmarks.throughput import PREFIX, markdown_table

    payload = json.loads(path.read_text(encoding="utf-8"))
    machine = payload.get("machine") or {}
    date = str(payload.get("date", "?"))
    with contextlib.suppress(ValueError):  # else shown as written
        date = datetime.fromisoformat(date).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    seconds = payload.get("seconds")
    about = [
        ("date", date),
        ("machine", f"{machine.get('host', '?')}: {machine.get('cpu', '?')}, {machine.get('cpus', '?')} CPUs"),
        ("Python", str(machine.get("python", "?"))),
        ("platform", str(machine.get("platform", "?"))),
        ("command", f"`python -m benchmarks.throughput --seconds {seconds:g}`" if seconds else "?"),
    ]
    parts = [
        title,
        "",
        "Env steps (and render frames, and agent steps) per second of rldojo against its peers: PettingZoo, "
        "OpenSpiel, RLCard and stable-baselines3. Ours and the peer are measured side by side in one process, "
        "interleaved. **ratio = ours / peer** (higher is better); *met?* says whether the ratio reaches the goal.",
        "",
        table(about[0], about[1:]),
        "",
    ]
    by_module: dict[str, list[dict]] = {}
    for row in payload.get("rows", []):
        by_module.setdefault(str(row.get("module", "?")), []).append(row)
    if not by_module:
        parts += ["The file holds no rows.", ""]
    for module, rows in by_module.items():
        area = module.rsplit(".", 1)[-1].removeprefix(PREFIX)
        parts += [f"## {area}", "", f"`{module}`", "", markdown_table(rows), ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- all pages


def page_paths() -> list[str]:
    """The path under docs/ of every generated page (as mkdocs.yml's nav names them)."""
    return [
        *(f"envs/{page.slug}.md" for page in ENV_PAGES.values()),
        "envs/index.md",
        "agents/index.md",
        *(f"agents/{slug}.md" for slug in AGENT_PAGES),
        "reference/index.md",
        *REFERENCE_PAGES,
        "results/quick.md",
        "results/full.md",
        f"{FULL_CHUNKED.as_posix()}.md",
        "performance.md",
    ]


def pages(docs_dir: Path = DOCS) -> dict[str, str]:
    """Every generated page: its path under docs/ and its Markdown."""
    documented = documented_identifiers()
    out = {f"envs/{page.slug}.md": env_page(env_id, documented) for env_id, page in ENV_PAGES.items()}
    out["envs/index.md"] = envs_index()
    out["agents/index.md"] = agents_index()
    out |= {f"agents/{slug}.md": agent_page(slug, documented) for slug in AGENT_PAGES}
    out["reference/index.md"] = reference_index()
    out |= {path: reference_page(page) for path, page in REFERENCE_PAGES.items()}
    out["results/quick.md"] = quick_results_page(docs_dir)
    out["results/full.md"] = full_results_page(docs_dir)
    out[f"{FULL_CHUNKED.as_posix()}.md"] = full_chunked_results_page(docs_dir)
    out["performance.md"] = performance_page(docs_dir)
    assert sorted(out) == sorted(page_paths())
    return {path: tidy([text]) for path, text in out.items()}


def main_gen_files() -> None:
    """Run by mkdocs-gen-files: the pages become part of the build, nothing is written to docs/."""
    import mkdocs_gen_files

    docs_dir = Path(mkdocs_gen_files.config["docs_dir"])
    for path, text in pages(docs_dir).items():
        with mkdocs_gen_files.open(path, "w") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the generated pages to a folder, to look at them.")
    parser.add_argument("--out", required=True, help="a folder outside docs/")
    parser.add_argument("--docs", default=str(DOCS), help="the docs folder the results are read from")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    if out == DOCS or DOCS in out.parents:
        parser.error("--out must be outside docs/: the pages are virtual there")
    for path, text in pages(Path(args.docs)).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(target)
    return 0


if __name__ == "<run_path>":  # mkdocs-gen-files runs the script with runpy.run_path
    main_gen_files()
elif __name__ == "__main__":
    sys.exit(main())
