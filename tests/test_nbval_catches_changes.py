"""Strict nbval fails when a recorded number no longer reproduces (and passes when it does)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SOURCE = ROOT / "notebooks" / "00_start_here.ipynb"
RECORDED = "prediction 2.0, loss 4.0, gradient -8.0\n"


def nbval(path):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q", str(path)],
        cwd=path.parent, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture()
def copy(tmp_path):
    target = tmp_path / SOURCE.name
    shutil.copy(SOURCE, target)
    return target


def test_unchanged_copy_passes(copy):
    result = nbval(copy)
    assert result.returncode == 0, result.stdout[-3000:]


def test_one_altered_number_fails(copy):
    nb = nbformat.read(copy, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("text") == RECORDED]
    assert len(outputs) == 1, "the recorded line this test alters is gone from 00_start_here"
    outputs[0].text = RECORDED.replace("-8.0", "-8.1")
    nbformat.write(nb, copy)
    result = nbval(copy)
    assert result.returncode == 1
    assert "-8.1" in result.stdout and "1 failed" in result.stdout
