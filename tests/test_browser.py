"""In a real browser (Playwright driving Debian's chromium): the offline decks, and JupyterLab.

The decks open from file:// with every other request blocked; JupyterLab is started the way
`make lab` starts it, on a temporary copy of the notebooks and with Jupyter's config, data,
runtime and IPython folders in a temporary folder (the repo and your settings stay untouched).
Screenshots go to artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests import test_slides
from tests.conftest import NOTEBOOKS, ROOT
from tests.test_slides import load_tool

built_decks = test_slides.built_decks  # the fixture: every deck, built once per session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
LAB_NOTEBOOK = "01_prediction_and_loss.ipynb"
DEMO_NOTEBOOK = "04_learning_rate.ipynb"  # its live demo is moved in JupyterLab
RISE_NOTEBOOK = "11_momentum_and_adam.ipynb"  # shown in RISE: code, outputs, exercises, notes
RESOLUTIONS = [(1280, 720), (1920, 1080)]  # the projectors the decks are made for

slides = load_tool("slides")


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        reason = f"no chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run installs it)"
        if os.environ.get("CI"):  # CI must run the browser tests, never skip them
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is pinned in requirements.txt: make install")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def guarded_page(browser, allowed: tuple[str, ...], viewport=(1280, 800)):
    """A new page that aborts, and records, every request whose URL doesn't start with ``allowed``."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.blocked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(allowed):
            request_route.continue_()
        else:
            page.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


# ---------------------------------------------------------------- decks

def visible(cell) -> bool:
    return cell.metadata.get("slideshow", {}).get("slide_type") not in {"skip", "notes"}


def has_math(notebook) -> bool:
    return any(c.cell_type == "markdown" and visible(c) and "$" in c.source for c in notebook.cells)


def has_figure(notebook) -> bool:
    return any(visible(c) and "image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))


def deck_notebooks() -> list[Path]:
    """00_start_here, and a notebook with formulas and a figure (03 if it exists)."""
    chosen = [p for p in NUMBERED if p.name == "00_start_here.ipynb"]
    others = [p for p in NUMBERED if p not in chosen]
    preferred = [p for p in others if p.name == "03_gradient_descent_by_hand.ipynb"]
    with_both = [p for p in others if (nb := nbformat.read(p, as_version=4)) and has_math(nb) and has_figure(nb)]
    return chosen + (preferred or with_both)[:1]


DECKS = deck_notebooks()


def deck_of(built_decks, name: str) -> Path:
    (deck,) = [d for d in built_decks.decks if d.name == Path(name).stem + ".slides.html"]
    return deck


@pytest.mark.parametrize("source", DECKS, ids=[p.stem for p in DECKS])
def test_deck_runs_offline_with_all_slides_formulas_and_figures(browser, source, built_decks):
    deck = deck_of(built_decks, source.name)
    path = built_decks.notebooks / source.name
    notebook = built_decks.notebook(deck)
    page = guarded_page(browser, ("file:", "data:"))
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)

    assert page.evaluate("Reveal.getTotalSlides()") == len(slides.slides_of(notebook))

    if has_math(notebook):
        page.wait_for_function(
            "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"
            " && document.querySelectorAll('.MathJax, .MathJax_Display').length > 0", timeout=20_000)
        assert page.locator(".MathJax_Error, merror").count() == 0, "a formula failed to typeset"
        go_to_slide_with(page, ".MathJax")
        formula = page.locator(".reveal .slides section.present .MathJax").first
        box = formula.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, "formula not rendered on its slide"
        screenshot(page, f"slides_{path.stem}_formula.png")

    if has_figure(notebook):
        go_to_slide_with(page, ".jp-OutputArea-output img")
        figure = page.locator(".reveal .slides section.present .jp-OutputArea-output img").first
        figure.wait_for(state="visible", timeout=5_000)
        figure.scroll_into_view_if_needed()  # a tall slide scrolls
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0"), "figure did not load"
        box = figure.bounding_box()
        assert box and box["width"] > 100, f"figure too small on the slide: {box}"
        screenshot(page, f"slides_{path.stem}_figure.png")

    assert page.blocked == [], f"the deck tried to reach the network: {page.blocked}"
    page.close()


