"""Test-wide settings: headless pygame, one torch thread and one BLAS thread, a non-interactive matplotlib."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import torch

# A second thread does not help on 2 cores, and changing the count mid-process is slow.
torch.set_num_threads(1)

from threadpoolctl import threadpool_limits  # noqa: E402

# Likewise for numpy's BLAS: its threads slow the small numpy kernels (PPO, DQN) ten-fold on a busy machine.
threadpool_limits(1)

import rldojo  # noqa: E402,F401  (registers the env ids)
