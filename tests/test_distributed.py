import json

import numpy as np
import pytest
import torch
from torch import nn

from helpers.distributed import (
    free_port,
    make_data,
    make_model,
    parse_args,
    run_torchrun,
    run_workers,
    shard,
    torchrun_command,
    train_single_process,
    worker_environment,
)


def test_make_data_is_seeded_float64_and_shaped():
    X, y = make_data(8, 3, seed=1)
    X2, y2 = make_data(8, 3, seed=1)
    assert X.shape == (8, 3) and y.shape == (8, 1) and X.dtype == torch.float64
    assert torch.equal(X, X2) and torch.equal(y, y2)
    assert not torch.equal(X, make_data(8, 3, seed=2)[0])


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"samples": 0}, ValueError, "samples"),
    ({"features": 1.5}, TypeError, "features"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": "0"}, TypeError, "seed"),
])
def test_make_data_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_data(**kwargs)


def test_shards_are_equal_contiguous_and_cover_the_data():
    X, y = make_data(12, 2)
    parts = [shard(X, y, rank, 3) for rank in range(3)]
    assert [len(p[0]) for p in parts] == [4, 4, 4]
    assert torch.equal(torch.cat([p[0] for p in parts]), X) and torch.equal(torch.cat([p[1] for p in parts]), y)


def test_shard_rejects_unequal_splits_and_bad_ranks():
    X, y = make_data(10, 2)
    with pytest.raises(ValueError, match="equal shards"):
        shard(X, y, 0, 3)
    with pytest.raises(ValueError, match="rank"):
        shard(X, y, 2, 2)
    with pytest.raises(ValueError, match="same number of samples"):
        shard(X, y[:-2], 0, 2)


def test_average_of_equal_shard_gradients_is_the_full_batch_gradient():
    X, y = make_data(16, 2)
    model = make_model(2)

    def gradient(inputs, targets):
        loss = torch.nn.functional.mse_loss(model(inputs), targets)
        return torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, list(model.parameters()))])

    average = (gradient(*shard(X, y, 0, 2)) + gradient(*shard(X, y, 1, 2))) / 2
    torch.testing.assert_close(average, gradient(X, y), rtol=1e-12, atol=1e-12)


def test_single_process_reference_converges_to_least_squares():
    result = train_single_process(64, 2, epochs=300, lr=0.1)
    X, y = make_data(64, 2)
    design = np.hstack([X.numpy(), np.ones((64, 1))])
    solution, *_ = np.linalg.lstsq(design, y.numpy().ravel(), rcond=None)
    np.testing.assert_allclose(result["final_parameters"], solution, atol=1e-8)
    assert len(result["losses"]) == 300 and result["losses"][-1] < result["losses"][0]
    with pytest.raises(ValueError, match="lr"):
        train_single_process(lr=0.0)
    with pytest.raises(ValueError, match="epochs"):
        train_single_process(epochs=0)


def test_command_runs_torchrun_on_localhost_only(tmp_path):
    command = torchrun_command(tmp_path / "r.json", nproc=2, port=12345, epochs=3, lr=0.05)
    assert command[1:3] == ["-m", "torch.distributed.run"]
    assert "--master-addr=127.0.0.1" in command and "--master-port=12345" in command
    assert command[-4:] == ["--epochs", "3", "--lr", "0.05"]
    assert parse_args(command[command.index("helpers.distributed") + 1:]).epochs == 3
    assert 0 < free_port() < 65536
    assert worker_environment()["OMP_NUM_THREADS"] == "1"


def test_worker_refuses_to_run_without_torchrun(tmp_path, capsys):
    from helpers.distributed import main

    assert main(["--out", str(tmp_path / "r.json")]) == 2
    assert "torchrun" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.also_run_by("14_scaling_out.ipynb")  # its cells 3-5: the same run and comparisons, 30 epochs
