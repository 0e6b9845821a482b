"""benchmarks.timing, the throughput benchmarks' one interleaved timer: rounds, alternation, what it counts.

No assertion here is about speed: the bursts only record when they ran.
"""

from benchmarks.timing import interleave


def test_rounds_alternate_the_order_and_count_each_burst():
    calls = []

    def contestant(name, count):
        def burst():
            calls.append(name)
            return count

        return burst

    tallies = interleave({"a": contestant("a", 10), "b": contestant("b", 3)}, 0.0, slice_seconds=0.0, rounds=4)
    assert calls == ["a", "b", "b", "a", "a", "b", "b", "a"]  # one burst each a round, every other round reversed
    assert tallies["a"].count == 40 and tallies["b"].count == 12
    for tally in tallies.values():
        assert len(tally.round_rates) == 4 and tally.seconds > 0
        assert tally.rate == tally.count / tally.seconds
        assert min(tally.round_rates) <= tally.median_rate <= max(tally.round_rates)


def test_every_contestant_gets_its_seconds_in_slices():
    tallies = interleave({"a": lambda: 1, "b": lambda: 2}, 0.02, slice_seconds=0.005)
    for tally in tallies.values():
        assert tally.seconds >= 0.02 * (1 - 1e-9)  # however slow the machine, each gets its seconds
        assert tally.count >= len(tally.round_rates)  # at least one burst a round
    assert len(tallies["a"].round_rates) == len(tallies["b"].round_rates)  # every round runs everyone