def go_to_slide_with(page, selector: str) -> None:
    """Show the (sub)slide holding the first ``selector`` element, with all its fragments."""
    page.evaluate(
        """selector => {
            const element = document.querySelector('.reveal .slides ' + selector);
            const section = element.closest('section');
            const indices = Reveal.getIndices(section);
            const fragments = section.querySelectorAll('.fragment').length;
            Reveal.configure({transition: 'none', backgroundTransition: 'none'});
            Reveal.slide(indices.h, indices.v, fragments - 1);
        }""", selector)
    page.wait_for_timeout(200)  # let the slide lay out


# Every (sub)slide with all its fragments shown: each code, output and markdown code block
# must hold its widest line (scrollWidth <= clientWidth) and must not wrap (white-space pre).
# Every slide is laid out at once (reveal.js lays out only the slides near the present one,
# `viewDistance`; a slide's width is the deck's, wherever the presenter is), which is one layout
# per size instead of one per slide.
MEASURE_DECK = """() => {
    Reveal.configure({transition: 'none', backgroundTransition: 'none', viewDistance: 1000, mobileViewDistance: 1000});
    for (const fragment of document.querySelectorAll('.reveal .slides .fragment')) fragment.classList.add('visible');
    const problems = [];
    let blocks = 0, densest = {lines: -1};
    for (const slide of Reveal.getSlides()) {
        const at = Reveal.getIndices(slide);
        let lines = 0;
        for (const pre of slide.querySelectorAll(
                '.jp-InputArea-editor pre, .jp-OutputArea-output pre, .jp-RenderedMarkdown pre')) {
            blocks += 1;
            const text = pre.textContent.replace(/\\n$/, '').split('\\n');
            lines += text.length;
            if (pre.clientWidth === 0) problems.push({slide: `${at.h}.${at.v}`, cell: '', kind: 'not laid out',
                                                      scroll: 0, client: 0, white: '', chars: 0, line: ''});
            const white = getComputedStyle(pre).whiteSpace;
            if (pre.scrollWidth > pre.clientWidth || !['pre', 'nowrap'].includes(white)) {
                const widest = text.reduce((a, b) => (b.length > a.length ? b : a), '');
                const cell = pre.closest('.jp-Cell');
                problems.push({slide: `${at.h}.${at.v}`, cell: cell ? cell.id.replace('cell-id=', '') : '',
                               kind: pre.closest('.jp-OutputArea-output') ? 'output' : 'code',
                               scroll: pre.scrollWidth, client: pre.clientWidth, white,
                               chars: widest.length, line: widest});
            }
        }
        if (lines > densest.lines) densest = {lines, h: at.h, v: at.v};
    }
    return {slides: Reveal.getSlides().length, blocks, problems, densest};
}"""


def at_size(page, viewport) -> None:
    """Resize the window and let reveal.js lay the deck out for the new size."""
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.evaluate("() => Reveal.layout()")


