"""Measure how long a call takes, how much memory it allocates, and how fast memory can move.

Timings vary from run to run and machine to machine: report the *best* of several
repeats (the run least disturbed by other programs) next to the median, and compare
methods by ratios and slopes, never by their raw digits.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers._validate import as_float_array, positive_int


@dataclass(frozen=True)
class Timing:
    """Seconds per call of one function: the best and the median over the repeats."""

    best: float
    median: float
    repeat: int
    number: int


def _check_callable(fn: Any) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def calls_per_repeat(
    fn: Callable[[], Any], *, min_seconds: float = 0.01, max_number: int = 100_000, clock: str = "wall"
) -> int:
    """Return how many calls of ``fn`` take at least ``min_seconds`` (1, 2, 5, 10, 20, ...).

    Short calls are timed in batches so the clock's resolution does not matter; the
    batch is measured on ``clock`` (see :func:`time_call`), so that a coarse CPU clock
    (on Windows it advances in steps of about 15 ms) never reads a batch as 0. Each
    trial batch also estimates the time per call, and the next trial jumps to the
    count of the 1-2-5 series that this estimate says is long enough (at least one
    step up), so finding the count costs about one batch, not a whole ladder of them.

    Raises:
        TypeError: ``fn`` is not callable.
        ValueError: ``min_seconds`` is not positive, ``max_number`` < 1, or ``clock`` is
            not "wall" or "cpu".
    """
    _check_callable(fn)
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {tuple(CLOCKS)}, got {clock!r}")
    if not min_seconds > 0:
        raise ValueError(f"min_seconds must be > 0, got {min_seconds!r}")
    max_number = positive_int(max_number, "max_number")
    return _calibrate(fn, CLOCKS[clock], min_seconds, max_number)[0]


def _calibrate(
    fn: Callable[[], Any], now: Callable[[], float], min_seconds: float, max_number: int
) -> tuple[int, float | None]:
    """:func:`calls_per_repeat`'s search; also the seconds of its last batch when that
    batch had exactly the returned number of calls (then it is one timed batch)."""
    series = [m * 10**e for e in range(12) for m in (1, 2, 5)]
    index = 0
    while True:
        count = series[index]
        start = now()
        for _ in range(count):
            fn()
        elapsed = now() - start
        if elapsed >= min_seconds or count >= max_number:
            return min(count, max_number), (elapsed if count <= max_number else None)
        wanted = count * min_seconds / elapsed if elapsed > 0 else count * 10
        index += 1
        while index < len(series) - 1 and series[index] < wanted:
            index += 1


def time_call(
    fn: Callable[[], Any], *, repeat: int = 5, number: int | None = None, clock: str = "wall"
) -> Timing:
    """Time ``fn()``: ``repeat`` batches of ``number`` calls, in seconds per call.

    Args:
        fn: a function of no arguments (wrap arguments with a lambda).
        repeat: how many batches to time (an int >= 1).
        number: calls per batch (an int >= 1); ``None`` picks enough calls for
            about 10 ms per batch (see :func:`calls_per_repeat`), and the batch that
            picked it counts as the first of the ``repeat`` batches.
        clock: ``"wall"`` (elapsed time) or ``"cpu"`` (this process's CPU time: time
            spent waiting for a core on a busy machine is not counted, so growth
            laws fitted to it bend less under load).

    Returns:
        A :class:`Timing` with the best and median seconds per call. The garbage
        collector is paused while timing, as in ``timeit``.

    Raises:
        TypeError: ``fn`` is not callable, or ``repeat``/``number`` is not an int.
        ValueError: ``repeat`` or ``number`` is < 1, or ``clock`` is not "wall" or "cpu".
    """
    _check_callable(fn)
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {tuple(CLOCKS)}, got {clock!r}")
    now = CLOCKS[clock]
    repeat = positive_int(repeat, "repeat")
    number = None if number is None else positive_int(number, "number")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        per_call = []
        if number is None:
            number, first = _calibrate(fn, now, 0.01, 100_000)
            if first is not None:
                per_call.append(first / number)
        while len(per_call) < repeat:
            start = now()
            for _ in range(number):
                fn()
            per_call.append((now() - start) / number)
    finally:
        if was_enabled:
            gc.enable()
    return Timing(best=min(per_call), median=statistics.median(per_call), repeat=repeat, number=number)


def peak_memory(fn: Callable[[], Any]) -> tuple[Any, int]:
    """Call ``fn()`` once and return ``(result, peak_bytes)``: the most memory it held at once.

    Uses :mod:`tracemalloc`, which sees Python objects and NumPy arrays (NumPy
    reports its buffers to it) but NOT memory allocated by torch's own allocator:
    for a torch computation the number is close to zero and means nothing.

    Raises:
        TypeError: ``fn`` is not callable.
        RuntimeError: tracemalloc is already tracing (a measurement inside a measurement).
    """
    _check_callable(fn)
    if tracemalloc.is_tracing():
        raise RuntimeError("tracemalloc is already tracing; peak_memory cannot be nested")
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, int(peak)


def copy_bandwidth(nbytes: int = 200_000_000, *, repeat: int = 5) -> float:
    """Return the memory bandwidth of a plain array copy on this machine, in GB/s.

    Copies a float64 array of ``nbytes`` bytes into another (``np.copyto``) and
    counts the bytes read plus the bytes written (``2 * nbytes``) over the best of
    ``repeat`` copies. Use an array much larger than the CPU caches (the default,
    200 MB) to measure main memory rather than cache.

    Raises:
        TypeError: ``nbytes`` or ``repeat`` is not an int.
        ValueError: ``nbytes`` < 8 (one float64) or ``repeat`` < 1.
    """
    nbytes = positive_int(nbytes, "nbytes")
    if nbytes < 8:
        raise ValueError(f"nbytes must be at least 8 (one float64), got {nbytes}")
    repeat = positive_int(repeat, "repeat")
    source = np.ones(nbytes // 8)
    target = np.empty_like(source)
    np.copyto(target, source)  # touch every page once, so the timed copies do not pay for page faults
    timing = time_call(lambda: np.copyto(target, source), repeat=repeat, number=1)
    return 2 * source.nbytes / timing.best / 1e9


def loglog_slope(sizes: Any, costs: Any) -> float:
    """Return the slope ``k`` of the least-squares line through ``(log sizes, log costs)``.

    A cost that grows like ``size**k`` has slope ``k`` on a log-log plot.

    Raises:
        ValueError: fewer than two points, lengths differ, a value is <= 0, NaN or
            inf, or all sizes are equal.
    """
    x = as_float_array(sizes, "sizes", ndim=1)
    y = as_float_array(costs, "costs", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"sizes and costs must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        raise ValueError(f"sizes must have at least two points, got {x.size}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("sizes and costs must be > 0 (their logarithms are taken)")
    if np.all(x == x[0]):
        raise ValueError("sizes must not all be equal")
    slope, _ = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope)


_BLAS_THREAD_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads")


def set_blas_threads(threads: int) -> bool:
    """Ask NumPy's bundled OpenBLAS to use ``threads`` threads; return whether it worked.

    torch runs on one thread after ``setup_notebook()``; NumPy's matrix products run
    on OpenBLAS's own threads. Giving both one thread makes a timing comparison fair
    and much less noisy on a busy machine. Best effort: returns False (and changes
    nothing) where NumPy uses another BLAS (e.g. Apple's Accelerate).

    Raises:
        TypeError: ``threads`` is not an int.
        ValueError: ``threads`` < 1.
    """
    import ctypes
    from pathlib import Path

    threads = positive_int(threads, "threads")
    package = Path(np.__file__).resolve().parent
    folders = [package.parent / "numpy.libs", package / ".dylibs", package.parent / "numpy.libs"]
    for folder in folders:
        for library in sorted(folder.glob("*openblas*")) if folder.is_dir() else []:
            try:
                handle = ctypes.CDLL(str(library))
            except OSError:
                continue
            for name in _BLAS_THREAD_SETTERS:
                setter = getattr(handle, name, None)
                if setter is not None:
                    setter(ctypes.c_int(threads))
                    return True
    return False
