"""Slides: every notebook's slide metadata follows CONTRIBUTING.md, and the decks need no network."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tests.conftest import NOTEBOOKS, ROOT


def load_tool(name: str):
    """Import tools/<name>.py (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"course_tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


slides = load_tool("slides")
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]

# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize("path", NUMBERED, ids=[p.name for p in NUMBERED])
def test_slide_metadata_follows_contributing(path):
    problems = slides.check_notebook(path)
    assert not problems, "slide metadata (CONTRIBUTING.md, 'Slides'):\n" + "\n".join(problems)


def notebook_of(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    made = []
    for kind, source, slide_type, extra in cells:
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = new(source)
        if slide_type is not None:
            cell.metadata["slideshow"] = {"slide_type": slide_type}
        cell.metadata.update(extra)
        made.append(cell)
    nb.cells = made
    nb.metadata["rise"] = dict(slides.RISE_SETTINGS)
    return nb


def write(tmp_path: Path, cells) -> Path:
    path = tmp_path / "99_broken.ipynb"
    path.write_text(nbformat.writes(notebook_of(cells)))
    return path


GOOD = [
    ("md", "[Contents](00_start_here.ipynb#Contents)", "skip", {"generated": "navigation-top"}),
    ("md", "# 99 · Title\n\n*Summary.*", "slide", {}),
    ("code", "from helpers import setup_notebook\nsetup_notebook()", "-", {}),
    ("md", "## Section", "slide", {}),
    ("code", "x = 1", "fragment", {}),
    ("md", "Say this out loud.", "notes", {}),
    ("md", "### Subsection", "subslide", {}),
    ("md", "> **Pitfall: a trap.** Explained.", "subslide", {}),
    ("code", "\n".join(f"y{i} = {i}" for i in range(slides.MAX_CODE_LINES)), "-", {}),
    ("md", "## Exercises", "slide", {}),
    ("code", "answer = ...", "-", {}),
    ("code", "answer = 2", "fragment", {"tags": ["solution"]}),
    ("code", "check(answer)", "-", {}),
    ("md", "---\n[Contents](00_start_here.ipynb#Contents)", "skip", {"generated": "navigation-bottom"}),
]


def test_checker_accepts_a_notebook_that_follows_the_rules(tmp_path):
    assert slides.check_notebook(write(tmp_path, GOOD)) == []


@pytest.mark.parametrize(("index", "replacement", "message"), [
    (3, ("md", "## Section", None, {}), "no metadata.slideshow.slide_type"),
    (3, ("md", "## Section", "sub-slide", {}), "is not one of"),
    (1, ("md", "# 99 · Title", "subslide", {}), "title cell must start a 'slide'"),
    (3, ("md", "## Section", "subslide", {}), "'## ' section 'Section' must start a 'slide'"),
    (6, ("md", "### Subsection", "-", {}), "must start a 'slide' or 'subslide'"),
    (7, ("md", "> **Pitfall: a trap.**", "fragment", {}), "must start a 'slide' or 'subslide'"),
    (4, ("code", "x = 1", "slide", {}), "code cell is 'slide'"),
    (4, ("code", "x = 1", "notes", {}), "code cell is 'notes'"),
    (0, ("md", "[Contents](00_start_here.ipynb)", "slide", {"generated": "navigation-top"}), "navigation cell must be 'skip'"),
    (8, ("code", "\n".join(f"x{i} = {i}" for i in range(slides.MAX_CODE_LINES + 1)), "-", {}), "lines of code"),
    (11, ("code", "answer = 2", "-", {"tags": ["solution"]}), "a solution is a 'fragment'"),
])
def test_checker_names_each_broken_rule(tmp_path, index, replacement, message):
    cells = list(GOOD)
    cells[index] = replacement
    problems = slides.check_notebook(write(tmp_path, cells))
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith("99_broken.ipynb")


def test_slide_count_is_what_reveal_shows():
    # navigation skipped; title, '## ', '###' and pitfall start (sub)slides; notes and fragments do not
    assert [s.start for s in slides.slides_of(notebook_of(GOOD))] == [1, 3, 6, 7, 9]
    # the first visible cell starts a slide even when it is marked '-'
    assert len(slides.slides_of(notebook_of([("md", "text", "-", {}), ("md", "## A", "slide", {})]))) == 2


def test_rise_settings_are_checked_and_fix_sets_only_the_presentation_metadata(tmp_path, capsys):
    notebook = notebook_of(GOOD)
    del notebook.metadata["rise"]
    notebook.cells[11].metadata["slideshow"]["slide_type"] = "-"
    path = tmp_path / "99_unfixed.ipynb"
    path.write_text(nbformat.writes(notebook) + "\n")
    problems = slides.check_notebook(path)
    assert len(problems) == 2 and "metadata.rise" in problems[1], problems
    assert slides.main(["fix", str(path)]) == 0 and "fixed 99_unfixed.ipynb" in capsys.readouterr().out
    assert slides.check_notebook(path) == []
    fixed = nbformat.read(path, as_version=4)
    assert fixed.cells == notebook.cells[:11] + [fixed.cells[11]] + notebook.cells[12:]
    assert fixed.cells[11].metadata == {"slideshow": {"slide_type": "fragment"}, "tags": ["solution"]}
    assert fixed.metadata["rise"] == {"scroll": True, "theme": "white"}
    assert slides.fix_notebook(path) is False  # nothing left to do: the file is not rewritten


def test_deck_shows_a_solution_on_its_own_click_and_a_widget_as_its_still(tmp_path):
    notebook = notebook_of(GOOD)
    notebook.cells[11].metadata["slideshow"]["slide_type"] = "-"  # the deck makes it a fragment anyway
    notebook.cells[12].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": "demo", "image/png": "iVBORw0KGgo=",
                              slides.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "m-1"}})]
    path = tmp_path / "99_deck.ipynb"
    path.write_text(nbformat.writes(notebook) + "\n")
    (deck,) = slides.build([path], tmp_path / "out")
    html = deck.read_text()
    where = CellPlaces()
    where.feed(html)
    stub, solution, check = (notebook.cells[i].id for i in (10, 11, 12))
    assert where.in_fragment == {**where.in_fragment, stub: False, solution: True, check: False}
    assert slides.WIDGET_VIEW not in html and "data:image/png;base64,iVBORw0KGgo=" in html
    assert html.count('<aside class="notes">') == 1