def test_every_code_and_output_line_fits_its_block_on_every_slide(browser, built_decks):
    """At each projector size; and, in every deck: notes are asides, not slides; every solution
    waits for a click. Each deck is opened once and measured at every size."""
    page = guarded_page(browser, ("file:", "data:"), RESOLUTIONS[0])
    problems = []
    slides_seen, blocks, densest = dict.fromkeys(RESOLUTIONS, 0), dict.fromkeys(RESOLUTIONS, 0), (-1, None, 0, 0)
    for deck in built_decks.decks:
        notebook = built_decks.notebook(deck)
        index = {cell.get("id"): i for i, cell in enumerate(notebook.cells)}
        page.goto(deck.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
        problems += structure_problems(page, notebook, deck)
        for viewport in RESOLUTIONS:
            at_size(page, viewport)
            found = page.evaluate(MEASURE_DECK)
            slides_seen[viewport] += found["slides"]
            blocks[viewport] += found["blocks"]
            if viewport == RESOLUTIONS[0] and found["densest"]["lines"] > densest[0]:
                densest = (found["densest"]["lines"], deck, found["densest"]["h"], found["densest"]["v"])
            problems += [
                f"{viewport[0]}x{viewport[1]}: {deck.name.removesuffix('.slides.html')} slide {p['slide']}, "
                f"cell {index.get(p['cell'], '?')} ({p['kind']}): {p['chars']} characters, {p['scroll']}px in a "
                f"{p['client']}px block (white-space: {p['white']}): {p['line'][:100]!r}"
                for p in found["problems"]
            ]
    for viewport in RESOLUTIONS:
        print(f"{viewport[0]}x{viewport[1]}: {len(built_decks.decks)} decks, {slides_seen[viewport]} slides, "
              f"{blocks[viewport]} code/output blocks")
        assert slides_seen[viewport] > 100 and blocks[viewport] > 300
    lines, deck, h, v = densest  # the densest slide at the smaller size, for the record
    at_size(page, RESOLUTIONS[0])
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    page.evaluate("([h, v]) => { Reveal.configure({transition: 'none'}); Reveal.slide(h, v, 99); }", [h, v])
    page.wait_for_timeout(300)
    screenshot(page, "slides_densest_1280x720.png")
    assert page.blocked == [], f"a deck tried to reach the network: {page.blocked}"
    page.close()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", RESOLUTIONS, ids=[f"{w}x{h}" for w, h in RESOLUTIONS])
def test_an_88_character_line_fits_with_room_to_spare_and_a_longer_one_is_caught(browser, tmp_path, viewport):
    line = "x = " + "W" * 84  # 88 characters, the notebooks' limit; monospace: every glyph is as wide
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 99 · Widths", metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell(f"{line}\nprint(x)", metadata={"slideshow": {"slide_type": "-"}}, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=line + "\n")]),
        nbformat.v4.new_code_cell(line + "W" * 20, metadata={"slideshow": {"slide_type": "subslide"}}),
    ])
    path = tmp_path / "99_widths.ipynb"
    path.write_text(nbformat.writes(notebook))
    (deck,) = slides.build([path], tmp_path / "slides")
    page = guarded_page(browser, ("file:", "data:"), viewport)
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    found = page.evaluate(MEASURE_DECK)
    assert [(p["slide"], p["chars"]) for p in found["problems"]] == [("0.1", 108)], found["problems"]
    widths = page.evaluate("""() => Array.from(document.querySelectorAll('.reveal section')[1]
        .querySelectorAll('.jp-InputArea-editor pre, .jp-OutputArea-output pre')).map(pre => {
            const text = document.createRange();  // the text's own width, and the block's (same scale)
            text.selectNodeContents(pre);
            return [text.getBoundingClientRect().width, pre.getBoundingClientRect().width]; })""")
    assert len(widths) == 2
    print(f"{viewport[0]}x{viewport[1]}: an 88-character line fills "
          + " and ".join(f"{used / room:.0%}" for used, room in widths) + " of its block (code, output)")
    for used, room in widths:  # the 88-character code line and output line
        assert used <= 0.95 * room, f"an 88-character line takes {used:.0f}px of {room:.0f}px: too tight"
    page.close()


