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

#: Seconds each notebook takes under nbval on this 2-core machine, idle (from `--durations=0`,
#: summed per notebook, kernel start included; 20:00 on 30 Nov, 13 and 14 re-measured after
#: their speed-ups). The unit tests' figures in tests/schedule.py are on the same scale.
#: Refresh when a notebook changes a lot.
SECONDS = {
    "14": 8.0, "13": 5.5, "10": 4.4, "11": 3.7, "09": 3.2, "05": 3.1, "08": 3.1, "12": 2.9,
    "06": 2.7, "04": 2.6, "03": 2.4, "02": 2.3, "01": 2.1, "00": 2.0, "07": 1.9,
}
DEFAULT = 3.0


def expected_seconds(nodeid: str) -> float:
    match = re.search(r"(?:^|/)(\d\d)_[^/]*\.ipynb", nodeid)
    return SECONDS.get(match.group(1), DEFAULT) if match else DEFAULT


def pytest_collection_modifyitems(session, config, items):
    """Sort notebooks longest first; cells keep their order inside each notebook."""
    position = {}
    for index, item in enumerate(items):
        position.setdefault(item.nodeid.split("::", 1)[0], index)
    items.sort(key=lambda item: (-expected_seconds(item.nodeid), position[item.nodeid.split("::", 1)[0]]))
