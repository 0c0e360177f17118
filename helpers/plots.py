"""One-call plots for the course.

Every function draws on ``ax`` when one is given (and leaves showing it to the
caller), or else makes its own figure and shows it. Each returns None, so a cell
that ends with one of these calls records the figure and nothing else.

One colour per method in every figure of the course: a curve whose label names a
method (see :func:`method_colour`) is drawn in ``METHOD_COLOURS[method]``; a second
curve of the same method in one figure keeps the colour and gets another line style.
The colours are the Okabe-Ito palette, readable with every common colour-vision
deficiency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from helpers._validate import as_float_array

Curves = Sequence[float] | np.ndarray | Mapping[str, Sequence[float] | np.ndarray]

#: The Okabe-Ito palette (Okabe & Ito 2008), safe for colour-blind readers.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: One colour per method, the same in every figure of the course.
METHOD_COLOURS: dict[str, str] = {
    "gd": OKABE_ITO["blue"],  # plain (full-batch) gradient descent
    "momentum": OKABE_ITO["vermillion"],  # heavy ball / SGD with momentum
    "adam": OKABE_ITO["bluish green"],
    "sgd": OKABE_ITO["orange"],  # mini-batch stochastic gradient descent
    "sum bug": OKABE_ITO["reddish purple"],  # the sum-instead-of-mean gradient
    "least squares": OKABE_ITO["black"],  # the exact minimum
    "hand": OKABE_ITO["sky blue"],  # a gradient derived by hand
    "autograd": OKABE_ITO["yellow"],  # the same gradient from autograd
    "data": "#7F7F7F",  # data points: neutral grey, no method
    "path": OKABE_ITO["blue"],  # an unnamed descent path is plain gradient descent
}

# How a label names a method: first match wins, so specific names come first.
_METHOD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("sum bug", r"sum bug|sum instead of mean|reduction\s*=\s*'sum'|\bsum of squares\b"),
    ("adam", r"\badam\b"),
    ("momentum", r"momentum|heavy[- ]ball|polyak"),
    ("least squares", r"least[- ]squares|lstsq|closed form"),
    ("sgd", r"mini-?batch|\bsgd\b|stochastic"),
    ("autograd", r"autograd"),
    ("hand", r"\bby hand\b|\bhand\b"),
    ("gd", r"\bgd\b|gradient descent|full[- ]batch"),
    ("data", r"^data\b"),
    ("path", r"\bpath\b"),
)

_LINE_STYLES = ("-", "--", ":", "-.")


#: Drawn coordinates keep this many significant bits (about 9 digits). Two machines whose
#: BLAS or vector width round a value's last bit differently then draw the same pixels.
DRAWN_BITS = 30


def drawable(values: Any) -> np.ndarray:
    """``values`` as float64, rounded to :data:`DRAWN_BITS` significant bits (NaN stays NaN).

    Every helper draws through it, so a figure does not depend on last-bit differences.
    """
    mantissa, exponent = np.frexp(np.asarray(values, dtype=float))
    scale = 2.0**DRAWN_BITS
    return np.ldexp(np.round(mantissa * scale) / scale, exponent)


def method_colour(label: str) -> str | None:
    """The colour of the method a curve label names, or None if it names none.

    A label that is a key of ``METHOD_COLOURS`` names that method; otherwise the
    label is searched (case-insensitively) for a method's name, e.g. "GD, best lr"
    -> "gd", "heavy ball, best lr and beta" -> "momentum", "Adam, lr 0.1" -> "adam",
    "mini-batch, B = 32" -> "sgd", "reduction='sum'" -> "sum bug".

    Raises:
        TypeError: ``label`` is not a string.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    text = label.strip().lower()
    if text in METHOD_COLOURS:
        return METHOD_COLOURS[text]
    for method, pattern in _METHOD_PATTERNS:
        if re.search(pattern, text):
            return METHOD_COLOURS[method]
    return None


# Colours for curves that name no method, in a figure that also has method curves:
# the palette's colours not taken by a method already drawn, in this order.
_FREE_ORDER = ("bluish green", "reddish purple", "sky blue", "orange", "vermillion", "blue")


