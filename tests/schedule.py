"""pytest plugin for `make test`: the unit tests and strict nbval in one run, longest first.

    python -m pytest tests notebooks --nbval --nbval-current-env -n 3 --dist loadscope \
        --no-loadscope-reorder -p tests.schedule

The unit tests wait a lot (a browser laying out a page, a JupyterLab server starting, a
subprocess); the notebooks keep a core busy. Run apart, each leaves a core idle for much of its
stage; in one pytest-xdist run the workers take whatever is next (three on two cores: one is
often waiting). The work units:

- every cell of a notebook is one group: its cells run in order, in one kernel, on one worker
  (what ``--dist loadscope`` gives ``make nbval``);
- the tests that share an expensive fixture (a browser and its decks, a JupyterLab server, the
  website) form a group, so the fixture starts once, not once per test;
- every other unit test is its own work unit.

Groups and tests go out longest first (``--no-loadscope-reorder`` keeps this order), so neither
worker is left alone with a long group at the end. Only the order depends on the figures below;
a test not listed counts as :data:`DEFAULT` seconds.
"""

from __future__ import annotations

from tests.nbval_order import expected_seconds as notebook_seconds

#: Seconds each group takes on this 2-core machine (from `--durations=0`, summed per group).
GROUP_SECONDS = {"lab": 45, "decks": 40, "site": 35}
#: Seconds of single slow tests, by the start of their node id.
TEST_SECONDS = {
    "tests/test_tools.py::test_regen": 5,
    "tests/test_nbval_catches_changes.py": 5,
    "tests/test_distributed.py::test_two_processes_started_directly": 4,
    "tests/test_reproducibility.py::test_costs_no_more": 2,
}
DEFAULT = 0.2


def group_of(nodeid: str) -> str | None:
    """The group a test must run in, on one worker with the rest of its group; None if free."""
    path, _, name = nodeid.partition("::")
    if path.endswith(".ipynb"):
        return path  # one kernel per notebook: its cells in order
    if path == "tests/test_browser.py":  # module-scoped fixtures: a browser, a JupyterLab server
        return "lab" if name.startswith(("test_jupyterlab_", "test_rise_")) else "decks"
    if path == "tests/test_slides.py" and name.startswith("test_decks_are_offline"):
        return "decks"  # builds every deck once (a session fixture) for the deck tests too
    if path == "tests/test_site.py":  # builds the site once, then a browser reads it
        return "site"
    return None


def seconds(nodeid: str) -> float:
    group = group_of(nodeid)
    if group is not None:
        return GROUP_SECONDS.get(group) or notebook_seconds(nodeid)
    return next((s for start, s in TEST_SECONDS.items() if nodeid.startswith(start)), DEFAULT)


def repeated_by_notebooks(items) -> list:
    """The unit tests marked ``also_run_by(notebook)`` whose notebook runs in this session.

    Such a test makes the same run and the same checks as cells of the notebook (notebook 14's
    two-process DDP run and its exercise check: 5-8 s each on a busy machine). When strict nbval
    executes that notebook in the same session, its execution serves both, so the test is left
    out; `make unit`, which runs no notebook, still runs it.
    """
    notebooks = {item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1] for item in items
                 if item.nodeid.split("::", 1)[0].endswith(".ipynb")}
    return [item for item in items
            if any(mark.args[0] in notebooks for mark in item.iter_markers("also_run_by"))]


def pytest_collection_modifyitems(session, config, items):
    """Groups and single tests longest first; the order inside a group is kept."""
    repeated = repeated_by_notebooks(items)
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if item not in repeated]
    first_seen: dict[str, int] = {}
    keys = {}
    for index, item in enumerate(items):
        unit = group_of(item.nodeid) or item.nodeid
        first_seen.setdefault(unit, index)
        keys[item.nodeid] = (-seconds(item.nodeid), first_seen[unit], index)
    items.sort(key=lambda item: keys[item.nodeid])


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's ``loadscope`` scheduling, with :func:`group_of` as the scope.

    (``--dist loadgroup`` would need an ``xdist_group`` mark on each item, which pytest-xdist
    3.8 turns into a node-id suffix that pytest 9 no longer lets it set.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or nodeid

    return GroupScheduling(config, log)