def structure_problems(page, notebook, deck: Path) -> list[str]:
    """Notes are asides, not slides; each solution is in a fragment and its stub is not; a
    live demo shows its still figure."""
    seen = page.evaluate("""() => ({
        slides: Reveal.getTotalSlides(),
        notes: document.querySelectorAll('.reveal .slides aside.notes').length,
        fragment: Object.fromEntries(Array.from(document.querySelectorAll('.reveal .slides .jp-Cell'))
            .map(c => [c.id.replace('cell-id=', ''), c.closest('.fragment') !== null]))})""")
    name, problems = deck.name.removesuffix(".slides.html"), []
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in notebook.cells]
    if seen["slides"] != len(slides.slides_of(notebook)):
        problems.append(f"{name}: {seen['slides']} slides, expected {len(slides.slides_of(notebook))}")
    if seen["notes"] != kinds.count("notes"):
        problems.append(f"{name}: {seen['notes']} speaker-note asides for {kinds.count('notes')} notes cells")
    for i, cell in enumerate(notebook.cells):
        if "solution" in cell.metadata.get("tags", []):
            if not seen["fragment"].get(cell.id) or seen["fragment"].get(notebook.cells[i - 1].id):
                problems.append(f"{name} cell {i}: the solution is not on its own click after its stub")
        if "demo" in cell.metadata.get("tags", []) and cell.cell_type == "code":  # a live demo's still
            still = page.evaluate("""id => { const img = document.getElementById('cell-id=' + id)
                                                 ?.querySelector('.jp-OutputArea-output img');
                                             return !!img && img.complete && img.naturalWidth > 0; }""", cell.id)
            if not still:
                problems.append(f"{name} cell {i}: the demo shows no still figure in the deck")
    return problems


def exercise_deck(built_decks) -> Path:
    for deck in built_decks.decks:
        cells = built_decks.notebook(deck).cells
        if any("solution" in c.metadata.get("tags", []) for c in cells):
            return deck
    pytest.skip("no notebook has an exercise with a solution yet")


