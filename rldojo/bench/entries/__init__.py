"""The benchmark's entries, one module per family of environments, each defining ``ENTRIES: list[Entry]``.

:func:`rldojo.bench.suites.all_entries` gathers every module here.
"""
