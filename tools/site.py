"""The course as a static website: every notebook with its recorded outputs, offline.

    python tools/site.py                       # -> build/site/ (open build/site/index.html)
    python tools/site.py --solutions toggle    # solutions in collapsed "Show solution" boxes
    python tools/site.py --out /tmp/site

Sphinx with myst-nb renders the notebooks as they are recorded (nothing is executed) in
sphinx-book-theme, Jupyter Book's theme: a sidebar with the contents, previous/next links,
full-text search (Sphinx's search index, which works from file://) and math (MathJax 2 from
the pinned jupyter-server-mathjax wheel, copied to ``_static/mathjax``). The configuration
is ``site/conf.py``; the landing page is ``site/index.md`` with the contents filled in here.

The pages are staged first in ``build/site-src/`` (the doctrees, Sphinx's cache, in
``build/site-doctrees/``, and myst-nb's extracted figures in ``build/jupyter_execute/``,
outside the published folder), so a second build only re-reads what changed (everything,
when a page was added or removed). On the way each notebook loses what is not for readers of the site:

* cells tagged ``solution``: removed, and the recorded output of the check cell right
  after each is cleared, so the page shows the exercise as a student copy does (default);
  ``--solutions toggle`` keeps them instead, collapsed under "Show solution";
* speaker notes (slide type ``notes``): they are the presenter's;
* the generated previous | contents | next cells: the theme has its own links.

Every other ``.md`` page in notebooks/ (the glossary, the cheat sheet) is published too.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import re
import shutil
import sys
import warnings
from pathlib import Path

import nbformat
from nbformat.warnings import MissingIDFieldWarning

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONF = ROOT / "site"
BUILD = ROOT / "build" / "site"
STAGE = ROOT / "build" / "site-src"
DOCTREES = ROOT / "build" / "site-doctrees"
SOLUTION = "solution"
SOLUTION_MODES = ("remove", "toggle")
NUMBERED = re.compile(r"\d\d_\w+\.ipynb$")
# The contents' captions: (caption, first notebook number, last notebook number).
PARTS = [
    ("Start", 0, 0),
    ("Part I · By hand, with NumPy", 1, 5),
    ("Part II · With PyTorch", 6, 9),
    ("Part III · Beyond the sources", 10, 99),
]
REFERENCE = "Reference"
PAGES_MARKER = "<!-- pages -->"


# ---------------------------------------------------------------- staging


def site_notebook(notebook: nbformat.NotebookNode, solutions: str = "remove") -> nbformat.NotebookNode:
    """The notebook as the site shows it (a copy; ``notebook`` is unchanged)."""
    if solutions not in SOLUTION_MODES:
        raise ValueError(f"solutions must be one of {SOLUTION_MODES}, not {solutions!r}")
    notebook = nbformat.from_dict(notebook)  # deep copy
    cells = []
    clear_next = False
    for cell in notebook.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if str(cell.metadata.get("generated", "")).startswith("navigation") or kind == "notes":
            continue
        tags = list(cell.metadata.get("tags", []))
        if SOLUTION in tags:
            if solutions == "remove":
                clear_next = True
                continue
            cell.metadata["tags"] = [*tags, "hide-input"]
        elif clear_next and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if cell.cell_type == "code":
            clear_next = False
        cells.append(cell)
    notebook.cells = cells
    for index, cell in enumerate(cells):
        cell.setdefault("id", f"cell-{index}")  # nbformat 4.5 wants ids; older files may lack them
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    return notebook


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (Sphinx re-reads only changed files)."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def pages(source: Path = NOTEBOOKS) -> tuple[list[Path], list[Path]]:
    """The numbered notebooks and the other .md pages of ``source``, in order."""
    notebooks = sorted(p for p in source.glob("*.ipynb") if NUMBERED.match(p.name))
    markdown = sorted(source.glob("*.md"), key=lambda p: (p.name != "glossary.md", p.name))
    return notebooks, markdown


def index_source(notebooks: list[Path], markdown: list[Path]) -> str:
    """site/index.md with one toctree per part of the course, and one for the reference pages."""
    blocks = []
    for caption, first, last in PARTS:
        docs = [p.stem for p in notebooks if first <= int(p.name[:2]) <= last]
        if docs:
            blocks.append((caption, docs))
    if markdown:
        blocks.append((REFERENCE, [p.stem for p in markdown]))
    toctrees = "\n".join(
        f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n" + "\n".join(docs) + "\n```\n"
        for caption, docs in blocks
    )
    template = (CONF / "index.md").read_text(encoding="utf-8")
    if PAGES_MARKER not in template:
        raise ValueError(f"site/index.md has no {PAGES_MARKER} line where the contents go")
    return template.replace(PAGES_MARKER, toctrees.rstrip("\n"))


def stage(source: Path = NOTEBOOKS, target: Path = STAGE, solutions: str = "remove") -> list[Path]:
    """Write the site's sources into ``target``; return the staged files."""
    notebooks, markdown = pages(source)
    if not notebooks:
        raise ValueError(f"source has no numbered notebooks (NN_name.ipynb): {source}")
    staged = []
    for path in notebooks:
        with warnings.catch_warnings():  # a notebook saved without cell ids: the copy gets ids
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            notebook = site_notebook(nbformat.read(path, as_version=4), solutions)
        staged.append(target / path.name)
        write_if_changed(staged[-1], nbformat.writes(notebook) + "\n")
    for path in markdown:
        staged.append(target / path.name)
        write_if_changed(staged[-1], path.read_text(encoding="utf-8"))
    staged.append(target / "index.md")
    write_if_changed(staged[-1], index_source(notebooks, markdown))
    for old in [p for p in target.iterdir() if p.is_file() and p not in staged]:
        old.unlink()  # a notebook renamed or removed: its page goes too
    return staged