def test_a_solution_appears_on_the_next_click_after_its_stub_and_check(browser, built_decks):
    deck = exercise_deck(built_decks)
    cells = built_decks.notebook(deck).cells
    solution = next(i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", []))
    stub, check = cells[solution - 1].id, cells[solution + 1].id
    page = guarded_page(browser, ("file:", "data:"), (1280, 720))
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    shown = """id => { const e = document.getElementById('cell-id=' + id);
                       const s = getComputedStyle(e.closest('.fragment') || e);
                       return s.opacity === '1' && s.visibility === 'visible'; }"""
    page.evaluate("""id => { Reveal.configure({transition: 'none'});
                             const at = Reveal.getIndices(document.getElementById('cell-id=' + id).closest('section'));
                             Reveal.slide(at.h, at.v, -1); }""", stub)
    page.wait_for_timeout(400)  # reveal fades fragments in and out
    seen = {name: page.evaluate(shown, cells[i].id) for name, i in
            (("stub", solution - 1), ("solution", solution), ("check", solution + 1))}
    assert seen == {"stub": True, "solution": False, "check": True}, seen
    screenshot(page, "slides_exercise_before_click.png")
    page.keyboard.press("ArrowRight")  # the next step: the solution's fragment
    page.wait_for_timeout(400)
    assert page.evaluate(shown, cells[solution].id), "the solution did not appear on the next step"
    assert page.evaluate(shown, stub) and page.evaluate(shown, check)
    screenshot(page, "slides_exercise_after_click.png")
    page.close()


def test_speaker_notes_are_notes_not_slides_and_the_speaker_view_shows_them(browser, built_decks):
    with_notes = [(d, sum(c.metadata.get("slideshow", {}).get("slide_type") == "notes"
                          for c in built_decks.notebook(d).cells)) for d in built_decks.decks]
    deck = max(with_notes, key=lambda pair: pair[1])[0]
    notebook = built_decks.notebook(deck)
    notes = [c for c in notebook.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    if not notes:
        pytest.skip("no notebook has speaker notes yet")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    blocked = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:"))
                  else (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15_000)
    asides = page.evaluate("""() => Array.from(document.querySelectorAll('.reveal .slides aside.notes'))
                                   .map(a => ({text: a.innerText, shown: getComputedStyle(a).display !== 'none'}))""")
    assert len(asides) == len(notes) and not any(a["shown"] for a in asides), "notes are <aside class=notes>, hidden"
    assert page.evaluate("Reveal.getTotalSlides()") == len(slides.slides_of(notebook)), "notes are not slides"
    first_words = notes[0].source.replace("**", "").split()[:3]
    page.evaluate("""() => { const s = document.querySelector('.reveal .slides aside.notes').closest('section');
                             const at = Reveal.getIndices(s); Reveal.slide(at.h, at.v); }""")
    with context.expect_page() as speaker_view:
        page.keyboard.press("s")
    view = speaker_view.value
    view.wait_for_function("() => { const n = document.querySelector('.speaker-controls-notes .value');"
                           " return n && n.innerText.trim().length > 0; }", timeout=15_000)
    text = view.evaluate("() => document.querySelector('.speaker-controls-notes .value').innerText")
    assert " ".join(first_words) in " ".join(text.split()), f"speaker view shows {text[:200]!r}"
    pacing = view.evaluate("() => document.querySelector('.speaker-controls-time').innerText")
    assert "PACING" in pacing.upper(), f"no pacing timer in the speaker view: {pacing!r}"
    timed = page.evaluate("() => Reveal.getSlides().map(s => Number(s.getAttribute('data-timing') || 0))")
    minutes = [float(m.group(1)) for c in notes if (m := slides.MINUTES.search(c.source))]
    assert abs(sum(timed) - 60 * sum(minutes)) <= len(timed), "the slides' timings add up to the notes' minutes"
    view.screenshot(path=str(ARTIFACTS / "slides_speaker_view.png"))
    assert blocked == [], f"the speaker view tried to reach the network: {blocked}"
    context.close()


# ---------------------------------------------------------------- JupyterLab, as `make lab` starts it

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not (ROOT / "notebooks" / LAB_NOTEBOOK).is_file():
        pytest.skip(f"notebooks/{LAB_NOTEBOOK} does not exist yet")
    if not (ROOT / ".venv" / "bin" / "jupyter").is_file() or not shutil.which("make"):
        pytest.skip("`make lab` needs make and .venv/bin/jupyter: run `make install`")
    home = tmp_path_factory.mktemp("lab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    for path in NUMBERED + [ROOT / "notebooks" / "rise.css"]:
        shutil.copy(path, notebooks)
    settings = home / "settings" / "@jupyterlab"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},  # every cell in the DOM
                           "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    port, token = free_port(), secrets.token_hex(16)
    extra = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    log = (home / "server.log").open("w")
    # `make lab` itself (-o: don't re-run the install step from inside a test)
    server = subprocess.Popen(["make", "--no-print-directory", "-o", ".venv/.installed", "lab",
                               f"LAB_DIR={notebooks}", f"LAB_ARGS={extra}"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield {"base": base, "token": token, "notebooks": notebooks}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the jupyter server it started
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


# Every selector names the visible notebook panel: a notebook that an earlier test opened stays
# in the DOM as a hidden panel (JupyterLab restores its tabs), and its idle kernel must not be
# taken for this notebook's. `?reset` opens the notebook alone in a fresh workspace as well.
PROMPTS = "Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"


def test_jupyterlab_runs_notebook_01_without_errors(browser, lab):
    notebook = nbformat.read(lab["notebooks"] / LAB_NOTEBOOK, as_version=4)
    page = guarded_page(browser, (lab["base"] + "/", "data:", "blob:"), viewport=(1400, 1000))
    page.goto(f"{lab['base']}/lab/tree/{LAB_NOTEBOOK}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=30_000)
    wait_for_kernel(page)

    # RISE's slideshow button is in the notebook toolbar
    names = page.eval_on_selector_all(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar [data-jp-item-name]",
                                      "items => items.map(i => i.dataset.jpItemName)")
    assert any("rise" in n.lower() or "slideshow" in n.lower() for n in names), f"no RISE button in {names}"

    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"{PROMPTS}.every(p => p === '[ ]:')", timeout=10_000)
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output").count() == 0
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"{PROMPTS}.length > 0 && {PROMPTS}.every(p => /^\\[\\d+\\]:$/.test(p))"
        " && document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status=\"idle\"]') !== null",
        timeout=60_000)

    shown = page.evaluate(CELLS)
    assert len(shown) == len(notebook.cells), "every cell is in the DOM (windowing off)"
    for index, (cell, seen) in enumerate(zip(notebook.cells, shown, strict=True)):
        if "raises-exception" in cell.metadata.get("tags", []):
            expected = [o.ename for o in cell.outputs if o.output_type == "error"]
            assert seen["errors"] and all(e in seen["text"] for e in expected), f"cell {index}: expected {expected}"
        else:
            assert seen["errors"] == 0, f"cell {index} shows an error or stderr: {seen['text'][-500:]}"
    recorded = sum(bool(c.get("outputs")) for c in notebook.cells if c.cell_type == "code")
    with_output = sum(seen["outputs"] > 0 for c, seen in zip(notebook.cells, shown, strict=True) if c.cell_type == "code")
    assert with_output == recorded > 0, f"{with_output} cells show output, {recorded} have recorded outputs"
    figures = sum("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img")
    assert images.count() == figures
    if figures:
        images.first.scroll_into_view_if_needed()
        assert images.first.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "jupyterlab_01_run_all.png")
    assert page.blocked == [], f"JupyterLab tried to reach the network: {page.blocked}"
    page.close()


CELLS = """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')).map(cell => ({
    errors: cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
    outputs: cell.querySelectorAll('.jp-OutputArea-output').length,
    text: Array.from(cell.querySelectorAll('.jp-OutputArea')).map(o => o.innerText).join('\\n'),
}))"""


def wait_for_kernel(page) -> None:
    """Wait until the notebook's kernel is up and idle, accepting the kernel dialog if it asks."""
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and dialog.locator("button:has-text('Select')").count():
            dialog.locator("button:has-text('Select')").first.click()
        name = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar .jp-KernelName").first
        idle = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="idle"]').count()
        if idle and name.count() and "No Kernel" not in name.inner_text() and "ipykernel" in name.inner_text():
            return
        page.wait_for_timeout(250)
    screenshot(page, "jupyterlab_kernel_timeout.png")
    pytest.fail("the kernel did not become idle within 45 s (see artifacts/jupyterlab_kernel_timeout.png)")


def menu(page, top: str, item: str) -> None:
    page.click(f'.lm-MenuBar-itemLabel:text-is("{top}")')
    page.click(f'.lm-Menu-itemLabel:text-is("{item}")')


def open_notebook(browser, lab, name: str, viewport=(1400, 1000)):
    page = guarded_page(browser, (lab["base"] + "/", "data:", "blob:"), viewport=viewport)
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=30_000)
    wait_for_kernel(page)
    return page


