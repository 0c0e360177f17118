"""The course's model: linear regression as a ``torch.nn.Module``.

``LinearRegression(input_size, output_size)`` predicts ``X @ W.T + b`` with one
``nn.Linear`` layer. Pass ``seed`` to get the same starting weights on every run
and every process (the global random state is left untouched).
"""

from __future__ import annotations

import torch
from torch import nn

from helpers._validate import positive_int


class LinearRegression(nn.Module):
    """Linear regression ``y_hat = X @ W.T + b`` (one ``nn.Linear`` layer, called ``linear``).

    Args:
        input_size: number of features per sample (an int >= 1).
        output_size: number of outputs per sample (an int >= 1, default 1).
        seed: if given, initialise the weights exactly as
            ``torch.manual_seed(seed); nn.Linear(input_size, output_size)`` would, but
            without changing torch's global random state. If None, draw them from the
            global generator (like ``nn.Linear``).

    Raises:
        TypeError: a size or the seed is not an int.
        ValueError: a size is < 1 or the seed is negative.
    """

    def __init__(self, input_size: int, output_size: int = 1, *, seed: int | None = None) -> None:
        super().__init__()
        input_size = positive_int(input_size, "input_size")
        output_size = positive_int(output_size, "output_size")
        if seed is None:
            self.linear = nn.Linear(input_size, output_size)
            return
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.linear = nn.Linear(input_size, output_size)

    @property
    def input_size(self) -> int:
        """The number of features the model expects per sample."""
        return self.linear.in_features

    @property
    def output_size(self) -> int:
        """The number of outputs per sample."""
        return self.linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the predictions, shape ``(n_samples, output_size)``.

        Args:
            x: a floating-point tensor of shape ``(n_samples, input_size)``.

        Raises:
            TypeError: ``x`` is not a floating-point tensor.
            ValueError: ``x`` is not 2-D with ``input_size`` columns.
        """
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            got = f"a {x.dtype} tensor" if isinstance(x, torch.Tensor) else type(x).__name__
            raise TypeError(f"x must be a floating-point tensor, got {got}")
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(
                f"x must have shape (n_samples, {self.input_size}), got {tuple(x.shape)}; "
                "a single feature column is X.reshape(-1, 1)"
            )
        return self.linear(x)
