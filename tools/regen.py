"""Re-execute notebooks top to bottom in a fresh kernel and write their outputs in place.

    python tools/regen.py                      # every notebook in notebooks/
    python tools/regen.py notebooks/03_*.ipynb # only these

A notebook whose execution fails is left untouched; the script goes on with the
others and exits 1, naming the notebook and the failing cell. Cells tagged
``raises-exception`` may raise (nbclient records their error). The written file
depends only on the notebook's code, so running this twice changes no byte.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT_SECONDS = 600


def stable_cell_ids(notebook: nbformat.NotebookNode) -> None:
    """Give every cell an id derived from its position and source (nbformat would pick random ones)."""
    seen: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen:
            digest = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
            cell_id = f"cell-{digest}"
        cell["id"] = cell_id
        seen.add(cell_id)


def normalize(notebook: nbformat.NotebookNode) -> None:
    """Drop metadata that varies between machines (the kernel's Python patch version)."""
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    info = notebook.metadata.get("language_info", {})
    info.pop("version", None)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def _display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def execute(path: Path) -> str | None:
    """Execute one notebook in place. Return None on success, else an error report."""
    original = path.read_bytes()
    notebook = nbformat.reads(original.decode(), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    try:
        client.execute()
    except CellExecutionError as error:
        failing = next(
            (i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            None,
        )
        summary = str(error).strip().splitlines()
        last = summary[-1] if summary else "unknown error"
        return f"{_display(path)}: cell {failing} failed ({last}); file left untouched"
    except Exception as error:  # kernel died, timeout, ...
        return f"{_display(path)}: execution failed ({type(error).__name__}: {error}); file left untouched"
    # a busy machine may flush one print in several chunks: merge them so the file is stable
    CoalesceStreamsPreprocessor().preprocess(notebook, {})
    stable_cell_ids(notebook)
    normalize(notebook)
    nbformat.validate(notebook)
    text = nbformat.writes(notebook) + "\n"
    if text.encode() != original:
        path.write_text(text)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks run at once")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        reports = list(pool.map(execute, paths))
    failures = [r for r in reports if r]
    for path, report in zip(paths, reports, strict=True):
        print(f"FAILED {report}" if report else f"ok     {_display(path)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
