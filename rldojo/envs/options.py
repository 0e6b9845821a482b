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

__all__ = ["check_choice", "check_integer", "check_number", "check_render_mode", "check_reset_options"]


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


def check_number(
    name: str, value: Any, positive: bool = False, low: float | None = None, high: float | None = None
) -> float:
    """``value`` as a finite float, else a ValueError naming ``name``.

    A Python or numpy real number is accepted; a bool, a string, nan and ±inf are not.

    :param positive: the number must be greater than 0
    :param low: the number must be at least ``low`` (None: no lower bound)
    :param high: the number must be at most ``high`` (None: no upper bound)
    """
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
        if (
            math.isfinite(number)
            and (number > 0 or not positive)
            and (low is None or number >= low)
            and (high is None or number <= high)
        ):
            return number
    bounds = []
    if positive:
        bounds.append("greater than 0")
    if low is not None and high is not None:
        bounds.append(f"in [{low:g}, {high:g}]")
    elif low is not None:
        bounds.append(f"of at least {low:g}")
    elif high is not None:
        bounds.append(f"of at most {high:g}")
    allowed = " ".join(["a finite number", *bounds])
    raise ValueError(f"{name} must be {allowed}, got {value!r}")


def check_reset_options(options: Any, known: Iterable[str], ignored: Iterable[str] = ()) -> dict:
    """``reset``'s ``options`` as a dict (``{}`` for None), else a ValueError; an unknown key is refused.

    The ValueError names the unknown keys and lists the known ones (or says there are none), so a
    typo such as ``"strat"`` for ``"start"`` never silently does nothing. The known keys' values are
    the env's to check.

    :param ignored: keys accepted and ignored, not listed: the AEC envs pass ``("options",)``, the
        key PettingZoo's ``api_test`` sends to see that ``reset`` takes options
    """
    known = tuple(known)
    listed = f"the known keys are {', '.join(map(repr, known))}" if known else "this env takes no reset options"
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ValueError(f"reset options must be None or a dict ({listed}), got {options!r}")
    ignored = tuple(ignored)
    unknown = [key for key in options if key not in known and key not in ignored]
    if unknown:
        raise ValueError(f"unknown reset option(s) {', '.join(map(repr, unknown))}: {listed}")
    return options
