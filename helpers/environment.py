"""Check that this machine runs the course as recorded: the pinned versions and one thread."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
#: The packages whose versions change the numbers the notebooks print.
NUMERIC_PACKAGES = ("torch", "numpy", "matplotlib")
PYTHON = (3, 11)


class EnvironmentMismatch(RuntimeError):
    """The environment differs from the one the recorded outputs were made in."""


@dataclass(frozen=True)
class Requirement:
    name: str
    required: str
    found: str

    @property
    def ok(self) -> bool:
        # a local build label is fine: torch 2.13.0+cpu satisfies ==2.13.0
        return self.found.split("+")[0] == self.required


def pinned_versions(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """Return ``{package: version}`` for every ``name==version`` line of requirements.txt.

    Raises:
        FileNotFoundError: the file is missing (helpers is not installed from the repo).
    """
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def installed_version(package: str) -> str:
    """Return the installed version of ``package``, or ``"missing"``."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def environment_report() -> list[Requirement]:
    """Compare Python and the numeric packages with what the course pins.

    Returns:
        One :class:`Requirement` per item: Python (major.minor) then each of
        :data:`NUMERIC_PACKAGES`.
    """
    pins = pinned_versions()
    rows = [Requirement("python", ".".join(map(str, PYTHON)), f"{sys.version_info.major}.{sys.version_info.minor}")]
    rows += [Requirement(name, pins[name], installed_version(name)) for name in NUMERIC_PACKAGES]
    return rows


def print_environment_report() -> None:
    """Print the versions found here, the machine and torch's threads (paste it into a bug report)."""
    import torch

    print(f"{'component':<12} {'required':<10} {'found':<16} status")
    for row in environment_report():
        print(f"{row.name:<12} {row.required:<10} {row.found:<16} {'ok' if row.ok else 'MISMATCH'}")
    print(f"platform: {platform.system()} {platform.machine()}; Python {platform.python_version()}")
    print(f"torch threads: {torch.get_num_threads()}; deterministic algorithms: {torch.are_deterministic_algorithms_enabled()}")


def check_environment(*, threads: int = 1) -> None:
    """Raise unless this environment reproduces the recorded outputs; print one line if it does.

    Raises:
        EnvironmentMismatch: a wrong Python or package version, torch not using
            ``threads`` threads, or deterministic algorithms off; the message says
            what differs and how to fix it.
    """
    import torch

    problems = [
        f"{row.name} {row.found} is installed, the course needs {row.required}"
        for row in environment_report()
        if not row.ok
    ]
    if torch.get_num_threads() != threads:
        problems.append(f"torch uses {torch.get_num_threads()} threads, expected {threads}: call setup_notebook() first")
    if not torch.are_deterministic_algorithms_enabled():
        problems.append("torch deterministic algorithms are off: call setup_notebook() first")
    if problems:
        raise EnvironmentMismatch(
            "this environment will not reproduce the recorded numbers:\n- "
            + "\n- ".join(problems)
            + "\nFix: run `make install` in the course folder and choose the course's kernel (.venv)."
        )
    names = ", ".join(NUMERIC_PACKAGES)
    print(f"Environment OK: Python {PYTHON[0]}.{PYTHON[1]}; {names} match requirements.txt; torch uses {threads} thread(s).")
