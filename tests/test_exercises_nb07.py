import math
import re

import pytest

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb07 import DIVIDE, TANH, check_divide, check_tanh
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


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


def tanh(v):
    t = math.tanh(v.data)
    out = Value(t, (v,))

    def _backward():
        v.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def tanh_from_exp(v):
    e = math.exp(2 * v.data)
    out = Value((e - 1) / (e + 1), (v,))

    def _backward():
        v.grad += 4 * e / (e + 1) ** 2 * out.grad  # sech^2, written another way
    out._backward = _backward
    return out


def tanh_from_engine(v):
    return tanh(v) * 1.0  # a tanh node followed by a mul node


def test_tanh_feedback():
    assert_feedback(TANH, lambda answer: check_tanh(Value, answer), [tanh, tanh_from_exp, tanh_from_engine],
                    solution_fragments=["(1 - t**2) * out.grad"], success="tanh: correct (5 cases checked)")


def test_tanh_labels_value_and_gradient():
    with pytest.raises(ExerciseFailed, match="expected value=0.462117, gradient=0.786448; got value=0.462117"):
        check_tanh(Value, lambda v: Value(math.tanh(v.data), (v,)))


def test_tanh_stub_is_not_attempted(capsys):
    def stub(v):
        raise NotImplementedError
    check_tanh(Value, stub)
    assert "not attempted yet" in capsys.readouterr().out


def divide(a, b):
    return a * b**-1


def divide_by_hand(a, b):
    out = Value(a.data / b.data, (a, b))

    def _backward():
        a.grad += out.grad / b.data
        b.grad += -a.data / b.data**2 * out.grad
    out._backward = _backward
    return out


def divide_via_pow_of_product(a, b):
    return (a * b**-1) * 1.0


def test_divide_feedback():
    assert_feedback(DIVIDE, lambda answer: check_divide(Value, answer),
                    [divide, divide_by_hand, divide_via_pow_of_product],
                    solution_fragments=["a * b**-1"], success="divide: correct (4 cases checked)")


def test_divide_rejects_a_product():
    with pytest.raises(ExerciseFailed, match="divide: wrong"):
        check_divide(Value, lambda a, b: a * b)


def test_tanh_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_tanh(Value, tanh)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(TANH.mistakes[index].message)):
            check_tanh(Value, TANH.mistakes[index].answer)


def test_divide_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_divide(Value, divide)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(DIVIDE.mistakes[index].message)):
            check_divide(Value, DIVIDE.mistakes[index].answer)
