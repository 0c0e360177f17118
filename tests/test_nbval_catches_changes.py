"""Strict nbval fails when a recorded number no longer reproduces (and passes when it does).

One nbval run over two small notebooks (no torch: a kernel that imports nothing heavy costs
about a second): the unchanged one passes, the one with one altered digit fails and names it.
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from tests.test_tools import small_notebook

pytestmark = pytest.mark.slow
RECORDED = "prediction 2.0, loss 4.0, gradient -8.0\n"
CODE = "w, x, y = 1.0, 2.0, 4.0\nprint(f'prediction {w * x:.1f}, loss {(w * x - y) ** 2:.1f}, gradient {2 * (w * x - y) * x:.1f}')"


def recorded_notebook(path, text):
    """A notebook whose one cell prints RECORDED, recorded as ``text``."""
    cell = nbformat.v4.new_code_cell(CODE, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    small_notebook(path, [cell])


def test_strict_nbval_passes_the_unchanged_notebook_and_fails_one_altered_number(tmp_path):
    recorded_notebook(tmp_path / "unchanged.ipynb", RECORDED)
    recorded_notebook(tmp_path / "altered.ipynb", RECORDED.replace("-8.0", "-8.1"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-rf",
         "altered.ipynb", "unchanged.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-3000:]
    assert "FAILED altered.ipynb::Cell 0" in result.stdout and "-8.1" in result.stdout
