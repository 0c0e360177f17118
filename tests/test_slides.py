"""Slides: every notebook's slide metadata follows CONTRIBUTING.md, and the decks need no network."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
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
])
def test_checker_names_each_broken_rule(tmp_path, index, replacement, message):
    cells = list(GOOD)
    cells[index] = replacement
    problems = slides.check_notebook(write(tmp_path, cells))
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].startswith("99_broken.ipynb")


def test_slide_count_is_what_reveal_shows():
    # navigation skipped; title, '## ', '###' and pitfall start (sub)slides; notes and fragments do not
    assert [s.start for s in slides.slides_of(notebook_of(GOOD))] == [1, 3, 6, 7]
    # the first visible cell starts a slide even when it is marked '-'
    assert len(slides.slides_of(notebook_of([("md", "text", "-", {}), ("md", "## A", "slide", {})]))) == 2


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


def test_decks_are_offline_complete_and_reproducible(tmp_path):
    """One test (not four sharing a fixture), so that under xdist the decks are built once."""
    snapshot = tmp_path / "notebooks"  # a fixed copy: notebooks may change meanwhile
    snapshot.mkdir()
    for path in NUMBERED:
        shutil.copy(path, snapshot)
    out = tmp_path / "slides"
    built = slides.build(sorted(snapshot.glob("*.ipynb")), out)
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
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    slides.build(sorted(snapshot.glob("*.ipynb"))[:1], out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_url_scanner_sees_what_a_browser_would_fetch():
    page = Fetches()
    page.feed('<link href="https://cdn.x/a.css"><script src="//cdn.x/a.js"></script><img src="data:image/png;base64,AA">'
              '<a href="https://docs.x/">docs</a><style>/* https://comment.x */ @import url("https://fonts.x/f.css");'
              ' .a { background: url(https://img.x/b.png) }</style><script>fetch("https://api.x/q") // https://c.x\n</script>')
    assert remote(page.fetched) == ["//cdn.x/a.js", "https://api.x/q", "https://cdn.x/a.css", "https://fonts.x/f.css", "https://img.x/b.png"]
    assert page.links == ["https://docs.x/"]
