"""The framework behind every exercise check.

A check prints one short line when the answer is right, prints ``"<exercise>: not
attempted yet ..."`` when the stub is untouched (the function still raises
``NotImplementedError``, or the value is still ``...``), and otherwise raises
:class:`ExerciseFailed`. In Jupyter the failure shows as a few lines, not a traceback:

- what is wrong, for which arguments (named: ``w=1.0, x=2.0, y=4.0``), with the first
  entry or step that differs and its neighbours rather than the whole array;
- ``Likely slip:`` the mistake recognised, in one line and without the solution: an entry
  of the exercise's catalogue of typical wrong answers (:class:`Mistake`), or a slip read
  from how the answer relates to the reference across the cases (a missing ``return``, a
  flipped sign, a constant factor such as N or 2, a transposed or broadcast shape, NaN,
  float32 or int where float64 is asked, a tensor where a number is asked, a function
  whose result changes between calls);
- ``Hint k of n:``: hints in steps. The first failure of an exercise shows the first (a
  nudge); each further failure in the same kernel shows the next one; the last step is the
  formula. :func:`hint` shows the next step on request (``hint("mse")``), and
  ``hint("mse", full=True)`` shows every step.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import math
import pkgutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NOT_ATTEMPTED = "not attempted yet"

#: Every exercise declared with :class:`Exercise`, by name (filled when a checker module is imported).
EXERCISES: dict[str, Exercise] = {}
#: Hint steps already shown per exercise in this kernel (failures and :func:`hint` calls).
_STEPS_SHOWN: dict[str, int] = {}


class ExerciseFailed(AssertionError):
    """A wrong answer. The message says what is wrong, the likely slip and a hint."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: the student sees only the message.
        lines: list[str] = []
        for i, line in enumerate(str(self).splitlines()):
            width = 84 - len("ExerciseFailed: ") if i == 0 else 84
            wrapped = textwrap.wrap(line, width=width, subsequent_indent="    ") or [""]
            for j, part in enumerate(wrapped):
                lines.append(f"\x1b[0;31mExerciseFailed\x1b[0m: {part}" if i == j == 0 else f"  {part}")
        return lines


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer to an exercise and the message that names it.

    Attributes:
        answer: the wrong answer, written as a student would (the same kind of object the
            checker takes: a function, a class or a value). The checker recognises the slip
            when the student's results equal this answer's results on every case; the unit
            tests feed it to the checker.
        message: one line that names the slip without giving the solution.
        detect: optional test on the student's object itself (e.g. "uses a loop"); when
            given, it is used instead of comparing results, and it fails even a right result.
    """

    answer: Any
    message: str
    detect: Callable[[Any], bool] | None = None


@dataclass
class Exercise:
    """One exercise: its name, its hints in steps (the last is the formula) and its mistakes."""

    name: str
    hints: Sequence[str]
    mistakes: Sequence[Mistake] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.hints:
            raise ValueError(f"hints for {self.name} must hold at least one step")
        EXERCISES[self.name] = self


def _exercise(name: str | Exercise, hint_text: str = "") -> Exercise:
    if isinstance(name, Exercise):
        return name
    if name in EXERCISES and not hint_text:
        return EXERCISES[name]
    ad_hoc = Exercise.__new__(Exercise)  # not registered: a check with a single hint
    ad_hoc.name, ad_hoc.hints, ad_hoc.mistakes = name, (hint_text,) if hint_text else (), ()
    return ad_hoc


def reset_hints(name: str | None = None) -> None:
    """Forget the hint steps shown (for one exercise, or all): the next failure starts at step 1."""
    if name is None:
        _STEPS_SHOWN.clear()
    else:
        _STEPS_SHOWN.pop(name, None)


def _next_hint(exercise: Exercise) -> str:
    """Return the next hint step as one line, and count it as shown."""
    hints = list(exercise.hints)
    if not hints:
        return ""
    step = min(_STEPS_SHOWN.get(exercise.name, 0) + 1, len(hints))
    _STEPS_SHOWN[exercise.name] = step
    if len(hints) == 1:
        return f"Hint: {hints[0]}"
    more = f' (next hint: check again, or hint("{exercise.name}"))' if step < len(hints) else ""
    return f"Hint {step} of {len(hints)}: {hints[step - 1]}{more}"


def _find_exercise(name: str) -> Exercise:
    if name not in EXERCISES:  # import every checker module once, so that every name is known
        import helpers.exercises as package

        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"helpers.exercises.{module.name}")
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"hint: name must be an exercise's name, one of {known}; got {name!r}")
    return EXERCISES[name]


def hint(name: str, *, full: bool = False) -> None:
    """Print the next hint for the exercise ``name`` (or, with ``full=True``, every step).

    Args:
        name: the exercise's name, as its check prints it (e.g. ``"mse"``).
        full: print all the steps, up to the formula, at once.

    Raises:
        ValueError: ``name`` is not an exercise of the course.
    """
    exercise = _find_exercise(name)
    if full:
        _STEPS_SHOWN[exercise.name] = len(exercise.hints)
        for step, text in enumerate(exercise.hints, start=1):
            print(_fill(f"{exercise.name}, hint {step} of {len(exercise.hints)}: {text}"))
        return
    print(_fill(f"{exercise.name}: {_next_hint(exercise)}"))


def _fill(text: str) -> str:
    """One printed hint, wrapped at 88 columns like every printed line of the course."""
    return textwrap.fill(text, width=88, subsequent_indent="    ", break_on_hyphens=False)


# ---------------------------------------------------------------------------- formatting


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _as_array(value: Any) -> np.ndarray | None:
    if _is_tensor(value):
        value = value.detach().cpu().double().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _number(x: float, digits: int = 6) -> str:
    """A number in at most ``digits`` significant digits, as Python would write a short float."""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    if "e" not in text and "." not in text and abs(x) < 1e16:
        text += ".0"
    return text


def _show(value: Any, digits: int = 6) -> str:
    """A value in a few characters: small arrays in full, large ones by their shape."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, np.integer)) and not isinstance(value, np.bool_):
        return repr(int(value)) if not isinstance(value, bool) else repr(value)
    if isinstance(value, (list, tuple)) and value and all(type(v) is int for v in value):
        return repr(value)
    array = _as_array(value)
    if array is None:
        return type(value).__name__ if callable(value) else repr(value)[:60]
    prefix = "tensor" if _is_tensor(value) else ""
    if array.ndim == 0:
        return prefix + ("(" if prefix else "") + _number(float(array), digits) + (")" if prefix else "")
    if array.size > 8:
        return f"{prefix or 'array'} of shape {tuple(array.shape)}"

    def nested(a: np.ndarray) -> str:
        if a.ndim == 1:
            return "[" + ", ".join(_number(float(v), digits) for v in a) + "]"
        return "[" + ", ".join(nested(row) for row in a) + "]"

    return f"{prefix}({nested(array)})" if prefix else nested(array)


