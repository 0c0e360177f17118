"""The learner's path: what a student reads is written for a student.

- the sources are named as students know them (never "seed 000/001");
- every title cell states the time (core, deep dives) and the maths it needs;
- deep dives are marked one way, are their own slide stacks, and the core never needs them;
- every section has speaker notes; code and printed lines fit a slide;
- no student-facing text speaks of the maintainers' tooling;
- every glossary link lands on a glossary entry.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from tests.conftest import NOTEBOOKS, ROOT

NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
PAGES = sorted((ROOT / "notebooks").glob("*.md"))
GLOSSARY = ROOT / "notebooks" / "glossary.md"

INSIDER_NAMES = re.compile(r"seed[ _-]?00[01]|\bseed's|\bseed (?:notebook|document|blog|part)", re.I)
MAINTAINER_WORDS = re.compile(r"nbval|make test|regenerat|recorded outputs?|\bCI\b|test suite", re.I)
TIME_LINE = re.compile(r"^\*\*Time:\*\* core \d+ min · deep dives (?:\d+ min|none)$")
MATHS_LINE = re.compile(r"^\*\*Maths:\*\* \S.*$")
DEEP_PREFIX = "## Deep dive (optional): "
BANNER_PREFIX = "> **Optional.**"
MAX_LINE = 88

ids = [p.name for p in NUMBERED]


@pytest.fixture(scope="module", params=NUMBERED, ids=ids)
def notebook(request):
    return request.param.name, nbformat.read(request.param, as_version=4)


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def sections(nb):
    """Yield (cell, heading, is_deep) for every cell: the `## ` section it is in, and whether that is a deep dive."""
    heading, deep = None, False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not cell.metadata.get("generated"):
            first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
            if first.startswith("## "):
                heading, deep = first, first.startswith(DEEP_PREFIX)
        yield cell, heading, deep


def names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds and names it reads (IPython magics and shell lines left out)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound, loaded


def test_sources_are_named_as_students_know_them(notebook):
    name, nb = notebook
    for index, cell in enumerate(nb.cells):
        texts = [cell.source] + [str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) + str(o.get("evalue", "")) for o in cell.get("outputs", [])]
        for text in texts:
            found = INSIDER_NAMES.search(text)
            assert not found, f"{name} cell {index}: says {found[0]!r}; call the sources the blog walkthrough and the Gradients Example notebook"


def test_helpers_never_print_insider_source_names():
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = INSIDER_NAMES.search(node.value)
                assert not found, f"{path.relative_to(ROOT)} line {node.lineno}: a string says {found[0]!r}"


def test_00_names_both_sources_once_in_a_sources_box():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    boxes = [c for c in nb.cells if c.cell_type == "markdown" and re.search(r"^#+ Sources|\*\*Sources", c.source, re.M)]
    assert len(boxes) == 1, "00 needs exactly one 'Sources' box"
    assert "blog walkthrough" in boxes[0].source and "Gradients Example" in boxes[0].source


def test_title_cell_states_time_and_maths(notebook):
    name, nb = notebook
    title = next(c for c in nb.cells if c.cell_type == "markdown" and not c.metadata.get("generated"))
    lines = [line.strip() for line in title.source.splitlines()]
    assert lines[0].startswith("# "), f"{name}: the first markdown cell must be the title"
    assert any(TIME_LINE.match(x) for x in lines), f"{name}: title cell needs '**Time:** core N min · deep dives N min' (or 'deep dives none')"
    assert any(MATHS_LINE.match(x) for x in lines), f"{name}: title cell needs '**Maths:** ...'"
    has_deep = any(deep for _, _, deep in sections(nb))
    says_none = any(x.endswith("deep dives none") for x in lines)
    assert has_deep != says_none, f"{name}: the time line and the deep dives disagree (has deep dives: {has_deep})"


def test_deep_dives_are_marked_one_way(notebook):
    name, nb = notebook
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if re.match(r"#+ .*deep dive", line, re.I):
                assert line.startswith(DEEP_PREFIX), f"{name} cell {index}: a deep dive heading is `{DEEP_PREFIX}<title>`, got {line!r}"
        if cell.source.startswith(DEEP_PREFIX):
            rest = [x for x in cell.source.splitlines()[1:] if x.strip()]
            assert rest and rest[0].startswith(BANNER_PREFIX), f"{name} cell {index}: the line after a deep dive heading is the banner '{BANNER_PREFIX} ...'"
            assert "skip" in rest[0], f"{name} cell {index}: the banner says it can be skipped"


def test_each_deep_dive_is_its_own_slide_stack(notebook):
    name, nb = notebook
    previous_deep = False
    for index, (cell, _heading, deep) in enumerate(sections(nb)):
        starts_section = cell.cell_type == "markdown" and cell.source.lstrip().startswith("## ")
        if starts_section and (deep or previous_deep):
            assert slide_type(cell) == "slide", f"{name} cell {index}: a deep dive, and the section after it, start a new slide"
        elif deep and not starts_section:
            assert slide_type(cell) != "slide", f"{name} cell {index}: inside a deep dive use subslides (a vertical stack), not slides"
        if starts_section:
            previous_deep = deep


def test_core_never_uses_a_name_only_a_deep_dive_defines(notebook):
    """Skipping every deep dive leaves the core runnable: no core cell reads a name whose latest binding is in a deep dive."""
    name, nb = notebook
    last_binder: dict[str, tuple[int, bool]] = {}
    for index, (cell, _, deep) in enumerate(sections(nb)):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        bound, loaded = names(cell.source)
        if not deep:
            for used in sorted(loaded - bound):
                where = last_binder.get(used)
                assert not (where and where[1]), f"{name} cell {index}: core code uses {used!r}, last set in deep-dive cell {where[0]}"
        for binding in bound:
            last_binder[binding] = (index, deep)


def test_every_section_has_speaker_notes(notebook):
    name, nb = notebook
    headings: dict[str, bool] = {}
    for cell, heading, _ in sections(nb):
        if heading is None:
            continue
        headings.setdefault(heading, False)
        if cell.cell_type == "markdown" and slide_type(cell) == "notes":
            headings[heading] = True
    missing = [h for h, noted in headings.items() if not noted]
    assert not missing, f"{name}: sections without a speaker-notes cell: {missing}"


def test_code_and_printed_lines_fit_a_slide(notebook):
    name, nb = notebook
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert len(line) <= MAX_LINE, f"{name} cell {index}: code line of {len(line)} characters: {line[:60]!r}..."
        for output in cell.get("outputs", []):
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
            if output.get("output_type") == "error":
                text += f"{output.ename}: {output.evalue}"
            for line in text.splitlines():
                assert len(line) <= MAX_LINE, f"{name} cell {index}: printed line of {len(line)} characters: {line[:60]!r}..."


def student_text(nb) -> list[tuple[int, str]]:
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and slide_type(c) != "notes"]


def test_student_text_never_speaks_of_the_maintainers_tooling(notebook):
    name, nb = notebook
    for index, text in student_text(nb):
        found = MAINTAINER_WORDS.search(text)
        assert not found, f"{name} cell {index}: students read {found[0]!r}; that belongs in CONTRIBUTING.md"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_pages_are_for_students(page):
    text = page.read_text()
    found = MAINTAINER_WORDS.search(text) or INSIDER_NAMES.search(text)
    assert not found, f"{page.name}: says {found[0]!r}"


def anchors(markdown: str) -> set[str]:
    """Heading ids as JupyterLab and MyST both make them for lower-case headings: words joined by '-'."""
    return {re.sub(r"\s+", "-", m.strip()) for m in re.findall(r"^#+ (.+)$", markdown, re.M)}


def links(text: str) -> list[tuple[str, str]]:
    return re.findall(r"\]\(([\w.-]+\.(?:md|ipynb))(?:#([\w-]+))?\)", text)


def test_glossary_entries_are_lower_case_and_alphabetical():
    entries = re.findall(r"^### (.+)$", GLOSSARY.read_text(), re.M)
    assert len(entries) >= 40
    for entry in entries:
        assert entry == entry.lower() and re.fullmatch(r"[a-z0-9 -]+", entry), f"glossary heading {entry!r}: lower-case words only, so links work in JupyterLab and on the website"
    assert entries == sorted(entries), "glossary entries are in alphabetical order"


def test_every_link_between_pages_lands():
    targets = {p.name: p for p in (ROOT / "notebooks").iterdir() if p.suffix in {".md", ".ipynb"}}
    texts = {p.name: p.read_text() for p in PAGES}
    for path in NUMBERED:
        nb = nbformat.read(path, as_version=4)
        texts[path.name] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for source, text in texts.items():
        for target, anchor in links(text):
            assert target in targets, f"{source}: links to {target}, which does not exist"
            if anchor and target.endswith(".md"):
                assert anchor in anchors(targets[target].read_text()), f"{source}: links to {target}#{anchor}, which has no such heading"
        for anchor in re.findall(r"\]\(#([\w-]+)\)", text) if source.endswith(".md") else []:
            assert anchor in anchors(text), f"{source}: internal link #{anchor} has no heading"


def test_glossary_is_linked_from_00():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    assert any("glossary.md" in c.source for c in nb.cells if c.cell_type == "markdown")


