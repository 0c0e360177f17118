"""Slides: check every notebook's slide metadata, or build offline reveal.js decks.

    python tools/slides.py check                 # validate slide metadata (exit 1 on problems)
    python tools/slides.py fix                   # solutions -> fragments, RISE settings (metadata only)
    python tools/slides.py build                 # every notebook -> build/slides/NN_name.slides.html
    python tools/slides.py build notebooks/03_*.ipynb --out /tmp/decks

``check`` applies CONTRIBUTING.md's "Slides" rules: every cell has a valid
``metadata.slideshow.slide_type``; the title and every ``## `` section start a
``slide``; ``### `` subsections and pitfall boxes start a slide or subslide;
code cells are ``-``, ``fragment``, ``subslide`` or ``skip``; generated navigation cells are
``skip``; no (sub)slide shows more than ``--max-code-lines`` non-blank lines of code; an
exercise's solution (tagged ``solution``) is a ``fragment``, so that RISE shows it on a
click; the notebook's ``rise`` metadata holds RISE's settings. ``fix`` sets those two.

``build`` writes one deck per notebook that opens from file:// with no network:
reveal.js (from the pinned ``sphinx-revealjs`` wheel) and MathJax 2 (from the
pinned ``jupyter-server-mathjax`` wheel) are copied to ``assets/`` next to the
decks and referenced by relative URLs; figures are embedded as data URIs. No
CDN, no require.js, no jQuery. Running it twice changes no byte. The slide is
1280 x 720 (any 16:9 screen scales it) and code never wraps: an 88-character line
fits every code and output block. An exercise's solution (a cell tagged
``solution``) is a fragment of its own: the stub and the check show first, the
solution on the next click. A live widget's output shows its still figure.
Speaker notes (``notes`` cells) are reveal's notes: press ``s`` for the speaker view, whose
pacing timer shares each section's ``**Minutes:** N`` among the section's slides.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build" / "slides"
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
STARTS = {"slide", "subslide"}
MAX_CODE_LINES = 40  # non-blank lines of code on one (sub)slide; RISE scrolls, a projector doesn't
THEME = "white"  # reveal.js theme: local fonts only
NOTEBOOK_LINK = re.compile(r'href="(\d\d_\w+)\.ipynb')
# RISE (jupyterlab-rise) reads these from the notebook's metadata: a slide taller than the
# screen scrolls; the white theme, like the decks' (RISE's default theme fetches Google fonts,
# which a lecture hall without network never gets). Font sizes and line wrapping for RISE are
# in notebooks/rise.css.
RISE_SETTINGS = {"scroll": True, "theme": "white"}

# ---------------------------------------------------------------- check


def slide_type(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


def first_line(cell: nbformat.NotebookNode) -> str:
    return next((line.strip() for line in cell.source.splitlines() if line.strip()), "")


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return "solution" in cell.metadata.get("tags", [])


@dataclass(frozen=True)
class Slide:
    """One reveal.js (sub)slide: the index of the cell that starts it and its cells."""

    start: int
    cells: tuple[int, ...]


def slides_of(notebook: nbformat.NotebookNode) -> list[Slide]:
    """Group the visible cells into (sub)slides the way nbconvert and RISE do.

    The first visible cell always starts a slide; skip and notes cells are not shown.
    The number of entries is the deck's ``Reveal.getTotalSlides()``.
    """
    slides: list[list[int]] = []
    for index, cell in enumerate(notebook.cells):
        kind = slide_type(cell) or "-"
        if kind in {"skip", "notes"}:
            continue
        if kind in STARTS or not slides:
            slides.append([])
        slides[-1].append(index)
    return [Slide(cells[0], tuple(cells)) for cells in slides]


def check_notebook(path: Path, max_code_lines: int = MAX_CODE_LINES) -> list[str]:
    """Return one message per broken rule (empty when the notebook's slides are fine)."""
    notebook = nbformat.read(path, as_version=4)
    problems: list[str] = []

    def problem(index: int, message: str) -> None:
        problems.append(f"{path.name} cell {index}: {message}")

    title_seen = False
    for index, cell in enumerate(notebook.cells):
        kind = slide_type(cell)
        head = first_line(cell)
        generated = str(cell.metadata.get("generated", ""))
        if kind is None:
            problem(index, "no metadata.slideshow.slide_type (one of " + ", ".join(sorted(SLIDE_TYPES)) + ")")
            continue
        if kind not in SLIDE_TYPES:
            problem(index, f"slide_type {kind!r} is not one of {sorted(SLIDE_TYPES)}")
            continue
        if generated.startswith("navigation"):
            if kind != "skip":
                problem(index, f"generated navigation cell must be 'skip', not {kind!r}")
            continue
        if cell.cell_type == "code":
            if kind not in {"-", "fragment", "subslide", "skip"}:
                problem(index, f"code cell is {kind!r}; a slide starts with its '## ' heading: use '-', 'fragment' or 'subslide'")
            continue
        if cell.cell_type != "markdown":
            continue
        if head.startswith("# ") and not title_seen:
            title_seen = True
            if kind != "slide":
                problem(index, f"title cell must start a 'slide', not {kind!r}")
        elif head.startswith("## ") and kind != "slide":
            problem(index, f"'## ' section {head[3:]!r} must start a 'slide', not {kind!r}")
        elif (head.startswith("### ") or head.startswith("> **Pitfall")) and kind not in STARTS | {"notes", "skip"}:
            problem(index, f"{head[:40]!r} must start a 'slide' or 'subslide', not {kind!r}")
    if not title_seen:
        problems.append(f"{path.name}: no title cell ('# ' heading)")
    for index, cell in enumerate(notebook.cells):
        if is_solution(cell) and slide_type(cell) != "fragment":
            problem(index, f"a solution is a 'fragment' (it appears on a click), not {slide_type(cell)!r}: "
                           "run `python tools/slides.py fix`")
    if any(notebook.metadata.get("rise", {}).get(k) != v for k, v in RISE_SETTINGS.items()):
        problems.append(f"{path.name}: metadata.rise must include {RISE_SETTINGS} (RISE settings): "
                        "run `python tools/slides.py fix`")
    for slide in slides_of(notebook):
        code = [i for i in slide.cells if notebook.cells[i].cell_type == "code"]
        lines = sum(1 for i in code for line in notebook.cells[i].source.splitlines() if line.strip())
        if lines > max_code_lines:
            problem(slide.start, f"this slide shows {lines} lines of code (cells {code}); "
                                 f"at most {max_code_lines}: split it with a 'subslide' or a shorter cell")
    return problems


def fix_notebook(path: Path) -> bool:
    """Set what ``check`` asks of the presentation metadata (solutions are fragments, RISE's
    settings); touch nothing else. Return True if the file changed."""
    original = path.read_text()
    notebook = nbformat.reads(original, as_version=4)
    for cell in notebook.cells:
        if is_solution(cell):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "fragment"
    notebook.metadata["rise"] = {**notebook.metadata.get("rise", {}), **RISE_SETTINGS}
    text = nbformat.writes(notebook) + "\n"
    if text != original:
        path.write_text(text)
    return text != original


# ---------------------------------------------------------------- build


def package_dir(name: str) -> Path:
    """Where an installed package's files are, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed: run `make install` (it is pinned in requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def asset_sources() -> dict[str, Path]:
    """The asset folders copied next to the decks: name under assets/ -> installed folder."""
    reveal = package_dir("sphinx_revealjs") / "_static" / "revealjs"
    return {
        "reveal/dist": reveal / "dist",
        "reveal/plugin/notes": reveal / "plugin" / "notes",
        "mathjax": package_dir("jupyter_server_mathjax") / "static",
    }


def _wanted(rel: Path) -> bool:
    """Leave out source maps, ES modules, the reveal themes the decks don't use (some of
    those import fonts from Google), MathJax's translations (the decks set locale "en") and
    its SVG fonts (the wheel ships no SVG output; the decks use HTML-CSS)."""
    if rel.suffix == ".map" or rel.name.endswith(".esm.js"):
        return False
    if rel.parts[0] == "localization" or rel.parts[:3] == ("jax", "output", "SVG"):
        return False
    return not (rel.parent.name == "theme" and rel.suffix == ".css" and rel.stem != THEME)


def sync_tree(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source``'s wanted files; touch only what differs."""
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file() and _wanted(p.relative_to(source))}
    for rel in sorted(wanted):
        dest = target / rel
        if not dest.is_file() or not filecmp.cmp(source / rel, dest, shallow=False):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, dest)
    if target.is_dir():
        for extra in [p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted]:
            extra.unlink()


