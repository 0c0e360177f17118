import math

import numpy as np
import pytest

from helpers.timing import (
    Timing,
    calls_per_repeat,
    copy_bandwidth,
    loglog_slope,
    peak_memory,
    set_blas_threads,
    time_call,
)


def test_time_call_returns_best_and_median_per_call():
    calls = []
    timing = time_call(lambda: calls.append(1), repeat=3, number=4)
    assert isinstance(timing, Timing)
    assert len(calls) == 12 and timing.repeat == 3 and timing.number == 4
    assert 0 < timing.best <= timing.median


def test_cpu_clock_does_not_count_sleeping():
    import time

    wall = time_call(lambda: time.sleep(0.01), repeat=1, number=2, clock="wall")
    cpu = time_call(lambda: time.sleep(0.01), repeat=1, number=2, clock="cpu")
    assert wall.best >= 0.009 and cpu.best < 0.005
    with pytest.raises(ValueError, match="clock must be one of"):
        time_call(lambda: None, clock="gpu")


def test_time_call_picks_a_number_when_none():
    timing = time_call(lambda: sum(range(100)), repeat=2)
    assert timing.number >= 1 and timing.best > 0


def test_the_batch_that_picks_the_number_is_the_first_timed_batch():
    import time

    calls = []
    timing = time_call(lambda: calls.append(time.sleep(0.004)), repeat=3)
    # 1 trial call, then one batch of `number` calls that also counts, then 2 more batches
    assert len(calls) < (timing.repeat + 1) * timing.number, (len(calls), timing)


def test_calls_per_repeat_grows_for_fast_calls_and_respects_the_cap():
    assert calls_per_repeat(lambda: None, max_number=50) == 50
    assert calls_per_repeat(lambda: sum(range(10)), min_seconds=1e-9) == 1
    number = calls_per_repeat(lambda: sum(range(300)), min_seconds=0.002)
    assert number in {m * 10**e for e in range(8) for m in (1, 2, 5)}, number
    assert calls_per_repeat(lambda: sum(range(300)), min_seconds=0.002, clock="cpu") >= 1
    with pytest.raises(ValueError, match="clock must be one of"):
        calls_per_repeat(lambda: None, clock="gpu")


@pytest.mark.parametrize("bad", [0, -1])
def test_time_call_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="repeat"):
        time_call(lambda: None, repeat=bad)
    with pytest.raises(ValueError, match="number"):
        time_call(lambda: None, number=bad)


def test_time_call_rejects_non_callables_and_non_ints():
    with pytest.raises(TypeError, match="fn must be callable"):
        time_call(3)
    with pytest.raises(TypeError, match="repeat"):
        time_call(lambda: None, repeat=2.5)
    with pytest.raises(ValueError, match="min_seconds"):
        calls_per_repeat(lambda: None, min_seconds=0)


def test_peak_memory_sees_numpy_temporaries():
    n = 100_000
    result, peak = peak_memory(lambda: np.ones(n) + np.ones(n))
    assert result.shape == (n,)
    assert 2 * 8 * n <= peak < 3.2 * 8 * n  # both inputs alive (NumPy may write the sum into one)


def test_peak_memory_cannot_be_nested_and_needs_a_callable():
    with pytest.raises(RuntimeError, match="already tracing"):
        peak_memory(lambda: peak_memory(lambda: None))
    with pytest.raises(TypeError, match="fn must be callable"):
        peak_memory(None)


def test_copy_bandwidth_is_a_positive_rate():
    rate = copy_bandwidth(8_000_000, repeat=2)
    assert math.isfinite(rate) and rate > 0.01
    with pytest.raises(ValueError, match="nbytes"):
        copy_bandwidth(4)
    with pytest.raises(TypeError, match="nbytes"):
        copy_bandwidth(1e6)


def test_loglog_slope_recovers_powers():
    n = np.array([10.0, 100.0, 1000.0])
    assert loglog_slope(n, 3 * n) == pytest.approx(1.0)
    assert loglog_slope(n, n**2) == pytest.approx(2.0)
    assert loglog_slope(n, np.ones(3)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("sizes", "costs", "message"),
    [
        ([1.0], [1.0], "at least two"),
        ([1.0, 2.0], [1.0], "same length"),
        ([1.0, 0.0], [1.0, 2.0], "> 0"),
        ([2.0, 2.0], [1.0, 2.0], "all be equal"),
        ([1.0, np.nan], [1.0, 2.0], "finite"),
    ],
)
def test_loglog_slope_rejects_bad_input(sizes, costs, message):
    with pytest.raises(ValueError, match=message):
        loglog_slope(sizes, costs)


def test_set_blas_threads_is_best_effort():
    assert set_blas_threads(1) in (True, False)
    with pytest.raises(ValueError, match="threads"):
        set_blas_threads(0)


def test_plot_scaling_draws_curves_and_reference_slopes():
    import matplotlib.pyplot as plt

    from helpers.plots import plot_scaling

    n = np.array([1e2, 1e3, 1e4])
    _, ax = plt.subplots()
    assert plot_scaling({"a": (n, 1e-6 * n), "b": (n[:2], 1e-3 * n[:2])}, reference_slopes=(1, 2), anchor="a", ax=ax) is None
    assert len(ax.lines) == 4 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["slope 1", "slope 2"]
    _, ax = plt.subplots()
    plot_scaling({"a": (n, 1e-6 * n), "b": (n, 1e-9 * n**2)}, reference_slopes={1: "a", 2: "b"}, ax=ax)
    slope2 = ax.lines[-1].get_ydata()
    assert slope2[-1] == pytest.approx(1e-9 * 1e8) and slope2[0] == pytest.approx(1e-9 * 1e4)


@pytest.mark.parametrize(("curves", "kwargs", "message"), [
    ({}, {}, "at least one"),
    ({"a": ([1.0, 2.0], [1.0])}, {}, "as many costs"),
    ({"a": ([1.0, 2.0], [1.0, 0.0])}, {}, "> 0"),
    ({"a": [1.0, 2.0]}, {}, "pair"),
    ({"a": ([1.0, 2.0], [1.0, 2.0])}, {"anchor": "b"}, "anchor"),
    ({"a": ([1.0, 2.0], [1.0, 2.0])}, {"reference_slopes": {1: "c"}}, "anchor"),
])
def test_plot_scaling_rejects_bad_input(curves, kwargs, message):
    from helpers.plots import plot_scaling

    with pytest.raises(ValueError, match=message):
        plot_scaling(curves, **kwargs)


def test_plot_scaling_labels_the_sizes_on_a_short_axis():
    import matplotlib.pyplot as plt

    from helpers.plots import plot_scaling

    _, ax = plt.subplots()
    plot_scaling({"a": ([32, 64, 128], [1.0, 2.0, 4.0])}, ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["32", "64", "128"]