def _arguments(names: Sequence[str], case: Sequence[Any]) -> str:
    if len(names) >= len(case):
        return ", ".join(f"{n}={_show(v)}" for n, v in zip(names[: len(case)], case, strict=True))
    return ", ".join(_show(v) for v in case)


def _parameter_names(func: Callable[..., Any]) -> list[str]:
    try:
        return [p.name for p in inspect.signature(func).parameters.values()]
    except (TypeError, ValueError):
        return []


def _precision(value: Any) -> str:
    """'tensor:float32', 'float64', 'int', ... : what kind of number the value holds."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, float):
        return "float64"
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        array = _as_array(value) if isinstance(value, (list, tuple)) else None
        if array is None:
            return "other"
        kinds = {_precision(v) for v in np.ravel(np.asarray(value, dtype=object))}
        return kinds.pop() if len(kinds) == 1 else "float64"
    text = str(dtype).replace("torch.", "")
    kind = "int" if "int" in text else text if text in ("float16", "float32", "float64", "bfloat16") else "other"
    return ("tensor:" if _is_tensor(value) else "") + kind


def _digits_to_tell_apart(got: np.ndarray, want: np.ndarray, close: np.ndarray) -> int:
    """6 significant digits, or more (up to 17) until every differing entry prints differently."""
    bad = ~np.asarray(close, dtype=bool)
    pairs = list(zip(np.ravel(want[bad]).tolist(), np.ravel(got[bad]).tolist(), strict=True))
    for digits in range(6, 18):
        if all(_number(w, digits) != _number(g, digits) for w, g in pairs):
            return digits
    return 17


def _describe_difference(
    got: np.ndarray, want: np.ndarray, close: np.ndarray, labels: Sequence[str] | None, row_name: str | None
) -> str:
    """'expected 7.5, got 30.0', or the first differing entry / row with its neighbours.

    Numbers get 6 significant digits, or as many as it takes for a differing entry to print
    differently from what was expected.
    """
    digits = _digits_to_tell_apart(got, want, close)
    if want.ndim == 0:
        return f"expected {_number(float(want), digits)}, got {_number(float(got), digits)}"
    if want.ndim == 1 and labels is not None and len(labels) == want.size:
        parts = ", ".join(f"{label}={_number(float(v), digits)}" for label, v in zip(labels, want, strict=True))
        have = ", ".join(f"{label}={_number(float(v), digits)}" for label, v in zip(labels, got, strict=True))
        return f"expected {parts}; got {have}"
    if want.ndim == 1 and want.size <= 4:
        return f"expected {_show(want, digits)}, got {_show(got, digits)}"
    if want.ndim == 2 and row_name is not None:
        rows = np.flatnonzero(~np.all(close, axis=1))
        first = int(rows[0])
        columns = labels if labels is not None and len(labels) == want.shape[1] else None

        def row(a: np.ndarray, i: int) -> str:
            digits = _digits_to_tell_apart(got[i], want[i], close[i])
            if columns is None:
                return _show(a[i], digits)
            return "[" + ", ".join(f"{c}={_number(float(v), digits)}" for c, v in zip(columns, a[i], strict=True)) + "]"

        lines = [f"first difference at {row_name} {first + 1} of {want.shape[0]}:"]
        for i in range(max(first - 1, 0), min(first + 2, want.shape[0])):
            mark = "same" if np.all(close[i]) else "differs"
            if mark == "same":
                lines.append(f"  {row_name} {i + 1}: {row(got, i)} (right)")
            else:
                lines.append(f"  {row_name} {i + 1}: expected {row(want, i)}, got {row(got, i)}")
        return "\n".join(lines)
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    flat = np.ravel_multi_index(index, want.shape)
    lo, hi = max(flat - 1, 0), min(flat + 2, want.size)
    neighbours = ", ".join(
        f"{[int(i) for i in np.unravel_index(k, want.shape)] if want.ndim > 1 else k}: "
        f"{_number(float(want.flat[k]), digits)} vs {_number(float(got.flat[k]), digits)}"
        for k in range(lo, hi)
    )
    where = list(index) if want.ndim > 1 else index[0]
    count = int(np.sum(~close))
    return (
        f"{count} of {want.size} entries differ; first at [{where if want.ndim == 1 else ', '.join(map(str, where))}]"
        f": expected {_number(float(want[index]), digits)}, got {_number(float(got[index]), digits)}"
        f"\n  (entry: expected vs got) {neighbours}"
    )


# ---------------------------------------------------------------------------- diagnosis


def _shape_slip(got_shape: tuple[int, ...], want_shape: tuple[int, ...]) -> str:
    if len(want_shape) == 2 and got_shape == want_shape[::-1] and want_shape[0] != want_shape[1]:
        return f"the result is transposed: shape {got_shape} where {want_shape} is asked (a .T too many or too few?)"
    if int(np.prod(got_shape)) > int(np.prod(want_shape)) and len(got_shape) >= 2:
        return (
            f"shape {got_shape} where {want_shape} is asked: arrays of shapes like (n,) and (n, 1) "
            "were combined, and broadcasting made a table of every pair"
        )
    if [s for s in got_shape if s != 1] == [s for s in want_shape if s != 1]:
        return f"the right size but shape {got_shape} where {want_shape} is asked: an axis of length 1 is missing or extra"
    return f"shape {got_shape} where {want_shape} is asked"


def _near(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-12)


def _factor_slip(
    gots: Sequence[np.ndarray], wants: Sequence[np.ndarray], cases: Sequence[tuple[Any, ...]],
    factors: Mapping[str, Callable[[tuple[Any, ...]], float]],
) -> str | None:
    """Name a constant factor between the answers and the reference (sign, 2, N, ...), if there is one."""
    ratios: list[float] = []
    kept: list[tuple[Any, ...]] = []
    for got, want, case in zip(gots, wants, cases, strict=True):
        if got.shape != want.shape or not np.all(np.isfinite(got)):
            return None
        scale = float(np.max(np.abs(want))) if want.size else 0.0
        if scale == 0.0 or not np.any(np.abs(want) > 1e-9 * scale):
            if np.allclose(got, 0.0, atol=1e-12):
                continue  # a zero reference says nothing about a factor
            return None
        mask = np.abs(want) > 1e-9 * scale
        ratio = got[mask] / want[mask]
        if not np.allclose(ratio, ratio[0], rtol=1e-4, atol=0.0):
            return None
        if not np.allclose(got[~mask], 0.0, atol=1e-9 * max(scale, 1e-300)):
            return None
        ratios.append(float(ratio[0]))
        kept.append(case)
    cases = kept
    if not ratios or all(_near(r, 1.0) for r in ratios):
        return None
    for label, factor in factors.items():
        values = [float(factor(case)) for case in cases]
        if not all(math.isfinite(v) and v != 0 for v in values) or all(_near(abs(v), 1.0) for v in values):
            continue
        if all(_near(v, values[0]) for v in values) and _near(abs(values[0]), 2.0):
            continue  # ambiguous with a factor 2: reported below as that
        for sign in (1.0, -1.0):
            for power, word in ((1, "times too large"), (-1, "times too small")):
                if all(_near(r, sign * v**power) for r, v in zip(ratios, values, strict=True)):
                    flipped = ", and of the opposite sign" if sign < 0 else ""
                    return f"in every case your answer is {label} {word}{flipped}: {factors_meaning(label, power)}"
    first = ratios[0]
    if all(abs(r) < 1e-12 for r in ratios):
        return "every result is 0: is the value you computed the one returned (not a variable still at its start)?"
    if all(_near(r, first) for r in ratios):
        if _near(first, -1.0):
            return "every result has the right size but the opposite sign: a flipped sign (prediction - target, or the step's direction)"
        for value, text in ((2.0, "twice"), (0.5, "half")):
            for sign in (1.0, -1.0):
                if _near(first, sign * value):
                    flipped = ", with the opposite sign" if sign < 0 else ""
                    return f"every result is {text} the expected one{flipped}: a factor 2 too many or too few"
        return f"every result is {_number(first)} times the expected one: a constant factor is off"
    return None


def factors_meaning(label: str, power: int) -> str:
    """Explain what a factor N, B or N/W usually means."""
    what = {"N": "the number of examples", "n": "the number of samples", "B": "the batch size",
            "W": "the number of ranks"}
    meanings = {
        ("N", 1): "a sum where a mean is asked",
        ("N", -1): "divided by N once too often, or a mean where a sum is asked",
        ("B", 1): "the division by the batch size is missing",
        ("B", -1): "divided by the batch size once too often",
        ("W", 1): "DDP's average over the ranks is not undone, or undone twice",
        ("W", -1): "DDP's average over the ranks is not undone, or undone twice",
        ("N/W", 1): "a plain sum over each shard: the sums are never scaled back",
        ("N/W", -1): "a scale applied twice",
        ("N/B", 1): "the batch sizes do not cancel",
        ("N/B", -1): "the batch sizes do not cancel",
    }
    text = meanings.get((label.upper() if label in ("n",) else label, power), f"a factor {label} is off")
    names = ", ".join(f"{part} = {what[part]}" for part in label.split("/") if part in what)
    return f"{text} ({names})" if names else text


def _default_factors(cases: Sequence[tuple[Any, ...]]) -> dict[str, Callable[[tuple[Any, ...]], float]]:
    """N = the length of the first array-like argument, when every case has one."""

    def n_of(case: tuple[Any, ...]) -> float:
        for arg in case:
            if isinstance(arg, (list, tuple, np.ndarray)) or _is_tensor(arg):
                array = _as_array(arg)
                if array is not None and array.ndim >= 1:
                    return float(array.shape[0])
        return float("nan")

    values = [n_of(case) for case in cases]
    return {"N": n_of} if all(math.isfinite(v) and v > 1 for v in values) else {}


#: Common errors and the slip behind them: (type name or "", words in the message, slip).
_ERROR_SLIPS: tuple[tuple[str, str, str], ...] = (
    ("RuntimeError", "leaf Variable that requires grad is being used in an in-place operation",
     "the update of w is being recorded by autograd: change w inside `with torch.no_grad():`"),
    ("RuntimeError", "does not require grad and does not have a grad_fn",
     "the loss does not depend on a tensor with requires_grad=True (made with .item(), .detach(), "
     "NumPy, or under torch.no_grad()?)"),
    ("RuntimeError", "backward through the graph a second time",
     "backward() ran twice on one graph: build the loss again in every epoch"),
    ("RuntimeError", "grad can be implicitly created only for scalar outputs",
     "backward() needs a single number: reduce the loss to one value first"),
    ("RuntimeError", "shapes cannot be multiplied",
     "a matrix product whose inner sizes do not match: is a transpose missing or extra?"),
    ("ValueError", "matmul: Input operand",
     "a matrix product whose inner sizes do not match: is a transpose missing or extra?"),
    ("ValueError", "shapes", "arrays of shapes that do not fit together: print the shapes of the operands"),
    ("ValueError", "could not be broadcast",
     "arrays of shapes that do not fit together: print the shapes of the operands"),
    ("RuntimeError", "must match the size of tensor",
     "tensors of shapes that do not fit together: print the shapes of the operands"),
    ("RuntimeError", "expected scalar type",
     "float32 and float64 tensors are mixed: give them one dtype"),
    ("RuntimeError", "found dtype", "float32 and float64 tensors are mixed: give them one dtype"),
    ("AttributeError", "'NoneType' object has no attribute",
     "something is None: .grad stays None until backward() has run (and zero_grad() may reset it "
     "to None), and a function without `return` gives None"),
    ("NameError", "is not defined",
     "a name your code uses is not defined here: a typo, or a cell not run yet (or use only the "
     "function's arguments)"),
    ("TypeError", "not callable", "something that is not a function is called: a name reused for a number?"),
)


def _error_slip(error: BaseException) -> str | None:
    """The slip behind a common error, recognised from its type and message."""
    text = str(error)
    for type_name, words, slip in _ERROR_SLIPS:
        if type(error).__name__ == type_name and words in text:
            return slip
    return None


def _uses_a_loop(func: Any) -> bool:
    """True when the source of ``func`` contains a ``for``/``while`` statement or a comprehension."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return False
    loops = (ast.For, ast.While, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    return any(isinstance(node, loops) for node in ast.walk(tree))


uses_a_loop = _uses_a_loop


def _same_answer(a: Any, b: Any, rtol: float, atol: float, kinds: bool = True) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, (bool, str)) or isinstance(b, (bool, str)):
        return type(a) is type(b) and a == b
    x, y = _as_array(a), _as_array(b)
    if x is None or y is None or x.shape != y.shape:
        return False
    if kinds and _precision(a) != _precision(b):
        return False
    return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))


