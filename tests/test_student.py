"""Student copies: no solution left, each runs top to bottom, every checker has a unit test."""

from __future__ import annotations

import ast
import re
import shutil
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.conftest import NOTEBOOKS, ROOT
from tests.test_slides import load_tool

student = load_tool("student")
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
NOT_ATTEMPTED = "not attempted yet"


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The notebooks as they are now, and the student folder and zip built from them."""
    snapshot = tmp_path_factory.mktemp("notebooks")  # a fixed copy: notebooks may change meanwhile
    for path in NUMBERED:
        shutil.copy(path, snapshot)
    out = tmp_path_factory.mktemp("student") / "student"
    originals = sorted(snapshot.glob("*.ipynb"))
    archive = student.build(originals, out)
    return {p.name: nbformat.read(p, as_version=4) for p in originals}, out, archive


def solutions(notebook):
    return [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]


def test_every_notebook_is_copied_without_solutions_outputs_or_counts(copy):
    originals, out, _ = copy
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == sorted(originals)
    for name, original in originals.items():
        copied = nbformat.read(out / "notebooks" / name, as_version=4)
        nbformat.validate(copied)
        assert not solutions(copied), f"{name}: a cell tagged solution is left"
        kept = [c for c in original.cells if c not in solutions(original)]
        assert [c.source for c in copied.cells] == [c.source for c in kept], f"{name}: stubs or text went missing"
        for cell in copied.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs left"


def test_no_solution_text_anywhere_in_the_handout(copy):
    originals, out, archive = copy
    with zipfile.ZipFile(archive) as zf:
        members = {info.filename: zf.read(info).decode() for info in zf.infolist()}
    for name, original in originals.items():
        others = {line.strip() for c in original.cells if c not in solutions(original) for line in c.source.splitlines()}
        copied = (out / "notebooks" / name).read_text()
        for cell in solutions(original):
            body = cell.source.strip()
            for member, text in members.items():
                assert body not in text, f"{name}: solution cell {cell.get('id')} appears in {member}"
            # every line only a solution has (not the stub's `def ...:` line) is gone from the copy
            for line in {x.strip() for x in cell.source.splitlines()} - others - {""}:
                assert json_string(line) not in copied, f"{name}: solution line {line!r} is in the copy"


def json_string(line: str) -> str:
    return nbformat.writes(nbformat.v4.new_markdown_cell(line)).split('"source": ', 1)[1].split("\n", 1)[0].strip()[1:-1]


def test_handout_has_what_a_student_needs_and_no_tests(copy):
    originals, _, archive = copy
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        readme = zf.read(f"{student.TOP}/README.md").decode()
    assert all(n.startswith(f"{student.TOP}/") for n in names)
    inside = {n.split("/", 1)[1] for n in names}
    assert {"README.md", "Makefile", "requirements.txt", "pyproject.toml", "helpers/__init__.py",
            "helpers/exercises/core.py"} <= inside
    assert {f"notebooks/{name}" for name in originals} <= inside
    assert not [n for n in inside if n.startswith(("tests/", "tools/", "build/")) or "__pycache__" in n]
    assert "make lab" in readme and NOT_ATTEMPTED in readme and "00_start_here.ipynb" in readme


def test_rebuilding_changes_no_byte(copy):
    originals, out, archive = copy
    before = archive.read_bytes()
    snapshot = out.parent / "again"
    snapshot.mkdir()
    for name, notebook in originals.items():
        (snapshot / name).write_text(nbformat.writes(notebook) + "\n")
    student.build(sorted(snapshot.glob("*.ipynb")), out)
    assert archive.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.name for p in NUMBERED])
def test_student_copy_runs_and_every_check_says_not_attempted(copy, name):
    originals, out, _ = copy
    original = originals[name]
    path = out / "notebooks" / name
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()  # cells tagged raises-exception may raise; any other error fails here
    except CellExecutionError as error:
        failing = next((i for i, c in enumerate(notebook.cells)
                        if any(o.output_type == "error" for o in c.get("outputs", []))
                        and "raises-exception" not in c.metadata.get("tags", [])), None)
        source = notebook.cells[failing].source[:300] if failing is not None else ""
        pytest.fail(f"student copy of {name}: cell {failing} failed ({error.ename}: {error.evalue})\n{source}\n"
                    "(does a cell after the exercises use a solution? nothing may depend on them)")
    by_id = {c.get("id"): c for c in notebook.cells}
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"{name} cell {index}: stderr {output.text[:200]!r}"
    checks = []
    for index, cell in enumerate(original.cells):  # the code cell after each solution is its check
        if cell in solutions(original):
            following = next(c for c in original.cells[index + 1:] if c.cell_type == "code" and c not in solutions(original))
            checks.append(following.get("id"))
    for check_id in checks:
        text = "".join(o.get("text", "") for o in by_id[check_id].outputs)
        assert NOT_ATTEMPTED in text, f"{name}: check cell {check_id} printed {text!r}, not '{NOT_ATTEMPTED}'"


# ---------------------------------------------------------------- every checker has a unit test

EXERCISES = ROOT / "helpers" / "exercises"
FRAMEWORK = {"__init__.py", "core.py"}  # check_value / check_function: tested in test_exercises_core.py


def checkers() -> list[tuple[str, str]]:
    """(module file, name) of every public check_* function defined in helpers/exercises/<part>.py."""
    found = []
    for path in sorted(EXERCISES.glob("*.py")):
        if path.name in FRAMEWORK:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("check_"):
                found.append((path.name, node.name))
    return found


def literal_length(node: ast.AST) -> int:
    """How many values a for loop or parametrize runs over, when it is written out; else 1."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return len(node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"zip", "enumerate"} and node.args:
        return literal_length(node.args[0])
    return 1