class _Palette(dict):
    """Per-figure bookkeeping: how often each colour was used, and colours still free."""

    def __init__(self, labels: Any) -> None:
        super().__init__()
        names = [str(label) for label in labels]
        taken = {method_colour(name) for name in names if name} - {None}
        self.any_method = bool(taken)
        self.free = [OKABE_ITO[n] for n in _FREE_ORDER if OKABE_ITO[n] not in taken]


def _method_style(label: str, seen: _Palette) -> dict[str, str]:
    """Line kwargs for a labelled curve: its method's colour, another line style on repeats.

    A curve that names no method keeps matplotlib's colour cycle, unless the figure also
    has method curves: then it takes a palette colour no method in the figure uses.
    """
    colour = method_colour(label) if label else None
    if colour is None:
        if not seen.any_method or not seen.free:
            return {}
        colour = seen.free.pop(0)
    count = seen.get(colour, 0)
    seen[colour] = count + 1
    return {"color": colour, "linestyle": _LINE_STYLES[count % len(_LINE_STYLES)]}


def _axes(ax: plt.Axes | None, figsize: tuple[float, float] | None = None) -> tuple[plt.Axes, bool]:
    if ax is not None:
        return ax, False
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax, True


def _finish(ax: plt.Axes, owns_figure: bool, *, title: str | None, legend: bool) -> None:
    if title:
        ax.set_title(title)
    if legend:
        ax.legend()
    if owns_figure:
        plt.show()


def _named(curves: Curves, name: str) -> dict[str, np.ndarray]:
    if isinstance(curves, Mapping):
        if not curves:
            raise ValueError(f"{name} must not be empty")
        return {str(k): as_float_array(v, f"{name}[{k!r}]", ndim=1) for k, v in curves.items()}
    return {"": as_float_array(curves, name, ndim=1)}


def plot_loss_curve(
    losses: Curves,
    *,
    log: bool = False,
    xlabel: str = "step",
    ylabel: str = "loss",
    title: str | None = None,
    start: int = 0,
    ax: plt.Axes | None = None,
) -> None:
    """Plot loss against step: one curve, or several given as ``{label: losses}``.

    Args:
        losses: a 1-D sequence, or a mapping from label to 1-D sequence.
        log: use a logarithmic y axis (losses must then be > 0).
        xlabel, ylabel, title: labels.
        start: the step number of the first loss (0 or 1).
        ax: draw here instead of a new figure.

    Raises:
        ValueError: a curve is not 1-D, is empty, has NaN/inf, or has values <= 0 with ``log``.
    """
    curves = _named(losses, "losses")
    target, owns = _axes(ax)
    seen = _Palette(curves)
    for label, values in curves.items():
        if values.size == 0:
            raise ValueError(f"losses{'[' + repr(label) + ']' if label else ''} is empty")
        if log and np.any(values <= 0):
            raise ValueError("losses must be > 0 on a log scale (log=True)")
        steps = np.arange(start, start + values.size)
        target.plot(
            steps,
            drawable(values),
            marker="o" if values.size <= 30 else None,
            label=label or None,
            **_method_style(label, seen),
        )
    if log:
        target.set_yscale("log")
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=any(curves))


