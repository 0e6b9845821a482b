"""The pygame helpers every rldojo renderer shares.

pygame is imported only when something is drawn, so environments without a
render mode never touch it. Everything works headless with ``SDL_VIDEODRIVER=dummy``.
"""

from __future__ import annotations

import numpy as np
from gymnasium.error import DependencyNotInstalled

# One palette for the whole suite, so the environments look like one family.
BACKGROUND = (245, 244, 238)
GRID_LINE = (60, 60, 60)
WALL = (48, 52, 64)
FREE = (236, 233, 222)
EXIT = (76, 175, 80)
AGENT = (220, 60, 50)
TRAIL = (250, 200, 120)
TEXT = (25, 25, 25)
MUTED = (130, 130, 130)
HIGHLIGHT = (66, 133, 244)


def import_pygame():
    """Return the pygame module, or raise a clear error naming how to get it."""
    try:
        import os

        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame
    except ImportError as error:  # pragma: no cover - pygame is a dependency
        raise DependencyNotInstalled("pygame is not installed; rendering needs it: run `pip install pygame`") from error
    return pygame


def surface_to_array(surface) -> np.ndarray:
    """A pygame surface as an (height, width, 3) uint8 array, a fresh copy."""
    pygame = import_pygame()
    return np.ascontiguousarray(np.transpose(pygame.surfarray.pixels3d(surface), (1, 0, 2))).copy()


def font(size: int):
    """pygame's default font at ``size`` pixels, initialising the font module once."""
    pygame = import_pygame()
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(None, size)


class Window:
    """A pygame window for ``human`` mode: opened on first use, closed any number of times."""

    def __init__(self, title: str, fps: int):
        self.title = title
        self.fps = fps
        self._screen = None
        self._clock = None

    def show(self, surface) -> None:
        pygame = import_pygame()
        if self._screen is None:
            pygame.display.init()
            pygame.display.set_caption(self.title)
            self._screen = pygame.display.set_mode(surface.get_size())
            self._clock = pygame.time.Clock()
        elif self._screen.get_size() != surface.get_size():
            self._screen = pygame.display.set_mode(surface.get_size())
        self._screen.blit(surface, (0, 0))
        pygame.event.pump()
        pygame.display.flip()
        self._clock.tick(self.fps)

    @property
    def is_open(self) -> bool:
        return self._screen is not None

    def close(self) -> None:
        if self._screen is not None:
            pygame = import_pygame()
            pygame.display.quit()
            self._screen = None
            self._clock = None
