"""Env steps (and render frames) per second of every rldojo env against its peers, in one table.

::

    python -m benchmarks.throughput                      # every benchmarks/throughput_*.py
    python -m benchmarks.throughput --only go,cards --seconds 5 --out results/throughput

Each ``benchmarks/throughput_<area>.py`` module defines ``rows(seconds) -> list[dict]``
and measures its envs and their peers side by side, interleaved, in one process. This
command calls every module (or the ``--only`` ones) in turn, prints one table (env,
what, ours, peer, peer value, ratio, goal, met?) and writes ``throughput.json`` and
``throughput.md`` to ``--out``. A module that fails becomes a row that says so.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from rldojo.bench.execute import limit_threads, machine_info

PREFIX = "throughput_"
FIELDS = ("env", "what", "ours", "peer", "peer_value", "ratio", "goal")
HEADER = ("env", "what", "ours", "peer", "peer value", "ratio", "goal", "met?")


def discover(directory: str | os.PathLike | None = None) -> dict[str, str]:
    """{area: module name} of the ``throughput_<area>.py`` modules in ``directory`` (default: benchmarks/).

    A directory other than the package's is put on ``sys.path`` and its modules imported by bare name.
    """
    if directory is None:
        import benchmarks

        paths, package = list(benchmarks.__path__), "benchmarks."
    else:
        directory = str(Path(directory).resolve())
        if directory not in sys.path:
            sys.path.insert(0, directory)
        paths, package = [directory], ""
    found = {}
    for info in sorted(pkgutil.iter_modules(paths), key=lambda m: m.name):
        if info.name.startswith(PREFIX) and len(info.name) > len(PREFIX):
            found[info.name[len(PREFIX) :]] = package + info.name
    return found


def _failure_row(area: str, module: str, what: str, error: str) -> dict:
    return {
        "module": module,
        "env": area,
        "what": what,
        "ours": None,
        "peer": None,
        "peer_value": None,
        "ratio": None,
        "goal": None,
        "error": error,
    }


def _number(value):
    return None if value is None else float(value)


def measure(module_name: str, area: str, seconds: float) -> list[dict]:
    """The rows of one module, checked; an import error, a crash or a malformed answer becomes a failure row."""
    try:
        module = importlib.import_module(module_name)
        limit_threads()
        rows = module.rows(seconds)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise TypeError(f"rows() must return a list of dicts, got {type(rows).__name__}")
        clean = []
        for row in rows:
            missing = [name for name in ("env", "what", "ours") if name not in row]
            if missing:
                raise ValueError(f"a row lacks {', '.join(missing)}: {row!r}")
            item = {"module": module_name, **row}
            for name in ("ours", "peer_value", "ratio", "goal"):
                item[name] = _number(row.get(name))
            item.setdefault("peer", None)
            if item["ratio"] is None and item["ours"] is not None and item["peer_value"]:
                item["ratio"] = item["ours"] / item["peer_value"]
            clean.append(item)
        return clean
    except Exception as error:
        return [
            _failure_row(area, module_name, f"module failed: {type(error).__name__}: {error}", traceback.format_exc())
        ]


def met(row: dict) -> str:
    """Whether a row's ratio reaches its goal: yes, NO, n/a (no ratio) or — (no goal)."""
    if row.get("goal") is None:
        return "—"
    if row.get("ratio") is None:
        return "n/a"
    return "yes" if row["ratio"] >= row["goal"] else "NO"


def _fmt(value, ratio: bool = False) -> str:
    if value is None:
        return "—"
    if ratio:
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def cells(row: dict) -> list[str]:
    peer = row.get("peer") or "—"
    note = row.get("note")
    what = str(row.get("what", ""))
    return [
        str(row.get("env", "")),
        what + (f" ({note})" if note else ""),
        _fmt(row.get("ours")),
        str(peer),
        _fmt(row.get("peer_value")),
        _fmt(row.get("ratio"), ratio=True),
        _fmt(row.get("goal"), ratio=True),
        met(row),
    ]


def markdown_table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---|---:|---|---:|---:|---:|---|"]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |")
    return "\n".join(lines)


def text_table(rows: list[dict]) -> str:
    """The table with aligned columns, for the terminal."""
    table = [list(HEADER)] + [cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    right = {2, 4, 5, 6}
    out = []
    for number, line in enumerate(table):
        out.append(
            "  ".join(
                c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in out)


def run_throughput(
    seconds: float = 2.0,
    only: list[str] | None = None,
    out: str | os.PathLike | None = None,
    directory: str | os.PathLike | None = None,
    echo=print,
) -> list[dict]:
    """Measure every (or every ``only``) module; write throughput.json and throughput.md to ``out``."""
    modules = discover(directory)
    if only is not None:
        unknown = sorted(set(only) - set(modules))
        if unknown:
            raise ValueError(
                f"--only: no throughput module for {', '.join(map(repr, unknown))}; "
                f"available: {', '.join(modules) or '(none)'}"
            )
        modules = {area: name for area, name in modules.items() if area in only}
    rows: list[dict] = []
    for area, name in modules.items():
        echo(f"measuring {name} ({seconds:g}s a measurement)...")
        rows += measure(name, area, seconds)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        payload = {
            "date": stamp,
            "machine": machine_info(),
            "seconds": seconds,
            "modules": list(modules.values()),
            "rows": rows,
        }
        (out / "throughput.json").write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
        machine = payload["machine"]
        (out / "throughput.md").write_text(
            f"# Throughput\n\nMeasured {stamp} on {machine['host']} ({machine['cpu']}, {machine['cpus']} CPUs) by "
            f"`python -m benchmarks.throughput --seconds {seconds:g}`. Ours and the peer are measured side by side "
            "in one process, interleaved; ratio = ours / peer (higher is better), met? = ratio ≥ goal.\n\n"
            + markdown_table(rows)
            + "\n"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement (default 2)")
    parser.add_argument("--only", help="comma-separated areas (the <area> of throughput_<area>.py)")
    parser.add_argument("--out", default="results/throughput", help="folder for throughput.json and .md")
    parser.add_argument("--list", action="store_true", help="list the throughput modules and stop")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # render rows run headless
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    if args.list:
        for area, name in discover().items():
            print(f"{area}: {name}")
        return 0
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    only = None if args.only is None else [a.strip() for a in args.only.split(",") if a.strip()]
    try:
        rows = run_throughput(args.seconds, only, args.out, echo=lambda text: print(text, file=sys.stderr))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(text_table(rows))
    print(f"wrote {Path(args.out) / 'throughput.json'} and throughput.md", file=sys.stderr)
    failed = [row for row in rows if str(row.get("what", "")).startswith("module failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
