"""``python -m rldojo.gtp``: the same as ``rldojo gtp``."""

import sys

from rldojo.gtp.command import main

sys.exit(main(prog="python -m rldojo.gtp"))
