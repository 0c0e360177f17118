"""Measure the floor under nbval's time: per notebook, start a kernel and import the stack.

    python tools/kernel_baseline.py        # prints the baseline seconds and, with --nbval, the ratio

The course's speed budget: a "Run all" should cost little more than starting a kernel and
importing torch, numpy and matplotlib. This starts one fresh kernel per notebook in
notebooks/ (two at a time, as `make nbval` runs them), imports those three, and shuts it
down. With ``--nbval`` it also times `pytest --nbval` over the same notebooks and prints
nbval's time divided by the baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = "import torch, numpy, matplotlib.pyplot"


def start_and_import(_: object) -> None:
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(IMPORTS, timeout=120)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"importing failed in a fresh kernel: {reply['content']}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nbval", action="store_true", help="also time strict nbval and print the ratio")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(start_and_import, notebooks))
    baseline = time.perf_counter() - start
    print(f"baseline: {len(notebooks)} kernels started + imports, {args.jobs} at a time: {baseline:.1f} s")
    if args.nbval:
        start = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-n", str(args.jobs),
                   "--dist", "loadscope", "-p", "no:cacheprovider", "-q", "notebooks"]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        print(f"nbval: {elapsed:.1f} s ({result.stdout.strip().splitlines()[-1]}); ratio {elapsed / baseline:.2f}")
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
