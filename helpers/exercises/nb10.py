"""Checkers for notebook 10 (mini-batches).

The loader check tests the properties the exercise asks for, not one particular draw
order, so that every valid way of seeding the shuffle is accepted (``shuffle=True`` with a
generator, a ``RandomSampler`` with its own generator, a seeded ``randperm`` sampler):
the same seed gives the same order on every call, whatever the global seed; another
seed gives another order; every epoch is a new permutation; features and targets stay
paired. The gradient-noise formula is checked against an exhaustive average over every
possible mini-batch of a small data set.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from itertools import combinations
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler, TensorDataset

from helpers.exercises.core import Exercise, Mistake, _not_attempted, check_function, fail, succeed

#: (number of samples, batch size, seed); the batch size divides the number of samples.
LOADER_CASES = [(12, 4, 0), (10, 5, 7), (8, 2, 123)]

_UNSHUFFLED = "the batches come in the data's own order: nothing is shuffled"
_GLOBAL_SEED = (
    "the order changes with the global seed (torch.manual_seed elsewhere in the notebook): the "
    "shuffle draws from the global generator, not from one seeded with `seed`"
)
_SHARED = (
    "two calls with the same seed gave different orders: the generator is made (or seeded) outside "
    "the function, so each call goes on from where the last one stopped"
)
_SEED_IGNORED = "different seeds give the same order: the argument `seed` is not used"
_SAME_EVERY_EPOCH = "every epoch repeats the first epoch's order: the shuffle is drawn once, not once per epoch"
_UNPAIRED = "the features and targets in a batch are no longer paired: shuffle the samples, not X and y separately"
_BATCH_SIZE = "the batches do not have `batch_size` samples each"


class _FixedOrder(Sampler[int]):
    """A sampler that replays one permutation every epoch (for the catalogue)."""

    def __init__(self, order: list[int]) -> None:
        self.order = order

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


class _SharedGenerator:
    """make_loader with a generator seeded once, outside the function (for the catalogue)."""

    def __init__(self) -> None:
        self.generator = torch.Generator().manual_seed(0)

    def __call__(self, X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
        return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=self.generator)


def _loader(shuffle: bool = True, seeded: bool = True, fixed_seed: bool = False) -> Callable[..., DataLoader]:
    def make_loader(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
        generator = torch.Generator().manual_seed(0 if fixed_seed else seed) if seeded else None
        return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator)

    return make_loader


def _fixed_permutation(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed)).tolist()
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, sampler=_FixedOrder(order))


def _unpaired(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    generator = torch.Generator().manual_seed(seed)
    shuffled_y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed + 1))]
    return DataLoader(TensorDataset(X, shuffled_y), batch_size=batch_size, shuffle=True, generator=generator)


_RESEEDS_GLOBALLY = (
    "torch.manual_seed inside the function resets the global generator for the whole program "
    "(the notebook's pitfall): give the shuffle a generator of its own"
)


def _reseeds_globally(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)


def _resets_global_generator(func: Any) -> bool:
    """True when the source of ``func`` calls ``torch.manual_seed`` (or ``torch.random.manual_seed``)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "manual_seed":
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "torch":
                return True
            if isinstance(owner, ast.Attribute) and owner.attr == "random":
                return True
    return False