# ---------------------------------------------------------------- MathJax


def mathjax_source() -> Path:
    spec = importlib.util.find_spec("jupyter_server_mathjax")
    if spec is None or spec.origin is None:
        raise SystemExit("jupyter-server-mathjax is not installed: make install (requirements-dev.txt)")
    return Path(spec.origin).parent / "static"


def _wanted(rel: Path) -> bool:
    """MathJax without its translations (the pages set locale "en") and SVG output (unused)."""
    return rel.parts[0] != "localization" and rel.parts[:3] != ("jax", "output", "SVG")


def sync_mathjax(target: Path) -> None:
    """Make ``target`` a copy of MathJax's wanted files; touch only what differs."""
    source = mathjax_source()
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file() and _wanted(p.relative_to(source))}
    for rel in sorted(wanted):
        dest = target / rel
        if not dest.is_file() or not filecmp.cmp(source / rel, dest, shallow=False):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, dest)
    for extra in [p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted]:
        extra.unlink()


# ---------------------------------------------------------------- build


def build(out: Path = BUILD, solutions: str = "remove", source: Path = NOTEBOOKS, quiet: bool = True) -> Path:
    """Build the site into ``out``; return its index.html. Sphinx's warnings are printed."""
    from sphinx.cmd.build import build_main

    out = Path(out)
    suffix = "" if out == BUILD else "-" + re.sub(r"\W", "_", str(out.resolve()))[-40:]
    stage_dir = STAGE.with_name(STAGE.name + suffix) if suffix else STAGE
    doctrees = DOCTREES.with_name(DOCTREES.name + suffix) if suffix else DOCTREES
    stage_dir.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in stage_dir.iterdir() if p.is_file()}
    after = {p.name for p in stage(source, stage_dir, solutions)}
    args = ["-b", "html", "-c", str(CONF), "-d", str(doctrees)]
    if after != before:
        # MyST decides whether [text](page.md) is a page link when it reads the linking page:
        # when a page comes or goes, every page is read again (a few seconds).
        args.append("-E")
    if quiet:
        args.append("-q")
    status = build_main([*args, str(stage_dir), str(out)])
    if status != 0:
        raise SystemExit(f"sphinx-build failed (exit {status})")
    sync_mathjax(out / "_static" / "mathjax")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD, help="output folder (default build/site)")
    parser.add_argument("--solutions", choices=SOLUTION_MODES, default="remove",
                        help="remove the solution cells (default) or keep them collapsed")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    index = build(args.out, args.solutions, quiet=not args.verbose)
    print(f"site: {index.relative_to(ROOT) if index.is_relative_to(ROOT) else index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