def test_two_processes_match_the_single_process_run(tmp_path):
    out = tmp_path / "result.json"
    returncode, stderr = run_torchrun(out, nproc=2, timeout=120, epochs=5, lr=0.1)
    assert returncode == 0, stderr[-2000:]
    result = json.loads(out.read_text())
    reference = train_single_process(epochs=5, lr=0.1)
    assert result["world_size"] == 2 and result["shard_sizes"] == [32, 32]
    np.testing.assert_allclose(np.mean(result["shard_gradients"], axis=0), result["ddp_gradient"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["ddp_gradient"], reference["first_gradient"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["losses"], reference["losses"], rtol=1e-12)
    np.testing.assert_allclose(result["final_parameters"], reference["final_parameters"], rtol=1e-12, atol=1e-12)
    assert result["max_replica_difference"] == 0.0


@pytest.mark.slow
def test_two_processes_started_directly_stop_when_one_fails(tmp_path):
    # (their success is tested through notebook 14's exercise check, which uses run_workers)
    broken = tmp_path / "broken.py"
    broken.write_text(
        "import os\n\n\ndef shard_loss(prediction, target, samples, world_size):\n"
        "    if os.environ['RANK'] == '0':\n        raise ValueError('broken on purpose')\n"
        "    return ((prediction - target) ** 2).mean()\n"
    )
    returncode, stderr = run_workers(tmp_path / "r2.json", nproc=2, timeout=120, epochs=2, loss_file=broken)
    errors = [line for line in stderr.splitlines() if "Error" in line]  # what the check reports: the cause
    assert returncode != 0 and "ValueError: broken on purpose" in errors[-1]
    with pytest.raises(ValueError, match="nproc"):
        run_workers(tmp_path / "r3.json", nproc=0)


def test_run_torchrun_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="attempts"):
        run_torchrun(tmp_path / "r.json", attempts=0)
    with pytest.raises(ValueError, match="timeout"):
        run_torchrun(tmp_path / "r.json", timeout=0.0)


def test_sized_shards_cover_the_data_in_order():
    from helpers.distributed import shard_of_size

    X, y = make_data(64, 2)
    parts = [shard_of_size(X, y, rank, [40, 24]) for rank in range(2)]
    assert [len(p[0]) for p in parts] == [40, 24]
    assert torch.equal(torch.cat([p[0] for p in parts]), X) and torch.equal(torch.cat([p[1] for p in parts]), y)


@pytest.mark.parametrize(("sizes", "rank", "error", "message"), [
    ([40, 20], 0, ValueError, "add up to the 64"),
    ([64, 0], 0, ValueError, "shard_sizes"),
    ("40,24", 0, TypeError, "shard_sizes"),
    ([40, 24], 2, ValueError, "rank"),
])
def test_sized_shards_reject_bad_arguments(sizes, rank, error, message):
    from helpers.distributed import shard_of_size

    X, y = make_data(64, 2)
    with pytest.raises(error, match=message):
        shard_of_size(X, y, rank, sizes)


def test_loss_file_round_trip_and_command_options(tmp_path):
    from helpers.distributed import load_loss, write_loss_file

    def shard_loss(prediction, target, samples, world_size):
        return nn.functional.mse_loss(prediction, target, reduction="sum") * world_size / samples

    loaded = load_loss(write_loss_file(shard_loss, tmp_path / "loss.py"))
    prediction, target = torch.tensor([[1.0], [2.0]]), torch.tensor([[0.0], [0.0]])
    assert loaded(prediction, target, 8, 2) == shard_loss(prediction, target, 8, 2) == 5 * 2 / 8
    with pytest.raises(TypeError, match="loss"):
        write_loss_file(lambda p, t, n, w: p, tmp_path / "lambda.py")
    (tmp_path / "empty.py").write_text("x = 1\n")
    with pytest.raises(ValueError, match="shard_loss"):
        load_loss(tmp_path / "empty.py")
    command = torchrun_command(tmp_path / "r.json", port=12345, shard_sizes=[40, 24], loss_file=tmp_path / "loss.py")
    args = parse_args(command[command.index("helpers.distributed") + 1:])
    assert args.shard_sizes == [40, 24] and args.loss_file == tmp_path / "loss.py"

