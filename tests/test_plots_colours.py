"""One colour per method in every figure (helpers.plots.METHOD_COLOURS)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from helpers import plots
from helpers.plots import METHOD_COLOURS, OKABE_ITO, method_colour

METHODS = ["gd", "momentum", "adam", "sgd", "sum bug", "least squares", "hand", "autograd"]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_every_course_method_has_an_okabe_ito_colour_and_methods_differ():
    for key in [*METHODS, "data", "path"]:
        assert key in METHOD_COLOURS
    method_colours = [METHOD_COLOURS[key] for key in METHODS]
    assert set(method_colours) <= set(OKABE_ITO.values())
    assert len(set(method_colours)) == len(METHODS)  # no two methods share a colour
    assert METHOD_COLOURS["path"] == METHOD_COLOURS["gd"]  # an unnamed path is plain GD
    assert METHOD_COLOURS["data"] not in method_colours


@pytest.mark.parametrize(
    ("label", "method"),
    [
        ("gd", "gd"),
        ("GD, best lr", "gd"),
        ("GD, lr 0.1", "gd"),
        ("full-batch gradient descent", "gd"),
        ("heavy ball, best lr and beta", "momentum"),
        ("momentum 0.9", "momentum"),
        ("GD with momentum", "momentum"),
        ("Adam, lr 0.1", "adam"),
        ("mini-batch, B = 32", "sgd"),
        ("SGD, B = 8", "sgd"),
        ("reduction='sum'", "sum bug"),
        ("sum bug (Part 1 as written)", "sum bug"),
        ("least squares = 4000 epochs", "least squares"),
        ("autograd", "autograd"),
        ("by hand", "hand"),
        ("data", "data"),
        ("descent path", "path"),
    ],
)
def test_a_label_naming_a_method_gets_its_colour(label, method):
    assert method_colour(label) == METHOD_COLOURS[method]


@pytest.mark.parametrize("label", ["", "train (800 rows)", "broadcast (4,1) vs (4,)", "w = 1"])
def test_a_label_naming_no_method_gets_none(label):
    assert method_colour(label) is None


def test_method_colour_rejects_a_non_string():
    with pytest.raises(TypeError, match="label must be a str"):
        method_colour(3)


def _colours(ax):
    return {line.get_label(): to_hex(line.get_color()).upper() for line in ax.get_lines()}


def test_loss_curves_use_the_method_colours_and_repeat_with_another_line_style():
    fig, ax = plt.subplots()
    curves = {"GD, lr 0.1": [3.0, 2.0], "GD, best lr": [3.0, 1.0], "Adam, lr 0.1": [3.0, 1.5]}
    plots.plot_loss_curve(curves, ax=ax)
    colours = _colours(ax)
    assert colours["GD, lr 0.1"] == colours["GD, best lr"] == METHOD_COLOURS["gd"]
    assert colours["Adam, lr 0.1"] == METHOD_COLOURS["adam"]
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert styles[0] != styles[1]  # two GD curves stay apart


def test_same_method_same_colour_across_helpers():
    fig, axes = plt.subplots(1, 3)
    plots.plot_loss_curve({"momentum 0.9": [2.0, 1.0], "train": [2.0, 1.0]}, ax=axes[0])
    plots.plot_series({"heavy ball": ([1, 2], [2.0, 1.0])}, ax=axes[1])
    plots.plot_scaling({"momentum": ([1, 2], [1.0, 2.0])}, ax=axes[2])
    assert _colours(axes[0])["momentum 0.9"] == METHOD_COLOURS["momentum"]
    assert _colours(axes[1])["heavy ball"] == METHOD_COLOURS["momentum"]
    assert _colours(axes[2])["momentum"] == METHOD_COLOURS["momentum"]


def test_series_keeps_a_style_the_caller_chose():
    fig, ax = plt.subplots()
    plots.plot_series(
        {"least squares": ([1, 2], [1.0, 1.0]), "SGD": ([1, 2], [2.0, 1.0])},
        styles={"least squares": "k--", "SGD": "o"},
        ax=ax,
    )
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert lines["least squares"].get_linestyle() == "--"
    assert lines["SGD"].get_linestyle() == "None"  # markers only, as asked
    assert to_hex(lines["SGD"].get_color()).upper() == METHOD_COLOURS["sgd"]


def test_data_and_lines_colour_the_data_and_named_lines():
    fig, ax = plt.subplots()
    plots.plot_data_and_lines([1, 2, 3], [2, 4, 6], {"least squares": (2.0, 0.0)}, ax=ax)
    assert to_hex(ax.collections[0].get_facecolor()[0]).upper() == METHOD_COLOURS["data"]
    assert _colours(ax)["least squares"] == METHOD_COLOURS["least squares"]


def test_contours_have_a_loss_colour_bar_and_coloured_paths():
    fig, ax = plt.subplots()
    plots.plot_loss_contours(
        lambda w: float((w[0] - 1) ** 2 + 10 * (w[1] + 0.5) ** 2),
        (-1, 3),
        (-2, 1),
        paths={"GD": [[0, 0], [0.5, -0.4]], "Adam": [[0, 0], [0.3, -0.2]]},
        minimum=[1, -0.5],
        resolution=21,
        ax=ax,
    )
    bars = [other for other in fig.axes if other is not ax]
    assert len(bars) == 1 and bars[0].get_title() == "loss"
    labels = [tick.get_text() for tick in bars[0].get_yticklabels()]
    assert labels and all(label.startswith("$10^{") for label in labels)  # powers of ten
    colours = _colours(ax)
    assert colours["GD"] == METHOD_COLOURS["gd"] and colours["Adam"] == METHOD_COLOURS["adam"]
    assert colours["minimum"] == METHOD_COLOURS["least squares"]


def test_contours_with_linear_levels_also_get_a_colour_bar():
    fig, ax = plt.subplots()
    plots.plot_loss_contours(
        lambda w: float(w[0] - w[1]), (-1, 1), (-1, 1), log_levels=False, resolution=11, ax=ax
    )
    assert [other.get_title() for other in fig.axes if other is not ax] == ["loss"]


def test_loss_1d_path_is_drawn_in_the_path_colour():
    fig, ax = plt.subplots()
    plots.plot_loss_1d(lambda w: (w - 2) ** 2, np.linspace(0, 3, 11), path=[0.0, 1.0], ax=ax)
    assert _colours(ax)["descent path"] == METHOD_COLOURS["path"]


def test_a_curve_naming_no_method_next_to_method_curves_takes_a_free_colour():
    fig, ax = plt.subplots()
    plots.plot_loss_curve({"GD": [2.0, 1.0], "broadcast": [2.0, 1.5], "other": [2.0, 1.8]}, ax=ax)
    colours = _colours(ax)
    assert colours["GD"] == METHOD_COLOURS["gd"]
    assert colours["broadcast"] in OKABE_ITO.values() and colours["other"] in OKABE_ITO.values()
    assert len({colours["GD"], colours["broadcast"], colours["other"]}) == 3


def test_curves_naming_no_method_keep_the_colour_cycle():
    fig, ax = plt.subplots()
    plots.plot_loss_curve({"train": [2.0, 1.0], "validation": [2.0, 1.5]}, ax=ax)
    cycle = [to_hex(c).upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"][:2]]
    assert [_colours(ax)[k] for k in ("train", "validation")] == cycle


def test_loss_1d_path_named_after_a_method_takes_its_colour():
    fig, ax = plt.subplots()
    plots.plot_loss_1d(
        lambda w: (w - 2) ** 2, np.linspace(0, 3, 11), path=[0.0, 1.0], path_label="sum bug", ax=ax
    )
    assert _colours(ax)["sum bug"] == METHOD_COLOURS["sum bug"]
    with pytest.raises(TypeError, match="path_label must be a str"):
        plots.plot_loss_1d(lambda w: w**2, [0.0, 1.0], path=[0.0], path_label=3, ax=ax)


def test_drawn_values_ignore_a_last_bit_difference_and_keep_nine_digits():
    values = np.array([0.1, 1.0 / 3.0, 2.5e-7, 123456.789, -7.25])
    nudged = np.nextafter(values, np.inf)  # one ulp up, as another BLAS might round
    drawn = plots.drawable(values)
    assert np.array_equal(drawn, plots.drawable(nudged))
    assert np.allclose(drawn, values, rtol=2.0**-plots.DRAWN_BITS, atol=0)
    special = plots.drawable([0.0, np.nan, np.inf])
    assert special[0] == 0.0 and np.isnan(special[1]) and special[2] == np.inf


def test_plots_draw_the_rounded_values():
    fig, ax = plt.subplots()
    plots.plot_loss_curve({"GD": [1.0 / 3.0, 0.1]}, ax=ax)
    assert np.array_equal(ax.get_lines()[0].get_ydata(), plots.drawable([1.0 / 3.0, 0.1]))
