"""The one option checker: every env, rules class and agent refuses a bad value the same way.

It imports nothing, so rules modules (which must not import Gymnasium) can use it too;
:mod:`rldojo.envs.common` re-exports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["check_choice", "check_render_mode"]


def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> None:
    """A ValueError naming the argument, its allowed values and the value given, when ``value`` is not allowed."""
    allowed = tuple(allowed)
    try:
        ok = value in allowed
    except TypeError:  # an unhashable or incomparable value
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def check_render_mode(render_mode: str | None, metadata: dict) -> None:
    """The check every env's ``render_mode`` argument gets: None or one of ``metadata["render_modes"]``."""
    if render_mode is not None and render_mode not in metadata["render_modes"]:
        raise ValueError(
            f"render_mode must be None or one of {', '.join(map(repr, metadata['render_modes']))}, got {render_mode!r}"
        )
