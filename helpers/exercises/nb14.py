"""Checkers for notebook 14 (scaling out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import NOT_ATTEMPTED, ExerciseFailed, check_value

_SHARD_HINT = (
    "give every rank the same number of samples, e.g. rank r gets rows r*m to (r+1)*m - 1 "
    "with m = len(X) // world_size, and keep each X row with its own y."
)


def mean_squared_error_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Return the gradient of the mean squared error of ``X @ w + b`` w.r.t. ``(w, b)`` (closed form)."""
    residual = X @ w + b - y
    return np.append(2 / len(y) * X.T @ residual, 2 * residual.mean())


def _cases() -> list[tuple[np.ndarray, np.ndarray, int]]:
    rng = np.random.default_rng(14)
    cases = []
    for n, d, world_size in ((64, 2, 2), (48, 3, 4), (12, 1, 3)):
        X = rng.standard_normal((n, d))
        cases.append((X, X @ rng.standard_normal(d) + 0.5 + 0.1 * rng.standard_normal(n), world_size))
    return cases


def _shards_of(result: Any, world_size: int, where: str) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(result, (list, tuple)) or len(result) != world_size:
        got = f"{len(result)} items" if isinstance(result, (list, tuple)) else type(result).__name__
        raise ExerciseFailed(f"split_into_shards: expected a list of {world_size} (X_shard, y_shard) pairs{where}, got {got}\nHint: {_SHARD_HINT}")
    shards = []
    for rank, pair in enumerate(result):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ExerciseFailed(f"split_into_shards: shard {rank} must be a pair (X_shard, y_shard){where}\nHint: {_SHARD_HINT}")
        X_r, y_r = (np.asarray(part.detach() if hasattr(part, "detach") else part, dtype=np.float64) for part in pair)
        if X_r.ndim != 2 or y_r.ndim != 1 or len(X_r) != len(y_r):
            raise ExerciseFailed(
                f"split_into_shards: shard {rank} has X of shape {X_r.shape} and y of shape {y_r.shape}{where}; "
                f"expected (m, d) and (m,)\nHint: {_SHARD_HINT}"
            )
        shards.append((X_r, y_r))
    return shards


def check_split_into_shards(split_into_shards: Callable[[np.ndarray, np.ndarray, int], Any]) -> None:
    """Check ``split_into_shards(X, y, world_size)``: equal shards that hold every sample once.

    Then confirms what DDP relies on: the average of the shards' mean-loss gradients
    equals the full-batch gradient (computed in closed form).
    """
    name = "split_into_shards"
    cases = _cases()
    for X, y, world_size in cases:
        where = f" for {len(X)} samples and world_size={world_size}"
        try:
            result = split_into_shards(X.copy(), y.copy(), world_size)
        except NotImplementedError:
            print(f"{name}: {NOT_ATTEMPTED} (fill in the function, then run this cell again)")
            return
        except Exception as error:
            raise ExerciseFailed(f"{name}: your function raised {type(error).__name__}: {error}{where}\nHint: {_SHARD_HINT}") from None
        shards = _shards_of(result, world_size, where)
        sizes = [len(y_r) for _, y_r in shards]
        if len(set(sizes)) != 1:
            raise ExerciseFailed(
                f"{name}: shard sizes {sizes} differ{where}; DDP averages the shards' mean gradients, "
                f"which weighs the samples of a small shard more\nHint: {_SHARD_HINT}"
            )
        together = np.vstack([np.column_stack([X_r, y_r]) for X_r, y_r in shards])
        original = np.column_stack([X, y])
        if together.shape != original.shape or not np.array_equal(np.unique(together, axis=0), np.unique(original, axis=0)):
            raise ExerciseFailed(
                f"{name}: the shards hold {len(together)} rows{where}, but must hold each of the {len(X)} samples "
                f"exactly once (with its own y)\nHint: {_SHARD_HINT}"
            )
        w, b = np.linspace(-1.0, 1.0, X.shape[1]), 0.25
        averaged = np.mean([mean_squared_error_gradient(X_r, y_r, w, b) for X_r, y_r in shards], axis=0)
        full = mean_squared_error_gradient(X, y, w, b)
        if not np.allclose(averaged, full, rtol=1e-9, atol=1e-12):  # pragma: no cover - implied by the checks above
            raise ExerciseFailed(f"{name}: the averaged shard gradients differ from the full-batch gradient{where}\nHint: {_SHARD_HINT}")
    print(f"{name}: correct ({len(cases)} cases checked; the average of the shard gradients equals the full-batch gradient)")


def sum_loss_scale(samples: int = 64, world_size: int = 2, *, seed: int = 0) -> float:
    """Return the factor that turns DDP's average of per-shard SUM-loss gradients into the full-batch MEAN gradient.

    Measured with autograd on the course's data and model (helpers.distributed), not
    from a formula: ``full_mean_gradient / average(shard_sum_gradients)``, checked to
    be one number for every parameter.
    """
    from helpers.distributed import make_data, make_model, shard

    X, y = make_data(samples, 2, seed=seed)
    model = make_model(2, seed=seed)

    def gradient(inputs: torch.Tensor, targets: torch.Tensor, reduction: str) -> torch.Tensor:
        loss = torch.nn.functional.mse_loss(model(inputs), targets, reduction=reduction)
        return torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, list(model.parameters()))])

    averaged_sums = torch.stack([gradient(*shard(X, y, r, world_size), "sum") for r in range(world_size)]).mean(dim=0)
    ratios = gradient(X, y, "mean") / averaged_sums
    if not torch.allclose(ratios, ratios[0].expand_as(ratios), rtol=1e-9):  # pragma: no cover - linear algebra says so
        raise RuntimeError("the ratio differs between parameters")
    return float(ratios[0])


def check_sum_loss_scale(scale: Any) -> None:
    """Check ``scale``: what to multiply DDP's gradient by when each of 2 ranks uses a SUM loss over 32 of 64 samples."""
    return check_value(
        "sum_loss_scale", scale, sum_loss_scale(64, 2), rtol=1e-9, atol=0.0,
        hint="DDP divides the sum of the 2 shard gradients by 2; the full-batch mean divides the sum over all 64 samples by 64.",
    )
