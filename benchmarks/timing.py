"""The one interleaved timer of the throughput benchmarks: contestants measured side by side, in alternated slices.

A contestant is a ``burst() -> count`` function that does a small piece of work (a few
hundred env steps, one solver iteration, a slice of training) and says how much it did.
:func:`interleave` runs the contestants in rounds, each for a slice of time per round, the
order reversed every other round, until each has run ``seconds`` in all; a busy machine so
slows them all alike, and the ratios of their rates hold. Only the bursts are timed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SLICES = 20  # slices per contestant, by default


@dataclass
class Tally:
    """What one contestant did: work counted, seconds spent, and the rate of each round."""

    count: float = 0.0
    seconds: float = 0.0
    round_rates: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Work per second over all rounds."""
        return self.count / self.seconds

    @property
    def median_rate(self) -> float:
        """The median of the rounds' rates."""
        return statistics.median(self.round_rates)


def interleave(
    contestants: dict[str, Callable[[], float]], seconds: float, slice_seconds: float | None = None, rounds: int = 1
) -> dict[str, Tally]:
    """Time ``contestants`` side by side; a :class:`Tally` per name (``.rate`` is work per second).

    :param seconds: each contestant's total time; rounds go on until every one has spent it
    :param slice_seconds: each contestant's time per round, at least one burst (default ``seconds / SLICES``);
        0 makes a round one burst each
    :param rounds: at least this many rounds
    """
    if slice_seconds is None:
        slice_seconds = seconds / SLICES
    tallies = {name: Tally() for name in contestants}
    order = list(contestants)
    done = 0
    # a hair of tolerance: SLICES slices of seconds / SLICES each add up to seconds
    while done < rounds or min(t.seconds for t in tallies.values()) < seconds * (1 - 1e-9):
        for name in order if done % 2 == 0 else reversed(order):  # a drift in load hits all
            burst, tally = contestants[name], tallies[name]
            count = 0.0
            started = time.perf_counter()
            while True:
                count += burst()
                elapsed = time.perf_counter() - started
                if elapsed >= slice_seconds:
                    break
            tally.count += count
            tally.seconds += elapsed
            tally.round_rates.append(count / elapsed)
        done += 1
    return tallies