# ---------------------------------------------------------------------------- failing


def fail(exercise: str | Exercise, problem: str, slip: str | None = None) -> ExerciseFailed:
    """Build the failure for ``exercise``: the problem, the likely slip, and the next hint step.

    Checkers that test properties themselves (instead of :func:`check_function`) raise this.
    """
    exercise = _exercise(exercise)
    lines = [f"{exercise.name}: {problem}"]
    if slip:
        lines.append(f"Likely slip: {slip}")
    step = _next_hint(exercise)
    if step:
        lines.append(step)
    return ExerciseFailed("\n".join(lines))


def succeed(exercise: str | Exercise, line: str) -> None:
    """Print the one-line success message and start the hints over for this exercise."""
    reset_hints(_exercise(exercise).name)
    print(line)


def _not_attempted(name: str, what: str) -> None:
    print(f"{name}: {NOT_ATTEMPTED} ({what})")


def _global_rng_kept() -> contextlib.AbstractContextManager[Any]:
    """Keep torch's global random state: running a catalogued answer must not change the notebook's."""
    torch = sys.modules.get("torch")
    if torch is None:
        return contextlib.nullcontext()
    return torch.random.fork_rng(devices=[])


def match_mistake(exercise: Exercise, results: Callable[[Any], list[Any]] | None, student: Any,
                  got: list[Any], rtol: float, atol: float, kinds: bool = True) -> str | None:
    """Return the message of the catalogued mistake whose results equal the student's, if any."""
    for mistake in exercise.mistakes:
        if mistake.detect is not None:
            continue
        if results is None:
            continue
        try:
            with _global_rng_kept():
                theirs = results(mistake.answer)
        except Exception:  # a catalogued answer that cannot run on these cases matches nothing
            continue
        if len(theirs) == len(got) and all(
            _same_answer(a, b, rtol, atol, kinds) for a, b in zip(got, theirs, strict=True)
        ):
            return mistake.message
    return None


