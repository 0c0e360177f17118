"""Live demos for class: move a slider and watch gradient descent answer.

:func:`learning_rate_demo` (notebook 04) and :func:`momentum_demo` (notebook 11) return a
:class:`Demo`. In JupyterLab it shows sliders above a figure that is redrawn each time a
slider is released. Where no widgets run (an offline slide deck, a notebook viewer, a
plain console, and RISE's slideshow, which cannot load the widget manager yet:
jupyterlab-contrib/rise#119) the same output shows a still figure, drawn at the starting
values, and one line of text that names them.

The figures are drawn by :func:`draw_learning_rate` and :func:`draw_momentum`, which
return a matplotlib ``Figure`` without showing it.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from helpers._validate import as_float_array, positive_int, positive_number
from helpers.curvature import curvature_eigenvalues, least_squares, predicted_behaviour
from helpers.descent import gradient_descent, mse
from helpers.optimizers import run_momentum
from helpers.plots import METHOD_COLOURS, OKABE_ITO, plot_loss_contours

#: The MIME type under which a front-end with ipywidgets finds the live widget.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Widget ids are normally random; a demo's id is its name and how many demos this kernel
# has made, so a notebook run top to bottom in a fresh kernel records the same output.
_SERIAL = itertools.count(1)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


class Demo:
    """Sliders and the figure they control, displayed as a live widget or as a still.

    Attributes:
        name: the demo's name (part of its widget id).
        sliders: ``{parameter: ipywidgets.FloatSlider}``; their values are passed to ``draw``.
        image: the ``ipywidgets.Image`` holding the current figure (PNG bytes).
        widget: the ``ipywidgets.VBox`` of sliders and image that JupyterLab shows.
        still: PNG bytes of the figure at the starting values.
        start: the starting values, ``{parameter: value}``.
    """

    def __init__(
        self,
        name: str,
        sliders: Mapping[str, Any],
        draw: Callable[..., Figure],
        describe: Callable[..., str],
    ) -> None:
        import ipywidgets

        self.name = name
        self.sliders = dict(sliders)
        self._draw = draw
        self._describe = describe
        self.start = self.values
        self.still = self.png()
        self.image = ipywidgets.Image(
            value=self.still, format="png", layout={"width": "100%", "margin": "0"}
        )
        for slider in self.sliders.values():
            slider.observe(self._redraw, names="value")
        row = ipywidgets.HBox(list(self.sliders.values()))
        self.widget = ipywidgets.VBox(  # as wide as the notebook: the figure scales to fit
            [row, self.image],
            layout={"width": "100%", "max_width": "1000px"},
            model_id=f"course-demo-{name}-{next(_SERIAL)}",
        )

    @property
    def values(self) -> dict[str, float]:
        """The sliders' current values."""
        return {key: float(slider.value) for key, slider in self.sliders.items()}

    def png(self) -> bytes:
        """The figure at the sliders' current values, as PNG bytes."""
        return _png(self._draw(**self.values))

    def _redraw(self, _change: Any = None) -> None:
        self.image.value = self.png()

    def __repr__(self) -> str:
        return self._describe(**self.start)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/plain": repr(self),
            "image/png": base64.b64encode(self.still).decode("ascii"),
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id},
        }


def _slider(
    description: str, value: float, low: float, high: float, step: float, digits: int
) -> Any:
    import ipywidgets

    return ipywidgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=f".{digits}f",
        continuous_update=False,  # redraw when the slider is released, not on every pixel
        layout={"width": "420px"},
        style={"description_width": "initial"},
    )


