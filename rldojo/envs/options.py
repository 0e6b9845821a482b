"""The one option checker: every env, rules class and agent refuses a bad value the same way.

It imports only numpy, so rules modules (which must not import Gymnasium) can use it too;
:mod:`rldojo.envs.common` re-exports it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["check_choice", "check_integer", "check_number", "check_render_mode"]


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


def check_integer(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an int from ``low`` to ``high`` (no upper bound if None), else a ValueError naming ``name``.

    A Python or numpy integer is accepted; a bool, a float (even ``3.0``) or a string is not.
    """
    integer = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if integer and low <= value and (high is None or value <= high):
        return int(value)
    allowed = f"from {low} to {high}" if high is not None else f"of at least {low}"
    raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")


def check_number(name: str, value: Any, positive: bool = False) -> float:
    """``value`` as a finite float (greater than 0 if ``positive``), else a ValueError naming ``name``.

    A Python or numpy real number is accepted; a bool, a string, nan and ±inf are not.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and (number > 0 or not positive):
            return number
    allowed = "a finite number greater than 0" if positive else "a finite number"
    raise ValueError(f"{name} must be {allowed}, got {value!r}")
