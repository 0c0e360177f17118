"""`make test`'s scheduling (tests/schedule.py): what must share a worker does."""

from __future__ import annotations

import inspect
import re

import pytest

from tests import schedule, test_browser, test_site, test_slides


def functions_of(module) -> dict[str, list[str]]:
    return {name: list(inspect.signature(function).parameters)
            for name, function in vars(module).items() if name.startswith("test_") and callable(function)}


def test_every_cell_of_a_notebook_is_one_work_unit():
    cells = [f"notebooks/14_scaling_out.ipynb::Cell {n}" for n in (0, 7, 20)]
    assert {schedule.group_of(cell) for cell in cells} == {"notebooks/14_scaling_out.ipynb"}
    assert schedule.group_of("notebooks/13_how_fast_is_a_step.ipynb::Cell 0") != schedule.group_of(cells[0])


@pytest.mark.parametrize("module, fixture, group", [
    (test_browser, "lab", "lab"), (test_browser, "built_decks", "decks"), (test_browser, "browser", None),
    (test_slides, "built_decks", "decks"), (test_site, "browser", "site"), (test_site, "built", "site"),
])
def test_tests_that_share_an_expensive_fixture_share_a_group(module, fixture, group):
    """A JupyterLab server, the built decks, the built site: started once per worker, so once."""
    path = f"tests/{module.__name__.rsplit('.', 1)[-1]}.py"
    users = [name for name, parameters in functions_of(module).items() if fixture in parameters]
    assert users, f"no test in {path} uses {fixture}"
    groups = {schedule.group_of(f"{path}::{name}[id]") for name in users}
    if group is None:  # the browser alone is cheap: one group per kind of test, not one for all
        assert groups == {"lab", "decks"}
    else:
        assert groups == {group}, f"{path}: the tests using {fixture} are in {groups}"


class FakeItem:
    def __init__(self, nodeid, notebook=None):
        self.nodeid, self.notebook = nodeid, notebook

    def iter_markers(self, name):
        if name == "also_run_by" and self.notebook:
            yield pytest.mark.also_run_by(self.notebook).mark


def test_free_unit_tests_are_their_own_units_and_the_longest_go_first():
    assert schedule.group_of("tests/test_helpers.py::test_anything") is None

    items = [FakeItem(n) for n in ["tests/test_a.py::test_quick", "notebooks/00_start_here.ipynb::Cell 0",
                               "notebooks/14_scaling_out.ipynb::Cell 0", "tests/test_browser.py::test_rise_x",
                               "notebooks/14_scaling_out.ipynb::Cell 1", "tests/test_browser.py::test_jupyterlab_y"]]
    schedule.pytest_collection_modifyitems(None, None, items)
    order = [item.nodeid for item in items]
    assert order[:2] == ["tests/test_browser.py::test_rise_x", "tests/test_browser.py::test_jupyterlab_y"]
    assert order.index("notebooks/14_scaling_out.ipynb::Cell 0") + 1 == order.index("notebooks/14_scaling_out.ipynb::Cell 1")
    assert order[-1] == "tests/test_a.py::test_quick"


def test_a_unit_test_repeated_by_a_notebook_is_left_out_only_when_the_notebook_runs():
    marked = FakeItem("tests/test_distributed.py::test_two", "14_scaling_out.ipynb")
    other = FakeItem("tests/test_distributed.py::test_other")
    cell = FakeItem("notebooks/14_scaling_out.ipynb::Cell 3")
    assert schedule.repeated_by_notebooks([marked, other, cell]) == [marked]
    assert schedule.repeated_by_notebooks([marked, other, FakeItem("notebooks/13_how_fast_is_a_step.ipynb::Cell 0")]) == []
    assert schedule.repeated_by_notebooks([marked, other]) == []  # `make unit`: no notebook, every test runs


def test_every_also_run_by_mark_names_a_notebook_that_exists():
    from tests.conftest import ROOT

    pattern = re.compile(r'also_run_by\("([^"]+)"\)')
    named = {name for path in (ROOT / "tests").glob("test_*.py") for name in pattern.findall(path.read_text())}
    assert named and all((ROOT / "notebooks" / name).is_file() for name in named), named
