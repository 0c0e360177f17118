import pytest
import torch
from torch import nn

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb08 import (
    NESTEROV_SGD,
    TRAIN_SLOPE,
    check_nesterov_sgd,
    check_train_slope,
    hand_loop_slope,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()



def train_slope(X, y, lr, epochs, *, reduction="mean", zero_grad=True, steps=None):
    w = torch.tensor(0.0, requires_grad=True)
    loss_fn = nn.MSELoss(reduction=reduction)
    optimizer = torch.optim.SGD([w], lr=lr)
    for _ in range(epochs if steps is None else steps):
        loss_fn(w * X, y).backward()
        optimizer.step()
        if zero_grad:
            optimizer.zero_grad()
    return w.item()


def test_hand_loop_reproduces_the_gradients_example_part2_numbers():
    assert hand_loop_slope([1, 2, 3, 4], [2, 4, 6, 8], 0.01, 1) == pytest.approx(0.3)
    assert hand_loop_slope([1, 2, 3, 4], [2, 4, 6, 8], 0.01, 11) == pytest.approx(2 - 2 * 0.85**11)


def test_train_slope_accepts_the_solution(capsys):
    check_train_slope(train_slope)
    assert capsys.readouterr().out == "train_slope: correct (3 cases checked)\n"


def test_train_slope_stub_is_not_attempted(capsys):
    def stub(X, y, lr, epochs):
        raise NotImplementedError

    check_train_slope(stub)
    assert "not attempted yet" in capsys.readouterr().out


def train_slope_functional(X, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(w * X, y).backward()
        optimizer.step()
    return float(w.detach())


def train_slope_parameter(X, y, lr, epochs):
    w = nn.Parameter(torch.zeros(1))
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD([w], lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=True)
        loss_fn(X * w, y).backward()
        optimizer.step()
    return w.item()


def test_train_slope_feedback():
    assert_feedback(TRAIN_SLOPE, check_train_slope, [train_slope, train_slope_functional, train_slope_parameter],
                    solution_fragments=["optimizer.step(); optimizer.zero_grad()"],
                    success="train_slope: correct (3 cases checked)")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, y, lr, epochs: train_slope(X, y, lr, epochs, reduction="sum"),
        lambda X, y, lr, epochs: train_slope(X, y, lr, epochs, zero_grad=False),
        lambda X, y, lr, epochs: train_slope(X, y, lr, epochs, steps=epochs - 1),
    ],
    ids=["sum-reduction", "no-zero-grad", "one-step-short"],
)
def test_train_slope_rejects_wrong_loops(wrong):
    with pytest.raises(ExerciseFailed, match="train_slope: wrong"):
        check_train_slope(wrong)


class NesterovSGD:
    def __init__(self, params, lr, momentum, *, look_ahead=True, clear=True, sign=1.0):
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.look_ahead, self.clear, self.sign = look_ahead, clear, sign
        self.buffers = [None] * len(self.params)

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            g = p.grad
            buf = g.clone() if self.buffers[i] is None else self.momentum * self.buffers[i] + g
            self.buffers[i] = buf
            direction = g + self.momentum * buf if self.look_ahead else buf
            p -= self.sign * self.lr * direction

    def zero_grad(self):
        if self.clear:
            for p in self.params:
                p.grad = None


def test_nesterov_accepts_the_solution(capsys):
    check_nesterov_sgd(NesterovSGD)
    assert capsys.readouterr().out == "NesterovSGD: correct (3 cases checked)\n"


def test_nesterov_stub_and_ellipsis_are_not_attempted(capsys):
    class Stub:
        def __init__(self, params, lr, momentum):
            raise NotImplementedError

    check_nesterov_sgd(Stub)
    check_nesterov_sgd(...)
    assert capsys.readouterr().out.count("not attempted yet") == 2


@pytest.mark.parametrize(
    "options",
    [{"look_ahead": False}, {"clear": False}, {"sign": -1.0}],
    ids=["plain-momentum", "never-zeroes-grad", "wrong-sign"],
)
def test_nesterov_rejects_wrong_optimizers(options):
    class Wrong(NesterovSGD):
        def __init__(self, params, lr, momentum):
            super().__init__(params, lr, momentum, **options)

    with pytest.raises(ExerciseFailed, match="NesterovSGD: wrong"):
        check_nesterov_sgd(Wrong)


class NesterovTorchStyle:
    """Written with torch's in-place ops and a state dict, like torch.optim's own code."""

    def __init__(self, params, lr, momentum):
        self.params, self.lr, self.momentum, self.state = list(params), lr, momentum, {}

    def step(self):
        with torch.no_grad():
            for p in self.params:
                if p not in self.state:
                    self.state[p] = torch.clone(p.grad).detach()
                else:
                    self.state[p].mul_(self.momentum).add_(p.grad)
                p.add_(p.grad.add(self.state[p], alpha=self.momentum), alpha=-self.lr)

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()


class NesterovSubclass(torch.optim.SGD):
    def __init__(self, params, lr, momentum):
        super().__init__(params, lr=lr, momentum=momentum, nesterov=True)


def test_nesterov_feedback():
    assert_feedback(NESTEROV_SGD, check_nesterov_sgd, [NesterovSGD, NesterovTorchStyle, NesterovSubclass],
                    solution_fragments=["p.grad + momentum * buffer"], success="NesterovSGD: correct (3 cases checked)")


def test_nesterov_message_shows_the_first_differing_step():
    class Wrong(NesterovSGD):
        def __init__(self, params, lr, momentum):
            super().__init__(params, lr, momentum, look_ahead=False)

    with pytest.raises(ExerciseFailed, match="first difference at step 1 of 15:") as info:
        check_nesterov_sgd(Wrong)
    assert "step 3:" not in str(info.value)
    # the model's two parameters are named as such: the exercise calls the buffer v, not b
    assert "[weight w=" in str(info.value) and ", bias b=" in str(info.value)
    assert "heavy" not in str(info.value)  # heavy ball is not introduced before notebook 11


def test_nesterov_rejects_a_non_class():
    with pytest.raises(ExerciseFailed, match="expected a class"):
        check_nesterov_sgd(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1))