def check_value(
    name: str | Exercise,
    got: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str = "",
    labels: Sequence[str] | None = None,
    want: str | None = None,
    show_expected: bool = True,
) -> None:
    """Check a value the student computed against a reference computed independently.

    Args:
        name: the exercise (an :class:`Exercise`, or its name), shown in every message.
        got: the student's value; ``...`` (Ellipsis) means "not attempted yet".
        expected: the reference value (number, array, tensor, bool or str).
        rtol, atol: tolerances for numbers, as in ``numpy.allclose``.
        hint: one sentence for a student who got it wrong (when ``name`` is a plain name).
        labels: names of the entries of a 1-D answer (e.g. ``("k_step", "k_normal")``).
        want: ``"float"`` when a plain number is asked (a tensor is then a slip).
        show_expected: False when the expected value IS the answer (a value exercise): a
            wrong answer then says which entries are wrong, not what they should be.

    Returns:
        None. Prints ``"<name>: correct"``, or ``"<name>: not attempted yet (...)"``.

    Raises:
        ExerciseFailed: wrong value, wrong shape, NaN, or wrong type.
    """
    exercise = _exercise(name, hint)
    if got is Ellipsis:
        return _not_attempted(exercise.name, "replace the ... with your answer")
    problem, slip = _judge(exercise, [got], [expected], [()], [], rtol, atol, labels, None, want, None, {})
    if problem is not None:
        if not show_expected and problem.startswith("wrong"):
            slip = None  # a factor between the answer and the expected value would give the answer away
        slip = match_mistake(exercise, lambda answer: [answer], got, [got], rtol, atol, kinds=False) or slip
        have, want_array = _as_array(got), _as_array(expected)
        if not show_expected and problem.startswith("wrong") and have is not None and want_array is not None:
            problem = f"{_show(got)} is not right"
            if labels is not None and have.shape == want_array.shape and have.ndim == 1 and len(labels) == have.size:
                bad = [label for label, ok in zip(labels, np.isclose(have, want_array, rtol=rtol, atol=atol),
                                                  strict=True) if not ok]
                problem = f"{_show(got)}: {', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not right"
        raise fail(exercise, problem, slip)
    succeed(exercise, f"{exercise.name}: correct")


