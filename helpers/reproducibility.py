"""Make a notebook deterministic: seeds, threads, print options and one plot style."""

from __future__ import annotations

import random

import matplotlib as mpl
import numpy as np
import torch

from helpers._validate import positive_int

#: One readable style for every figure, sized for a projector.
PLOT_STYLE: dict[str, object] = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "viridis",
}


TRACEBACK_MODES = ("minimal", "context")


def setup_notebook(seed: int = 0, *, threads: int = 1, precision: int = 4, tracebacks: str = "minimal") -> None:
    """Make everything after this call reproducible, and set the course's look.

    Seeds Python's ``random``, NumPy's global generator and torch; fixes torch's
    intra-op thread count (so float sums are added in the same order on every
    machine); sets NumPy and torch print precision; selects PNG figures inline with
    one style sized for a projector.

    Dropped on purpose: ``torch.use_deterministic_algorithms(True)``. On CPU that flag
    changes only accumulating index writes (``index_put``/``put_`` with
    ``accumulate=True``, the backward of indexing with a list of tensors), which run
    in one fixed order anyway on the single thread set here, and makes
    ``torch.empty`` fill its memory with NaN; the course relies on none of this. The
    call imports ``torch._inductor`` (about 800 modules, ~1.4 s), which made this
    function cost ~1.5x importing torch, NumPy and matplotlib. A notebook that needs
    deterministic algorithms (on a GPU, say) turns them on in its own cell.

    Args:
        seed: the seed for every random generator (an int >= 0).
        threads: torch's intra-op thread count (an int >= 1).
        precision: digits after the decimal point when arrays and tensors print.
        tracebacks: ``"minimal"`` (one line per error) or ``"context"`` (IPython's default).

    Returns:
        None.

    Raises:
        TypeError: an argument is not an int.
        ValueError: ``seed`` is negative, ``threads`` or ``precision`` is < 1, or
            ``tracebacks`` is not one of :data:`TRACEBACK_MODES`.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    threads = positive_int(threads, "threads")
    precision = positive_int(precision, "precision")
    if tracebacks not in TRACEBACK_MODES:
        raise ValueError(f"tracebacks must be one of {TRACEBACK_MODES}, got {tracebacks!r}")

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)

    np.set_printoptions(precision=precision, suppress=True)
    torch.set_printoptions(precision=precision)

    mpl.rcParams.update(PLOT_STYLE)
    _configure_ipython(tracebacks)


def _configure_ipython(tracebacks: str) -> None:
    """Inside IPython: one-line errors, figures inline as PNG (nbval does not compare images)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.InteractiveTB.set_mode(mode=tracebacks.capitalize())
    shell.run_line_magic("matplotlib", "inline")
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")
    # the inline backend resets some rcParams when it is selected: apply the style again
    mpl.rcParams.update(PLOT_STYLE)
