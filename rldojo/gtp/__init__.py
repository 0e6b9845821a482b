"""rldojo as a Go program: ``rldojo gtp``, a GTP (Go Text Protocol, version 2) engine for any Go agent.

- :mod:`rldojo.gtp.protocol`: the protocol without the Go (reading commands, writing replies);
- :mod:`rldojo.gtp.engine`: the Go state and commands (:class:`~rldojo.gtp.engine.GoEngine`);
- :mod:`rldojo.gtp.players`: what chooses the moves (a saved agent, the search, a simple opponent);
- :mod:`rldojo.gtp.clock`: time settings and the time given to a move;
- :mod:`rldojo.gtp.command`: the command line, ``rldojo gtp`` (``python -m rldojo.gtp``).

This layer sits above the agents (it plays them) and below the ``rldojo`` command.
"""
