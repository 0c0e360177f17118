import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import plot_step_size_errors

STEPS = 10.0 ** -np.arange(1, 6)


def test_draws_curves_and_best_markers_on_log_log_axes():
    fig, ax = plt.subplots()
    result = plot_step_size_errors(STEPS, {"forward": [1e-1, 1e-2, 1e-3, 1e-2, 1e-1], "central": [1e-2, 1e-4, 0.0, 1e-5, 1e-3]}, ax=ax)
    assert result is None
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 4  # two curves, two best-step markers
    best_marker = ax.get_lines()[3]
    assert best_marker.get_xdata()[0] == pytest.approx(1e-4)  # error 1e-5; the zero error was left out, not chosen
    assert ax.get_legend() is not None
    assert len(plt.get_fignums()) == 1


def test_single_curve_without_markers_makes_and_shows_a_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    plot_step_size_errors(STEPS, [5.0, 4.0, 3.0, 2.0, 1.0], mark_best=False, title="V")
    assert shown == [True]
    assert len(plt.gca().get_lines()) == 1


@pytest.mark.parametrize(
    ("steps", "errors", "match"),
    [
        ([], [], "steps must be a non-empty"),
        ([1e-3, -1e-3], [1.0, 1.0], "steps must be a non-empty"),
        (STEPS, [1.0, 2.0], "one entry per step"),
        (STEPS, [1.0, -1.0, 1.0, 1.0, 1.0], "must be >= 0"),
        (STEPS, np.zeros(5), "all zeros"),
        (STEPS, [1.0, np.nan, 1.0, 1.0, 1.0], "errors must be finite"),
        (STEPS, {"c": [1.0]}, r"errors\['c'\] must have one entry per step"),
    ],
)
def test_bad_input_names_the_argument(steps, errors, match):
    with pytest.raises(ValueError, match=match):
        plot_step_size_errors(steps, errors)