def _judge(
    exercise: Exercise, gots: list[Any], wants: list[Any], cases: list[tuple[Any, ...]], names: Sequence[str],
    rtol: float, atol: float, labels: Sequence[str] | None, row_name: str | None, want: str | None,
    dtype: str | None, factors: Mapping[str, Callable[[tuple[Any, ...]], float]],
) -> tuple[str | None, str | None]:
    """Compare every case; return (problem, generic slip) for the first bad one, or (None, None)."""
    arrays: list[np.ndarray] = []
    references: list[np.ndarray] = []
    first_bad: tuple[int, str, str | None] | None = None
    for index, (got, expected) in enumerate(zip(gots, wants, strict=True)):
        where = f" for {_arguments(names, cases[index])}" if cases[index] else ""
        if isinstance(expected, (bool, str)):
            if got != expected or type(got) is not type(expected):
                return f"expected {expected!r}{where}, got {got!r}", None
            continue
        reference = _as_array(expected)
        if reference is None:
            raise TypeError(f"expected value for {exercise.name} is not numeric: {expected!r}")
        if got is None:
            return f"your function returned None{where}", "nothing was returned: is the `return` missing?"
        have = None if isinstance(got, (bool, str)) else _as_array(got)
        if have is None:
            return (
                f"expected a number or array{where}, got {type(got).__name__} {_show(got)}",
                "the answer is not a number: return the number itself, not text or a container of other things",
            )
        if want == "float" and _is_tensor(got):
            return f"a tensor was returned{where}: {_show(got)}", "a tensor where a plain number is asked (a float)"
        if dtype is not None:
            kind = _precision(got).replace("tensor:", "")
            if kind != dtype and kind != "other":
                return (
                    f"your result is {kind}{where}; the exercise asks for {dtype}",
                    f"{'integer arithmetic' if kind == 'int' else kind} where {dtype} is asked: "
                    f"make the inputs {dtype} before you compute",
                )
        if have.shape != reference.shape:
            return (
                f"expected shape {reference.shape}{where}, got shape {have.shape}",
                _shape_slip(tuple(have.shape), tuple(reference.shape)),
            )
        if not np.all(np.isfinite(have)):
            return (
                f"your answer{where} contains NaN or inf: {_show(got)}",
                "the numbers blew up: a division by zero, or a run that diverges (too large a step, "
                "or a step uphill: check the sign)",
            )
        close = np.isclose(have, reference, rtol=rtol, atol=atol)
        arrays.append(have)
        references.append(reference)
        if not np.all(close) and first_bad is None:
            first_bad = (index, where, _describe_difference(have, reference, close, labels, row_name))
    if first_bad is None:
        return None, None
    index, where, difference = first_bad
    slip = _factor_slip(arrays, references, cases, factors) if len(arrays) == len(gots) and cases else None
    if slip is None and len(gots) == 1 and not cases:
        slip = _factor_slip(arrays, references, [()], {})
    separator = "\n  " if "\n" in difference else " "
    return f"wrong{where}:{separator}{difference}", slip


