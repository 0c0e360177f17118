import numpy as np
import pytest
import torch
from torch import nn

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb12 import check_honest_log, check_train_linear


def train_linear(x, y, lr, epochs, seed):
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    inputs, targets = x.reshape(-1, 1), y.reshape(-1, 1)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()
    return model.weight.item(), model.bias.item()


def honest_log(x, y, lr, epochs):
    w, rows = 0.0, []
    for _ in range(epochs):
        loss = np.mean((w * x - y) ** 2)
        new_w = w - lr * np.mean(2 * x * (w * x - y))
        rows.append([w, loss, new_w])
        w = new_w
    return np.array(rows)


def test_solutions_pass(capsys):
    check_train_linear(train_linear)
    check_honest_log(honest_log)
    out = capsys.readouterr().out
    assert "train_linear: correct (3 cases checked)" in out and "honest_log: correct (3 cases checked)" in out


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        raise NotImplementedError

    check_train_linear(stub)
    check_honest_log(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def never_zeroed(x, y, lr, epochs, seed):
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        nn.MSELoss()(model(x.reshape(-1, 1)), y.reshape(-1, 1)).backward()
        optimizer.step()
    return model.weight.item(), model.bias.item()


def shape_trap(x, y, lr, epochs, seed):
    import warnings

    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nn.MSELoss()(model(x.reshape(-1, 1)), y).backward()  # (N, 1) against (N,)
        optimizer.step()
    return model.weight.item(), model.bias.item()


def unseeded(x, y, lr, epochs, seed):
    torch.manual_seed(seed + 100)
    return train_linear(x, y, lr, epochs, seed + 100)


@pytest.mark.parametrize("wrong", [never_zeroed, shape_trap, unseeded])
def test_broken_loops_fail(wrong):
    with pytest.raises(ExerciseFailed, match="train_linear"):
        check_train_linear(wrong)


def seed_pairing(x, y, lr, epochs):
    rows = honest_log(x, y, lr, epochs)
    return np.c_[rows[:, 2], rows[:, 1], rows[:, 2]]  # w after next to the loss before


def summed_gradient(x, y, lr, epochs):
    w, rows = 0.0, []
    for _ in range(epochs):
        loss = np.mean((w * x - y) ** 2)
        new_w = w - lr * np.dot(2 * x, w * x - y).mean()  # the seed's sum
        rows.append([w, loss, new_w])
        w = new_w
    return np.array(rows)


@pytest.mark.parametrize("wrong", [seed_pairing, summed_gradient])
def test_wrong_logs_fail(wrong):
    with pytest.raises(ExerciseFailed, match="Hint: one row per epoch"):
        check_honest_log(wrong)
