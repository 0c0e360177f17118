"""Student copies: no solution left, the hand-out installs with Python alone and runs, every checker has a unit test."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests import nbval_order
from tests.conftest import NOTEBOOKS, ROOT
from tests.test_slides import load_tool

student = load_tool("student")
NUMBERED = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]
NOT_ATTEMPTED = "not attempted yet"


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The notebooks as they are now, and the student folder and zip built from them."""
    snapshot = tmp_path_factory.mktemp("notebooks")  # a fixed copy: notebooks may change meanwhile
    for path in NUMBERED + [ROOT / "notebooks" / name for name in student.COMPANIONS]:
        if path.is_file():
            shutil.copy(path, snapshot)
    out = tmp_path_factory.mktemp("student") / "student"
    originals = sorted(snapshot.glob("*.ipynb"))
    archive = student.build(originals, out)
    return {p.name: nbformat.read(p, as_version=4) for p in originals}, out, archive


def solutions(notebook):
    return [c for c in notebook.cells if "solution" in c.metadata.get("tags", [])]


def notes(notebook):
    return [c for c in notebook.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]


def test_every_notebook_is_copied_without_solutions_notes_or_check_outputs(copy):
    originals, out, _ = copy
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == sorted(originals)
    for name, original in originals.items():
        copied = nbformat.read(out / "notebooks" / name, as_version=4)
        nbformat.validate(copied)
        assert not solutions(copied), f"{name}: a cell tagged solution is left"
        assert not notes(copied), f"{name}: speaker notes are left"
        dropped = solutions(original) + notes(original)
        kept = [c for c in original.cells if c not in dropped]
        assert [c.source for c in copied.cells] == [c.source for c in kept], f"{name}: stubs or text went missing"
        checks = {original.cells[i + 1].source for i, c in enumerate(original.cells) if c in solutions(original)}
        for old, cell in zip(kept, copied.cells, strict=True):
            if cell.cell_type != "code":
                continue
            assert cell.execution_count is None, f"{name}: execution counts left"
            if cell.source in checks:
                assert cell.outputs == [], f"{name}: a check cell keeps the solution's output"
            else:
                texts = [o.get("text", o.get("data", {}).get("text/plain", "")) for o in cell.outputs]
                assert texts == [o.get("text", o.get("data", {}).get("text/plain", "")) for o in old.outputs], f"{name}: a recorded output went missing"


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
    for name in student.COMPANIONS:
        if (out / "notebooks" / name).is_file():
            shutil.copy(out / "notebooks" / name, snapshot)
    with zipfile.ZipFile(archive) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    student.build(sorted(snapshot.glob("*.ipynb")), out)
    with zipfile.ZipFile(archive) as zf:
        changed = [info.filename for info in zf.infolist() if members.get(info.filename) != zf.read(info)]
    assert not changed and archive.read_bytes() == before, f"rebuilding changed {changed}"


def test_handout_installs_runtime_pins_only_and_ships_the_companion_pages(copy):
    _, out, _ = copy
    assert (out / "requirements.txt").read_bytes() == (ROOT / "requirements.txt").read_bytes()
    pins = {line.split("==")[0] for line in (out / "requirements.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#")}
    assert "torch" in pins and not pins & {"pytest", "nbval", "ruff", "playwright", "sphinx-revealjs",
                                           "pytest-xdist", "nbclient", "jupyterlab-rise"}
    for name in student.COMPANIONS:
        if (ROOT / "notebooks" / name).is_file():
            assert (out / "notebooks" / name).is_file(), f"{name} is not in the hand-out"
    makefile = (out / "Makefile").read_text()
    assert "requirements-dev" not in makefile and set(re.findall(r"^([a-z]+):", makefile, re.M)) == {"lab", "install"}


def test_readmes_show_the_same_python_only_commands():
    readme = (ROOT / "README.md").read_text()
    handout = student.STUDENT_README.format(install=student.INSTALL_SECTION, contents="")
    for block in (student.INSTALL_POSIX, student.INSTALL_WINDOWS, student.CPU_TORCH):
        assert block in readme, f"README.md does not show:\n{block}"
        assert block in handout
    assert "make lab" in readme and "make lab" in handout


