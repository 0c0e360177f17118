import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots


def loss_1d(w):
    return (2 * w - 4) ** 2


def loss_2d(w):
    return float((w[0] - 1) ** 2 + 10 * (w[1] + 0.5) ** 2)


def test_each_plot_returns_none_and_draws_on_given_axes():
    fig, axes = plt.subplots(2, 2)
    assert plots.plot_loss_curve({"a": [4.0, 1.0, 0.25], "b": [3.0, 2.0, 1.0]}, log=True, ax=axes[0, 0]) is None
    assert plots.plot_data_and_lines([1, 2, 3], [2, 4, 6], {"w=1": 1.0, "w, b": (2.0, 0.0), "f": lambda x: 2 * x}, ax=axes[0, 1]) is None
    assert plots.plot_loss_1d(loss_1d, np.linspace(0, 3, 31), path=[1.0, 1.8, 1.96], ax=axes[1, 0]) is None
    assert plots.plot_loss_contours(loss_2d, (-1, 3), (-2, 1), paths={"gd": [[0, 0], [0.5, -0.4]]}, minimum=[1, -0.5], resolution=21, ax=axes[1, 1]) is None
    assert len(axes[0, 0].get_lines()) == 2 and axes[0, 0].get_yscale() == "log"
    assert len(axes[0, 1].get_lines()) == 3
    assert axes[1, 0].get_legend() is not None
    assert len(plt.get_fignums()) == 1  # drew on the given axes, made no figure of its own


def test_without_axes_a_figure_is_shown_and_closed(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    plots.plot_loss_curve([3.0, 2.0, 1.0])
    assert shown == [True]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plots.plot_loss_curve([1.0, float("nan")]), ValueError, "losses must be finite"),
        (lambda: plots.plot_loss_curve([[1.0, 2.0]]), ValueError, "losses must have 1 dimension"),
        (lambda: plots.plot_loss_curve([1.0, 0.0], log=True), ValueError, "> 0 on a log scale"),
        (lambda: plots.plot_loss_curve({}), ValueError, "must not be empty"),
        (lambda: plots.plot_loss_curve([]), ValueError, "is empty"),
        (lambda: plots.plot_data_and_lines([1, 2], [1, 2, 3]), ValueError, "same length"),
        (lambda: plots.plot_data_and_lines([1, 2], [1, 2], {"bad": "w"}), TypeError, "must be a slope"),
        (lambda: plots.plot_loss_1d(loss_1d, [0.0, float("inf")]), ValueError, "w_values must be finite"),
        (lambda: plots.plot_loss_1d(lambda w: float("nan"), [0.0, 1.0]), ValueError, "loss"),
        (lambda: plots.plot_loss_contours(loss_2d, (1, 0), (0, 1)), ValueError, "w1_range must be"),
        (lambda: plots.plot_loss_contours(loss_2d, (0, 1), (0, 1), paths={"p": [[0, 0, 0]]}, resolution=5), ValueError, r"shape \(steps, 2\)"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
