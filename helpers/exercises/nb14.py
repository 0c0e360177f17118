"""Checkers for notebook 14 (scaling out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from helpers.exercises.core import (
    NOT_ATTEMPTED,
    Exercise,
    Mistake,
    check_function,
    check_value,
    fail,
    succeed,
)

_UNEQUAL = (
    "the shards have different sizes: DDP averages the shards' mean gradients, which weighs the "
    "samples of a small shard more"
)
_NOT_ONCE = "the shards do not hold every sample exactly once: some rows are repeated or missing"
_UNPAIRED = "the rows of X are no longer next to their own targets y: split X and y the same way"
_COUNT = "the list does not have one shard per rank (world_size of them)"

SPLIT_INTO_SHARDS = Exercise(
    "split_into_shards",
    hints=(
        "every rank needs its own slice of the data: the same number of samples for each, no "
        "sample in two slices, and each X row with its own y.",
        "with m = len(X) // world_size samples per rank, rank r can take m consecutive rows, or "
        "every world_size-th row from r on; cut X and y with the same index.",
        "[(X[r * m : (r + 1) * m], y[r * m : (r + 1) * m]) for r in range(world_size)], with m = len(X) // world_size",
    ),
    mistakes=(
        Mistake(lambda X, y, W: [(X[r * (len(X) // W + 1):(r + 1) * (len(X) // W + 1)],
                                  y[r * (len(X) // W + 1):(r + 1) * (len(X) // W + 1)]) for r in range(W)],
                _UNEQUAL),
        Mistake(lambda X, y, W: [(X[: len(X) // W], y[: len(X) // W])] * W, _NOT_ONCE),
        Mistake(lambda X, y, W: [(X[r::W], y[(r + 1) % W::W]) for r in range(W)], _UNPAIRED),
        Mistake(lambda X, y, W: [(X[r * (len(X) // W):(r + 1) * (len(X) // W)],
                                  y[r * (len(X) // W):(r + 1) * (len(X) // W)]) for r in range(W - 1)],
                _COUNT),
    ),
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
    name = SPLIT_INTO_SHARDS
    if not isinstance(result, (list, tuple)) or len(result) != world_size:
        got = f"{len(result)} items" if isinstance(result, (list, tuple)) else type(result).__name__
        raise fail(name, f"expected a list of {world_size} (X_shard, y_shard) pairs{where}, got {got}", _COUNT)
    shards = []
    for rank, pair in enumerate(result):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise fail(name, f"shard {rank} must be a pair (X_shard, y_shard){where}",
                       "each shard is a pair: its rows of X and the matching entries of y")
        X_r, y_r = (np.asarray(part.detach() if hasattr(part, "detach") else part, dtype=np.float64) for part in pair)
        if X_r.ndim != 2 or y_r.ndim != 1 or len(X_r) != len(y_r):
            raise fail(
                name, f"shard {rank} has X of shape {X_r.shape} and y of shape {y_r.shape}{where}; "
                "expected (m, d) and (m,)",
                "slice the rows and keep the shapes: X_shard (m, d) and y_shard (m,)",
            )
        shards.append((X_r, y_r))
    return shards


def check_split_into_shards(split_into_shards: Callable[[np.ndarray, np.ndarray, int], Any]) -> None:
    """Check ``split_into_shards(X, y, world_size)``: equal shards that hold every sample once.

    Then confirms what DDP relies on: the average of the shards' mean-loss gradients
    equals the full-batch gradient (computed in closed form).
    """
    name = SPLIT_INTO_SHARDS
    cases = _cases()
    for X, y, world_size in cases:
        where = f" for {len(X)} samples and world_size={world_size}"
        try:
            result = split_into_shards(X.copy(), y.copy(), world_size)
        except NotImplementedError:
            print(f"{name.name}: {NOT_ATTEMPTED} (fill in the function, then run this cell again)")
            return
        except Exception as error:
            raise fail(name, f"your code raised {type(error).__name__}: {error}{where}") from None
        shards = _shards_of(result, world_size, where)
        sizes = [len(y_r) for _, y_r in shards]
        if len(set(sizes)) != 1:
            raise fail(name, f"shard sizes {sizes} differ{where}", _UNEQUAL)
        together = np.vstack([np.column_stack([X_r, y_r]) for X_r, y_r in shards])
        original = np.column_stack([X, y])
        if together.shape != original.shape or not np.array_equal(np.unique(together, axis=0), np.unique(original, axis=0)):
            rows_x = np.vstack([X_r for X_r, _ in shards])
            same_x = rows_x.shape == X.shape and np.array_equal(np.unique(rows_x, axis=0), np.unique(X, axis=0))
            raise fail(
                name, f"the shards hold {len(together)} (x, y) rows{where}, but must hold each of the {len(X)} "
                "samples exactly once, with its own y",
                _UNPAIRED if same_x else _NOT_ONCE,
            )
        w, b = np.linspace(-1.0, 1.0, X.shape[1]), 0.25
        averaged = np.mean([mean_squared_error_gradient(X_r, y_r, w, b) for X_r, y_r in shards], axis=0)
        full = mean_squared_error_gradient(X, y, w, b)
        if not np.allclose(averaged, full, rtol=1e-9, atol=1e-12):  # pragma: no cover - implied by the checks above
            raise fail(name, f"the averaged shard gradients differ from the full-batch gradient{where}")
    succeed(name, f"{name.name}: correct ({len(cases)} cases; shard gradients average to the full batch)")


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


SUM_LOSS_SCALE = Exercise(
    "sum_loss_scale",
    hints=(
        "two things happen to the gradient: each rank sums over its 32 samples, then DDP averages "
        "over the 2 ranks. What does the full-batch mean do instead?",
        "write both as 'sum over all 64 samples, divided by something': DDP divides by 2, the "
        "mean divides by 64. The factor turns one division into the other.",
        "2 / 64, i.e. W / N",
    ),
    mistakes=(
        Mistake(1 / 64, "dividing by the 64 samples forgets that DDP has already divided by the 2 ranks"),
        Mistake(2.0, "multiplying by the 2 ranks undoes DDP's average but leaves the sum over the samples"),
        Mistake(32.0, "the factor goes the wrong way: compare the size of the summed gradient with the mean one"),
        Mistake(1 / 2, "DDP already averages over the 2 ranks: dividing by 2 again does not undo the sums"),
    ),
)


def check_sum_loss_scale(scale: Any) -> None:
    """Check ``scale``: what to multiply DDP's gradient by when each of 2 ranks uses a SUM loss over 32 of 64 samples."""
    return check_value(SUM_LOSS_SCALE, scale, sum_loss_scale(64, 2), rtol=1e-9, atol=0.0, show_expected=False)


