import numpy as np
import pytest
import torch

from helpers import environment
from helpers.environment import (
    KERNEL_SETTINGS,
    PYTHON,
    SUPPORTED_PYTHONS,
    WIDTH,
    EnvironmentMismatch,
    check_environment,
    environment_report,
    machine_report,
    pinned_versions,
    print_environment_report,
    python_advice,
)
from tests.conftest import ROOT


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_pins_include_torch_exactly():
    assert pinned_versions()["torch"] == "2.13.0"


def test_every_runtime_requirement_is_pinned_exactly():
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert lines and all("==" in line for line in lines), lines
    assert not {"pytest", "nbval", "ruff", "playwright", "sphinx-revealjs"} & set(pinned_versions())


def test_report_covers_python_and_numeric_packages():
    names = [row.name for row in environment_report()]
    assert names == ["python", "torch", "numpy", "matplotlib"]


def test_check_passes_here_and_names_a_mismatch(monkeypatch, capsys, one_thread):
    check_environment()
    out = capsys.readouterr().out
    assert out.startswith("Environment OK") and all(len(line) <= WIDTH for line in out.splitlines())
    real = environment.installed_version
    monkeypatch.setattr(environment, "installed_version", lambda name: "0.0.1" if name == "numpy" else real(name))
    with pytest.raises(EnvironmentMismatch, match="numpy 0.0.1 is installed, the course needs") as info:
        check_environment()
    assert "pip install -r requirements.txt" in str(info.value)


def test_check_names_threads():
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with pytest.raises(EnvironmentMismatch, match="torch uses 2 threads, expected 1"):
            check_environment()
    finally:
        torch.set_num_threads(threads)


def test_check_does_not_need_deterministic_algorithms(capsys, one_thread):
    assert not torch.are_deterministic_algorithms_enabled()
    check_environment()
    assert "Environment OK" in capsys.readouterr().out


def test_another_supported_python_passes_with_advice(monkeypatch, capsys, one_thread):
    monkeypatch.setattr(environment, "python_version", lambda: "3.12")
    check_environment()
    out = capsys.readouterr().out
    assert "Python 3.12 runs the course" in out and "Environment OK: Python 3.12" in out
    assert all(len(line) <= WIDTH for line in out.splitlines())


def test_unsupported_python_says_exactly_what_to_do(monkeypatch, one_thread):
    monkeypatch.setattr(environment, "python_version", lambda: "3.10")
    with pytest.raises(EnvironmentMismatch) as info:
        check_environment()
    message = str(info.value)
    assert "Python 3.10 cannot run the course" in message
    assert "python3.11 -m venv .venv" in " ".join(message.split())  # Linux and macOS
    assert "py -3.11 -m venv .venv" in " ".join(message.split())  # Windows
    assert all(len(line) <= WIDTH for line in message.splitlines())


def test_advice_is_empty_only_on_the_recorded_python():
    assert python_advice(f"{PYTHON[0]}.{PYTHON[1]}") == ""
    assert all(python_advice(f"{major}.{minor}") for major, minor in SUPPORTED_PYTHONS if (major, minor) != PYTHON)


def test_pyproject_allows_exactly_the_supported_pythons():
    text = (ROOT / "pyproject.toml").read_text()
    low, high = SUPPORTED_PYTHONS[0], SUPPORTED_PYTHONS[-1]
    assert f'requires-python = ">={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"' in text


def test_local_build_label_is_accepted():
    assert environment.Requirement("torch", "2.13.0", "2.13.0+cpu").ok
    assert not environment.Requirement("torch", "2.13.0", "2.12.0").ok
    assert environment.Requirement("python", "3.11", "3.13", ("3.12", "3.13")).status == "ok, untested"


def test_machine_report_names_kernels_blas_and_threads(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    lines = machine_report()
    text = "\n".join(lines)
    assert f"CPU kernels {torch.backends.cpu.get_cpu_capability()}" in text
    assert "NumPy BLAS: OpenBLAS" in text and "thread(s)" in text
    assert "  OPENBLAS_NUM_THREADS=3" in lines
    assert all(len(line) <= WIDTH for line in lines)
    assert np.show_config(mode="dicts")  # the source of the SIMD line


def test_report_prints_table_then_machine(capsys):
    print_environment_report()
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["component", "required", "found", "status"]
    assert any(line.startswith("torch: CPU kernels") for line in out)


def test_portability_settings_are_ones_the_report_shows():
    makefile = (ROOT / "Makefile").read_text()
    line = next(text for text in makefile.splitlines() if text.startswith("PORTABILITY_ENV"))
    names = [word.split("=", 1)[0] for word in line.split(":=", 1)[1].split() if "=" in word]
    assert names and set(names) <= set(KERNEL_SETTINGS), names
