"""helpers.demos: the live demos draw the right runs, move with their sliders, and record
the same output on every run (a still figure, one line of text, a widget id that is not random)."""

from __future__ import annotations

import base64
import re

import nbformat
import numpy as np
import pytest

from helpers.curvature import contraction_factor, curvature_eigenvalues
from helpers.demos import (
    WIDGET_VIEW,
    draw_learning_rate,
    draw_momentum,
    heavy_ball_rate,
    learning_rate_demo,
    momentum_demo,
)
from helpers.optimizers import best_heavy_ball, run_momentum
from tests.conftest import NOTEBOOKS

X2 = np.array([[1.0, 1.2], [2.0, 1.2]])
Y2 = np.array([[2.0], [4.0]])
W0 = np.ones((2, 1))
PNG = b"\x89PNG\r\n\x1a\n"


def line(figure, label: str) -> np.ndarray:
    (found,) = [ln for ax in figure.axes for ln in ax.get_lines() if ln.get_label() == label]
    return np.column_stack([found.get_xdata(), found.get_ydata()])


@pytest.mark.parametrize(
    ("lr", "behaviour"),
    [
        (0.1, "converges monotonically"),
        (0.125, "converges in one step"),
        (0.2, "oscillates but converges"),
        (0.3, "diverges"),
    ],
)
def test_learning_rate_figure_draws_the_run_and_names_what_it_does(lr, behaviour):
    figure = draw_learning_rate(2.0, 4.0, 1.0, lr, steps=8)
    assert figure.axes[0].get_title().endswith(behaviour)
    path = line(figure, "8 steps")
    r = 1 - 8 * lr  # L'' = 2 x^2 = 8, w* = 2: w_k - w* = r^k (w_0 - w*)
    expected = 2 - r ** np.arange(len(path))
    assert np.allclose(path[:, 0], expected)
    assert np.allclose(path[:, 1], (2 * path[:, 0] - 4) ** 2)  # the points lie on the parabola
    if behaviour == "diverges":  # cut where the run leaves the plot, the last point outside
        assert len(path) < 9 and not -0.5 <= path[-1, 0] <= 4.5
    else:
        assert len(path) == 9


