"""Train the course's linear model with DistributedDataParallel (DDP) in several CPU processes.

Run as a worker under torchrun (one process per rank; gloo backend, CPU only)::

    python -m torch.distributed.run --nproc-per-node=2 --master-addr=127.0.0.1 \\
        --master-port=29500 -m helpers.distributed --epochs 30 --out result.json

Every rank builds the same seeded data and model, keeps only its own shard of the
samples (equal shards by default, any sizes with ``--shard-sizes``), and trains with
``DistributedDataParallel``: after each ``backward()`` DDP all-reduces the gradients
and divides by the number of processes, so every replica takes the same step. Each
rank back-propagates the mean squared error over its shard, or the loss that a
Python file given with ``--loss-file`` defines (:func:`run_torchrun` writes one from
a function). Rank 0 writes a JSON file with every rank's shard size and first-step
gradient, the averaged gradient DDP used, the full-batch loss per epoch and the
final weights. :func:`train_single_process` is the one-process reference the
result must match.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from helpers._validate import positive_int, positive_number
from helpers.models import LinearRegression

#: The data's true weights and bias (two features); the noise is small and seeded.
TRUE_WEIGHTS = (2.0, -1.0)
TRUE_BIAS = 0.5
NOISE = 0.1


def make_data(samples: int = 64, features: int = 2, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Return seeded synthetic regression data ``(X, y)`` in float64.

    ``X`` has shape ``(samples, features)`` (standard normal); ``y`` has shape
    ``(samples, 1)``: ``X @ w_true + b_true + noise`` with ``w_true`` = 2, -1, 2, -1, ...
    and ``b_true`` = :data:`TRUE_BIAS`. The same seed gives the same data in every
    process; torch's global random state is not touched.

    Raises:
        TypeError: an argument is not an int.
        ValueError: ``samples`` or ``features`` < 1, or ``seed`` < 0.
    """
    samples = positive_int(samples, "samples")
    features = positive_int(features, "features")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(samples, features, generator=generator, dtype=torch.float64)
    weights = torch.tensor([TRUE_WEIGHTS[j % 2] for j in range(features)], dtype=torch.float64)
    noise = NOISE * torch.randn(samples, 1, generator=generator, dtype=torch.float64)
    y = X @ weights.reshape(-1, 1) + TRUE_BIAS + noise
    return X, y


def shard(X: torch.Tensor, y: torch.Tensor, rank: int, world_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return rank ``rank``'s contiguous shard of ``(X, y)``: rows ``rank*m .. (rank+1)*m - 1``.

    All shards have the same size ``m = len(X) // world_size``: DDP *averages* the
    ranks' gradients, which equals the full-batch mean gradient only when every
    rank averages over the same number of samples.

    Raises:
        ValueError: ``X`` and ``y`` differ in length, the samples do not split into
            ``world_size`` equal shards, or ``rank`` is not in ``0 .. world_size - 1``.
    """
    world_size = positive_int(world_size, "world_size")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < world_size:
        raise ValueError(f"rank must be an int in 0..{world_size - 1}, got {rank!r}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    if len(X) % world_size != 0:
        raise ValueError(
            f"the {len(X)} samples must split into world_size={world_size} equal shards; "
            "drop or pad samples so that len(X) % world_size == 0"
        )
    size = len(X) // world_size
    return X[rank * size : (rank + 1) * size], y[rank * size : (rank + 1) * size]


def check_shard_sizes(sizes: Sequence[int], samples: int) -> list[int]:
    """Return ``sizes`` as a list of ints >= 1 that add up to ``samples``.

    Raises:
        TypeError, ValueError: ``sizes`` is not a sequence of ints >= 1, or its sum
            is not ``samples``.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"shard_sizes must be a non-empty list of ints, got {sizes!r}")
    sizes = [positive_int(size, "shard_sizes") for size in sizes]
    if sum(sizes) != samples:
        raise ValueError(f"shard_sizes must add up to the {samples} samples, got {sizes} (sum {sum(sizes)})")
    return sizes


