import random
import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pytest
import torch

from helpers.reproducibility import PLOT_STYLE, setup_notebook


@pytest.fixture(autouse=True)
def _restore_torch():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)
    np.set_printoptions(precision=8, suppress=False)
    torch.set_printoptions(profile="default")


def draws():
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_same_seed_same_numbers_different_seed_different_numbers():
    setup_notebook(seed=3)
    first = draws()
    setup_notebook(seed=3)
    assert draws() == first
    setup_notebook(seed=4)
    assert draws() != first


def test_sets_threads_print_options_and_style():
    setup_notebook(threads=1, precision=3)
    assert torch.get_num_threads() == 1
    assert np.get_printoptions()["precision"] == 3
    assert str(torch.tensor([1.23456])) == "tensor([1.235])"
    assert tuple(mpl.rcParams["figure.figsize"]) == PLOT_STYLE["figure.figsize"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError), ({"threads": 0}, ValueError), ({"precision": "4"}, TypeError), ({"tracebacks": "long"}, ValueError)],
)
def test_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        setup_notebook(**kwargs)


def test_costs_no_more_than_the_imports_it_needs():
    """setup_notebook() must not pull in torch._inductor (deterministic algorithms do: ~1.4 s)."""
    code = (
        "import sys; from helpers import setup_notebook; setup_notebook(); "
        "import torch; print(torch.are_deterministic_algorithms_enabled(), "
        "sorted(m for m in sys.modules if m.startswith(('torch._inductor', 'torch._dynamo')))[:3])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False []", out