def _batch_plus_one(X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    return _loader()(X, y, batch_size + 1, seed)


SEEDED_LOADER = Exercise(
    "seeded_loader",
    hints=(
        "a DataLoader shuffles with a random generator: which one it uses decides whether the "
        "order depends on `seed` alone.",
        "give the loader (shuffle=True), or a RandomSampler, its OWN torch.Generator, created and "
        "seeded with `seed` inside the function; it then draws a new order every epoch.",
        "DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, "
        "generator=torch.Generator().manual_seed(seed))",
    ),
    mistakes=(
        Mistake(_loader(shuffle=False), _UNSHUFFLED),
        Mistake(_loader(seeded=False), _GLOBAL_SEED),
        Mistake(_SharedGenerator(), _SHARED),
        Mistake(_loader(fixed_seed=True), _SEED_IGNORED),
        Mistake(_fixed_permutation, _SAME_EVERY_EPOCH),
        Mistake(_unpaired, _UNPAIRED),
        Mistake(_batch_plus_one, _BATCH_SIZE),
        Mistake(_reseeds_globally, _RESEEDS_GLOBALLY, detect=_resets_global_generator),
    ),
)


class _BadBatch(ValueError):
    """A malformed batch: what was seen, and the slip."""


def _ints(values: torch.Tensor) -> list[int]:
    return [int(v) for v in values.reshape(-1)]


def _epochs(make_loader: Callable[..., Any], n: int, batch_size: int, seed: int, global_seed: int,
            epochs: int = 1) -> list[list[int]]:
    """The sample order of the first ``epochs`` epochs of a fresh loader, made under ``global_seed``.

    Raises _BadBatch (what was seen, and the slip) when a batch is malformed.
    """
    X = torch.arange(n, dtype=torch.float32).reshape(n, 1)
    y = torch.arange(n, dtype=torch.float32).reshape(n, 1) * 10
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(global_seed)
        loader = make_loader(X, y, batch_size, seed)
        if not isinstance(loader, DataLoader):
            raise TypeError(f"make_loader must return a torch.utils.data.DataLoader, got {type(loader).__name__}")
        orders = []
        for _ in range(epochs):
            order: list[int] = []
            for features, targets in loader:
                where = f"for n={n}, batch_size={batch_size}, seed={seed}"
                if not torch.equal(features.reshape(-1) * 10, targets.reshape(-1)):
                    raise _BadBatch(f"a batch {where} pairs features {_ints(features)} with targets "
                                    f"{_ints(targets)}", _UNPAIRED)
                if features.shape[0] != batch_size:
                    raise _BadBatch(f"a batch {where} has {features.shape[0]} samples", _BATCH_SIZE)
                order.extend(int(v) for v in features.reshape(-1))
            if sorted(order) != list(range(n)):
                raise _BadBatch(f"an epoch {where} visits the samples {order}",
                                "an epoch must visit every sample exactly once")
            orders.append(order)
    return orders


def _loader_slip(make_loader: Callable[..., Any]) -> tuple[str, str] | None:
    """Test every property on every case; return (problem, slip) for the first one that fails."""
    for n, batch_size, seed in LOADER_CASES:
        where = f"for n={n}, batch_size={batch_size}, seed={seed}"
        first, second = _epochs(make_loader, n, batch_size, seed, global_seed=seed + 1, epochs=2)
        if first == list(range(n)):
            return f"the first epoch {where} visits the samples in order {first}", _UNSHUFFLED
        again = _epochs(make_loader, n, batch_size, seed, global_seed=seed + 1)[0]
        if again != first:
            return f"two calls {where} gave {first} and {again}", _SHARED
        other_global = _epochs(make_loader, n, batch_size, seed, global_seed=seed + 1000)[0]
        if other_global != first:
            return f"the order {where} changed when the global seed changed: {first} and {other_global}", _GLOBAL_SEED
        other_seed = _epochs(make_loader, n, batch_size, seed + 1, global_seed=seed + 1)[0]
        if other_seed == first:
            return f"seeds {seed} and {seed + 1} give the same order {first}", _SEED_IGNORED
        if second == first:
            return f"epochs 1 and 2 {where} have the same order {first}", _SAME_EVERY_EPOCH
    return None


def check_seeded_loader(make_loader: Callable[[torch.Tensor, torch.Tensor, int, int], Any]) -> None:
    """Check ``make_loader(X, y, batch_size, seed)``: a shuffling DataLoader whose order depends only on ``seed``."""
    if not callable(make_loader):
        return check_function(SEEDED_LOADER, make_loader, lambda: None, [()])
    try:
        found = _loader_slip(make_loader)
    except NotImplementedError:
        return _not_attempted(SEEDED_LOADER.name, "fill in the function, then run this cell again")
    except _BadBatch as error:
        problem, slip = error.args
        raise fail(SEEDED_LOADER, problem, slip) from None
    except Exception as error:
        text = str(error).splitlines()[0] if str(error) else ""
        raise fail(SEEDED_LOADER, f"your code raised {type(error).__name__}: {text[:200]}") from None
    if found is not None:
        raise fail(SEEDED_LOADER, *found)
    if _resets_global_generator(make_loader):
        raise fail(SEEDED_LOADER, "the answer does not do what the exercise asks", _RESEEDS_GLOBALLY)
    succeed(SEEDED_LOADER, f"seeded_loader: correct ({len(LOADER_CASES)} cases checked)")


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


def _sigma2(gradients: Any, ddof: int = 0) -> float:
    g = np.asarray(gradients, dtype=np.float64)
    return float(np.sum((g - g.mean(axis=0)) ** 2) / (g.shape[0] - ddof))


PREDICTED_GRADIENT_VARIANCE = Exercise(
    "predicted_gradient_variance",
    hints=(
        "two ingredients: the spread sigma^2 of the per-sample gradients around their mean, and "
        "how averaging B of them (drawn without replacement) shrinks it.",
        "sigma^2 = the mean over the N samples of the squared distance ||g_i - g||^2 (a sum over the "
        "d coordinates, divided by N); then divide by B and multiply by (N - B)/(N - 1), the "
        "finite-population factor, which is 0 at B = N.",
        "sigma2 / batch_size * (N - batch_size) / (N - 1), with "
        "sigma2 = np.mean(np.sum((g - g.mean(axis=0))**2, axis=1))",
    ),
    mistakes=(
        Mistake(lambda g, b: _sigma2(g) / b,
                "with B = N every batch is the whole data set: what should the noise be then? "
                "Your formula does not give 0 there"),
        Mistake(lambda g, b: _sigma2(g, ddof=1) / b * (len(g) - b) / (len(g) - 1),
                "sigma^2 divides by N - 1 (a sample variance); the formula's sigma^2 divides by N"),
        Mistake(lambda g, b: _sigma2(g) * (len(g) - b) / (len(g) - 1),
                "the division by the batch size B is missing"),
        Mistake(lambda g, b: _sigma2(g) / np.shape(g)[1] / b * (len(g) - b) / (len(g) - 1),
                "sigma^2 averages over the d coordinates too; ||g_i - g||^2 adds them up"),
    ),
)


def check_predicted_gradient_variance(predicted_gradient_variance: Callable[[np.ndarray, int], Any]) -> None:
    """Check ``predicted_gradient_variance(per_sample_gradients, batch_size)`` against every possible batch."""
    return check_function(
        PREDICTED_GRADIENT_VARIANCE, predicted_gradient_variance, _exhaustive_variance, _gradient_cases(),
        rtol=1e-9, atol=1e-12, arg_names=("per_sample_gradients", "batch_size"),
        factors={"B": lambda case: float(case[1]), "N": lambda case: float(len(case[0]))},
    )