def test_learning_rate_figure_marks_the_bound_and_the_rate():
    figure = draw_learning_rate([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0, 0.2)
    scale = figure.axes[1]
    texts = [t.get_text() for t in scale.texts]
    assert " 2/L'' = 0.214" in texts and " 1/L'' = 0.107" in texts  # 2 / (28/3) = 3/14
    (marker,) = [ln for ln in scale.get_lines() if ln.get_marker() == "<"]
    assert marker.get_ydata()[0] == 0.2


def test_momentum_figure_draws_the_heavy_ball_path_and_its_rate():
    lr, beta, rate = best_heavy_ball(curvature_eigenvalues(X2))
    figure = draw_momentum(X2, Y2, W0, lr, beta, steps=40)
    label = f"heavy ball, β = {beta:.2f}"
    expected = run_momentum(lambda W: X2.T @ (X2 @ W - Y2), W0, lr, beta, 40).reshape(-1, 2)
    assert np.allclose(line(figure, label), expected)
    assert f"error x {rate:.3f} per step" in figure.axes[0].get_title()


def test_momentum_zero_is_gradient_descent_and_its_rate_is_the_contraction_factor():
    figure = draw_momentum(X2, Y2, W0, 0.2, 0.0)
    assert line(figure, "gradient descent (β = 0)").shape == (41, 2)
    assert np.isclose(
        heavy_ball_rate(curvature_eigenvalues(X2), 0.2, 0.0), contraction_factor(X2, 0.2)
    )
    assert "does not converge" in draw_momentum(X2, Y2, W0, 0.5, 0.0).axes[0].get_title()
    overflowing = draw_momentum(X2, Y2, W0, 5.0, 0.0, steps=200)  # |1 - 5 lambda_max|^200 > 1e150
    assert len(line(overflowing, "gradient descent (β = 0)")) == 2  # start, then out of the plot


def decoded(bundle) -> bytes:
    return base64.b64decode(bundle["image/png"])


def test_demo_output_is_a_still_figure_a_line_of_text_and_a_widget_with_a_fixed_id():
    demo = learning_rate_demo(2.0, 4.0, 1.0, lr=0.1)
    bundle = demo._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/png", WIDGET_VIEW}
    assert bundle["text/plain"] == (
        "learning-rate demo: lr = 0.100, bound 2/L'' = 0.250 (a slider in JupyterLab)"
    )
    assert len(bundle["text/plain"]) <= 88
    assert decoded(bundle).startswith(PNG) and decoded(bundle) == demo.still
    assert re.fullmatch(r"course-demo-learning-rate-\d+", bundle[WIDGET_VIEW]["model_id"])
    assert bundle[WIDGET_VIEW]["model_id"] == demo.widget.model_id
    again = learning_rate_demo(2.0, 4.0, 1.0, lr=0.1)
    assert again.widget.model_id != demo.widget.model_id  # unique within one kernel
    assert again.still == demo.still  # same bytes on every run: the notebook stays unchanged


def test_moving_a_slider_redraws_the_figure_and_keeps_the_recorded_output():
    demo = momentum_demo(X2, Y2, W0, lr=0.1, momentum=0.5)
    before = demo._repr_mimebundle_()
    demo.sliders["momentum"].value = 0.0
    assert demo.values == {"lr": 0.1, "momentum": 0.0}
    assert bytes(demo.image.value) != demo.still and bytes(demo.image.value).startswith(PNG)
    demo.sliders["momentum"].value = 0.5
    assert bytes(demo.image.value) == demo.still
    assert demo._repr_mimebundle_() == before
    assert repr(demo) == "momentum demo: lr = 0.100, beta = 0.50, 40 steps (sliders in JupyterLab)"


def test_sliders_span_the_bound():
    slider = learning_rate_demo([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0).sliders["lr"]
    assert slider.min == slider.step == 0.004 and slider.max > 3 / 14  # past the bound 2/L''
    lr, momentum = momentum_demo(X2, Y2, W0).sliders.values()
    assert lr.max > 2 * 1.95 / curvature_eigenvalues(X2)[-1] - lr.step
    assert (momentum.min, momentum.max) == (0.0, 0.95)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: learning_rate_demo([1.0, 2.0], [2.0], 1.0), ValueError, "x and y"),
        (lambda: learning_rate_demo([0.0], [1.0], 1.0), ValueError, "x must not be all zeros"),
        (lambda: learning_rate_demo(2.0, 4.0, 1.0, lr=0.5), ValueError, "lr must be between"),
        (lambda: learning_rate_demo(2.0, 4.0, 1.0, lr=True), TypeError, "lr must be a number"),
        (lambda: learning_rate_demo(2.0, 4.0, [1.0, 2.0]), ValueError, "w0"),
        (lambda: draw_learning_rate(2.0, 4.0, 1.0, -0.1), ValueError, "lr"),
        (lambda: draw_learning_rate(2.0, 4.0, 1.0, 0.1, steps=0), ValueError, "steps"),
        (lambda: momentum_demo(X2, Y2, W0, momentum=1.0), ValueError, "momentum must be between"),
        (lambda: momentum_demo(np.ones((2, 3)), Y2, W0), ValueError, "X must have 2 columns"),
        (lambda: momentum_demo(X2, np.ones((3, 1)), W0), ValueError, "Y must have one row"),
        (lambda: draw_momentum(X2, Y2, W0, 0.1, "0.5"), TypeError, "momentum must be a number"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


DEMO_NOTEBOOKS = [
    p
    for p in NOTEBOOKS
    if any("demo" in c.metadata.get("tags", []) for c in nbformat.read(p, 4).cells)
]


@pytest.mark.parametrize("path", DEMO_NOTEBOOKS, ids=[p.stem for p in DEMO_NOTEBOOKS])
def test_recorded_demo_outputs_hold_a_still_figure_and_no_random_id(path):
    notebook = nbformat.read(path, as_version=4)
    cells = [
        c for c in notebook.cells if c.cell_type == "code" and "demo" in c.metadata.get("tags", [])
    ]
    assert cells, "a demo cell is tagged 'demo'"
    for cell in cells:
        (output,) = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
        assert base64.b64decode(output.data["image/png"]).startswith(PNG)
        assert re.fullmatch(r"course-demo-[a-z-]+-\d+", output.data[WIDGET_VIEW]["model_id"])
        assert len(output.data["text/plain"]) <= 88
    assert "widgets" not in notebook.metadata  # widget state is not recorded