# The deck's page: nbconvert's reveal template with every CDN block replaced by local files.
TEMPLATE = r"""
{%- extends 'reveal/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
    tex2jax: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
              processEscapes: true, processEnvironments: true},
    TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
    "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
                 linebreaks: {automatic: true}},
    menuSettings: {locale: "en"},
    displayAlign: "center",
    messageStyle: "none"
});
</script>
<script src="assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"></script>
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
/* The slide is a 16:9 projector's 1280 x 720 (reveal scales it to the screen: x1.5 at
   1920 x 1080). Code and outputs never wrap: a notebook line of 88 characters (ruff's
   limit, notebooks/ruff.toml) is 88 x 0.6 x 21px = 1109px of the block's 1250px. */
:root { --jp-code-font-size: 21px; --jp-code-line-height: 1.35; }
.reveal div.highlight > pre, .reveal div.jp-OutputArea-output > pre, .reveal .jp-RenderedMarkdown pre {
    font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
    font-size: var(--jp-code-font-size); line-height: var(--jp-code-line-height);
    white-space: pre; overflow-wrap: normal; word-break: normal; overflow-x: auto; width: 100%;
}
.reveal .slides .jp-RenderedMarkdown pre { box-shadow: none; margin: 0.4em 0; font-style: normal; }
.reveal .slides .jp-RenderedMarkdown pre code { white-space: pre; font-size: inherit; }
/* a quote (the pitfall boxes, a source's printout) as wide as the slide and upright (the theme,
   loaded after this, makes it 70% wide and italic: these selectors are more specific) */
.reveal .slides blockquote { width: auto; margin: 0.5em 0; padding: 0.1em 0 0.1em 0.8em;
                             font-style: normal; box-shadow: none; }
.reveal .jp-OutputArea-output img { max-height: 460px; width: auto; max-width: 100%; }
.reveal .slides > section > section { max-height: {{ reveal_height }}px; overflow-y: auto; }
</style>
{%- endblock html_head_css -%}
{%- block footer_js -%}
<script src="assets/reveal/dist/reveal.js"></script>
<script src="assets/reveal/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
    controls: true, progress: true, history: true, hash: true,
    transition: "{{ reveal_transition }}", slideNumber: "{{ reveal_number }}",
    width: {{ reveal_width }}, height: {{ reveal_height }}, margin: 0.03,
    defaultTiming: 60,  /* the speaker view's pacing: a slide's data-timing (seconds), else 60 */
    plugins: [RevealNotes]
});
Reveal.on("slidechanged", function (event) {
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(["Rerender", MathJax.Hub, event.currentSlide]); }
});
</script>
{%- endblock footer_js -%}
"""


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDTH, HEIGHT = 1280, 720  # a 16:9 projector; reveal scales the slide to any 16:9 screen


