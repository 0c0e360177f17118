import numpy as np
import pytest
import torch

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb14 import (
    SHARD_LOSS,
    SPLIT_INTO_SHARDS,
    SUM_LOSS_SCALE,
    check_split_into_shards,
    check_sum_loss_scale,
    sum_loss_scale,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def contiguous(X, y, world_size):
    m = len(X) // world_size
    return [(X[r * m:(r + 1) * m], y[r * m:(r + 1) * m]) for r in range(world_size)]


def test_split_accepts_contiguous_interleaved_and_tensor_shards(capsys):
    check_split_into_shards(contiguous)
    check_split_into_shards(lambda X, y, W: [(X[r::W], y[r::W]) for r in range(W)])  # like DistributedSampler
    check_split_into_shards(lambda X, y, W: [(torch.from_numpy(a), torch.from_numpy(b)) for a, b in contiguous(X, y, W)])
    out = capsys.readouterr().out.splitlines()
    assert out == ["split_into_shards: correct (3 cases; shard gradients average to the full batch)"] * 3
    assert max(len(line) for line in out) <= 88


def test_split_stub_is_not_attempted(capsys):
    def stub(X, y, world_size):
        raise NotImplementedError

    check_split_into_shards(stub)
    assert "not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "message"), [
    (lambda X, y, W: contiguous(X, y, W)[:-1], "expected a list of"),
    (lambda X, y, W: [(X[: len(X) // 2 + 2 * r], y[: len(X) // 2 + 2 * r]) for r in range(W)], "differ"),
    (lambda X, y, W: [(X[: len(X) // W], y[: len(X) // W])] * W, "exactly once"),
    (lambda X, y, W: [(a, np.roll(b, 1)) for a, b in contiguous(X, y, W)], "exactly once"),
    (lambda X, y, W: [(a, b.reshape(-1, 1)) for a, b in contiguous(X, y, W)], "expected \\(m, d\\) and \\(m,\\)"),
    (lambda X, y, W: [a for a, _ in contiguous(X, y, W)], "must be a pair"),
    (lambda X, y, W: X[W], "expected a list of"),
    (lambda X, y, W: 1 / 0, "your code raised ZeroDivisionError"),
])
def test_split_rejects_wrong_shards(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        check_split_into_shards(wrong)


def test_sum_loss_scale_is_world_size_over_samples(capsys):
    assert sum_loss_scale(64, 2) == pytest.approx(2 / 64, rel=1e-12)
    assert sum_loss_scale(48, 4) == pytest.approx(4 / 48, rel=1e-12)
    check_sum_loss_scale(2 / 64)
    check_sum_loss_scale(...)
    out = capsys.readouterr().out.splitlines()
    assert out == ["sum_loss_scale: correct", "sum_loss_scale: not attempted yet (replace the ... with your answer)"]


@pytest.mark.parametrize("wrong", [1 / 64, 1 / 2, 64 / 2, 1.0])
def test_sum_loss_scale_rejects_wrong_factors_without_the_answer(wrong):
    with pytest.raises(ExerciseFailed, match="sum_loss_scale: .* is not right") as info:
        check_sum_loss_scale(wrong)
    assert "0.03125" not in str(info.value) and "expected" not in str(info.value)


def test_split_feedback():
    assert_feedback(SPLIT_INTO_SHARDS, check_split_into_shards, [
        contiguous,
        lambda X, y, W: [(X[r::W], y[r::W]) for r in range(W)],
        lambda X, y, W: list(zip(np.split(X, W), np.split(y, W), strict=True)),
    ], solution_fragments=["X[r * m : (r + 1) * m]"],
        success="split_into_shards: correct (3 cases; shard gradients average to the full batch)")


def test_sum_loss_scale_feedback():
    assert_feedback(SUM_LOSS_SCALE, check_sum_loss_scale, [2 / 64, 1 / 32, np.float64(0.03125)],
                    solution_fragments=["2 / 64", "W / N", "0.03125"], success="sum_loss_scale: correct")


# --- check_shard_loss (exercise 3: the worker's loss in real processes) ---

from torch import nn  # noqa: E402

from helpers.exercises.nb14 import check_shard_loss  # noqa: E402


def solution_shard_loss(prediction, target, samples, world_size):
    return nn.functional.mse_loss(prediction, target, reduction="sum") * world_size / samples


@pytest.mark.slow
@pytest.mark.also_run_by("14_scaling_out.ipynb")  # its exercise check runs this solution, output compared
def test_shard_loss_accepts_the_solution_in_two_processes(capsys):
    check_shard_loss(solution_shard_loss)
    out = capsys.readouterr().out
    assert "shard_loss: correct (3 cases checked)" in out and "in 2 real processes" in out


def test_shard_loss_stub_is_not_attempted(capsys):
    def stub(prediction, target, samples, world_size):
        raise NotImplementedError

    check_shard_loss(stub)
    assert "not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize(("wrong", "slip"), [
    (lambda p, t, n, w: nn.functional.mse_loss(p, t), "weighted unequally"),  # the mean over the shard
    (lambda p, t, n, w: nn.functional.mse_loss(p, t, reduction="sum"), "N/W"),  # a plain sum
    (lambda p, t, n, w: nn.functional.mse_loss(p, t, reduction="sum") / n, "1/W"),  # forgot DDP's average
    (lambda p, t, n, w: -nn.functional.mse_loss(p, t, reduction="sum") * w / n, "opposite sign"),
    (lambda p, t, n, w: nn.functional.mse_loss(p, t, reduction="sum") * 2 * w / n, "twice the expected"),
    (lambda p, t, n, w: p.sum() * 0 + 1.0, "shard_loss"),  # no gradient at all
])
def test_shard_loss_rejects_wrong_losses_without_starting_processes(wrong, slip):
    with pytest.raises(ExerciseFailed, match=slip):
        check_shard_loss(wrong, processes=False)


def shard_loss_by_hand(prediction, target, samples, world_size):
    return ((prediction - target) ** 2).sum() / (samples / world_size)


def shard_loss_with_module(prediction, target, samples, world_size):
    return nn.MSELoss(reduction="sum")(prediction, target) * (world_size / samples)


def test_shard_loss_feedback():
    from helpers.exercises.nb14 import check_shard_loss as check

    assert_feedback(SHARD_LOSS, lambda answer: check(answer, processes=False),
                    [solution_shard_loss, shard_loss_by_hand, shard_loss_with_module],
                    solution_fragments=["* world_size / samples"], success="shard_loss: correct (3 cases checked)")