def plot_data_and_lines(
    x: Any,
    y: Any,
    lines: Mapping[str, Callable[[np.ndarray], Any] | tuple[float, float] | float] | None = None,
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Scatter the data ``(x, y)`` and draw candidate lines through it.

    Args:
        x, y: 1-D data of equal length.
        lines: ``{label: line}`` where a line is a slope ``w`` (for ``y = w x``), a
            pair ``(w, b)`` (for ``y = w x + b``) or a function of an x array.
        xlabel, ylabel, title: labels.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: ``x`` and ``y`` differ in length, or contain NaN/inf.
        TypeError: a line is neither a number, a pair nor a callable.
    """
    xs = as_float_array(x, "x", ndim=(1, 2)).reshape(-1)
    ys = as_float_array(y, "y", ndim=(1, 2)).reshape(-1)
    if xs.shape != ys.shape:
        raise ValueError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    target, owns = _axes(ax)
    target.scatter(xs, ys, s=70, color=METHOD_COLOURS["data"], zorder=3, label="data")
    seen = _Palette(lines or {})
    span = xs.max() - xs.min() if xs.size > 1 else 1.0
    grid = np.linspace(min(0.0, xs.min()), xs.max() + 0.1 * span, 200)
    for label, line in (lines or {}).items():
        if callable(line):
            values = as_float_array(line(grid), f"lines[{label!r}](x)").reshape(-1)
        elif isinstance(line, (int, float, np.floating)):
            values = float(line) * grid
        elif isinstance(line, tuple) and len(line) == 2:
            values = float(line[0]) * grid + float(line[1])
        else:
            raise TypeError(f"lines[{label!r}] must be a slope, a (w, b) pair or a function, got {line!r}")
        target.plot(grid, drawable(values), label=label, **_method_style(str(label), seen))
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=True)


def plot_loss_1d(
    loss: Callable[[float], Any],
    w_values: Any,
    *,
    path: Any = None,
    path_label: str = "descent path",
    xlabel: str = "w",
    ylabel: str = "loss",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Plot a loss as a function of one weight, with an optional descent path on it.

    Args:
        loss: maps a float ``w`` to the loss (a number or 0-d array/tensor).
        w_values: the 1-D grid of weights at which to draw the curve.
        path: the weights visited by gradient descent, in order; drawn as numbered
            points joined by arrows.
        path_label: the path's legend label; a label naming a method (e.g.
            ``"as written: sum bug"``) draws the path in that method's colour.
        xlabel, ylabel, title: labels.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: ``w_values`` or ``path`` is not 1-D or has NaN/inf, or the loss is not finite.
    """
    grid = as_float_array(w_values, "w_values", ndim=1)
    curve = np.array([float(as_float_array(loss(float(w)), "loss(w)")) for w in grid])
    target, owns = _axes(ax)
    target.plot(grid, drawable(curve), color="#7F7F7F", label="loss")
    if path is not None:
        steps = as_float_array(path, "path", ndim=1)
        heights = np.array([float(as_float_array(loss(float(w)), "loss(w)")) for w in steps])
        if not isinstance(path_label, str):
            raise TypeError(f"path_label must be a str, got {type(path_label).__name__}")
        colour = method_colour(path_label) or METHOD_COLOURS["path"]
        steps, heights = drawable(steps), drawable(heights)
        target.plot(steps, heights, "o", color=colour, zorder=3, label=path_label)
        for start in range(steps.size - 1):
            target.annotate(
                "",
                xy=(steps[start + 1], heights[start + 1]),
                xytext=(steps[start], heights[start]),
                arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5},
            )
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=path is not None)