MINUTES = re.compile(r"\*\*Minutes:\*\*\s*(\d+(?:\.\d+)?)")


def section_timings(notebook: nbformat.NotebookNode) -> dict[int, int]:
    """Seconds per (sub)slide for the speaker view's pacing timer: a ``## `` section's notes
    say ``**Minutes:** N``; its N minutes are shared by the (sub)slides of the section.
    Returns ``{index of the cell that starts the (sub)slide: seconds}``."""
    timings: dict[int, int] = {}
    sections: list[tuple[list[int], float | None]] = []
    for slide in slides_of(notebook):
        if first_line(notebook.cells[slide.start]).startswith("## "):
            sections.append(([], None))
        if sections:
            sections[-1][0].append(slide.start)
    starts = {start for section, _ in sections for start in section}
    current = -1
    for index, cell in enumerate(notebook.cells):
        if index in starts and first_line(cell).startswith("## "):
            current += 1
        found = MINUTES.search(cell.source) if slide_type(cell) == "notes" else None
        if found and current >= 0 and sections[current][1] is None:
            sections[current] = (sections[current][0], float(found.group(1)))
    for section, minutes in sections:
        for start in section if minutes else []:
            timings[start] = round(minutes * 60 / len(section))
    return timings


def prepare_for_deck(notebook: nbformat.NotebookNode) -> None:
    """Before reveal's grouping: a solution is a fragment (it appears on a click); a live
    widget, which a static deck cannot run, leaves its still figure in its place; each slide
    of a section whose notes give its minutes gets its share (``data-timing``, in seconds)."""
    for index, seconds in section_timings(notebook).items():
        show = notebook.cells[index].metadata.setdefault("slideshow", {})
        show["data"] = {**show.get("data", {}), "timing": str(seconds)}
    for cell in notebook.cells:
        if is_solution(cell):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "fragment"
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]


