"""pytest plugin for `make nbval`: run the slowest notebooks first.

    python -m pytest --nbval ... -n 2 --dist loadscope --no-loadscope-reorder -p tests.nbval_order notebooks

pytest-xdist's ``loadscope`` hands each worker a whole notebook at a time, in collection
order (``--no-loadscope-reorder``; by default it sorts by the number of cells, which says
little about time). Starting with the longest notebooks ("longest processing time first")
keeps both workers busy until the end instead of leaving one alone on 14 or 13. Only the
order depends on :data:`SECONDS`; a notebook not listed counts as :data:`DEFAULT`.
"""

from __future__ import annotations

import re

#: Seconds each notebook takes under nbval on this 2-core machine (from `--durations=0`,
#: summed per notebook, kernel start included). Refresh when a notebook changes a lot.
SECONDS = {
    "14": 30, "13": 16, "10": 11, "11": 8, "09": 7, "12": 7, "08": 7, "05": 6, "06": 6,
    "03": 6, "04": 5, "02": 5, "01": 5, "00": 4, "07": 4,
}
DEFAULT = 6


def expected_seconds(nodeid: str) -> int:
    match = re.search(r"(?:^|/)(\d\d)_[^/]*\.ipynb", nodeid)
    return SECONDS.get(match.group(1), DEFAULT) if match else DEFAULT


def pytest_collection_modifyitems(session, config, items):
    """Sort notebooks longest first; cells keep their order inside each notebook."""
    position = {}
    for index, item in enumerate(items):
        position.setdefault(item.nodeid.split("::", 1)[0], index)
    items.sort(key=lambda item: (-expected_seconds(item.nodeid), position[item.nodeid.split("::", 1)[0]]))
