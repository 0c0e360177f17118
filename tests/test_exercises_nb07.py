import math

import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb07 import check_divide, check_tanh


class Value:
    """A minimal copy of notebook 07's engine (add, mul, pow, backward)."""

    def __init__(self, data, children=()):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(children)

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def make_tanh(local, accumulate=True, chain=True):
    def tanh(v):
        t = math.tanh(v.data)
        out = Value(t, (v,))

        def _backward():
            g = local(v.data, t) * (out.grad if chain else 1.0)
            if accumulate:
                v.grad += g
            else:
                v.grad = g
        out._backward = _backward
        return out
    return tanh


def test_tanh_accepts_the_solution(capsys):
    check_tanh(Value, make_tanh(lambda x, t: 1 - t**2))
    assert "tanh: correct (5 cases checked)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    make_tanh(lambda x, t: 1 - x**2),            # derivative evaluated at the input
    make_tanh(lambda x, t: 1 - t**2, accumulate=False),  # assigns instead of +=
    make_tanh(lambda x, t: t),                    # not a derivative at all
    make_tanh(lambda x, t: 1 - t**2, chain=False),  # forgets to multiply by out.grad
])
def test_tanh_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="tanh"):
        check_tanh(Value, wrong)


def test_tanh_stub_is_not_attempted(capsys):
    def stub(v):
        raise NotImplementedError
    check_tanh(Value, stub)
    assert "not attempted yet" in capsys.readouterr().out


def divide(a, b):
    return a * b**-1


def divide_wrong_sign(a, b):
    out = Value(a.data / b.data, (a, b))

    def _backward():
        a.grad += out.grad / b.data
        b.grad += a.data / b.data**2 * out.grad  # sign lost
    out._backward = _backward
    return out


def divide_without_b(a, b):
    return a * Value(1 / b.data)  # b's gradient never flows


def test_divide_accepts_the_solution(capsys):
    check_divide(Value, divide)
    assert "divide: correct (4 cases checked)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [divide_wrong_sign, divide_without_b, lambda a, b: a * b])
def test_divide_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseFailed, match="divide"):
        check_divide(Value, wrong)