class CellPlaces(HTMLParser):
    """For each notebook cell in a deck: is it inside a reveal fragment?"""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open <div>: is it a fragment?
        self.in_fragment: dict[str, bool] = {}

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        values = dict(attrs)
        cell = (values.get("id") or "").removeprefix("cell-id=")
        if "jp-Cell" in (values.get("class") or "").split() and cell:
            self.in_fragment[cell] = any(self.stack)
        self.stack.append("fragment" in (values.get("class") or "").split())

    def handle_endtag(self, tag):
        if tag == "div":
            self.stack.pop()


def test_a_sections_minutes_are_shared_by_its_slides_for_the_speaker_views_pacing(tmp_path):
    cells = list(GOOD)
    cells[5] = ("md", "**Say:** hello. **Ask the room:** why? **Minutes:** 3", "notes", {})
    notebook = notebook_of(cells)
    # '## Section' (cell 3), its '###' (6) and its pitfall (7) share 3 minutes; the title and the
    # exercises (no minutes in their notes) take reveal's default
    assert slides.section_timings(notebook) == {3: 60, 6: 60, 7: 60}
    path = tmp_path / "99_timed.ipynb"
    path.write_text(nbformat.writes(notebook) + "\n")
    (deck,) = slides.build([path], tmp_path / "out")
    html = deck.read_text()
    assert html.count('data-timing="60"') == 4  # the section's outer and inner <section>, two subslides
    assert "defaultTiming: 60" in html


def test_check_command_exits_1_and_names_the_problem(tmp_path, capsys):
    cells = list(GOOD)
    cells[3] = ("md", "## Section", "-", {})
    assert slides.main(["check", str(write(tmp_path, cells))]) == 1
    assert "must start a 'slide'" in capsys.readouterr().out


# ---------------------------------------------------------------- decks

