"""Argument checks shared by the helpers: each error names the argument and what was expected."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def as_float_array(value: Any, name: str, *, ndim: int | Sequence[int] | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array, checking dimensions and finiteness.

    Accepts Python numbers, sequences, NumPy arrays and torch tensors.

    Raises:
        TypeError: ``value`` is not numeric.
        ValueError: wrong number of dimensions, or a NaN/inf entry.
    """
    if hasattr(value, "detach"):  # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be numeric (a number, list, array or tensor), got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric (a number, list, array or tensor), got {type(value).__name__}") from error
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {expected} dimension(s), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must be finite, but {bad} entr{'y is' if bad == 1 else 'ies are'} NaN or inf")
    return array


def positive_number(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite number > 0.

    Raises:
        TypeError: not a real number.
        ValueError: zero, negative, NaN or inf.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` after checking it is an int >= 1.

    Raises:
        TypeError: not an integer.
        ValueError: less than 1.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)
