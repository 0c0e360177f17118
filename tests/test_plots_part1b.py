import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots
from helpers.descent import gradient_descent, run_learning_rates


def loss_1d(w):
    return (2 * w - 4) ** 2


@pytest.fixture
def no_show(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    yield shown
    plt.close("all")


def test_grid_of_paths_one_panel_per_run(no_show):
    runs = run_learning_rates([2.0], [4.0], 1.0, [0.01, 0.125, 0.2, 0.3], 4)
    assert plots.plot_learning_rate_grid(runs, loss=loss_1d, minimum=2.0, ncols=3, title="grid") is None
    assert no_show == [True]
    fig = plt.gcf()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 6 and len(visible) == 4
    assert [ax.get_title() for ax in visible] == ["lr = 0.01", "lr = 0.125", "lr = 0.2", "lr = 0.3"]
    assert all(ax.get_legend() is None for ax in visible)
    assert visible[0].get_xlim()[1] > 2.0  # the slow run's panel still shows the minimum


def test_grid_of_loss_curves_with_titles(no_show):
    runs = [gradient_descent([1.0, 2.0], [2.0, 4.0], 0.0, rate, 5) for rate in (0.05, 0.1)]
    plots.plot_learning_rate_grid(runs, titles=["slow", "fast"], log=True)
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes] == ["slow", "fast"] and axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plots.plot_learning_rate_grid([]), ValueError, "at least one run"),
        (lambda: plots.plot_learning_rate_grid([object()]), TypeError, "must have learning_rate"),
        (lambda: plots.plot_learning_rate_grid(run_learning_rates([2.0], [4.0], 1.0, [0.1], 2), ncols=0), ValueError, "ncols"),
        (lambda: plots.plot_learning_rate_grid(run_learning_rates([2.0], [4.0], 1.0, [0.1], 2), titles=["a", "b"]), ValueError, "one entry per run"),
        (lambda: plots.plot_learning_rate_grid([gradient_descent(np.eye(2), [1.0, 1.0], [0.0, 0.0], 0.1, 2)], loss=loss_1d), ValueError, "one-weight runs"),
    ],
)
def test_bad_input_names_the_argument(no_show, call, error, match):
    with pytest.raises(error, match=match):
        call()