# --- Exercise 3 of notebook 14: the worker's loss, run in real processes -------------------

SHARD_LOSS_CASES = ((40, 24), (32, 32), (10, 30, 24))
def _summed(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.mse_loss(prediction, target, reduction="sum")


SHARD_LOSS = Exercise(
    "shard_loss",
    hints=(
        "DDP adds the ranks' gradients and divides by the number of ranks W; the full-batch mean "
        "adds the gradients of all N samples and divides by N. Make the two divisions agree.",
        "start from the summed squared error over the shard (it weighs every sample the same, "
        "whatever the shard's size), then scale it by a number built from N and W.",
        'nn.functional.mse_loss(prediction, target, reduction="sum") * world_size / samples',
    ),
    mistakes=(
        Mistake(lambda p, t, n, w: torch.nn.functional.mse_loss(p, t),
                "a mean over each shard: the samples are weighted unequally (1/m per sample, and m "
                "differs between shards of 40 and 24)"),
        Mistake(lambda p, t, n, w: _summed(p, t),
                "a plain sum: DDP's gradient is N/W times the full-batch gradient, the right direction "
                "with the wrong scale"),
        Mistake(lambda p, t, n, w: _summed(p, t) / n,
                "the sum divided by N forgets DDP's own average over the W ranks: 1/W times the "
                "full-batch gradient"),
        Mistake(lambda p, t, n, w: -_summed(p, t) * w / n,
                "the right size but the opposite sign: -1 times the full-batch gradient"),
    ),
)


def _gradient(model: torch.nn.Module, loss: torch.Tensor) -> torch.Tensor:
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, list(model.parameters()))])


def ddp_average_gradient(shard_loss: Callable[..., Any], shard_sizes: tuple[int, ...], *, seed: int = 0) -> np.ndarray:
    """What DDP computes in one step when rank r back-propagates ``shard_loss`` on its shard.

    Simulated in this process (float64, the course's data and model from
    helpers.distributed): the average over the ranks of each rank's own gradient.
    """
    from helpers.distributed import make_data, make_model, shard_of_size

    samples, world_size = sum(shard_sizes), len(shard_sizes)
    X, y = make_data(samples, 2, seed=seed)
    model = make_model(2, seed=seed)
    gradients = []
    for rank in range(world_size):
        X_r, y_r = shard_of_size(X, y, rank, shard_sizes)
        gradients.append(_gradient(model, shard_loss(model(X_r), y_r, samples, world_size)))
    return torch.stack(gradients).mean(dim=0).numpy()


def full_batch_gradient(shard_sizes: tuple[int, ...], *, seed: int = 0) -> np.ndarray:
    """The full-batch mean-squared-error gradient (weights, then bias), in closed form (NumPy)."""
    from helpers.distributed import make_data, make_model

    samples = sum(shard_sizes)
    X, y = make_data(samples, 2, seed=seed)
    model = make_model(2, seed=seed)
    w = model.linear.weight.detach().numpy()[0]
    b = float(model.linear.bias.detach()[0])
    return mean_squared_error_gradient(X.numpy(), y.numpy().ravel(), w, b)