def is_raises_exercise_failed(item: ast.withitem) -> bool:
    call = item.context_expr
    return (isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "raises" and bool(call.args)
            and "ExerciseFailed" in ast.unparse(call.args[0]))


def rejections(function: ast.FunctionDef, name: str) -> tuple[int, bool]:
    """Wrong answers the test feeds ``name`` (pytest.raises(ExerciseFailed) blocks, times the
    literal loops around them and the parametrize cases), and whether it calls ``name`` outside them."""
    cases = 1
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize" and len(decorator.args) > 1:
            cases *= literal_length(decorator.args[1])
    direct, indirect, accepts = 0, 0, False  # blocks naming the checker / calling it through a variable

    def visit(node: ast.AST, weight: int, raising: bool) -> None:
        nonlocal direct, indirect, accepts
        if isinstance(node, ast.For):
            weight *= literal_length(node.iter)
        if isinstance(node, ast.With) and any(is_raises_exercise_failed(i) for i in node.items):
            if re.search(rf"\b{name}\b", ast.unparse(node)):
                direct += weight
            else:
                indirect += weight
            raising = True
        if isinstance(node, ast.Call) and not raising and name in ast.unparse(node.func):
            accepts = True
        for child in ast.iter_child_nodes(node):
            visit(child, weight, raising)

    for statement in function.body:
        visit(statement, 1, False)
    return (direct or indirect) * cases, accepts


def test_every_checker_has_a_unit_test_accepting_the_solution_and_rejecting_two_wrong_answers():
    tests = {p.name: ast.parse(p.read_text()) for p in sorted((ROOT / "tests").glob("test_exercises_*.py"))}
    problems = []
    for module, name in checkers():
        pattern = re.compile(rf"\b{name}\b")
        using = [(file, f) for file, tree in tests.items() for f in ast.walk(tree)
                 if isinstance(f, ast.FunctionDef) and f.name.startswith("test") and pattern.search(ast.unparse(f))]
        if not using:
            problems.append(f"{module}::{name}: no test function in tests/test_exercises_*.py uses it")
            continue
        results = {f"{file}::{f.name}": rejections(f, name) for file, f in using}
        wrong = sum(count for count, _ in results.values())
        where = ", ".join(results)
        if wrong < 2:
            problems.append(f"{module}::{name}: {wrong} wrong answer(s) rejected with pytest.raises(ExerciseFailed) in {where}; need >= 2 distinct")
        if not any(accepts for _, accepts in results.values()):
            problems.append(f"{module}::{name}: never called outside pytest.raises (accepting the solution) in {where}")
    assert not problems, "exercise checkers without a proper unit test:\n" + "\n".join(problems)


def test_meta_test_finds_the_checkers_and_counts_loops():
    assert ("start.py", "check_squared_error") in checkers()
    tree = ast.parse(
        "def test_x():\n"
        "    check_a(lambda: 1)\n"
        "    for wrong in (1, 2, 3):\n"
        "        with pytest.raises(ExerciseFailed):\n"
        "            check_a(wrong)\n"
        "    with pytest.raises(ValueError):\n"
        "        check_a(None)\n"
    )
    assert rejections(tree.body[0], "check_a") == (3, True)
    assert rejections(tree.body[0], "check_b") == (3, False)  # not named in the blocks: counted as indirect
    two = ast.parse(
        "def test_y():\n"
        "    for wrong in (1, 2):\n"
        "        with pytest.raises(ExerciseFailed):\n"
        "            check_a(wrong)\n"
        "    with pytest.raises(ExerciseFailed):\n"
        "        check_b(0)\n"
    )
    assert rejections(two.body[0], "check_a") == (2, False) and rejections(two.body[0], "check_b") == (1, False)