def plot_loss_contours(
    loss: Callable[[np.ndarray], Any],
    w1_range: tuple[float, float],
    w2_range: tuple[float, float],
    *,
    paths: Mapping[str, Any] | None = None,
    minimum: Any = None,
    levels: int = 20,
    log_levels: bool = True,
    resolution: int = 121,
    xlabel: str = "$w_1$",
    ylabel: str = "$w_2$",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Draw contours of a loss of two weights, with descent paths on them.

    Args:
        loss: maps a length-2 float array ``[w1, w2]`` to the loss.
        w1_range, w2_range: ``(low, high)`` of each axis.
        paths: ``{label: points}`` with points of shape ``(steps, 2)``.
        minimum: a point ``[w1, w2]`` to mark with a star (e.g. least squares).
        levels: number of contour levels.
        log_levels: space the levels geometrically (shows the valley floor).
        resolution: grid points per axis.
        xlabel, ylabel, title: labels.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: a range is not ``(low, high)`` with low < high, a path is not of
            shape ``(steps, 2)``, or a value is NaN/inf.
    """
    for name, bounds in (("w1_range", w1_range), ("w2_range", w2_range)):
        pair = as_float_array(bounds, name, ndim=1)
        if pair.shape != (2,) or not pair[0] < pair[1]:
            raise ValueError(f"{name} must be (low, high) with low < high, got {bounds!r}")
    w1 = np.linspace(*w1_range, resolution)
    w2 = np.linspace(*w2_range, resolution)
    grid1, grid2 = np.meshgrid(w1, w2)
    values = np.array(
        [float(as_float_array(loss(np.array([a, b])), "loss(w)")) for a, b in zip(grid1.ravel(), grid2.ravel(), strict=True)]
    ).reshape(grid1.shape)
    target, owns = _axes(ax, figsize=(7.0, 5.5))
    if log_levels and values.min() >= 0:
        low = max(values.min(), values.max() * 1e-4, 1e-12)
        # geomspace goes through log and exp, whose last bits depend on NumPy's SIMD level
        contour_levels = drawable(np.geomspace(low, values.max(), levels))
    else:
        contour_levels = np.linspace(values.min(), values.max(), levels)
    log_scale = log_levels and contour_levels[0] > 0
    norm = LogNorm(contour_levels[0], contour_levels[-1]) if log_scale else None
    shown = drawable(np.maximum(values, contour_levels[0]) if log_scale else values)  # no 0 on a log scale
    contours = target.contour(
        grid1, grid2, shown, levels=contour_levels, cmap="viridis", norm=norm, linewidths=1.2
    )
    # a narrow bar titled on top: its label takes no width beside a neighbouring panel
    bar = target.figure.colorbar(contours, ax=target, fraction=0.05, pad=0.03)
    bar.ax.set_title("loss", fontsize="medium")
    if log_scale:  # label whole powers of ten, not the (uneven) levels
        bar.ax.minorticks_off()
        exponents = np.arange(np.ceil(np.log10(contour_levels[0])), np.floor(np.log10(contour_levels[-1])) + 1)
        bar.set_ticks(10.0**exponents, labels=[f"$10^{{{int(k)}}}$" for k in exponents])
    seen = _Palette(paths or {})
    for label, points in (paths or {}).items():
        route = as_float_array(points, f"paths[{label!r}]", ndim=2)
        if route.shape[1] != 2:
            raise ValueError(f"paths[{label!r}] must have shape (steps, 2), got {route.shape}")
        style = _method_style(str(label), seen)
        route = drawable(route)
        target.plot(route[:, 0], route[:, 1], marker="o", markersize=4, linewidth=1.8, label=label, **style)
    if minimum is not None:
        point = drawable(as_float_array(minimum, "minimum", ndim=1))
        colour = METHOD_COLOURS["least squares"]
        target.plot(point[0], point[1], "*", color=colour, markersize=16, label="minimum")
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=bool(paths) or minimum is not None)


def plot_series(
    series: Mapping[str, tuple[Any, Any]],
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    log_x: bool = False,
    log_y: bool = False,
    styles: Mapping[str, str] | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Plot several labelled ``(x, y)`` series on one axes (e.g. loss against epochs, measured vs predicted).

    Args:
        series: ``{label: (x, y)}`` with 1-D ``x`` and ``y`` of equal length.
        xlabel, ylabel, title: labels.
        log_x, log_y: logarithmic axes (the values on that axis must then be > 0).
        styles: optional ``{label: matplotlib format string}``, e.g. ``{"measured": "o", "law": "--"}``.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: ``series`` is empty, a series has mismatched lengths, NaN/inf, or
            values <= 0 on a logarithmic axis.
    """
    if not series:
        raise ValueError("series must contain at least one (x, y) pair")
    checked = {}
    for label, pair in series.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"series[{label!r}] must be an (x, y) pair")
        xs = as_float_array(pair[0], f"series[{label!r}] x", ndim=1)
        ys = as_float_array(pair[1], f"series[{label!r}] y", ndim=1)
        if xs.shape != ys.shape:
            raise ValueError(f"series[{label!r}]: x and y must have the same length, got {xs.size} and {ys.size}")
        for axis, values, on in (("x", xs, log_x), ("y", ys, log_y)):
            if on and np.any(values <= 0):
                raise ValueError(f"series[{label!r}]: {axis} values must be > 0 on a log axis")
        checked[str(label)] = (xs, ys)
    target, owns = _axes(ax)
    seen = _Palette(checked)
    for label, (xs, ys) in checked.items():
        style = _method_style(label, seen)
        if label in (styles or {}):  # the caller chose the style: keep it
            fmt = styles[label]
            style.pop("linestyle", None)
            if any(letter in fmt for letter in "bgrcmykw"):
                style.pop("color", None)
            target.plot(drawable(xs), drawable(ys), fmt, label=label, **style)
        else:
            target.plot(drawable(xs), drawable(ys), label=label, **{"linestyle": "-", **style})
    if log_x:
        target.set_xscale("log")
    if log_y:
        target.set_yscale("log")
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=True)


