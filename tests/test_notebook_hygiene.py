"""What a green nbval run can hide: every notebook is valid, executed in order, and clean."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.conftest import NOTEBOOKS, ROOT

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
MACHINE_PATH = re.compile(r"/(root|home|tmp|work|Users|usr|opt)/|[A-Z]:\\\\")
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")

ids = [p.name for p in NOTEBOOKS]


def code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


def output_text(output) -> str:
    text = output.get("text", "")
    data = output.get("data", {})
    text += "".join(str(data.get(key, "")) for key in ("text/plain", "text/html", "text/markdown"))
    text += "\n".join(output.get("traceback", []))
    return text


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=ids)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


def test_valid_nbformat_and_python3_kernel(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3", f"{path.name}: kernel must be python3"


def test_execution_counts_run_1_to_n(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in code_cells(nb) if c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run `make regen NB=notebooks/{path.name}`"


def test_first_code_cell_sets_up_the_notebook(notebook):
    path, nb = notebook
    assert "setup_notebook(" in code_cells(nb)[0].source, f"{path.name}: first code cell must call setup_notebook()"


def test_errors_only_where_tagged_raises_exception(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            assert tagged, f"{path.name} cell {index}: error output without the raises-exception tag"
        if tagged:
            assert errors, f"{path.name} cell {index}: tagged raises-exception but recorded no error"


def test_no_code_cell_ends_with_semicolon(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.rstrip().endswith(";"):
            pytest.fail(f"{path.name} cell {index}: ends with ';' (nbval ignores it); end with plt.show()")


def test_outputs_have_no_addresses_paths_or_stderr(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output_text(output)
            assert not ADDRESS.search(text), f"{path.name} cell {index}: memory address in output"
            assert not MACHINE_PATH.search(text), f"{path.name} cell {index}: machine path in output"
            if output.output_type == "stream":
                assert output.name == "stdout", f"{path.name} cell {index}: stderr output (print warnings deliberately instead)"
            for mime in output.get("data", {}):
                assert mime != "image/svg+xml", f"{path.name} cell {index}: figures must be PNG"


def test_ignored_outputs_are_justified(notebook):
    """A cell whose output is not compared says why in its first line, in words a student understands."""
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        for tag in IGNORE_TAGS:
            if tag in cell.metadata.get("tags", []):
                first = cell.source.splitlines()[0] if cell.source else ""
                assert re.match(r"# .*\b(vary|varies|differ|differs|depend|depends)\b", first), (
                    f"{path.name} cell {index}: tagged {tag}; its first line is a comment saying why "
                    "the output varies (e.g. '# Timings differ on every machine: ...')"
                )
                assert "nbval" not in cell.source, f"{path.name} cell {index}: students read this comment; say why in plain words"


def test_listed_in_readme_contents(notebook):
    path, _ = notebook
    assert f"(notebooks/{path.name})" in (ROOT / "README.md").read_text(), f"{path.name} is missing from README contents: run `make nav`"