def run_all(page) -> None:
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"{PROMPTS}.length > 0 && {PROMPTS}.every(p => /^\\[\\d+\\]:$/.test(p))"
        " && document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status=\"idle\"]') !== null",
        timeout=120_000)


def test_jupyterlab_demo_slider_redraws_the_figure(browser, lab):
    notebook = nbformat.read(lab["notebooks"] / DEMO_NOTEBOOK, as_version=4)
    demos = [c for c in notebook.cells if "demo" in c.metadata.get("tags", []) and c.cell_type == "code"]
    if not demos:
        pytest.skip(f"{DEMO_NOTEBOOK} has no demo cell yet")
    page = open_notebook(browser, lab, DEMO_NOTEBOOK)
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell", has_text=demos[0].source.splitlines()[-1]).first
    cell.scroll_into_view_if_needed()
    screenshot(page, "demo_04_before_running.png")  # what a student sees on opening the notebook
    run_all(page)
    image = cell.locator(".jp-OutputArea-output img.widget-image")
    image.wait_for(state="visible", timeout=20_000)
    assert cell.locator(".widget-slider").count() == 1, "one learning-rate slider"
    output = cell.locator(".jp-OutputArea-output .widget-vbox").first  # sliders and figure
    output.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    before_source, before = image.get_attribute("src"), output.screenshot(path=str(ARTIFACTS / "demo_04_slider_before.png"))
    readout = cell.locator(".widget-readout").first.inner_text()
    cell.locator(".noUi-handle").first.focus()
    page.keyboard.press("End")  # the slider's largest learning rate: past the bound, the run diverges
    page.wait_for_function("([img, src]) => img.src !== src && img.complete && img.naturalWidth > 0",
                           arg=[image.element_handle(), before_source], timeout=20_000)
    page.wait_for_timeout(300)
    after = output.screenshot(path=str(ARTIFACTS / "demo_04_slider_after.png"))
    assert cell.locator(".widget-readout").first.inner_text() != readout
    assert after != before, "the figure did not change when the slider moved"
    assert cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    assert page.blocked == [], f"JupyterLab tried to reach the network: {page.blocked}"
    page.close()