def shard_of_size(
    X: torch.Tensor, y: torch.Tensor, rank: int, sizes: Sequence[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return rank ``rank``'s contiguous shard when the shards have the given ``sizes``.

    Rank r gets the ``sizes[r]`` rows after those of ranks 0 .. r-1. With unequal
    sizes the plain average of the shards' MEAN gradients is not the full-batch
    gradient; a summed loss times ``len(sizes) / len(X)`` is (see notebook 14).

    Raises:
        TypeError, ValueError: as :func:`check_shard_sizes`; ``X`` and ``y`` differ in
            length; ``rank`` is not in ``0 .. len(sizes) - 1``.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    sizes = check_shard_sizes(sizes, len(X))
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < len(sizes):
        raise ValueError(f"rank must be an int in 0..{len(sizes) - 1}, got {rank!r}")
    start = sum(sizes[:rank])
    return X[start : start + sizes[rank]], y[start : start + sizes[rank]]


def mean_loss(prediction: torch.Tensor, target: torch.Tensor, samples: int, world_size: int) -> torch.Tensor:
    """The worker's default loss: the mean squared error over this rank's shard.

    ``samples`` (in the whole data set) and ``world_size`` are unused here; a loss
    given with ``--loss-file`` gets the same four arguments.
    """
    return nn.functional.mse_loss(prediction, target)


def load_loss(path: Path | str) -> Callable[..., torch.Tensor]:
    """Return the function ``shard_loss`` that the Python file ``path`` defines.

    Raises:
        ValueError: the file defines no callable ``shard_loss``.
    """
    spec = importlib.util.spec_from_file_location("worker_loss", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loss = getattr(module, "shard_loss", None)
    if not callable(loss):
        raise ValueError(f"loss file {path} must define a function shard_loss(prediction, target, samples, world_size)")
    return loss


def write_loss_file(loss: Callable[..., Any], path: Path | str) -> Path:
    """Write ``loss``'s source code to ``path`` as a module that defines ``shard_loss``.

    The file starts with ``import torch`` and ``from torch import nn``, so the
    function may use both. Returns the path.

    Raises:
        TypeError: ``loss`` is not a function defined with ``def`` in a file or a
            notebook cell (its source code cannot be read).
    """
    if not inspect.isfunction(loss) or loss.__name__ == "<lambda>":
        raise TypeError(f"loss must be a function defined with def, got {type(loss).__name__} {loss!r}")
    try:
        source = textwrap.dedent(inspect.getsource(loss))
    except (OSError, TypeError) as error:
        raise TypeError(f"loss: cannot read the source code of {loss.__name__}: {error}") from None
    path = Path(path)
    path.write_text(f"import torch\nfrom torch import nn\n\n{source}\nshard_loss = {loss.__name__}\n")
    return path


def make_model(features: int, *, seed: int = 0) -> LinearRegression:
    """Return the course's ``LinearRegression(features, 1)`` with seeded weights, in float64."""
    return LinearRegression(features, 1, seed=seed).double()


def flat_gradient(model: nn.Module) -> list[float]:
    """Return the model's ``.grad`` of every parameter, flattened into one list (weights, then bias)."""
    return [float(v) for p in model.parameters() for v in p.grad.reshape(-1)]


def flat_parameters(model: nn.Module) -> list[float]:
    """Return every parameter flattened into one list (weights, then bias)."""
    return [float(v) for p in model.parameters() for v in p.detach().reshape(-1)]


def _check_training_arguments(epochs: int, lr: float) -> tuple[int, float]:
    epochs = positive_int(epochs, "epochs")
    lr = positive_number(lr, "lr")
    return epochs, lr


def train_single_process(
    samples: int = 64, features: int = 2, *, epochs: int = 30, lr: float = 0.1, seed: int = 0
) -> dict[str, Any]:
    """Train on the full batch in this process: the reference a DDP run must reproduce.

    Plain full-batch gradient descent on the mean squared error, from the same seeded
    data and starting weights as the DDP workers. The update ``w <- w - lr * grad`` is
    written out (the same operation as ``torch.optim.SGD`` without momentum), so the
    reference shares no optimizer code with the workers, and a notebook that only
    needs this reference does not pay for ``torch.optim``'s first step, which imports
    ``torch._dynamo`` (about a second on a laptop).

    Returns:
        ``{"first_gradient": [...], "losses": [...], "final_parameters": [...]}``:
        the gradient of the first step, the loss before each update, and the weights
        then bias after the last epoch (lists of floats).

    Raises:
        TypeError, ValueError: as :func:`make_data`; ``epochs`` < 1 or ``lr`` <= 0.
    """
    epochs, lr = _check_training_arguments(epochs, lr)
    X, y = make_data(samples, features, seed=seed)
    model = make_model(features, seed=seed)
    losses, first_gradient = [], None
    for _ in range(epochs):
        loss = nn.functional.mse_loss(model(X), y)
        gradients = torch.autograd.grad(loss, list(model.parameters()))
        if first_gradient is None:
            first_gradient = [float(v) for g in gradients for v in g.reshape(-1)]
        losses.append(float(loss.detach()))
        with torch.no_grad():
            for parameter, gradient in zip(model.parameters(), gradients, strict=True):
                parameter.add_(gradient, alpha=-lr)  # what SGD's step does
    return {"first_gradient": first_gradient, "losses": losses, "final_parameters": flat_parameters(model)}


def train_worker(
    samples: int,
    features: int,
    epochs: int,
    lr: float,
    seed: int,
    *,
    shard_sizes: Sequence[int] | None = None,
    loss: Callable[..., torch.Tensor] = mean_loss,
) -> dict[str, Any] | None:
    """Train with DDP in this process, one of ``world_size`` started by torchrun.

    Each rank back-propagates ``loss(prediction, target, samples, world_size)`` on its
    shard (by default the mean squared error over the shard). ``shard_sizes`` (one per
    rank) defaults to equal shards. Needs an initialised default process group (see
    :func:`main`). Returns the result dictionary on rank 0 and None on the other ranks.
    """
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    rank, world_size = dist.get_rank(), dist.get_world_size()
    X, y = make_data(samples, features, seed=seed)  # the same data on every rank ...
    if shard_sizes is None:
        X_shard, y_shard = shard(X, y, rank, world_size)  # ... of which each keeps its own part
    else:
        if len(shard_sizes) != world_size:
            raise ValueError(f"shard_sizes must have one size per rank ({world_size}), got {list(shard_sizes)}")
        X_shard, y_shard = shard_of_size(X, y, rank, shard_sizes)
    model = make_model(features, seed=seed)
    ddp_model = DistributedDataParallel(model)  # copies rank 0's weights to every rank
    optimizer = torch.optim.SGD(ddp_model.parameters(), lr=lr)

    # Every rank's own shard size, and its own gradient before DDP averages anything.
    sizes = [torch.zeros(1, dtype=torch.int64) for _ in range(world_size)]
    dist.all_gather(sizes, torch.tensor([len(X_shard)], dtype=torch.int64))
    local_loss = loss(model(X_shard), y_shard, samples, world_size)
    local = torch.cat([g.reshape(-1) for g in torch.autograd.grad(local_loss, list(model.parameters()))])
    shard_gradients = [torch.zeros_like(local) for _ in range(world_size)]
    dist.all_gather(shard_gradients, local)

    losses, ddp_gradient = [], None
    for _ in range(epochs):
        optimizer.zero_grad()
        prediction = ddp_model(X_shard)
        shard_loss = loss(prediction, y_shard, samples, world_size)  # by default the MEAN over this shard
        shard_loss.backward()  # DDP all-reduces: every .grad becomes the average over the ranks
        if ddp_gradient is None:  # record the first step's averaged gradient
            ddp_gradient = flat_gradient(model)
        squared_errors = ((prediction.detach() - y_shard) ** 2).sum()
        dist.all_reduce(squared_errors)  # summed over every rank: / samples is the full-batch mean
        losses.append(float(squared_errors) / samples)
        optimizer.step()

    final = torch.tensor(flat_parameters(model), dtype=torch.float64)
    replicas = [torch.zeros_like(final) for _ in range(world_size)]
    dist.all_gather(replicas, final)
    if rank != 0:
        return None
    return {
        "world_size": world_size,
        "shard_sizes": [int(size) for size in sizes],
        "shard_gradients": [g.tolist() for g in shard_gradients],
        "ddp_gradient": ddp_gradient,
        "losses": losses,
        "final_parameters": final.tolist(),
        "max_replica_difference": float(max((r - final).abs().max() for r in replicas)),
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the worker's command line (see ``python -m helpers.distributed --help``)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.distributed", description="DDP worker for notebook 14; start it with torchrun.")
    parser.add_argument("--samples", type=int, default=64, help="samples in the whole data set (split equally over the ranks)")
    parser.add_argument("--features", type=int, default=2, help="features per sample")
    parser.add_argument("--epochs", type=int, default=30, help="full passes (one step each)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate of SGD")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the initial weights")
    parser.add_argument("--shard-sizes", type=lambda text: [int(v) for v in text.split(",")], default=None,
                        help="samples per rank, comma-separated (default: equal shards)")
    parser.add_argument("--loss-file", type=Path, default=None,
                        help="Python file defining shard_loss(prediction, target, samples, world_size)")
    parser.add_argument("--out", type=Path, required=True, help="JSON file that rank 0 writes")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of each torchrun process: join the group, train, let rank 0 write ``--out``."""
    import torch.distributed as dist

    args = parse_args(argv)
    if "RANK" not in os.environ:
        print("start this worker with torchrun (python -m torch.distributed.run ...), not directly", file=sys.stderr)
        return 2
    # One thread per worker. (Deterministic algorithms are not requested: no CPU operation
    # used here has a nondeterministic variant, and the flag costs each worker seconds of imports.)
    torch.set_num_threads(1)
    loss = mean_loss if args.loss_file is None else load_loss(args.loss_file)
    dist.init_process_group(backend="gloo")
    try:
        result = train_worker(
            args.samples, args.features, args.epochs, args.lr, args.seed, shard_sizes=args.shard_sizes, loss=loss
        )
        if result is not None:
            args.out.write_text(json.dumps(result, indent=1) + "\n")
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return 0


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` that was free a moment ago (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def torchrun_command(out: Path | str, *, nproc: int = 2, port: int | None = None, **worker_args: Any) -> list[str]:
    """Return the command that starts ``nproc`` workers on 127.0.0.1 with torchrun.

    ``worker_args`` become options of the worker (``epochs=30`` -> ``--epochs 30``;
    a list, such as ``shard_sizes=[40, 24]``, is written comma-separated).
    ``port`` defaults to a free one (:func:`free_port`).

    Raises:
        TypeError, ValueError: ``nproc`` is not an int >= 1.
    """
    nproc = positive_int(nproc, "nproc")
    port = free_port() if port is None else positive_int(port, "port")
    return [
        sys.executable, "-m", "torch.distributed.run",
        f"--nproc-per-node={nproc}", "--master-addr=127.0.0.1", f"--master-port={port}",
        *worker_command(out, **worker_args)[1:],
    ]


def worker_command(out: Path | str, **worker_args: Any) -> list[str]:
    """Return the command of one worker: ``python -m helpers.distributed --out OUT ...``.

    ``worker_args`` become options as in :func:`torchrun_command`.
    """
    command = [sys.executable, "-m", "helpers.distributed", "--out", str(out)]
    for name, value in worker_args.items():
        text = ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        command += [f"--{name.replace('_', '-')}", text]
    return command


def run_torchrun(
    out: Path | str,
    *,
    nproc: int = 2,
    attempts: int = 3,
    timeout: float = 300,
    loss: Callable[..., Any] | None = None,
    **worker_args: Any,
) -> tuple[int, str]:
    """Run ``nproc`` workers with torchrun on 127.0.0.1 (see :func:`torchrun_command`).

    ``loss``, a function ``(prediction, target, samples, world_size) -> loss`` defined
    with ``def``, replaces the workers' mean squared error: its source is written next
    to ``out`` (see :func:`write_loss_file`) and passed as ``--loss-file``.

    A free port can be taken by another program before torchrun opens it; torchrun then
    stops at once with ``EADDRINUSE`` and this tries a fresh port, ``attempts`` times in all.
    On a timeout or an interrupt it sends SIGTERM, which lets torchrun stop its workers
    (they run in sessions of their own: SIGKILL would orphan them).

    Returns:
        ``(exit code, torchrun's captured stderr)`` of the last attempt.

    Raises:
        TypeError, ValueError: ``nproc`` or ``attempts`` is not an int >= 1, ``timeout`` not > 0,
            ``loss`` is not a function whose source can be read.
        subprocess.TimeoutExpired: the run took longer than ``timeout`` seconds (after stopping it).
    """
    attempts = positive_int(attempts, "attempts")
    timeout = positive_number(timeout, "timeout")
    if loss is not None:
        worker_args["loss_file"] = write_loss_file(loss, Path(out).with_suffix(".loss.py"))
    for _ in range(attempts):
        process = subprocess.Popen(
            torchrun_command(out, nproc=nproc, **worker_args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_environment(),
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:
                process.terminate()
                process.communicate(timeout=30)
        if "EADDRINUSE" not in stderr:
            break
    return process.returncode, stderr


def run_workers(
    out: Path | str,
    *,
    nproc: int = 2,
    attempts: int = 3,
    timeout: float = 300,
    loss: Callable[..., Any] | None = None,
    **worker_args: Any,
) -> tuple[int, str]:
    """Start ``nproc`` workers on 127.0.0.1 directly, as torchrun would, and wait for them.

    On one machine torchrun's agent only starts the workers with ``RANK``, ``LOCAL_RANK``,
    ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` set, and
    watches them; rank 0 then opens the meeting point on the port. This does the same
    without the agent, a third process that imports torch (about a second) before any
    worker starts. Notebook 14's exercise check uses it; the lesson runs torchrun itself.

    Arguments and retries on a taken port are as in :func:`run_torchrun`. When a worker
    fails, the others are stopped (they would wait for it forever); on a timeout or an
    interrupt, all of them. The workers are this process's children and start no
    processes of their own, so stopping them leaves nothing behind.

    Returns:
        ``(exit code, the workers' captured stderr)`` of the last attempt; the exit code
        is 0 when every worker succeeded, else the first nonzero one.

    Raises:
        TypeError, ValueError: as :func:`run_torchrun`.
        subprocess.TimeoutExpired: the workers took longer than ``timeout`` seconds.
    """
    import tempfile
    import time

    nproc = positive_int(nproc, "nproc")
    attempts = positive_int(attempts, "attempts")
    timeout = positive_number(timeout, "timeout")
    if loss is not None:
        worker_args["loss_file"] = write_loss_file(loss, Path(out).with_suffix(".loss.py"))
    command = worker_command(out, **worker_args)
    for _ in range(attempts):
        port = str(free_port())
        with tempfile.TemporaryDirectory() as folder:
            logs = [Path(folder) / f"rank{rank}.txt" for rank in range(nproc)]
            processes = []
            try:
                for rank, log in enumerate(logs):
                    environment = {
                        **worker_environment(), "RANK": str(rank), "LOCAL_RANK": str(rank),
                        "WORLD_SIZE": str(nproc), "LOCAL_WORLD_SIZE": str(nproc),
                        "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port,
                    }
                    with log.open("w") as stderr:
                        processes.append(subprocess.Popen(
                            command, stdout=subprocess.DEVNULL, stderr=stderr, env=environment
                        ))
                deadline = time.monotonic() + timeout
                while True:
                    codes = [process.poll() for process in processes]
                    if all(code == 0 for code in codes) or any(code not in (None, 0) for code in codes):
                        break
                    if time.monotonic() > deadline:
                        raise subprocess.TimeoutExpired(command, timeout)
                    time.sleep(0.02)
            finally:
                for process in processes:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
            failed = [rank for rank, code in enumerate(codes) if code not in (None, 0)]
            order = [rank for rank in range(nproc) if rank not in failed[:1]] + failed[:1]
            stderr = "".join(logs[rank].read_text(errors="replace") for rank in order)  # the cause last
        returncode = codes[failed[0]] if failed else 0
        if "EADDRINUSE" not in stderr:
            break
    return returncode, stderr


def worker_environment() -> dict[str, str]:
    """Return this process's environment plus ``OMP_NUM_THREADS=1`` (one thread per worker)."""
    return {**os.environ, "OMP_NUM_THREADS": "1"}


if __name__ == "__main__":
    exit_code = main()
    # Leave at once: the result is written and the process group destroyed. A normal
    # interpreter exit tears torch down for several seconds on a busy machine, and
    # torchrun waits for it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
