"""The course's website (tools/site.py, `make site`): built from the recorded outputs, offline.

The site is built once per run into build/site/ (incrementally, under a lock, so the two
xdist workers share one build), then checked as files and in Debian's chromium from file://
with every other request blocked. Screenshots go to artifacts/.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import re
import sys
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"
LOCAL = ("file:", "data:", "blob:")  # what a page may load; everything else is blocked and recorded
MATHJAX_IDLE = "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"


def load_site_tool():
    """Import tools/site.py (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("course_tool_site", ROOT / "tools" / "site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


site = load_site_tool()


@pytest.fixture(scope="session")
def built():
    """Build build/site/ (a no-op when nothing changed); return (folder, seconds it took)."""
    site.BUILD.parent.mkdir(parents=True, exist_ok=True)
    with open(site.BUILD.parent / ".site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other xdist worker waits, then finds it built
        start = time.perf_counter()
        with warnings.catch_warnings():  # the theme and myst use APIs Sphinx 11 removes: not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            site.build()
        seconds = time.perf_counter() - start
    return site.BUILD, seconds


def expected_pages() -> list[str]:
    notebooks, markdown = site.pages()
    return ["index"] + [p.stem for p in notebooks + markdown]


def notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def sample_notebook() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("[← 00](00_x.ipynb)", metadata={"generated": "navigation-top"}),
        nbformat.v4.new_markdown_cell("# 01 · Title", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_markdown_cell("**Say:** hello", metadata={"slideshow": {"slide_type": "notes"}}),
        cell("def f():\n    raise NotImplementedError  # your code here"),
        cell("def f():\n    return 42", metadata={"tags": ["solution"]}),
        cell("check_f(f)", outputs=[nbformat.v4.new_output("stream", text="f: correct\n")],
             execution_count=7),
        cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1\n")], execution_count=8),
    ]
    return nb


# ---------------------------------------------------------------- what goes on the site


def test_site_notebook_leaves_out_solutions_notes_and_navigation():
    original = sample_notebook()
    shown = site.site_notebook(original)
    sources = [c.source for c in shown.cells]
    assert sources == ["# 01 · Title", "def f():\n    raise NotImplementedError  # your code here",
                       "check_f(f)", "print(1)"]
    assert shown.cells[2].outputs == []  # the check ran against the solution: its output goes too
    assert shown.cells[3].outputs[0].text == "1\n"  # every other recorded output stays
    assert len(original.cells) == 7 and original.cells[5].outputs  # the input is not changed


def test_site_notebook_can_keep_solutions_collapsed():
    shown = site.site_notebook(sample_notebook(), solutions="toggle")
    (solution,) = [c for c in shown.cells if "solution" in c.metadata.get("tags", [])]
    assert "hide-input" in solution.metadata.tags
    assert [c for c in shown.cells if c.source == "check_f(f)"][0].outputs  # its result stays


def test_site_notebook_rejects_an_unknown_solutions_mode():
    with pytest.raises(ValueError, match="solutions"):
        site.site_notebook(sample_notebook(), solutions="show")


def test_index_has_every_page_in_course_order():
    notebooks, markdown = site.pages()
    index = site.index_source(notebooks, markdown)
    listed = re.findall(r"^(\d\d_\w+|[a-z_]+)$", index, flags=re.M)
    assert listed == [p.stem for p in notebooks + markdown]
    assert index.count("```{toctree}") == len({caption for caption, first, last in site.PARTS
                                               if any(first <= int(p.name[:2]) <= last for p in notebooks)}) + bool(markdown)


# ---------------------------------------------------------------- the built files


def test_build_has_every_page_and_is_fast(built):
    folder, seconds = built
    for name in expected_pages():
        assert (folder / f"{name}.html").is_file(), f"{name}.html missing from {folder}"
    assert (folder / "searchindex.js").is_file()
    assert (folder / ".nojekyll").is_file()  # GitHub Pages serves _static/ and _images/ as they are
    assert (folder / "_static" / "mathjax" / "MathJax.js").is_file()
    assert seconds < 120, f"the site took {seconds:.0f} s to build"


def test_staged_notebooks_have_no_solutions(built):
    for path in sorted(site.STAGE.glob("*.ipynb")):
        tags = [t for c in notebook(path).cells for t in c.metadata.get("tags", [])]
        assert "solution" not in tags, f"{path.name}: a solution cell would be published"
    for path in sorted(built[0].glob("*.html")):
        assert "Show solution" not in path.read_text(encoding="utf-8"), path.name


class Assets(HTMLParser):
    """Every URL a page loads by itself (scripts, stylesheets, images, media, frames), its
    links (``links``) and its element ids (``ids``)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in {"script", "img", "iframe", "source", "video", "audio", "embed"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or "") + (attrs.get("as") or "") + "preload":
            self.urls.append(attrs["href"])


def test_pages_and_styles_load_nothing_from_the_network(built):
    folder = built[0]
    for path in sorted(folder.glob("*.html")):
        parser = Assets()
        parser.feed(path.read_text(encoding="utf-8"))
        remote = [u for u in parser.urls if re.match(r"(https?:)?//", u)]
        assert not remote, f"{path.name} loads {remote}"
        for url in parser.urls:
            local = (folder / url.split("?")[0].split("#")[0]).resolve()
            assert local.is_file(), f"{path.name} loads {url}, which is not in the site"
    for css in sorted((folder / "_static").rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+(url\()?['\"]?(https?:)?//", text), css


def test_every_link_inside_the_site_leads_to_a_page_and_anchor_that_exist(built):
    folder = built[0]
    parsed = {}
    for path in sorted(folder.glob("*.html")):
        parsed[path.name] = Assets()
        parsed[path.name].feed(path.read_text(encoding="utf-8"))
    broken, unwritten = [], []
    for name, page in parsed.items():
        for link in page.links:
            if re.match(r"[a-z]+:|//", link):
                continue  # a link out of the site (https:, mailto:): followed only by a click
            target, _, anchor = link.partition("#")
            target = target.split("?")[0] or name
            if re.search(r"\.(md|ipynb)$", anchor) and not (site.NOTEBOOKS / anchor).exists():
                unwritten.append(f"{name}: {anchor}")  # MyST's mark of a link to a missing file
            elif target not in parsed:
                if not (folder / target).is_file():
                    broken.append(f"{name}: {link}")
            elif anchor and anchor not in parsed[target].ids:
                broken.append(f"{name}: {link} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken)
    if unwritten:  # a page the course links to but nobody has written yet: say so, don't fail
        warnings.warn("links to pages not in notebooks/ yet: " + ", ".join(unwritten), stacklevel=1)


def test_every_page_has_the_contents_and_previous_next_links(built):
    folder = built[0]
    pages = expected_pages()
    for position, name in enumerate(pages):
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        start = html.index('class="bd-links bd-docs-nav"')
        sidebar = re.findall(r'href="([^"]*)"', html[start:html.index("</nav>", start)])
        # every page in course order; the page itself is "#"
        assert sidebar == [f"{p}.html" if p != name else "#" for p in pages], f"{name}: sidebar {sidebar}"
        if position + 1 < len(pages):
            assert re.search(rf'class="right-next"\s+href="{pages[position + 1]}\.html"', html), f"{name}: no next link"
        if position > 0:
            previous = pages[position - 1]
            assert re.search(rf'class="left-prev"\s+href="{previous}\.html"', html), f"{name}: no previous link"


def test_every_recorded_figure_is_on_its_page(built):
    folder = built[0]
    for path in sorted(site.STAGE.glob("*.ipynb")):
        figures = sum("image/png" in o.get("data", {}) for c in notebook(path).cells for o in c.get("outputs", []))
        html = (folder / f"{path.stem}.html").read_text(encoding="utf-8")
        images = re.findall(r'<img [^>]*src="(_images/[^"]+\.png)"', html)
        assert len(images) == figures, f"{path.name}: {figures} figures recorded, {len(images)} on the page"
        assert all((folder / image).is_file() for image in images)


class Text(HTMLParser):
    """A page's text, as a reader sees it (entities decoded, tags dropped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_every_recorded_output_is_on_its_page(built):
    folder = built[0]
    for path in sorted(site.STAGE.glob("*.ipynb")):
        text = Text()
        text.feed((folder / f"{path.stem}.html").read_text(encoding="utf-8"))
        page = "".join(text.parts)
        missing = []
        for cell in notebook(path).cells:
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    lines = output.text.splitlines()
                elif output.output_type == "error":
                    lines = [f"{output.ename}: {output.evalue}"]
                else:
                    lines = output.get("data", {}).get("text/plain", "").splitlines() if "image/png" not in output.get("data", {}) else []
                missing += [line for line in (ANSI.sub("", x).strip() for x in lines) if line and line not in page]
        assert not missing, f"{path.stem}: {len(missing)} recorded output lines are not on the page, e.g. {missing[:3]}"


# ---------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        reason = f"no chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is pinned in requirements-dev.txt")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def guarded_page(browser):
    """A page that blocks and records every non-file request, and records console errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.blocked, page.errors = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL):
            request_route.continue_()
        else:
            page.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and page.errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: page.errors.append(f"{page.url}: {error}"))
    page.on("requestfailed", lambda request: request.url.startswith("file:")
            and page.errors.append(f"{page.url}: {request.url} failed ({request.failure})"))
    return page


# The first line of every <pre> whose lines are all <= 88 characters but which still scrolls.
FITS_88 = """Array.from(document.querySelectorAll('article pre'))
    .filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n'))
    .filter(lines => Math.max(...lines.map(l => l.length)) <= 88)
    .map(lines => lines[0])"""


def open_page(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    if page.evaluate("document.querySelector('span.math, div.math') !== null"):
        page.wait_for_function(MATHJAX_IDLE, timeout=30_000)


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_loads_offline_without_errors_with_its_figures_and_formulas(browser, built):
    folder = built[0]
    page = guarded_page(browser)
    for name in expected_pages() + ["search"]:
        open_page(page, folder / f"{name}.html")
        images = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        broken = [src for src, complete, width in images if not (complete and width > 0)]
        assert not broken, f"{name}: images did not load: {broken}"
        cut = page.evaluate(FITS_88)
        assert not cut, f"{name}: code or output of <= 88 columns needs scrolling at 1280 px: {cut}"
        if page.evaluate("document.querySelector('span.math, div.math') !== null"):
            assert page.locator(".MathJax, .MathJax_Display").count() > 0, f"{name}: no formula rendered"
            assert page.locator(".MathJax_Error, merror").count() == 0, f"{name}: MathJax reported an error"
    assert page.blocked == [], f"non-file requests were attempted: {page.blocked}"
    assert page.errors == [], "console errors:\n" + "\n".join(page.errors)
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_formula_and_a_figure_render_on_notebook_04(browser, built):
    folder = built[0]
    (path,) = [folder / f"{name}.html" for name in expected_pages() if name.startswith("04_")]
    page = guarded_page(browser)
    open_page(page, path)
    rendered = page.locator("span.math .MathJax, div.math .MathJax_Display")
    assert rendered.count() > 0
    assert page.evaluate("Array.from(document.querySelectorAll('span.math')).every(s => !s.textContent.includes('\\\\('))"), \
        "a formula is still raw TeX"
    widths = page.evaluate("Array.from(document.querySelectorAll('img[src^=\"_images/\"]')).map(i => i.naturalWidth)")
    assert widths and min(widths) > 0, f"figures' natural widths: {widths}"
    page.locator("article .MathJax_Display").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site_page_04.png"))
    page.locator('article img[src^="_images/"]').first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "site_page_04_figure.png"))
    assert page.blocked == [] and page.errors == [], (page.blocked, page.errors)
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_search_for_learning_rate_lists_notebook_04(browser, built):
    folder = built[0]
    page = guarded_page(browser)
    open_page(page, folder / "index.html")
    page.locator(".bd-sidebar-primary .search-button-field").first.click()  # the sidebar's search box
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill("learning rate")
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=learning"))
    page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    page.wait_for_function("document.querySelector('#search-results p.search-summary')?.textContent.includes('found')",
                           timeout=30_000)
    links = page.evaluate("Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.getAttribute('href'))")
    assert any(link.startswith("04_") for link in links), f"search results: {links}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site_search_learning_rate.png"))
    assert page.blocked == [] and page.errors == [], (page.blocked, page.errors)
    page.close()