# In RISE the present (sub)slide: its code editors and output blocks, and how far the deck has got.
MEASURE_RISE = """() => {
    const present = document.querySelector('.reveal .slides > section.present > section.present')
        || document.querySelector('.reveal .slides > section.present');
    const blocks = [], cells = Array.from(document.querySelectorAll('.reveal .slides .jp-Cell'));
    for (const block of present.querySelectorAll(
            '.jp-CodeCell .cm-scroller, .jp-OutputArea-output pre, .jp-RenderedMarkdown pre')) {
        const code = !block.matches('pre');
        const lines = code ? Array.from(block.querySelectorAll('.cm-line')).map(l => l.textContent)
                           : block.textContent.split('\\n');
        const widest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
        const white = getComputedStyle(code ? block.querySelector('.cm-content') : block).whiteSpace;
        const kind = code ? 'code' : block.closest('.jp-RenderedMarkdown') ? 'markdown' : 'output';
        blocks.push({kind, cell: cells.indexOf(block.closest('.jp-Cell')),
                     scroll: block.scrollWidth, client: block.clientWidth,
                     white, chars: widest.length, line: widest});
    }
    const stacks = Array.from(document.querySelectorAll('.reveal .slides > section'));
    const stack = present.closest('.reveal .slides > section');
    const last = stack === stacks[stacks.length - 1]
        && (present === stack || present === stack.lastElementChild || !present.nextElementSibling)
        && present.querySelectorAll('.fragment:not(.visible)').length === 0;
    return {slide: present.id, step: present.querySelectorAll('.fragment.visible').length, blocks, last};
}"""


