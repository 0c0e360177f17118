"""Shared fixtures: paths of the repo and its notebooks."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw without a screen

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def venv_python() -> str:
    """The interpreter running the tests (the project's .venv under `make test`)."""
    import sys

    return os.environ.get("COURSE_PYTHON", sys.executable)