def solution_fragment_alone(notebook: nbformat.NotebookNode) -> None:
    """After reveal's grouping: close each solution's fragment right after the solution, so
    the cells that follow it on the slide (the exercise's check) show from the start."""
    cells = notebook.cells
    for index, cell in enumerate(cells):
        meta = cell.metadata
        if not (is_solution(cell) and meta.get("fragment_start")) or meta.get("fragment_end"):
            continue
        end = next(i for i in range(index + 1, len(cells)) if cells[i].metadata.get("fragment_end"))
        cells[end].metadata["fragment_end"] = False
        meta["fragment_end"] = True


def exporter():
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import Preprocessor

    class Run(Preprocessor):
        def __init__(self, function, **kwargs):
            super().__init__(**kwargs)
            self.function = function

        def preprocess(self, nb, resources):
            self.function(nb)
            return nb, resources

    export = SlidesExporter(
        extra_loaders=[DictLoader({"course_slides.html.j2": TEMPLATE})],
        template_file="course_slides.html.j2",
        reveal_url_prefix="assets/reveal",
        reveal_theme=THEME,
        reveal_number="c/t",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        exclude_input_prompt=True,  # "In [3]:" costs a sixth of the width
        exclude_output_prompt=True,
        embed_images=True,
        preprocessors=[Run(prepare_for_deck)],  # these run before the template's (reveal's grouping)
    )
    export.register_preprocessor(Run(solution_fragment_alone), enabled=True)  # and this one after it
    return export


def build(paths: list[Path], out: Path) -> list[Path]:
    """Write one deck per notebook into ``out`` and the shared assets into ``out/assets``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, source in asset_sources().items():
        sync_tree(source, out / "assets" / name)
    export = exporter()
    decks = []
    for path in paths:
        body, _ = export.from_filename(str(path), resources={"metadata": {"name": path.stem}})
        body = NOTEBOOK_LINK.sub(r'href="\1.slides.html', body)  # the decks link to each other
        deck = out / f"{path.stem}.slides.html"
        text = body if body.endswith("\n") else body + "\n"
        if not deck.is_file() or deck.read_text() != text:
            deck.write_text(text)
        decks.append(deck)
    return decks


def notebooks(args: list[Path]) -> list[Path]:
    paths = [p.resolve() for p in args] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"no such notebook: {', '.join(missing)}")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate slide metadata; exit 1 on problems")
    check.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    check.add_argument("--max-code-lines", type=int, default=MAX_CODE_LINES)
    fix = sub.add_parser("fix", help="make solutions fragments and set RISE's settings (metadata only)")
    fix.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    make = sub.add_parser("build", help="write offline reveal.js decks")
    make.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    make.add_argument("--out", type=Path, default=BUILD, help=f"default: {BUILD.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    paths = notebooks(args.notebooks)
    if args.command == "check":
        problems = [p for path in paths for p in check_notebook(path, args.max_code_lines)]
        for line in problems:
            print(line)
        print(f"slides: {len(paths)} notebook(s), {len(problems)} problem(s)")
        return 1 if problems else 0
    if args.command == "fix":
        for path in paths:
            print(f"{'fixed' if fix_notebook(path) else 'ok   '} {path.name}")
        return 0
    for deck in build(paths, args.out):
        shown = deck.relative_to(ROOT) if deck.is_relative_to(ROOT) else deck
        print(f"wrote {shown} ({deck.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
