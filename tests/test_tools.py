"""The project's scripts: regen is idempotent and leaves a failing notebook untouched; navigation is current."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def small_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    path.write_text(nbformat.writes(nb) + "\n")


def test_navigation_is_current():
    result = run("tools/navigation.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_regen_writes_outputs_and_is_idempotent(tmp_path):
    path = tmp_path / "ok.ipynb"
    small_notebook(path, [
        nbformat.v4.new_code_cell("print(f'{2 * 21:d}')"),
        nbformat.v4.new_code_cell("raise ValueError('shown on purpose')", metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("1 + 1"),
    ])
    assert run("tools/regen.py", str(path)).returncode == 0
    first = path.read_bytes()
    nb = nbformat.reads(first.decode(), as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2, 3]
    assert nb.cells[0].outputs[0].text == "42\n"
    assert nb.cells[1].outputs[0].ename == "ValueError"
    assert run("tools/regen.py", str(path)).returncode == 0
    assert path.read_bytes() == first


def test_regen_leaves_failing_notebook_untouched_and_names_cell(tmp_path):
    path = tmp_path / "broken.ipynb"
    small_notebook(path, [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    before = path.read_bytes()
    result = run("tools/regen.py", str(path))
    assert result.returncode == 1
    assert "broken.ipynb: cell 1 failed" in result.stdout and "ZeroDivisionError" in result.stdout
    assert path.read_bytes() == before


def test_navigation_is_idempotent(tmp_path):
    copy = tmp_path / "repo"
    (copy / "notebooks").mkdir(parents=True)
    (copy / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "navigation.py", copy / "tools")
    shutil.copy(ROOT / "README.md", copy)
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, copy / "notebooks")
    first = run("tools/navigation.py", cwd=copy)
    assert first.returncode == 0
    snapshot = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    second = run("tools/navigation.py", cwd=copy)
    assert second.returncode == 0 and second.stdout == ""
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == snapshot
