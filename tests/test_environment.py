import pytest
import torch

from helpers import environment
from helpers.environment import (
    EnvironmentMismatch,
    check_environment,
    environment_report,
    pinned_versions,
)


def test_pins_include_torch_exactly():
    assert pinned_versions()["torch"] == "2.13.0"


def test_report_covers_python_and_numeric_packages():
    names = [row.name for row in environment_report()]
    assert names == ["python", "torch", "numpy", "matplotlib"]


def test_check_passes_here_and_names_a_mismatch(monkeypatch, capsys):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        check_environment()
        assert "Environment OK" in capsys.readouterr().out
        monkeypatch.setattr(environment, "installed_version", lambda name: "0.0.1" if name == "numpy" else environment.metadata.version(name))
        with pytest.raises(EnvironmentMismatch, match="numpy 0.0.1 is installed, the course needs"):
            check_environment()
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)


def test_check_names_threads_and_determinism():
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with pytest.raises(EnvironmentMismatch, match="torch uses 2 threads, expected 1") as info:
            check_environment()
        assert "deterministic algorithms are off" in str(info.value)
    finally:
        torch.set_num_threads(threads)


def test_local_build_label_is_accepted():
    assert environment.Requirement("torch", "2.13.0", "2.13.0+cpu").ok
    assert not environment.Requirement("torch", "2.13.0", "2.12.0").ok
