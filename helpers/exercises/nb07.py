"""Checkers for notebook 07 (autograd from scratch).

Each checker takes the student's ``Value`` class (the notebook's engine: ``Value(data)``,
``.data``, ``.grad``, ``+``, ``*`` and ``.backward()``) and the function that adds the
new operation, and compares values and gradients with PyTorch in float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from helpers.exercises.core import Exercise, Mistake, check_function

#: Inputs for :func:`check_tanh`; "twice" feeds the same value to two tanh nodes, "scaled"
#: multiplies tanh by 3 so the incoming gradient out.grad is not 1.
TANH_CASES = [(0.5, "once"), (-1.3, "once"), (0.0, "once"), (0.8, "twice"), (1.1, "scaled")]
#: (a, b) inputs for :func:`check_divide`; the last divides a value by itself.
DIVIDE_CASES = [(6.0, 3.0), (-1.5, 0.25), (2.0, -4.0), (3.0, "same")]


def _tanh_with(local: Callable[[float, float], float], accumulate: bool = True, chain: bool = True) -> Callable[[Any], Any]:
    """A tanh node whose backward uses ``local(x, t)`` (for the catalogue of wrong answers)."""

    def tanh(v: Any) -> Any:
        t = math.tanh(v.data)
        out = type(v)(t, (v,))

        def _backward() -> None:
            g = local(v.data, t) * (out.grad if chain else 1.0)
            v.grad = v.grad + g if accumulate else g

        out._backward = _backward
        return out

    return tanh


def _tanh_without_backward(v: Any) -> Any:
    return type(v)(math.tanh(v.data), (v,))


TANH = Exercise(
    "tanh",
    hints=(
        "a new node needs two things: its value in the forward pass, and a _backward that sends "
        "out.grad times the local derivative back to its input.",
        "the local derivative is 1 - tanh(v)^2, written with the OUTPUT t = tanh(v); add it into "
        "v.grad (a node can feed several others) and multiply by out.grad (the chain rule).",
        "t = math.tanh(v.data); out = Value(t, (v,)); in _backward: v.grad += (1 - t**2) * out.grad",
    ),
    mistakes=(
        Mistake(_tanh_with(lambda x, t: 1 - x**2),
                "the local derivative uses the input x; 1 - tanh^2 is about the output t = tanh(x)"),
        Mistake(_tanh_with(lambda x, t: 1 - t**2, accumulate=False),
                "v.grad is assigned, not added to: when v feeds two nodes, one gradient overwrites the other"),
        Mistake(_tanh_with(lambda x, t: 1 - t**2, chain=False),
                "the local derivative is not multiplied by out.grad: the chain rule stops at this node"),
        Mistake(_tanh_without_backward,
                "no _backward is set on the new node: the gradient never reaches v"),
    ),
)


def _tanh_adapter(Value: type) -> Callable[[Any], Callable[[float, str], list[float]]]:
    def adapt(tanh: Callable[[Any], Any]) -> Callable[[float, str], list[float]]:
        def student(x: float, how: str) -> list[float]:
            v = Value(x)
            out = tanh(v) + tanh(v) if how == "twice" else tanh(v) * 3.0 if how == "scaled" else tanh(v)
            out.backward()
            return [out.data, v.grad]

        return student

    return adapt


def check_tanh(Value: type, tanh: Callable[[Any], Any]) -> None:
    """Check ``tanh(v)`` (a new ``Value`` op): its value and the gradient it sends back.

    For each case the checker builds ``out = tanh(v)`` (or ``tanh(v) + tanh(v)``, or ``tanh(v) * 3.0``),
    calls ``out.backward()`` and compares ``[out.data, v.grad]`` with torch.
    """

    def reference(x: float, graph: str) -> list[float]:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        out = torch.tanh(t) * {"once": 1, "twice": 2, "scaled": 3}[graph]
        out.backward()
        return [out.item(), t.grad.item()]

    return check_function(
        TANH, tanh, reference, TANH_CASES, rtol=1e-9, atol=1e-12, adapt=_tanh_adapter(Value),
        labels=("value", "gradient"), factors={},
    )


def _divide_with(grad_a: Callable[[float, float], float], grad_b: Callable[[float, float], float],
                 accumulate: bool = True) -> Callable[[Any, Any], Any]:
    """A division node with chosen local derivatives (for the catalogue of wrong answers)."""

    def divide(a: Any, b: Any) -> Any:
        out = type(a)(a.data / b.data, (a, b))

        def _backward() -> None:
            da, db = grad_a(a.data, b.data) * out.grad, grad_b(a.data, b.data) * out.grad
            if accumulate:
                a.grad += da
                b.grad += db
            else:
                a.grad = da
                b.grad = db

        out._backward = _backward
        return out

    return divide


def _divide_by_a_constant(a: Any, b: Any) -> Any:
    return a * type(a)(1 / b.data)


DIVIDE = Exercise(
    "divide",
    hints=(
        "you may not need a new _backward: can a / b be written with operations the engine "
        "already differentiates?",
        "a / b = a * (b to the power -1): mul and pow already know their derivatives; by hand you "
        "would need d/da = 1/b and d/db = -a/b^2, added with +=.",
        "return a * b**-1",
    ),
    mistakes=(
        Mistake(_divide_with(lambda a, b: 1 / b, lambda a, b: a / b**2),
                "the gradient for b has the wrong sign: making b larger makes a / b smaller"),
        Mistake(_divide_with(lambda a, b: 1 / b, lambda a, b: -1 / b**2),
                "the gradient for b misses the factor a: d(a/b)/db depends on a as well"),
        Mistake(_divide_with(lambda a, b: 1 / b, lambda a, b: -a / b**2, accumulate=False),
                "the gradients are assigned, not added: in a / a both contributions land on the same node"),
        Mistake(_divide_by_a_constant,
                "1 / b is made into a new constant Value: the gradient never flows back to b"),
    ),
)


def _divide_adapter(Value: type) -> Callable[[Any], Callable[[float, Any], list[float]]]:
    def adapt(divide: Callable[[Any, Any], Any]) -> Callable[[float, Any], list[float]]:
        def student(a: float, b: float | str) -> list[float]:
            left = Value(a)
            right = left if b == "same" else Value(b)
            out = divide(left, right)
            out.backward()
            return [out.data, left.grad, right.grad if b != "same" else left.grad]

        return student

    return adapt


def check_divide(Value: type, divide: Callable[[Any, Any], Any]) -> None:
    """Check ``divide(a, b)`` = a / b in the engine: its value and both gradients.

    For each case the checker builds ``out = divide(a, b)``, calls ``out.backward()``
    and compares ``[out.data, a.grad, b.grad]`` with torch.
    """

    def reference(a: float, b: float | str) -> list[float]:
        left = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        right = left if b == "same" else torch.tensor(b, dtype=torch.float64, requires_grad=True)
        out = left / right
        out.backward()
        return [out.item(), left.grad.item(), (left if b == "same" else right).grad.item()]

    return check_function(
        DIVIDE, divide, reference, DIVIDE_CASES, rtol=1e-9, atol=1e-12, adapt=_divide_adapter(Value),
        labels=("value", "a.grad", "b.grad"), factors={},
    )
