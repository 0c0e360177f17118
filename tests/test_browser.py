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

from tests.conftest import NOTEBOOKS, ROOT
from tests.test_slides import load_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
LAB_NOTEBOOK = "01_prediction_and_loss.ipynb"

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


@pytest.mark.parametrize("source", DECKS, ids=[p.stem for p in DECKS])
def test_deck_runs_offline_with_all_slides_formulas_and_figures(browser, source, tmp_path):
    path = Path(shutil.copy(source, tmp_path))  # a fixed copy: notebooks may change meanwhile
    notebook = nbformat.read(path, as_version=4)
    (deck,) = slides.build([path], tmp_path / "slides")
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
    for path in NUMBERED:
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


PROMPTS = "Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"


def test_jupyterlab_runs_notebook_01_without_errors(browser, lab):
    notebook = nbformat.read(lab["notebooks"] / LAB_NOTEBOOK, as_version=4)
    page = guarded_page(browser, (lab["base"] + "/", "data:", "blob:"), viewport=(1400, 1000))
    page.goto(f"{lab['base']}/lab/tree/{LAB_NOTEBOOK}?token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=30_000)
    wait_for_kernel(page)

    # RISE's slideshow button is in the notebook toolbar
    names = page.eval_on_selector_all(".jp-NotebookPanel-toolbar [data-jp-item-name]",
                                      "items => items.map(i => i.dataset.jpItemName)")
    assert any("rise" in n.lower() or "slideshow" in n.lower() for n in names), f"no RISE button in {names}"

    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"{PROMPTS}.every(p => p === '[ ]:')", timeout=10_000)
    assert page.locator(".jp-NotebookPanel .jp-OutputArea-output").count() == 0
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"{PROMPTS}.length > 0 && {PROMPTS}.every(p => /^\\[\\d+\\]:$/.test(p))"
        " && document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]') !== null",
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
    images = page.locator(".jp-NotebookPanel .jp-RenderedImage img")
    assert images.count() == figures
    if figures:
        images.first.scroll_into_view_if_needed()
        assert images.first.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "jupyterlab_01_run_all.png")
    assert page.blocked == [], f"JupyterLab tried to reach the network: {page.blocked}"
    page.close()


CELLS = """() => Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')).map(cell => ({
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
        name = page.locator(".jp-NotebookPanel-toolbar .jp-KernelName").first
        idle = page.locator('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="idle"]').count()
        if idle and name.count() and "No Kernel" not in name.inner_text() and "ipykernel" in name.inner_text():
            return
        page.wait_for_timeout(250)
    screenshot(page, "jupyterlab_kernel_timeout.png")
    pytest.fail("the kernel did not become idle within 45 s (see artifacts/jupyterlab_kernel_timeout.png)")


def menu(page, top: str, item: str) -> None:
    page.click(f'.lm-MenuBar-itemLabel:text-is("{top}")')
    page.click(f'.lm-Menu-itemLabel:text-is("{item}")')