def plot_learning_rate_grid(
    histories: Mapping[float, Any] | Sequence[Any],
    *,
    loss: Callable[[float], Any] | None = None,
    minimum: float | None = None,
    titles: Sequence[str] | None = None,
    ncols: int = 3,
    log: bool = False,
    xlabel: str = "w",
    title: str | None = None,
) -> None:
    """Draw one panel per gradient-descent run, e.g. one per learning rate.

    With ``loss`` (one weight), each panel shows the loss curve over the range the run
    visited and the run's path on it, as :func:`plot_loss_1d`; without it, each panel
    shows the run's loss against step, as :func:`plot_loss_curve`.

    Args:
        histories: runs with attributes ``learning_rate``, ``weights`` and ``losses``
            (e.g. ``helpers.descent.DescentHistory``), as a sequence or as the
            ``{learning_rate: history}`` dict from ``helpers.descent.run_learning_rates``.
        loss: maps a float ``w`` to the loss; draw paths on it (one-weight runs only).
        minimum: the best weight ``w*``; with ``loss``, every panel's range includes it
            and a dashed line marks it.
        titles: one title per panel (default ``"lr = <learning_rate>"``).
        ncols: panels per row.
        log: logarithmic loss axis for the loss-curve panels.
        xlabel: the weight's name on the x axis of path panels.
        title: a title over the whole grid.

    Raises:
        ValueError: no runs, ``titles`` of the wrong length, ``ncols`` < 1, a run with
            NaN/inf, or ``loss`` given for runs with more than one weight.
        TypeError: a run lacks ``weights``/``losses``/``learning_rate``.
    """
    runs = list(histories.values()) if isinstance(histories, Mapping) else list(histories)
    if not runs:
        raise ValueError("histories must contain at least one run")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be an int >= 1, got {ncols!r}")
    for index, run in enumerate(runs):
        if not all(hasattr(run, attr) for attr in ("learning_rate", "weights", "losses")):
            raise TypeError(f"histories[{index}] must have learning_rate, weights and losses, got {type(run).__name__}")
    names = list(titles) if titles is not None else [f"lr = {run.learning_rate:g}" for run in runs]
    if len(names) != len(runs):
        raise ValueError(f"titles must have one entry per run ({len(runs)}), got {len(names)}")
    cols = min(ncols, len(runs))
    rows = -(-len(runs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.8 * rows), squeeze=False)
    for index, (run, name) in enumerate(zip(runs, names, strict=True)):
        ax = axes[index // cols][index % cols]
        if loss is None:
            plot_loss_curve(run.losses, log=log, ax=ax)
        else:
            path = as_float_array(run.weights, f"histories[{index}].weights")
            if path.size != path.shape[0]:
                raise ValueError(f"loss can only be drawn for one-weight runs; histories[{index}] has weights of shape {path.shape[1:]}")
            path = path.reshape(-1)
            ends = path if minimum is None else np.append(path, float(minimum))
            low, high = float(ends.min()), float(ends.max())
            pad = 0.25 * (high - low) if high > low else 0.5
            plot_loss_1d(loss, np.linspace(low - pad, high + pad, 201), path=path, xlabel=xlabel, ax=ax)
            ax.get_legend().remove()
            if minimum is not None:
                ax.axvline(float(minimum), color="gray", linestyle="--", linewidth=1.5)
        ax.set_title(name)
    for index in range(len(runs), rows * cols):
        axes[index // cols][index % cols].set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_step_size_errors(
    steps: Any,
    errors: Curves,
    *,
    mark_best: bool = True,
    xlabel: str = "step size h",
    ylabel: str = "error",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Plot finite-difference error against step size on log-log axes (the "V" plot).

    Args:
        steps: the step sizes ``h``, 1-D, all > 0.
        errors: the errors, a 1-D sequence like ``steps`` or ``{label: errors}``; an
            error of exactly 0 cannot be drawn on a log axis and is left out (a gap).
        mark_best: mark each curve's smallest error with a large dot.
        xlabel, ylabel, title: labels.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: ``steps`` is not 1-D, empty or has an entry <= 0; a curve's length
            differs from ``steps``, has a negative entry, NaN/inf, or is all zeros.
    """
    sizes = as_float_array(steps, "steps", ndim=1)
    if sizes.size == 0 or np.any(sizes <= 0):
        raise ValueError("steps must be a non-empty 1-D sequence of numbers > 0")
    curves = _named(errors, "errors")
    target, owns = _axes(ax)
    for label, values in curves.items():
        name = f"errors[{label!r}]" if label else "errors"
        if values.shape != sizes.shape:
            raise ValueError(f"{name} must have one entry per step ({sizes.size}), got {values.size}")
        if np.any(values < 0):
            raise ValueError(f"{name} must be >= 0")
        if not np.any(values > 0):
            raise ValueError(f"{name} is all zeros: nothing to draw on a log scale")
        shown = drawable(np.where(values > 0, values, np.nan))
        (line,) = target.plot(sizes, shown, marker="o", label=label or None)
        if mark_best:
            best = int(np.nanargmin(shown))
            target.plot(sizes[best], shown[best], "o", markersize=16, color=line.get_color(), alpha=0.35)
    target.set_xscale("log")
    target.set_yscale("log")
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=any(curves))


def plot_scaling(
    curves: Mapping[str, tuple[Any, Any]],
    *,
    reference_slopes: Sequence[float] | Mapping[float, str] = (1.0,),
    anchor: str | None = None,
    xlabel: str = "n",
    ylabel: str = "seconds",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Log-log plot of a cost against a size for several methods, with dashed reference slopes.

    On log-log axes a cost growing like ``size**k`` is a straight line of slope ``k``;
    the dashed lines ``c * size**k`` show what slope ``k`` looks like.

    Args:
        curves: ``{label: (sizes, costs)}``, 1-D arrays of equal length, all > 0.
        reference_slopes: the slopes ``k`` of the dashed reference lines, or
            ``{k: label}`` to draw each one through the last point of its own curve.
        anchor: the curve whose last point the reference lines pass through, drawn
            over that curve's sizes (default: the first curve).
        xlabel, ylabel, title: labels.
        ax: draw here instead of a new figure.

    Raises:
        ValueError: no curves, lengths differ, a value is <= 0, NaN or inf, or
            an anchor is not one of the labels.
    """
    if not curves:
        raise ValueError("curves must name at least one (sizes, costs) pair")
    data = {}
    for label, pair in curves.items():
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValueError(f"curves[{label!r}] must be a (sizes, costs) pair")
        sizes = as_float_array(pair[0], f"curves[{label!r}] sizes", ndim=1)
        costs = as_float_array(pair[1], f"curves[{label!r}] costs", ndim=1)
        if sizes.shape != costs.shape or sizes.size == 0:
            raise ValueError(f"curves[{label!r}] needs as many costs as sizes (at least one), got {sizes.size} and {costs.size}")
        if np.any(sizes <= 0) or np.any(costs <= 0):
            raise ValueError(f"curves[{label!r}] must be > 0 everywhere (log-log axes)")
        data[str(label)] = (sizes, costs)
    anchor = next(iter(data)) if anchor is None else anchor
    anchors = dict(reference_slopes) if isinstance(reference_slopes, Mapping) else dict.fromkeys(reference_slopes, anchor)
    for label in anchors.values():
        if label not in data:
            raise ValueError(f"anchor must be one of {list(data)}, got {label!r}")
    target, owns = _axes(ax)
    seen = _Palette(data)
    for label, (sizes, costs) in data.items():
        target.plot(drawable(sizes), drawable(costs), marker="o", label=label, **_method_style(label, seen))
    for slope, label in anchors.items():
        span = np.geomspace(data[label][0].min(), data[label][0].max(), 50)
        x_end, y_end = data[label][0][-1], data[label][1][-1]
        target.plot(span, y_end * (span / x_end) ** float(slope), "--", color="gray", linewidth=1.5, alpha=0.8)
        target.annotate(f"slope {float(slope):g}", (span[0], y_end * (span[0] / x_end) ** float(slope)),
                        color="gray", fontsize=11, va="bottom")
    target.set_xscale("log")
    target.set_yscale("log")
    every_size = np.unique(np.concatenate([sizes for sizes, _ in data.values()]))
    if every_size.max() / every_size.min() < 1000:  # few decades: label the sizes themselves
        target.set_xticks(every_size, [f"{size:g}" for size in every_size])
        target.xaxis.set_minor_formatter(plt.NullFormatter())
    target.set_xlabel(xlabel)
    target.set_ylabel(ylabel)
    _finish(target, owns, title=title, legend=True)