@pytest.mark.parametrize("viewport", RESOLUTIONS, ids=[f"{w}x{h}" for w, h in RESOLUTIONS])
def test_rise_slideshow_fits_shows_solutions_on_a_click_and_has_notes(browser, lab, viewport):
    from playwright.sync_api import (
        TimeoutError as PlaywrightTimeoutError,  # installed: `browser` ran
    )

    notebook = nbformat.read(lab["notebooks"] / RISE_NOTEBOOK, as_version=4)
    page = guarded_page(browser, (lab["base"] + "/", "data:", "blob:"), viewport=viewport)
    page.goto(f"{lab['base']}/rise/{RISE_NOTEBOOK}?token={lab['token']}")
    page.wait_for_function("document.querySelectorAll('.reveal .slides section.present .jp-Cell').length > 0",
                           timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('.reveal .slides .jp-Cell').length >= {len(notebook.cells)}",
                           timeout=60_000)
    page.wait_for_timeout(1000)

    # the same slides as the deck; notes are <aside class="notes">; every solution is in a fragment
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('.reveal .slides .jp-Cell')).map(c => ({
        fragment: c.closest('.fragment') !== null, notes: c.closest('aside.notes') !== null}))""")
    assert len(cells) == len(notebook.cells)
    assert page.locator(".reveal .slides > section > section").count() == len(slides.slides_of(notebook))
    for index, (cell, seen) in enumerate(zip(notebook.cells, cells, strict=True)):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        assert seen["notes"] == (kind == "notes"), f"cell {index}: notes are exactly the notes cells"
        if "solution" in cell.metadata.get("tags", []):
            assert seen["fragment"] and not cells[index - 1]["fragment"], f"cell {index}: solution on a click"

    # step through every slide and fragment: every line of code and output fits its block
    screenshot(page, f"rise_11_first_slide_{viewport[0]}x{viewport[1]}.png")
    problems, visited, blocks, last, still = [], set(), 0, None, 0
    page.keyboard.press("Escape")  # command mode: keys drive the slideshow, not an editor
    for _ in range(400):
        found = page.evaluate(MEASURE_RISE)
        place = (found["slide"], found["step"])
        if place not in visited:
            visited.add(place)
            blocks += len(found["blocks"])
            problems += [f"{RISE_NOTEBOOK} {place[0]} step {place[1]}, cell {b['cell']} ({b['kind']}): "
                         f"{b['chars']} characters, {b['scroll']}px in a "
                         f"{b['client']}px block (white-space: {b['white']}): {b['line'][:100]!r}"
                         for b in found["blocks"] if b["scroll"] > b["client"] or b["white"] not in ("pre", "nowrap")]
        if found["last"]:  # the last slide of the last stack, every fragment shown
            break
        still = still + 1 if place == last else 0
        assert still < 3, f"{RISE_NOTEBOOK}: Space no longer moves at {place}, before the last slide"
        last = place
        page.keyboard.press("Space")
        try:  # until the slide or its fragment step changes (a slow machine can take seconds)
            page.wait_for_function(f"([s, f]) => {{ const p = ({MEASURE_RISE})(); return p.slide !== s || p.step !== f; }}",
                                   arg=list(place), timeout=10_000)
        except PlaywrightTimeoutError:
            pass
    slide_count = len({s for s, _ in visited})
    print(f"RISE {RISE_NOTEBOOK} at {viewport[0]}x{viewport[1]}: {slide_count} slides, {len(visited)} steps, "
          f"{blocks} code/output blocks, {len(problems)} problems")
    assert slide_count == len(slides.slides_of(notebook)), "stepped through every slide"
    assert not problems, "\n".join(sorted(set(problems)))
    if viewport == (1280, 720):
        rise_speaker_view_shows_notes(page, notebook)
    # no widget front-end runs in RISE here (jupyterlab-contrib/rise#119): a demo shows its still figure
    demo = [i for i, c in enumerate(notebook.cells) if "demo" in c.metadata.get("tags", []) and c.cell_type == "code"]
    if demo:
        still = page.locator(".reveal .slides .jp-Cell").nth(demo[0]).locator(".jp-OutputArea-output img")
        assert still.count() == 1 and still.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.blocked == [], f"RISE tried to reach the network: {page.blocked}"
    page.close()


def rise_speaker_view_shows_notes(page, notebook) -> None:
    """From the last slide, step back to a slide with notes and open RISE's speaker view (t)."""
    notes = [c for c in notebook.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    if not notes:
        return
    present = ".reveal .slides > section.present > section.present"
    for _ in range(100):
        if page.locator(f"{present} aside.notes").count():
            break
        page.keyboard.press("PageUp")
        page.wait_for_timeout(150)
    else:
        raise AssertionError("PageUp from the last slide met no slide with speaker notes")
    # the notes of this slide, read before the speaker view opens (a busy machine may still be moving)
    shown = page.evaluate(f"() => document.querySelector('{present} aside.notes').textContent")
    page.locator(f"{present} .jp-Cell:not(.reveal-skip)").first.click()  # RISE's keys need a cell in focus
    page.keyboard.press("Escape")
    with page.context.expect_page(timeout=30_000) as speaker_view:
        page.keyboard.press("t")
    view = speaker_view.value
    view.wait_for_function("() => { const n = document.querySelector('.speaker-controls-notes .value');"
                           " return n && n.innerText.trim().length > 0; }", timeout=20_000)
    text = " ".join(view.evaluate("() => document.querySelector('.speaker-controls-notes .value').innerText").split())
    assert " ".join(shown.split()[:4]) in text, f"RISE's speaker view shows {text[:200]!r}"
    view.close()