def _in_range(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return number


def _until_outside(points: np.ndarray, lows: Any, highs: Any) -> np.ndarray:
    """The points up to and including the first one outside the box (a diverging run
    leaves the plot after a few steps; what follows would only draw lines across it)."""
    outside = np.any((points < np.asarray(lows)) | (points > np.asarray(highs)), axis=1)
    return points[: int(np.argmax(outside)) + 1] if outside.any() else points


# ---------------------------------------------------------------- 04: the learning rate


def _one_weight(x: Any, y: Any, w0: Any) -> tuple[np.ndarray, np.ndarray, float]:
    xs = as_float_array(x, "x", ndim=(0, 1)).reshape(-1)
    ys = as_float_array(y, "y", ndim=(0, 1)).reshape(-1)
    if xs.shape != ys.shape:
        raise ValueError(f"x and y must have the same length, got {xs.shape[0]} and {ys.shape[0]}")
    if not np.any(xs):
        raise ValueError(
            "x must not be all zeros: the loss is flat, so there is no learning-rate bound"
        )
    start = float(as_float_array(w0, "w0", ndim=0))
    return xs, ys, start


def draw_learning_rate(
    x: Any, y: Any, w0: float, lr: float, steps: int = 8, lr_max: float | None = None
) -> Figure:
    """Gradient descent on the parabola ``L(w) = mean((w x - y)^2)`` at one learning rate.

    Left: the parabola, the minimum ``w*`` (dashed) and the run's ``steps`` steps from
    ``w0`` (one segment per step; a step that leaves the plot is cut at its edge). Right:
    the learning-rate scale with the one-step rate ``1/L''`` and the bound ``2/L''``
    marked, and ``lr`` on it. The title says what the run does (see
    :func:`helpers.curvature.predicted_behaviour`).

    Raises:
        ValueError / TypeError: ``x`` and ``y`` differ in length or are not numeric, ``x``
            is all zeros, ``lr`` is not positive, ``steps`` is not an int >= 1.
    """
    xs, ys, start = _one_weight(x, y, w0)
    rate = positive_number(lr, "lr")
    count = positive_int(steps, "steps")
    curvature = 2.0 * float(np.mean(xs**2))
    bound = 2.0 / curvature
    top = max(positive_number(lr_max, "lr_max") if lr_max is not None else 1.25 * bound, rate)
    minimum = float(least_squares(xs[:, None], ys)[0])
    run = gradient_descent(xs, ys, start, rate, count, allow_divergence=True)
    weights = np.asarray(run.weights, dtype=float).reshape(-1)
    reach = 2.5 * (abs(start - minimum) or 1.0)
    grid = np.linspace(minimum - reach, minimum + reach, 201)
    parabola = np.array([mse(xs, ys, w) for w in grid])

    figure = Figure(figsize=(9.6, 4.2), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[4.2, 1.0])
    left.plot(grid, parabola, color=OKABE_ITO["black"], linewidth=1.5, label="$L(w)$")
    left.axvline(
        minimum, color=METHOD_COLOURS["least squares"], linestyle="--", linewidth=1, label="$w^*$"
    )
    weights = _until_outside(weights[:, None], grid[0], grid[-1])[:, 0]
    losses = np.array([mse(xs, ys, w) for w in weights])
    colour = METHOD_COLOURS["gd"]
    left.plot(
        weights, losses, "-o", color=colour, markersize=5, linewidth=1.6, label=f"{count} steps"
    )
    left.plot(weights[:1], losses[:1], "s", color=colour, markersize=8)
    left.set_xlim(grid[0], grid[-1])
    left.set_ylim(-0.04 * parabola.max(), 1.08 * parabola.max())
    left.set_xlabel("$w$")
    left.set_ylabel("loss $L(w)$")
    left.legend(loc="upper center")
    factor = 1.0 - rate * curvature
    left.set_title(
        f"lr = {rate:.3f}: r = 1 - lr L'' = {factor:+.3f}, {predicted_behaviour(xs, rate)}"
    )

    right.axhspan(0, bound, color=OKABE_ITO["bluish green"], alpha=0.18)
    right.axhspan(bound, 1.05 * top, color=OKABE_ITO["vermillion"], alpha=0.18)
    right.axhline(bound, color=OKABE_ITO["vermillion"], linewidth=2)
    right.axhline(bound / 2, color=OKABE_ITO["black"], linestyle=":", linewidth=1)
    right.text(0.05, bound, f" 2/L'' = {bound:.3f}", va="bottom", fontsize=9)
    right.text(0.05, bound / 2, f" 1/L'' = {bound / 2:.3f}", va="bottom", fontsize=9)
    right.plot([0.7], [rate], "<", color=colour, markersize=12)
    right.set_xlim(0, 1)
    right.set_ylim(0, 1.05 * top)
    right.set_xticks([])
    right.set_ylabel("learning rate")
    right.set_title("stable below 2/L''", fontsize=10)
    return figure


def learning_rate_demo(x: Any, y: Any, w0: float, lr: float = 0.1, steps: int = 8) -> Demo:
    """A learning-rate slider over :func:`draw_learning_rate` for the data ``x``, ``y``.

    The slider runs from a small rate to 1.25 times the bound ``2/L''`` (past it: the run
    diverges), starting at ``lr``.

    Raises:
        ValueError / TypeError: as :func:`draw_learning_rate`, or ``lr`` outside the slider.
    """
    xs, ys, start = _one_weight(x, y, w0)
    count = positive_int(steps, "steps")
    bound = 2.0 / (2.0 * float(np.mean(xs**2)))
    top = 1.25 * bound
    step = float(f"{top / 60:.0e}")  # about 60 positions, a round step
    high = round(math.floor(top / step) * step, 10)
    rate = _in_range(lr, "lr", step, high)
    slider = _slider("learning rate", rate, step, high, step, max(3, -math.floor(math.log10(step))))

    def draw(lr: float) -> Figure:
        return draw_learning_rate(xs, ys, start, lr, count, lr_max=high)

    def describe(lr: float) -> str:
        return (
            f"learning-rate demo: lr = {lr:.3f}, bound 2/L'' = {bound:.3f} (a slider in JupyterLab)"
        )

    return Demo("learning-rate", {"lr": slider}, draw, describe)


# ---------------------------------------------------------------- 11: momentum on the valley


def _two_features(X: Any, Y: Any, W0: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    features = as_float_array(X, "X", ndim=2)
    targets = as_float_array(Y, "Y", ndim=(1, 2)).reshape(-1, 1)
    start = as_float_array(W0, "W0", ndim=(1, 2)).reshape(-1, 1)
    if features.shape[1] != 2 or start.shape != (2, 1):
        raise ValueError(
            f"X must have 2 columns and W0 2 entries, got X {features.shape}, W0 {start.shape[0]}"
        )
    if targets.shape[0] != features.shape[0]:
        raise ValueError(
            f"Y must have one row per row of X ({features.shape[0]}), got {targets.shape[0]}"
        )
    return features, targets, start


def heavy_ball_rate(eigenvalues: Any, lr: float, momentum: float) -> float:
    """How much heavy ball shrinks the error per step, worst direction (>= 1: no convergence).

    The spectral radius of ``[[1 + beta - lr*lam, -beta], [1, 0]]``, maximised over the
    Hessian's eigenvalues ``lam``; with ``momentum=0`` it is ``max |1 - lr*lam|``.
    """
    values = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    rate = positive_number(lr, "lr")
    beta = _in_range(momentum, "momentum", 0.0, 0.999)
    radii = [
        np.max(np.abs(np.linalg.eigvals(np.array([[1 + beta - rate * lam, -beta], [1.0, 0.0]]))))
        for lam in values
    ]
    return float(max(radii))


def draw_momentum(
    X: Any,
    Y: Any,
    W0: Any,
    lr: float,
    momentum: float,
    steps: int = 40,
    w1_range: tuple[float, float] = (0.8, 2.3),
    w2_range: tuple[float, float] = (-0.3, 1.4),
) -> Figure:
    """Heavy ball (``momentum=0``: gradient descent) on the contours of ``mean((XW - Y)^2)``.

    The path of ``steps`` steps from ``W0`` (steps that leave the plot are cut at its
    edge) and the minimum (star). The title gives the rate per step (see
    :func:`heavy_ball_rate`) and the bound ``lr < 2 (1 + beta) / lambda_max``.

    Raises:
        ValueError / TypeError: ``X`` is not ``(N, 2)``, ``Y`` has another number of rows,
            ``W0`` has not 2 entries, ``lr`` is not positive, ``momentum`` not in [0, 1).
    """
    features, targets, start = _two_features(X, Y, W0)
    rate = positive_number(lr, "lr")
    beta = _in_range(momentum, "momentum", 0.0, 0.999)
    count = positive_int(steps, "steps")
    n = features.shape[0]
    eigenvalues = curvature_eigenvalues(features)
    bound = 2 * (1 + beta) / float(eigenvalues[-1])
    shrink = heavy_ball_rate(eigenvalues, rate, beta)

    # Products written out, not `X @ W`: a BLAS kernel (and its fused multiply-adds) differs
    # between CPUs in the last bits, which would move a contour line by a pixel.
    def residual(W: np.ndarray) -> np.ndarray:
        w = np.reshape(W, (2, 1))
        return features[:, :1] * w[0, 0] + features[:, 1:] * w[1, 0] - targets

    def gradient(W: np.ndarray) -> np.ndarray:
        r = residual(W)
        return (2 / n) * np.array([[np.sum(features[:, :1] * r)], [np.sum(features[:, 1:] * r)]])

    def loss(W: np.ndarray) -> float:
        return float(np.mean(residual(W) ** 2))

    try:
        path = run_momentum(gradient, start, rate, beta, count).reshape(-1, 2)
    except ValueError:  # overflowed: the first steps still show which way it went
        path = run_momentum(gradient, start, rate, beta, 5).reshape(-1, 2)
    path = _until_outside(path, [w1_range[0], w2_range[0]], [w1_range[1], w2_range[1]])
    label = f"heavy ball, β = {beta:.2f}" if beta > 0 else "gradient descent (β = 0)"
    figure = Figure(figsize=(8.4, 5.2), layout="constrained")
    ax = figure.subplots()
    plot_loss_contours(
        loss,
        w1_range,
        w2_range,
        paths={label: path},
        minimum=np.round(least_squares(features, targets).ravel(), 9),
        resolution=61,
        ax=ax,
    )
    ax.set_xlim(*w1_range)
    ax.set_ylim(*w2_range)
    verdict = f"error x {shrink:.3f} per step" if shrink < 1 else "does not converge"
    ax.set_title(
        f"lr = {rate:.3f}, β = {beta:.2f}: {verdict}\n"
        f"{count} steps from W0; stable for lr < 2(1 + β)/λmax = {bound:.3f}"
    )
    return figure


def momentum_demo(
    X: Any, Y: Any, W0: Any, lr: float = 0.1, momentum: float = 0.5, steps: int = 40
) -> Demo:
    """Sliders for the learning rate and the momentum β over :func:`draw_momentum`.

    The learning rate runs up to the bound at the largest β on the slider (0.95), the
    momentum from 0 (plain gradient descent) to 0.95.

    Raises:
        ValueError / TypeError: as :func:`draw_momentum`, or a start outside its slider.
    """
    features, targets, start = _two_features(X, Y, W0)
    count = positive_int(steps, "steps")
    top = 2 * 1.95 / float(curvature_eigenvalues(features)[-1])
    step = float(f"{top / 50:.0e}")
    high = round(math.floor(top / step) * step, 10)
    rate = _in_range(lr, "lr", step, high)
    beta = _in_range(momentum, "momentum", 0.0, 0.95)
    sliders = {
        "lr": _slider(
            "learning rate", rate, step, high, step, max(3, -math.floor(math.log10(step)))
        ),
        "momentum": _slider("momentum β", beta, 0.0, 0.95, 0.05, 2),
    }

    def draw(lr: float, momentum: float) -> Figure:
        return draw_momentum(features, targets, start, lr, momentum, count)

    def describe(lr: float, momentum: float) -> str:
        return f"momentum demo: lr = {lr:.3f}, beta = {momentum:.2f}, {count} steps (sliders in JupyterLab)"

    return Demo("momentum", sliders, draw, describe)
