"""Checkers for notebook 07 (autograd from scratch).

Each checker takes the student's ``Value`` class (the notebook's engine: ``Value(data)``,
``.data``, ``.grad``, ``+``, ``*`` and ``.backward()``) and the function that adds the
new operation, and compares values and gradients with PyTorch in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from helpers.exercises.core import check_function

#: Inputs for :func:`check_tanh`; "twice" feeds the same value to two tanh nodes, "scaled"
#: multiplies tanh by 3 so the incoming gradient out.grad is not 1.
TANH_CASES = [(0.5, "once"), (-1.3, "once"), (0.0, "once"), (0.8, "twice"), (1.1, "scaled")]
#: (a, b) inputs for :func:`check_divide`; the last divides a value by itself.
DIVIDE_CASES = [(6.0, 3.0), (-1.5, 0.25), (2.0, -4.0), (3.0, "same")]

def check_tanh(Value: type, tanh: Callable[[Any], Any]) -> None:
    """Check ``tanh(v)`` (a new ``Value`` op): its value and the gradient it sends back.

    For each case the checker builds ``out = tanh(v)`` (or ``tanh(v) + tanh(v)``, or ``tanh(v) * 3.0``),
    calls ``out.backward()`` and compares ``[out.data, v.grad]`` with torch.
    """

    def student(x: float, how: str) -> list[float]:
        v = Value(x)
        out = tanh(v) + tanh(v) if how == "twice" else tanh(v) * 3.0 if how == "scaled" else tanh(v)
        out.backward()
        return [out.data, v.grad]

    def reference(x: float, how: str) -> list[float]:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        out = torch.tanh(t) * {"once": 1, "twice": 2, "scaled": 3}[how]
        out.backward()
        return [out.item(), t.grad.item()]

    return check_function(
        "tanh", student, reference, TANH_CASES, rtol=1e-9, atol=1e-12,
        hint="forward: t = math.tanh(x); backward: self.grad += (1 - t**2) * out.grad "
             "(t is the OUTPUT; use +=, and multiply by out.grad).",
    )

def check_divide(Value: type, divide: Callable[[Any, Any], Any]) -> None:
    """Check ``divide(a, b)`` = a / b in the engine: its value and both gradients.

    For each case the checker builds ``out = divide(a, b)``, calls ``out.backward()``
    and compares ``[out.data, a.grad, b.grad]`` with torch.
    """

    def student(a: float, b: float | str) -> list[float]:
        left = Value(a)
        right = left if b == "same" else Value(b)
        out = divide(left, right)
        out.backward()
        return [out.data, left.grad, right.grad if b != "same" else left.grad]

    def reference(a: float, b: float | str) -> list[float]:
        left = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        right = left if b == "same" else torch.tensor(b, dtype=torch.float64, requires_grad=True)
        out = left / right
        out.backward()
        return [out.item(), left.grad.item(), (left if b == "same" else right).grad.item()]

    return check_function(
        "divide", student, reference, DIVIDE_CASES, rtol=1e-9, atol=1e-12,
        hint="reuse what the engine has: a / b = a * b**-1, so pow and mul supply the "
             "backward; or by hand: d/da = 1/b, d/db = -a/b**2 (accumulate with +=).",
    )

