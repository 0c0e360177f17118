"""Check that this machine runs the course as recorded, and report what a bug report needs.

:func:`check_environment` compares Python and the numeric packages with the pins in
requirements.txt and says exactly what to do when they differ.
:func:`print_environment_report` prints the versions, then what decides the last digits
of a float computation on this machine: the CPU kernels torch picked, NumPy's BLAS
library and its kernels, and every thread count.
"""

from __future__ import annotations

import os
import platform
import sys
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
#: The packages whose versions change the numbers the notebooks print.
NUMERIC_PACKAGES = ("torch", "numpy", "matplotlib")
#: The Python the recorded outputs were made with (and the one the course is tested on).
PYTHON = (3, 11)
#: Every Python for which each pinned package publishes a wheel (checked on PyPI): the
#: course installs and runs on these; only :data:`PYTHON` is tested.
SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13), (3, 14))
#: Environment variables that change which CPU kernels or how many threads torch, NumPy
#: (OpenBLAS) or MKL use. None is needed; the report shows those that are set.
KERNEL_SETTINGS = (
    "ATEN_CPU_CAPABILITY",
    "NPY_DISABLE_CPU_FEATURES",
    "NPY_ENABLE_CPU_FEATURES",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_L2_SIZE",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "ONEDNN_MAX_CPU_ISA",
)
INSTALL_HELP = "README.md, 'Install with Python alone'"
#: Longest printed line (a notebook's output fits a slide).
WIDTH = 88


class EnvironmentMismatch(RuntimeError):
    """The environment differs from the one the recorded outputs were made in."""


@dataclass(frozen=True)
class Requirement:
    """One component: what the course pins, what is installed, and other values that work."""

    name: str
    required: str
    found: str
    also_works: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        # a local build label is fine: torch 2.13.0+cpu satisfies ==2.13.0
        return self.found.split("+")[0] == self.required

    @property
    def ok(self) -> bool:
        return self.exact or self.found in self.also_works

    @property
    def status(self) -> str:
        return "ok" if self.exact else "ok, untested" if self.ok else "MISMATCH"


def _version(pair: tuple[int, int]) -> str:
    return f"{pair[0]}.{pair[1]}"


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


def python_version() -> str:
    """This interpreter's ``major.minor``."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def environment_report() -> list[Requirement]:
    """Compare Python and the numeric packages with what the course pins.

    Returns:
        One :class:`Requirement` per item: Python (major.minor) then each of
        :data:`NUMERIC_PACKAGES`.
    """
    pins = pinned_versions()
    others = tuple(_version(v) for v in SUPPORTED_PYTHONS if v != PYTHON)
    rows = [Requirement("python", _version(PYTHON), python_version(), others)]
    rows += [Requirement(name, pins[name], installed_version(name)) for name in NUMERIC_PACKAGES]
    return rows


def python_advice(found: str) -> str:
    """What a student on Python ``found`` (``"3.12"``) should do; ``""`` on the tested one."""
    wanted = _version(PYTHON)
    if found == wanted:
        return ""
    rebuild = (
        f"install Python {wanted} (python.org, or your package manager), delete the course's "
        f".venv folder and create it again with Python {wanted}: `python{wanted} -m venv .venv` "
        f"on Linux and macOS, `py -{wanted} -m venv .venv` on Windows; then go on with the "
        f"next steps of {INSTALL_HELP}"
    )
    supported = [_version(v) for v in SUPPORTED_PYTHONS]
    if found in supported:
        return (
            f"Python {found} runs the course, but its numbers were recorded with Python {wanted}. "
            f"If a number differs from the one printed in the notebook, {rebuild}."
        )
    return (
        f"Python {found} cannot run the course: its pinned packages need Python "
        f"{supported[0]} to {supported[-1]}. To fix it, {rebuild}."
    )


def machine_report() -> list[str]:
    """Lines that explain a differing last digit: CPU kernels, BLAS library, thread counts.

    Returns:
        Short lines (at most 88 characters each) for a bug report.
    """
    import numpy as np
    import torch

    lines = [
        f"platform: {platform.system()} {platform.machine()}; Python {platform.python_version()}",
        f"torch: CPU kernels {torch.backends.cpu.get_cpu_capability()}; "
        f"threads {torch.get_num_threads()} (inter-op {torch.get_num_interop_threads()})",
    ]
    simd = np.show_config(mode="dicts").get("SIMD Extensions", {})
    lines.append(
        f"NumPy SIMD: baseline {' '.join(simd.get('baseline', [])) or 'none'}; "
        f"also {' '.join(simd.get('found', [])) or 'none'}"
    )
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    pools = _thread_pools()
    openblas = next((p for p in pools if p.get("internal_api") == "openblas"), None)
    if openblas:
        lines.append(
            f"NumPy BLAS: OpenBLAS {openblas.get('version')}, "
            f"{openblas.get('architecture')} kernels, {openblas.get('num_threads')} thread(s)"
        )
    else:
        lines.append(f"NumPy BLAS: {blas.get('name', 'unknown')} {blas.get('version', '')}".rstrip())
    for pool in pools:
        if pool is not openblas:
            lines.append(f"{pool.get('internal_api')} ({pool.get('prefix')}): {pool.get('num_threads')} thread(s)")
    settings = [f"  {name}={os.environ[name]}" for name in KERNEL_SETTINGS if name in os.environ]
    lines += ["kernel and thread settings:", *settings] if settings else ["kernel and thread settings: none"]
    return lines


def _thread_pools() -> list[dict]:
    """threadpoolctl's view of the BLAS and OpenMP libraries loaded here (empty without it)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - threadpoolctl is pinned in requirements.txt
        return []
    return threadpool_info()


def print_environment_report() -> None:
    """Print the versions found here, then :func:`machine_report` (paste it into a bug report)."""
    print(f"{'component':<12} {'required':<10} {'found':<16} status")
    for row in environment_report():
        print(f"{row.name:<12} {row.required:<10} {row.found:<16} {row.status}")
    for line in machine_report():
        print(line)


def check_environment(*, threads: int = 1) -> None:
    """Raise unless this environment reproduces the recorded outputs; print one line if it does.

    Raises:
        EnvironmentMismatch: a Python the pins do not support, a wrong package version,
            or torch not using ``threads`` threads; the message says what differs and
            exactly how to fix it.
    """
    import torch

    rows = environment_report()
    python, packages = rows[0], rows[1:]
    problems = []
    if not python.ok:
        problems.append(python_advice(python.found))
    problems += [
        f"{row.name} {row.found} is installed, the course needs {row.required}: in the course "
        "folder, run `make install`, or with .venv activated "
        "`python -m pip install -r requirements.txt -e .`, then restart the kernel"
        for row in packages
        if not row.ok
    ]
    if torch.get_num_threads() != threads:
        problems.append(
            f"torch uses {torch.get_num_threads()} threads, expected {threads}: "
            "run the notebook's first cell (setup_notebook()) first"
        )
    if problems:
        raise EnvironmentMismatch(
            "this environment will not reproduce the recorded numbers:\n"
            + "\n".join(textwrap.fill(p, WIDTH, initial_indent="- ", subsequent_indent="  ") for p in problems)
        )
    if not python.exact:
        print(textwrap.fill(python_advice(python.found), WIDTH))
    names = ", ".join(NUMERIC_PACKAGES)
    print(
        f"Environment OK: Python {python.found}; {names} as pinned; "
        f"torch uses {threads} thread(s)."
    )
