"""The house rules, read from the source with ``ast`` (no code is run): dependencies point one way.

cli -> bench -> baselines -> envs; no import cycle anywhere in ``rldojo/``; rules modules
import neither Gymnasium nor pygame; no module reaches into another module's private names.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rldojo"

# Layers, top first: a module may import its own layer and the ones below it, never one above.
LAYERS = ("rldojo.cli", "rldojo.gtp", "rldojo.bench", "rldojo.baselines", "rldojo.envs")

# The rules of each game: plain Python and numpy, for agents, tests and oracles to use directly.
RULES_MODULES = (
    "rldojo.envs.maze.rules",
    "rldojo.envs.maze.layouts",
    "rldojo.envs.maze.generator",
    "rldojo.envs.go.board",
    "rldojo.envs.cards.games",
    "rldojo.envs.cards.analysis",
    "rldojo.envs.cards.batched",
    "rldojo.envs.bandit.rules",
    "rldojo.envs.chatbot.queries",
    "rldojo.envs.options",
)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import statement, at any depth, in one file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import: resolve it against this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule, None) if submodule in known else (base, alias.name))
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (an import of a package points at its ``__init__``)."""
    modules = package_modules(root)
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        graph[name] = {target for target, _ in imports_of(name, path, known) if target in known and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def layer_of(module: str) -> int | None:
    for rank, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in graph.items():
        mine = layer_of(module)
        for target in targets:
            theirs = layer_of(target)
            if mine is not None and theirs is not None and theirs < mine:
                bad.append(f"{module} imports {target}")
    return sorted(bad)


# --------------------------------------------------------------------------- the checker can fail


def test_find_cycle_finds_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_checker_sees_an_env_importing_an_agent(tmp_path):
    root = tmp_path / "rldojo"
    for folder in ("envs", "baselines"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "baselines" / "dqn.py").write_text("from rldojo.envs import maze\n")
    (root / "envs" / "maze.py").write_text("def f():\n    from rldojo.baselines.dqn import DQN\n")
    graph = import_graph(root)
    assert upward_imports(graph) == ["rldojo.envs.maze imports rldojo.baselines.dqn"]
    assert find_cycle(graph) == ["rldojo.baselines.dqn", "rldojo.envs.maze", "rldojo.baselines.dqn"]


# --------------------------------------------------------------------------- the house


def test_no_import_cycle_in_the_package():
    assert find_cycle(import_graph()) is None


def test_dependencies_point_one_way():
    assert upward_imports(import_graph()) == []


def test_rules_import_neither_gymnasium_nor_pygame():
    modules = package_modules()
    known = set(modules)
    for name in RULES_MODULES:
        imported = {target.split(".")[0] for target, _ in imports_of(name, modules[name], known)}
        assert not imported & {"gymnasium", "pygame", "torch"}, f"{name} imports {imported & {'gymnasium', 'pygame'}}"


def test_no_module_imports_another_modules_private_names():
    modules = package_modules()
    known = set(modules)
    bad = [
        f"{name}: from {target} import {imported}"
        for name, path in modules.items()
        for target, imported in imports_of(name, path, known)
        if imported and imported.startswith("_") and not imported.startswith("__") and target.startswith("rldojo")
    ]
    assert bad == []


# --------------------------------------------------------------------------- the public face


def test_public_api_imports():
    from rldojo import ENV_IDS, evaluate, load_agent, make_agent
    from rldojo.baselines import (  # noqa: F401
        A2C,
        CFR,
        DQN,
        PPO,
        UCB,
        Agent,
        CFRPlus,
        EpsilonGreedy,
        ExpectedSarsa,
        GradientBandit,
        QLearning,
        Reinforce,
        Sarsa,
        SelfPlaySarsa,
        ThompsonSampling,
        defaults,
    )
    from rldojo.baselines import load_agent as load_agent_too
    from rldojo.baselines import make_agent as make_agent_too
    from rldojo.envs import (  # noqa: F401
        BanditEnv,
        CartPolePixelsEnv,
        ChatbotFeedbackEnv,
        GoEnv,
        KuhnPokerEnv,
        LeducHoldemEnv,
        MazeEnv,
    )

    assert make_agent is make_agent_too and load_agent is load_agent_too
    assert evaluate.__module__ == "rldojo.baselines.evaluation"
    assert "Maze-v0" in ENV_IDS and GoEnv.__name__ == "GoEnv"
    agent = make_agent("qlearning", "FrozenLake-v1", seed=0)
    assert isinstance(agent, QLearning)


@pytest.mark.parametrize("package", ["rldojo", "rldojo.baselines", "rldojo.envs", "rldojo.bench"])
def test_every_public_package_has_all_and_its_names_resolve(package):
    import importlib

    module = importlib.import_module(package)
    assert module.__all__, f"{package} has an empty __all__"
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"


def test_import_rldojo_does_not_import_torch():
    code = (
        "import sys, rldojo, rldojo.envs.go.board; "
        "print('torch' in sys.modules, 'gymnasium.envs.classic_control' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False", "import rldojo imported torch"