FETCHING_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "action", "background", "xlink:href"}
URL = re.compile(r"""(?:https?:)?//[^\s"'()<>]+""")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_FETCH = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]?([^'");\s]+)""")
JS_COMMENT = re.compile(r"""/\*.*?\*/|(?<![:'"\w])//[^\n]*""", re.S)  # not the // of "https://"


class Fetches(HTMLParser):
    """Collect every URL a browser would fetch from a page, and the plain <a href> links."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.links: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if tag == "a" and name == "href":
                self.links.append(value)
            elif name in FETCHING_ATTRIBUTES:
                self.fetched.append(value)
            elif name == "style":
                self.fetched += css_fetches(value)
        self._in = tag if tag in {"style", "script"} else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.fetched += css_fetches(data)
        elif self._in == "script":  # a URL in a script's code (not a comment) could be fetched
            self.fetched += URL.findall(JS_COMMENT.sub("", data))


def css_fetches(css: str) -> list[str]:
    return [a or b for a, b in CSS_FETCH.findall(CSS_COMMENT.sub("", css))]


def remote(urls: list[str]) -> list[str]:
    return sorted({u for u in urls if re.match(r"\s*(https?:)?//", u)})


@dataclass(frozen=True)
class Decks:
    notebooks: Path  # the snapshot the decks were built from
    out: Path
    decks: list[Path]

    def notebook(self, deck: Path) -> nbformat.NotebookNode:
        return nbformat.read(self.notebooks / deck.name.replace(".slides.html", ".ipynb"), as_version=4)


_BUILT: list[Decks] = []  # test_browser uses the fixture too: the first build serves both


@pytest.fixture(scope="session")
def built_decks(tmp_path_factory) -> Decks:
    """Every deck, built once per test session (per xdist worker) from a snapshot of the notebooks."""
    if not _BUILT:
        home = tmp_path_factory.mktemp("decks")
        snapshot = home / "notebooks"  # a fixed copy: notebooks may change meanwhile
        snapshot.mkdir()
        for path in NUMBERED:
            shutil.copy(path, snapshot)
        out = home / "slides"
        _BUILT.append(Decks(snapshot, out, slides.build(sorted(snapshot.glob("*.ipynb")), out)))
    return _BUILT[0]


def test_decks_are_offline_complete_and_reproducible(built_decks):
    """One test (not four), so that under xdist the decks are built once."""
    snapshot, out, built = built_decks.notebooks, built_decks.out, built_decks.decks
    assert [d.name for d in built] == [f"{p.stem}.slides.html" for p in NUMBERED]

    # nothing from the network: every fetched URL is embedded (data:) or a file next to the decks
    links = {}
    for deck in built:
        text = deck.read_text()
        page = Fetches()
        page.feed(text)
        assert not remote(page.fetched), f"{deck.name} would fetch: {remote(page.fetched)}"
        for url in page.fetched:
            if not url.startswith(("data:", "#")):
                assert (out / url.split("?")[0]).is_file(), f"{deck.name}: {url} is missing"
        for asset in ("assets/reveal/dist/reveal.js", "assets/reveal/dist/reveal.css", "assets/mathjax/MathJax.js"):
            assert f'"{asset}' in text, f"{deck.name} does not load {asset}"
        assert "require.js" not in text and "jquery" not in text.lower(), f"{deck.name} loads require.js or jQuery"
        assert not re.search(r'href="\d\d_\w+\.ipynb', text), f"{deck.name} links to a notebook, not its deck"
        links[deck.name] = remote(page.links)
    for css in (out / "assets").rglob("*.css"):
        assert not remote(css_fetches(css.read_text())), f"{css.relative_to(out)} imports from the network"
    report = ROOT / "artifacts" / "slides_links.txt"  # plain <a href> links: fine, listed for review
    report.parent.mkdir(exist_ok=True)
    report.write_text("".join(f"{name}: {url}\n" for name, urls in links.items() for url in urls))

    # rebuilding changes no byte (one deck is enough to see a change, and the assets)
    again = out.parent / "again"
    shutil.copytree(out, again)
    slides.build(sorted(snapshot.glob("*.ipynb"))[:1], again)
    assert {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()} == {
        p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()
    }


def test_url_scanner_sees_what_a_browser_would_fetch():
    page = Fetches()
    page.feed('<link href="https://cdn.x/a.css"><script src="//cdn.x/a.js"></script><img src="data:image/png;base64,AA">'
              '<a href="https://docs.x/">docs</a><style>/* https://comment.x */ @import url("https://fonts.x/f.css");'
              ' .a { background: url(https://img.x/b.png) }</style><script>fetch("https://api.x/q") // https://c.x\n</script>')
    assert remote(page.fetched) == ["//cdn.x/a.js", "https://api.x/q", "https://cdn.x/a.css", "https://fonts.x/f.css", "https://img.x/b.png"]
    assert page.links == ["https://docs.x/"]
