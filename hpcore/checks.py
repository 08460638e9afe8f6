"""Argument checks every entry point shares, each raising an error that names the argument and what it takes.

Rules:
- a count is an int (never a bool) of at least `minimum`; `None` passes only where `optional`;
- a number is a real number (never a bool); `finite` refuses NaN and the infinities;
- a seed is an int from 0 to 2**32 - 1, the largest seed every engine takes (numpy's), or None;
- every check raises `error` (InvalidArgument unless told), so a backend's own option checks
  and a sweep config's checks say the same thing the same way.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from hpcore.errors import InvalidArgument

MAX_SEED = 2**32 - 1


def is_count(value: Any, minimum: int = 1) -> bool:
    """An int, not a bool, of at least `minimum`."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def is_number(value: Any, *, finite: bool = True) -> bool:
    """A real number, not a bool (a numpy real counts); with `finite`, neither NaN nor infinite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return not finite or math.isfinite(value)


def check_count(
    name: str,
    value: Any,
    *,
    minimum: int = 1,
    optional: bool = False,
    error: type[Exception] = InvalidArgument,
) -> None:
    """Refuse anything but an int of at least `minimum` (or None, where `optional`)."""
    if optional and value is None:
        return
    if not is_count(value, minimum):
        alternative = " or None" if optional else ""
        raise error(f"{name} must be an int of at least {minimum}{alternative}, got {value!r}.")


def check_seconds(name: str, value: Any, *, error: type[Exception] = InvalidArgument) -> None:
    """Refuse anything but a positive number of seconds, or None."""
    if value is not None and not (is_number(value, finite=False) and value > 0):  # NaN is not > 0
        raise error(f"{name} must be a positive number of seconds or None, got {value!r}.")


def check_seed(value: Any, *, name: str = "seed", error: type[Exception] = InvalidArgument) -> None:
    """Refuse anything but an int from 0 to 2**32 - 1, or None."""
    if value is not None and not (is_count(value, 0) and value <= MAX_SEED):
        raise error(f"{name} must be an int from 0 to 2**32 - 1, or None, got {value!r}.")


def check_exception_classes(name: str, value: Any) -> tuple[type[BaseException], ...]:
    """An exception class or a tuple of them, as a tuple."""
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise InvalidArgument(f"{name} must be an exception class or a tuple of them, got {value!r}.")
    return items
