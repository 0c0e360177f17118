"""Seeded synthetic data with known parameters, and a seeded train/validation split.

``y = X @ true_weights + bias + noise``: because the parameters that generated the data
are known, a notebook can check what training learned against them (and against least
squares on the same sample).
"""

from __future__ import annotations

from typing import Any

import torch

from helpers._validate import as_float_array, positive_int


def make_linear_data(
    n_samples: int,
    true_weights: Any,
    bias: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw a linear-regression data set with known parameters, reproducibly.

    Features are standard normal; targets are ``X @ true_weights + bias`` plus Gaussian
    noise of standard deviation ``noise``. Everything is drawn from a private
    ``torch.Generator`` seeded with ``seed`` (the global torch RNG is not touched), so
    the same arguments give the same tensors on every machine.

    Args:
        n_samples: number of rows (an int >= 1).
        true_weights: the weights, one per feature (a 1-D sequence, array or tensor).
        bias: the intercept added to every target.
        noise: standard deviation of the Gaussian noise (>= 0).
        seed: seed of the private generator (an int >= 0).

    Returns:
        ``(X, y)``: float32 tensors of shapes ``(n_samples, n_features)`` and ``(n_samples, 1)``.

    Raises:
        TypeError: ``n_samples`` or ``seed`` is not an int, or a parameter is not numeric.
        ValueError: ``n_samples`` < 1, ``true_weights`` is not 1-D or empty, a value is
            NaN/inf, ``noise`` < 0, or ``seed`` < 0.
    """
    n_samples = positive_int(n_samples, "n_samples")
    weights = as_float_array(true_weights, "true_weights", ndim=1)
    if weights.size == 0:
        raise ValueError("true_weights must name at least one weight, got an empty sequence")
    bias_value = float(as_float_array(bias, "bias", ndim=0))
    noise_value = float(as_float_array(noise, "noise", ndim=0))
    if noise_value < 0:
        raise ValueError(f"noise must be >= 0 (a standard deviation), got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")

    generator = torch.Generator().manual_seed(seed)
    features = torch.randn(n_samples, weights.size, generator=generator, dtype=torch.float64)
    errors = torch.randn(n_samples, 1, generator=generator, dtype=torch.float64)
    targets = features @ torch.from_numpy(weights).reshape(-1, 1) + bias_value + noise_value * errors
    return features.float(), targets.float()


def train_validation_split(
    X: torch.Tensor,
    y: torch.Tensor,
    validation_fraction: float = 0.2,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Shuffle the rows with a seeded generator and hold out a fraction for validation.

    Args:
        X: features, a tensor whose first dimension indexes samples.
        y: targets, a tensor with as many rows as ``X``.
        validation_fraction: the share of rows held out, strictly between 0 and 1;
            the validation set gets ``round(fraction * n)`` rows (at least one, and at
            least one row stays for training).
        seed: seed of the private generator that shuffles (an int >= 0).

    Returns:
        ``(X_train, y_train, X_validation, y_validation)``; together they hold every row
        exactly once.

    Raises:
        TypeError: ``X`` or ``y`` is not a tensor, or ``seed`` is not an int.
        ValueError: fewer than 2 rows, ``X`` and ``y`` differ in rows, the fraction is
            not in (0, 1), or ``seed`` < 0.
    """
    for name, tensor in (("X", X), ("y", y)):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
        if tensor.ndim == 0:
            raise ValueError(f"{name} must have a first dimension of samples, got a 0-d tensor")
    n = X.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"X and y must have the same number of rows, got {n} and {y.shape[0]}")
    if n < 2:
        raise ValueError(f"X must have at least 2 rows to split, got {n}")
    fraction = float(as_float_array(validation_fraction, "validation_fraction", ndim=0))
    if not 0 < fraction < 1:
        raise ValueError(f"validation_fraction must be strictly between 0 and 1, got {validation_fraction!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")

    n_validation = min(max(round(fraction * n), 1), n - 1)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    validation, train = order[:n_validation], order[n_validation:]
    return X[train], y[train], X[validation], y[validation]
