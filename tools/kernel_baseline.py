"""Measure the course's run times against their floors, all in one run (`make speed`).

    python tools/kernel_baseline.py                      # the floor only
    python tools/kernel_baseline.py --nbval --make-test  # every ratio (what `make speed` runs)

The speed budget: a "Run all" should cost little more than starting a kernel and importing
torch, numpy and matplotlib. Printed, each against a floor measured in the same run (so a
busy machine slows both sides and a regression still shows):

- setup: a notebook's first cell (``setup_notebook()``) in a fresh kernel, divided by
  ``import torch, numpy, matplotlib.pyplot`` in a fresh kernel (median of a few of each,
  alternated); budget 1.15.
- floor: one fresh kernel per notebook importing the stack, two at a time, as `make nbval`
  runs them.
- nbval: strict nbval over every notebook (the Makefile's command), divided by the floor;
  budget 1.3. Printed before it: the same command over as many notebooks whose only cell
  imports the stack, so the report shows what strict nbval and pytest-xdist cost before any
  notebook content (on 2 cores: 1.2-1.4 floors).
- make test: the whole `make test` after install, divided by the floor; budget 3.5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
IMPORTS = "import torch, numpy, matplotlib.pyplot"
SETUP = "from helpers import setup_notebook\nsetup_notebook()"
BUDGETS = {"setup": 1.15, "nbval": 1.3, "make test": 3.5}
#: `make nbval`'s command (the Makefile's NBVAL), quiet.
NBVAL = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-n", "2", "--dist", "loadscope",
         "--no-loadscope-reorder", "-p", "tests.nbval_order", "-p", "no:cacheprovider", "-q", "notebooks"]


def run_in_fresh_kernel(code: str) -> float:
    """Start a kernel in notebooks/, run ``code``, return the seconds the cell took."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS))
    try:
        start = time.perf_counter()
        reply = client.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
        elapsed = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r} failed in a fresh kernel: {reply['content']}")
        return elapsed
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def floor(jobs: int) -> float:
    """Seconds to start one kernel per notebook and import the stack, ``jobs`` at a time."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda _: run_in_fresh_kernel(IMPORTS), notebooks))
    return time.perf_counter() - start


def nbval_of_imports_only(count: int) -> tuple[float, subprocess.CompletedProcess]:
    """Strict nbval (the Makefile's command) over ``count`` notebooks that only import the stack."""
    import tempfile

    import nbformat

    with tempfile.TemporaryDirectory() as folder:
        for index in range(count):
            notebook = nbformat.v4.new_notebook()
            notebook.cells = [nbformat.v4.new_code_cell(IMPORTS, execution_count=1)]
            nbformat.write(notebook, Path(folder) / f"{index:02d}_imports_only.ipynb")
        return timed([*NBVAL[:-1], folder])


def ratio_line(name: str, seconds: float, base: float, what: str) -> str:
    ratio = seconds / base
    verdict = "ok" if ratio <= BUDGETS[name] else "OVER BUDGET"
    return f"{name + ':':<11}{seconds:6.1f} s {what}; ratio {ratio:.2f} (budget {BUDGETS[name]}: {verdict})"


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, result


def last_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stdout.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {result.returncode}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nbval", action="store_true", help="also time strict nbval and print the ratio")
    parser.add_argument("--make-test", action="store_true", help="also time `make test` and print the ratio")
    parser.add_argument("--repeat", type=int, default=5, help="fresh kernels for each side of the setup ratio")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    status = 0

    imports, setups = [], []
    run_in_fresh_kernel(IMPORTS)  # warm the disk cache: the first kernel would pay it alone
    for _ in range(args.repeat):  # alternate, so a burst of load hits both sides
        imports.append(run_in_fresh_kernel(IMPORTS))
        setups.append(run_in_fresh_kernel(SETUP))
    imports_s, setup_s = statistics.median(imports), statistics.median(setups)
    print(ratio_line("setup", setup_s, imports_s, f"setup_notebook() vs {imports_s:.2f} s importing the stack"))

    base = floor(args.jobs)
    count = len(list(NOTEBOOKS.glob("*.ipynb")))
    print(f"{'floor:':<11}{base:6.1f} s: {count} fresh kernels importing the stack, {args.jobs} at a time")
    if args.nbval:
        seconds, result = nbval_of_imports_only(count)
        print(f"{'':<11}{seconds:6.1f} s strict nbval of {count} notebooks that only import the stack "
              f"({seconds / base:.2f} floors, before any content)")
        status |= result.returncode
        seconds, result = timed(NBVAL)
        print(ratio_line("nbval", seconds, base, f"({last_line(result)})"))
        status |= result.returncode
    if args.make_test:
        env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
        seconds, result = timed(["make", "--no-print-directory", "test"], env=env)
        print(ratio_line("make test", seconds, base, f"({last_line(result)})"))
        if result.returncode:
            print(result.stdout[-3000:], result.stderr[-2000:], sep="\n")
        status |= result.returncode
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