def documented_commands(readme: str) -> list[str]:
    """The Linux and macOS commands of the hand-out's README, in order (the test runs exactly these)."""
    section = readme.split("**Linux and macOS**", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def clean_environment() -> dict[str, str]:
    """This machine's environment without the course's own .venv (a student has none of it)."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "COURSE_PYTHON", "PYTHONHOME"}}
    keep = [d for d in env.get("PATH", "").split(os.pathsep) if d and not Path(d).resolve().is_relative_to(ROOT)]
    env["PATH"] = os.pathsep.join(keep)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The fresh-venv run costs minutes (a new environment of ~1.3 GB, then every notebook):
# `make handout` runs it (CI does, after `make portability`); `make unit` leaves it out.
@pytest.mark.handout
def test_handout_installs_with_python_alone_and_every_notebook_runs(copy, tmp_path_factory):
    """Install the hand-out by the README's commands into a new .venv, start JupyterLab, then
    run every student notebook top to bottom in that environment: no error outside the cells
    tagged raises-exception, nothing on stderr, and every exercise check says 'not attempted yet'."""
    originals, out, _ = copy
    commands = documented_commands((out / "README.md").read_text())
    assert commands == student.INSTALL_POSIX.splitlines()
    *install, lab = commands
    env = clean_environment()
    started = time.monotonic()
    for command in install:
        result = subprocess.run(["bash", "-c", command], cwd=out, env=env, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"`{command}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    venv_bin = out / ".venv" / "bin"
    installed = time.monotonic()

    # the last command opens JupyterLab: it must start and answer (no browser here)
    config = tmp_path_factory.mktemp("jupyter-config")
    port = free_port()
    (config / "jupyter_server_config.py").write_text(
        f"c.ServerApp.open_browser = False\nc.ServerApp.port = {port}\nc.ServerApp.port_retries = 0\n"
        "c.ServerApp.allow_root = True\n")
    server = subprocess.Popen(["bash", "-c", lab], cwd=out, env={**env, "JUPYTER_CONFIG_DIR": str(config)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=5) as reply:
                    assert "version" in json.loads(reply.read())
                    break
            except OSError:
                assert server.poll() is None, f"`{lab}` exited: {server.stderr.read()[-2000:]}"
                assert time.monotonic() < deadline, f"`{lab}` did not answer within 90 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # every notebook, in the new environment's own Jupyter and kernel, two at a time; an error
    # does not stop a notebook (--allow-errors): check_student_run names every failing cell
    groups = two_balanced_groups(sorted(originals))
    names = [name for group in groups for name in group]
    lab_checked = time.monotonic()
    runs = [subprocess.Popen([str(venv_bin / "jupyter"), "execute", "--inplace", "--allow-errors",
                              "--timeout=600", *group],
                             cwd=out / "notebooks", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for group in groups]
    logs = [run.communicate(timeout=1800)[0] for run in runs]
    for run, log in zip(runs, logs, strict=True):
        assert run.returncode == 0, f"jupyter execute failed in the fresh environment:\n{log[-3000:]}"
    print(f"hand-out: install {installed - started:.0f} s, JupyterLab answered in {lab_checked - installed:.0f} s, "
          f"{len(names)} notebooks ran in {time.monotonic() - lab_checked:.0f} s")
    try:
        problems = []
        for name, original in originals.items():
            executed = nbformat.read(out / "notebooks" / name, as_version=4)
            try:
                check_student_run(name, original, executed)
            except AssertionError as error:
                problems.append(str(error).splitlines()[0])
        assert not problems, "student notebooks in the fresh environment:\n" + "\n".join(problems) + \
            "\n(does a cell after the exercises use a solution? nothing may depend on them)"
    finally:
        shutil.rmtree(out / ".venv", ignore_errors=True)  # 1.3 GB


def two_balanced_groups(names: list[str]) -> list[list[str]]:
    """Split notebooks into two lists of about equal run time, longest first (nbval's estimates)."""
    groups: list[list[str]] = [[], []]
    totals = [0, 0]
    for name in sorted(names, key=lambda n: -nbval_order.expected_seconds(n)):
        lighter = totals.index(min(totals))
        groups[lighter].append(name)
        totals[lighter] += nbval_order.expected_seconds(name)
    return groups


def test_two_balanced_groups_put_the_longest_first_and_split_evenly():
    groups = two_balanced_groups([p.name for p in NUMBERED])
    assert sorted(groups[0] + groups[1]) == sorted(p.name for p in NUMBERED)
    totals = [sum(nbval_order.expected_seconds(n) for n in group) for group in groups]
    assert abs(totals[0] - totals[1]) <= max(nbval_order.SECONDS.values())
    assert groups[0][0].startswith(max(nbval_order.SECONDS, key=nbval_order.SECONDS.get))


def check_student_run(name, original, executed):
    """No error but in raises-exception cells, no stderr, every check cell says not attempted."""
    for index, cell in enumerate(executed.cells):
        for output in cell.get("outputs", []):
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"{name} cell {index}: stderr {output.text[:200]!r}"
            if output.output_type == "error":
                assert "raises-exception" in cell.metadata.get("tags", []), \
                    f"{name} cell {index}: {output.ename}: {output.evalue}"
        if cell.cell_type == "code":
            assert cell.execution_count is not None, f"{name} cell {index} did not run"
    by_id = {c.get("id"): c for c in executed.cells}
    for index, cell in enumerate(original.cells):  # the code cell after each solution is its check
        if cell in solutions(original):
            following = next(c for c in original.cells[index + 1:] if c.cell_type == "code" and c not in solutions(original))
            text = "".join(o.get("text", "") for o in by_id[following.get("id")].outputs)
            assert NOT_ATTEMPTED in text, f"{name}: check cell {following.get('id')} printed {text!r}, not '{NOT_ATTEMPTED}'"


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