def _shard_loss_slip(shard_loss: Callable[..., Any]) -> str | None:
    """A diagnosis of a wrong ``shard_loss`` from its gradient on shards of 40 and 24."""
    try:
        got = ddp_average_gradient(shard_loss, SHARD_LOSS_CASES[0])
    except Exception:  # check_function reports the error itself
        return None
    ratio = got / full_batch_gradient(SHARD_LOSS_CASES[0])
    if np.allclose(ratio, ratio[0], rtol=1e-6):
        samples, world_size = sum(SHARD_LOSS_CASES[0]), len(SHARD_LOSS_CASES[0])
        known = {samples / world_size: "N/W (a plain sum?)", 1 / world_size: "1/W", float(samples): "N"}
        name = next((label for value, label in known.items() if np.isclose(ratio[0], value)), None)
        scale = f"{ratio[0]:.4g}" + (f" = {name}" if name else "")
        return (
            f"every entry of DDP's gradient is {scale} times the full-batch gradient: the right "
            "direction with the wrong scale"
        )
    return (
        "DDP's gradient points in another direction than the full-batch gradient: the samples are "
        "weighted unequally (a mean over a shard of m samples weighs each by 1/m, which differs "
        "between shards of 40 and 24)"
    )


def check_shard_loss(shard_loss: Callable[..., Any], *, processes: bool = True) -> None:
    """Check ``shard_loss(prediction, target, samples, world_size)``, the loss each rank back-propagates.

    DDP's average of the ranks' gradients must be the full-batch mean gradient for any
    shard sizes (40/24, 32/32 and 10/30/24 samples, simulated in this process and compared
    with a closed form). Then, if ``processes``, the loss runs in two real processes
    (DDP over gloo, shards of 40 and 24, started as torchrun would: ``run_workers``) and their first gradient, losses and weights
    after 3 steps must match a one-process run.
    """
    name = SHARD_LOSS.name
    if callable(shard_loss):
        try:
            shard_loss(torch.zeros(2, 1, dtype=torch.float64), torch.ones(2, 1, dtype=torch.float64), 4, 2)
        except NotImplementedError:
            print(f"{name}: {NOT_ATTEMPTED} (fill in the function, then run this cell again)")
            return
        except Exception:  # reported by check_function below, with the case
            pass

    def adapt(answer: Callable[..., Any]) -> Callable[[tuple[int, ...]], np.ndarray]:
        return lambda shard_sizes: ddp_average_gradient(answer, shard_sizes)

    check_function(
        SHARD_LOSS, shard_loss, full_batch_gradient, [(sizes,) for sizes in SHARD_LOSS_CASES],
        rtol=1e-9, atol=1e-12, adapt=adapt, diagnose=_shard_loss_slip, labels=("dL/dw1", "dL/dw2", "dL/db"),
        factors={"N/W": lambda case: sum(case[0]) / len(case[0]), "W": lambda case: float(len(case[0]))},
    )
    if not processes or not callable(shard_loss):
        return
    _check_in_processes(name, shard_loss)


def _check_in_processes(name: str, shard_loss: Callable[..., Any]) -> None:
    import json
    import tempfile
    from pathlib import Path

    from helpers.distributed import run_workers, train_single_process

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        try:
            returncode, stderr = run_workers(
                out, nproc=2, timeout=120, loss=shard_loss, epochs=3, lr=0.1, seed=0, shard_sizes=[40, 24]
            )
        except TypeError as error:
            raise fail(SHARD_LOSS, str(error), "define shard_loss with def in a cell of its own") from None
        if returncode != 0:
            errors = [line for line in stderr.splitlines() if "Error" in line and "Traceback" not in line]
            last = errors[-1].strip() if errors else f"exit code {returncode}"
            raise fail(
                SHARD_LOSS, f"the two processes failed: {last[:200]}",
                "the function may use only its arguments, torch and nn (the processes do not see this "
                "notebook's other names)",
            )
        result = json.loads(out.read_text())
    reference = train_single_process(epochs=3, lr=0.1, seed=0)
    gap = max(
        np.max(np.abs(np.subtract(result["ddp_gradient"], reference["first_gradient"]))),
        np.max(np.abs(np.subtract(result["final_parameters"], reference["final_parameters"]))),
    )
    if result["shard_sizes"] != [40, 24] or not gap < 1e-12:  # pragma: no cover - the simulation agrees
        raise fail(SHARD_LOSS, f"in two processes the result differs from one process by {gap:.3g}")
    print(f"{name}: in 2 real processes (shards of 40 and 24), DDP's first gradient and the")
    print(f"{' ' * len(name)}  weights after 3 steps equal the one-process run's (< 1e-12)")
