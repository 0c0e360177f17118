"""The framework behind every exercise check.

A check prints one short line when the answer is right, prints ``"<exercise>: not
attempted yet ..."`` when the stub is untouched (the function still raises
``NotImplementedError``, or the value is still ``...``), and otherwise raises
:class:`ExerciseFailed`, whose message says what was expected, what was got, and a
hint. In Jupyter the failure shows as those few lines, not a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

NOT_ATTEMPTED = "not attempted yet"


class ExerciseFailed(AssertionError):
    """A wrong answer. The message says what was expected, what was got, and a hint."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: the student sees only the message.
        return [f"\x1b[0;31mExerciseFailed\x1b[0m: {line}" if i == 0 else f"  {line}" for i, line in enumerate(str(self).splitlines())]


def _as_array(value: Any) -> np.ndarray | None:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _show(value: Any) -> str:
    array = _as_array(value)
    if array is None:
        return repr(value)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    return np.array2string(array, precision=6, separator=", ") + f" (shape {array.shape})"


def _not_attempted(name: str, what: str) -> None:
    print(f"{name}: {NOT_ATTEMPTED} ({what})")


def _fail(name: str, problem: str, hint: str) -> ExerciseFailed:
    return ExerciseFailed(f"{name}: {problem}" + (f"\nHint: {hint}" if hint else ""))


def _compare(name: str, got: Any, expected: Any, rtol: float, atol: float, hint: str, where: str) -> None:
    if isinstance(expected, (bool, str)):
        if got != expected or type(got) is not type(expected):
            raise _fail(name, f"expected {expected!r}{where}, got {got!r}", hint)
        return
    want = _as_array(expected)
    have = None if isinstance(got, (bool, str)) else _as_array(got)
    if want is None:
        raise TypeError(f"expected value for {name} is not numeric: {expected!r}")
    if have is None:
        raise _fail(name, f"expected a number or array{where}, got {type(got).__name__} {got!r}", hint)
    if have.shape != want.shape:
        raise _fail(name, f"expected shape {want.shape}{where}, got shape {have.shape}: {_show(got)}", hint)
    if not np.all(np.isfinite(have)):
        raise _fail(name, f"your answer{where} contains NaN or inf: {_show(got)}", hint)
    if not np.allclose(have, want, rtol=rtol, atol=atol):
        raise _fail(name, f"expected {_show(expected)}{where}, got {_show(got)}", hint)


def check_value(
    name: str,
    got: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str = "",
) -> None:
    """Check a value the student computed against a reference computed independently.

    Args:
        name: the exercise's name, shown in every message.
        got: the student's value; ``...`` (Ellipsis) means "not attempted yet".
        expected: the reference value (number, array, tensor, bool or str).
        rtol, atol: tolerances for numbers, as in ``numpy.allclose``.
        hint: one sentence that helps a student who got it wrong.

    Returns:
        None. Prints ``"<name>: correct"``, or ``"<name>: not attempted yet (...)"``.

    Raises:
        ExerciseFailed: wrong value, wrong shape, NaN, or wrong type.
    """
    if got is Ellipsis:
        return _not_attempted(name, "replace the ... with your answer")
    _compare(name, got, expected, rtol, atol, hint, "")
    print(f"{name}: correct")


def check_function(
    name: str,
    func: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Iterable[Sequence[Any]],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str = "",
) -> None:
    """Call the student's ``func`` and an independent ``reference`` on every case and compare.

    Args:
        name: the exercise's name, shown in every message.
        func: the student's function. If it raises ``NotImplementedError`` (the
            stub), the exercise counts as not attempted.
        reference: computes the right answer another way (e.g. autograd or a closed form).
        cases: argument tuples; each is passed as ``func(*case)``.
        rtol, atol: tolerances, as in ``numpy.allclose``.
        hint: one sentence that helps a student who got it wrong.

    Returns:
        None. Prints ``"<name>: correct (N cases checked)"``, or ``"<name>: not attempted yet (...)"``.

    Raises:
        ExerciseFailed: a case disagrees, or the student's function raised; the
            message names the case, the expected and the received value.
        TypeError: ``func`` or ``reference`` is not callable.
    """
    if not callable(func):
        if func is Ellipsis:
            return _not_attempted(name, "write the function")
        raise TypeError(f"{name}: expected a function, got {type(func).__name__}")
    if not callable(reference):
        raise TypeError(f"reference for {name} must be callable, got {type(reference).__name__}")
    cases = [tuple(case) for case in cases]
    if not cases:
        raise ValueError(f"cases for {name} must contain at least one argument tuple")
    for case in cases:
        where = " for input " + ", ".join(_show(arg) for arg in case)
        try:
            got = func(*case)
        except NotImplementedError:
            return _not_attempted(name, "fill in the function, then run this cell again")
        except Exception as error:  # the student's code failed: say how, briefly
            raise _fail(name, f"your function raised {type(error).__name__}: {error}{where}", hint) from None
        _compare(name, got, reference(*case), rtol, atol, hint, where)
    print(f"{name}: correct ({len(cases)} case{'s' if len(cases) != 1 else ''} checked)")
