"""Checkers for notebook 10 (mini-batches).

References are computed independently: the batch order of a seeded ``DataLoader``
against ``torch.randperm`` drawn from a generator with the same seed, and the gradient-noise formula against
an exhaustive average over every possible mini-batch of a small data set.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from helpers.exercises.core import check_function

#: (number of samples, batch size, seed); the batch size divides the number of samples.
LOADER_CASES = [(12, 4, 0), (10, 5, 7), (8, 2, 123)]


def _reference_order(n: int, batch_size: int, seed: int) -> np.ndarray:
    """Sample indices of the first epoch, one row per batch: a seeded permutation cut into batches.

    A shuffling ``DataLoader`` first draws one 64-bit number from its generator (the base
    seed it hands to worker processes), then its ``RandomSampler`` draws ``randperm(n)``.
    """
    generator = torch.Generator().manual_seed(seed)
    torch.empty((), dtype=torch.int64).random_(generator=generator)  # the loader's base seed
    order = torch.randperm(n, generator=generator)
    return order.numpy().reshape(n // batch_size, batch_size).astype(np.float64)


def check_seeded_loader(make_loader: Callable[[torch.Tensor, torch.Tensor, int, int], Any]) -> None:
    """Check ``make_loader(X, y, batch_size, seed)``: a shuffling DataLoader whose order depends only on ``seed``."""

    def student(n: int, batch_size: int, seed: int) -> np.ndarray:
        X = torch.arange(n, dtype=torch.float32).reshape(n, 1)
        y = torch.arange(n, dtype=torch.float32).reshape(n, 1) * 10
        torch.manual_seed(seed + 1)  # the global seed must not matter: a different one each call
        loader = make_loader(X, y, batch_size, seed)
        if not isinstance(loader, DataLoader):
            raise TypeError(f"make_loader must return a torch.utils.data.DataLoader, got {type(loader).__name__}")
        rows = []
        for batch in loader:
            features, targets = batch
            if not torch.equal(features.reshape(-1) * 10, targets.reshape(-1)):
                raise ValueError("the features and targets in a batch are no longer paired")
            rows.append(features.reshape(-1).numpy())
        if len({row.size for row in rows}) != 1:
            return np.concatenate(rows).astype(np.float64)  # uneven batches: the shape check will say so
        return np.stack(rows).astype(np.float64)

    return check_function(
        "seeded_loader", student, _reference_order, LOADER_CASES, rtol=0, atol=0,
        hint=(
            "DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, "
            "generator=torch.Generator().manual_seed(seed)): the generator must be a new one, seeded with `seed`."
        ),
    )


def _exhaustive_variance(per_sample_gradients: np.ndarray, batch_size: int) -> float:
    """Average of ||mean of a batch - full mean||^2 over EVERY batch of that size (no formula)."""
    gradients = np.asarray(per_sample_gradients, dtype=np.float64)
    full = gradients.mean(axis=0)
    distances = [
        float(np.sum((gradients[list(batch)].mean(axis=0) - full) ** 2))
        for batch in combinations(range(gradients.shape[0]), batch_size)
    ]
    return float(np.mean(distances))


def _gradient_cases() -> list[tuple[np.ndarray, int]]:
    generator = np.random.default_rng(10)
    six = generator.normal(size=(6, 2))
    seven = generator.normal(loc=3.0, size=(7, 3))
    return [(six, 1), (six, 2), (six, 3), (six, 6), (seven, 2), (seven, 4)]


def check_predicted_gradient_variance(predicted_gradient_variance: Callable[[np.ndarray, int], Any]) -> None:
    """Check ``predicted_gradient_variance(per_sample_gradients, batch_size)`` against every possible batch."""
    return check_function(
        "predicted_gradient_variance", predicted_gradient_variance, _exhaustive_variance, _gradient_cases(),
        rtol=1e-9, atol=1e-12,
        hint=(
            "sigma^2 = mean over samples of ||g_i - g||^2 (divide by N, not N - 1); "
            "then multiply by (N - B) / (N - 1) and divide by B."
        ),
    )
