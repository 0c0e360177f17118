import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from helpers import plots
from helpers.data import make_linear_data, train_validation_split


def test_shapes_dtype_and_reproducible():
    X, y = make_linear_data(50, [2.0, -3.0], bias=0.5, noise=0.1, seed=3)
    assert X.shape == (50, 2) and y.shape == (50, 1)
    assert X.dtype == torch.float32 and y.dtype == torch.float32
    X2, y2 = make_linear_data(50, [2.0, -3.0], bias=0.5, noise=0.1, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    X3, _ = make_linear_data(50, [2.0, -3.0], bias=0.5, noise=0.1, seed=4)
    assert not torch.equal(X, X3)


def test_does_not_touch_the_global_generator():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    make_linear_data(10, [1.0], seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_noiseless_data_is_exactly_linear_and_least_squares_recovers_parameters():
    X, y = make_linear_data(20, np.array([1.5, 0.0, -2.0]), bias=-1.0, noise=0.0, seed=0)
    design = np.c_[X.double().numpy(), np.ones(20)]
    solution = np.linalg.lstsq(design, y.double().numpy(), rcond=None)[0].ravel()
    np.testing.assert_allclose(solution, [1.5, 0.0, -2.0, -1.0], atol=1e-5)


def test_noisy_residuals_have_the_requested_spread():
    X, y = make_linear_data(20000, torch.tensor([1.0, 2.0]), bias=0.0, noise=0.5, seed=0)
    residual = y.double().numpy().ravel() - X.double().numpy() @ np.array([1.0, 2.0])
    assert abs(residual.std() - 0.5) < 0.01


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 0}, ValueError, "n_samples"),
        ({"n_samples": 2.5}, TypeError, "n_samples"),
        ({"true_weights": [[1.0]]}, ValueError, "true_weights"),
        ({"true_weights": []}, ValueError, "true_weights"),
        ({"true_weights": [float("nan")]}, ValueError, "true_weights"),
        ({"noise": -1.0}, ValueError, "noise"),
        ({"bias": "one"}, TypeError, "bias"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    arguments = {"n_samples": 10, "true_weights": [1.0], "bias": 0.0, "noise": 0.1, "seed": 0} | kwargs
    with pytest.raises(error, match=match):
        make_linear_data(**arguments)


def test_split_partitions_rows_and_is_seeded():
    X = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10.0).reshape(10, 1)
    X_train, y_train, X_val, y_val = train_validation_split(X, y, 0.3, seed=1)
    assert X_train.shape == (7, 2) and X_val.shape == (3, 2) and y_train.shape == (7, 1) and y_val.shape == (3, 1)
    rows = sorted(torch.cat([y_train, y_val]).ravel().tolist())
    assert rows == list(range(10))
    assert torch.equal(X_train[:, 0] / 2, y_train.ravel())  # rows stay paired
    again = train_validation_split(X, y, 0.3, seed=1)
    assert torch.equal(again[3], y_val)
    other = train_validation_split(X, y, 0.3, seed=2)
    assert not torch.equal(other[3], y_val)


def test_split_keeps_at_least_one_row_each_side():
    X, y = torch.zeros(3, 1), torch.zeros(3, 1)
    assert train_validation_split(X, y, 0.01)[2].shape[0] == 1
    assert train_validation_split(X, y, 0.99)[0].shape[0] == 1


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.zeros((4, 1)), torch.zeros(4, 1)), TypeError, "X must be a torch.Tensor"),
        ((torch.zeros(4, 1), torch.zeros(3, 1)), ValueError, "same number of rows"),
        ((torch.zeros(1, 1), torch.zeros(1, 1)), ValueError, "at least 2 rows"),
        ((torch.zeros(4, 1), torch.zeros(4, 1), 1.0), ValueError, "validation_fraction"),
        ((torch.zeros(4, 1), torch.zeros(4, 1), 0.5, -1), ValueError, "seed"),
        ((torch.tensor(1.0), torch.zeros(4, 1)), ValueError, "first dimension"),
    ],
)
def test_split_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        train_validation_split(*args)


def test_plot_series_draws_styles_and_log_axes():
    fig, ax = plt.subplots()
    result = plots.plot_series(
        {"measured": ([1, 2, 4], [1.0, 0.5, 0.25]), "law": ([1, 4], [1.0, 0.25])},
        log_x=True, log_y=True, styles={"measured": "o"}, ax=ax,
    )
    assert result is None
    assert len(ax.get_lines()) == 2 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_lines()[0].get_linestyle() == "None"  # "o": markers only
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_series({})
    with pytest.raises(ValueError, match="same length"):
        plots.plot_series({"a": ([1, 2], [1.0])}, ax=ax)
    with pytest.raises(ValueError, match="> 0 on a log axis"):
        plots.plot_series({"a": ([0, 1], [1.0, 2.0])}, log_x=True, ax=ax)
    with pytest.raises(ValueError, match=r"\(x, y\) pair"):
        plots.plot_series({"a": [1.0, 2.0, 3.0]}, ax=ax)