def check_function(
    name: str | Exercise,
    func: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Iterable[Sequence[Any]],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str = "",
    adapt: Callable[[Any], Callable[..., Any]] | None = None,
    arg_names: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    row_name: str | None = None,
    want: str | None = None,
    dtype: str | None = None,
    factors: Mapping[str, Callable[[tuple[Any, ...]], float]] | None = None,
    success: str | None = None,
    diagnose: Callable[[Any], str | None] | None = None,
) -> None:
    """Call the student's ``func`` and an independent ``reference`` on every case and compare.

    Args:
        name: the exercise (an :class:`Exercise` with hints and mistakes, or a plain name).
        func: the student's answer. If calling it raises ``NotImplementedError`` (the
            stub), the exercise counts as not attempted.
        reference: computes the right answer another way (e.g. autograd or a closed form).
        cases: argument tuples; each is passed as ``adapt(func)(*case)``.
        rtol, atol: tolerances, as in ``numpy.allclose``.
        hint: one sentence for a wrong answer (when ``name`` is a plain name).
        adapt: turns the student's object (or a catalogued wrong answer) into the function
            called on each case; by default the object itself.
        arg_names: the names shown for each case's arguments; by default ``reference``'s parameters.
        labels: names of a result's entries (``("value", "gradient")``) or of its columns.
        row_name: for 2-D results, what a row is (``"step"``): messages show the first
            differing row and its neighbours.
        want: ``"float"`` when a plain number is asked (a tensor is then a slip).
        dtype: ``"float64"`` when the exercise asks for that precision (float32 or int is then a slip).
        factors: per-case factors to recognise, e.g. ``{"N/B": lambda case: ...}``; by
            default ``N``, the length of the first array argument.
        success: the line printed when every case is right (default ``"<name>: correct (N cases checked)"``).
        diagnose: the exercise's own diagnosis of ``func``, used when neither the catalogue nor
            the common slips name the mistake.

    Returns:
        None. Prints one line: correct, or not attempted yet.

    Raises:
        ExerciseFailed: a case disagrees, or the student's function raised; the message
            names the case's arguments, the expected and the received value, the likely
            slip and the next hint.
        TypeError: ``func`` or ``reference`` is not callable.
    """
    exercise = _exercise(name, hint)
    if func is Ellipsis:
        return _not_attempted(exercise.name, "write the function")
    if not callable(func):
        raise TypeError(f"{exercise.name}: expected a function, got {type(func).__name__}")
    if not callable(reference):
        raise TypeError(f"reference for {exercise.name} must be callable, got {type(reference).__name__}")
    cases = [tuple(case) for case in cases]
    if not cases:
        raise ValueError(f"cases for {exercise.name} must contain at least one argument tuple")
    names = list(arg_names) if arg_names is not None else _parameter_names(reference)
    run = adapt(func) if adapt is not None else func

    gots = []
    for case in cases:
        try:
            gots.append(run(*case))
        except NotImplementedError:
            return _not_attempted(exercise.name, "fill in the function, then run this cell again")
        except Exception as error:  # the student's code failed: say how, briefly
            message = str(error).splitlines()[0] if str(error) else ""
            raise fail(
                exercise,
                f"your code raised {type(error).__name__}: {message[:200]} (for {_arguments(names, case)})",
                _error_slip(error),
            ) from None
    for mistake in exercise.mistakes:
        if mistake.detect is not None and mistake.detect(func):
            raise fail(exercise, "the answer does not do what the exercise asks", mistake.message)
    wants = [reference(*case) for case in cases]
    all_factors = dict(_default_factors(cases)) if factors is None else dict(factors)
    problem, slip = _judge(exercise, gots, wants, cases, names, rtol, atol, labels, row_name, want, dtype, all_factors)
    if problem is None:
        count = len(cases)
        return succeed(exercise, success or f"{exercise.name}: correct ({count} case{'s' if count != 1 else ''} checked)")

    def results(answer: Any) -> list[Any]:
        candidate = adapt(answer) if adapt is not None else answer
        return [candidate(*case) for case in cases]

    catalogued = match_mistake(exercise, results, func, gots, rtol, atol)
    if catalogued is not None:
        slip = catalogued
    elif slip is None:
        try:  # does the function give a different answer for the same arguments?
            again = run(*cases[0])
        except Exception:
            again = gots[0]
        if not _same_answer(again, gots[0], 0.0, 0.0):
            slip = (
                "the same arguments gave a different result the second time: the function keeps "
                "state outside itself (a variable or model made outside it, changed inside)"
            )
    if slip is None and diagnose is not None:
        slip = diagnose(func)
    raise fail(exercise, problem, slip)
