"""The suite's progress display: a tqdm bar over runs, or one line per finished run where stderr is no terminal."""

from __future__ import annotations

import sys

from rldojo.bench.plan import RunSpec
from rldojo.bench.store import last_line


class Progress:
    """A tqdm bar over runs, with an ETA and the names of the runs in flight.

    Where stderr is no terminal (CI logs, a file) it prints one line per finished run instead.
    """

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.total = total
        self.count = 0
        self.enabled = enabled
        self.running: list[str] = []
        if enabled and total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", dynamic_ncols=True, file=sys.stderr, smoothing=0.1)

    def _show(self):
        if self.bar is not None and self.running:  # between two runs, keep the last name up
            names = self.running[:1] + ([f"+{len(self.running) - 1}"] if len(self.running) > 1 else [])
            self.bar.set_postfix_str(" ".join(names), refresh=True)

    def start(self, spec: RunSpec):
        self.running.append(spec.name)
        self._show()

    def finish(self, record: dict):
        self.count += 1
        if record["name"] in self.running:
            self.running.remove(record["name"])
        failure = f": {last_line(record.get('error'))}" if record["status"] != "ok" else ""
        if self.bar is not None:
            if failure:
                self.bar.write(f"failed: {record['name']}{failure}")
            self.bar.update(1)
            self._show()
        elif self.enabled:
            print(
                f"[{self.count}/{self.total}] {record['status']:6} {record['name']} "
                f"({record['env_steps']:,} steps, {record['wall_time']:.1f}s){failure}",
                file=sys.stderr,
                flush=True,
            )

    def close(self):
        if self.bar is not None:
            self.bar.close()
