import numpy as np
import pytest
import torch
from torch import nn

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb12 import HONEST_LOG, TRAIN_LINEAR, check_honest_log, check_train_linear
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


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


def sources_pairing(x, y, lr, epochs):
    rows = honest_log(x, y, lr, epochs)
    return np.c_[rows[:, 2], rows[:, 1], rows[:, 2]]  # w after next to the loss before


def summed_gradient(x, y, lr, epochs):
    w, rows = 0.0, []
    for _ in range(epochs):
        loss = np.mean((w * x - y) ** 2)
        new_w = w - lr * np.dot(2 * x, w * x - y).mean()  # the Gradients Example's sum
        rows.append([w, loss, new_w])
        w = new_w
    return np.array(rows)


@pytest.mark.parametrize("wrong", [sources_pairing, summed_gradient])
def test_wrong_logs_fail(wrong):
    with pytest.raises(ExerciseFailed, match="honest_log: wrong"):
        check_honest_log(wrong)


def train_linear_functional(x, y, lr, epochs, seed):
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=True)
        nn.functional.mse_loss(model(x[:, None]).squeeze(1), y).backward()
        optimizer.step()
    return float(model.weight.detach()), float(model.bias.detach())


def train_linear_by_hand(x, y, lr, epochs, seed):
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    for _ in range(epochs):
        model.zero_grad()
        ((model(x.unsqueeze(1)) - y.unsqueeze(1)) ** 2).mean().backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    return model.weight.item(), model.bias.item()


def test_train_linear_feedback():
    assert_feedback(TRAIN_LINEAR, check_train_linear, [train_linear, train_linear_functional, train_linear_by_hand],
                    solution_fragments=["loss_fn(model(x.reshape(-1, 1)), y.reshape(-1, 1))"],
                    success="train_linear: correct (3 cases checked)")


def honest_log_vectorised_rows(x, y, lr, epochs):
    ws = [0.0]
    for _ in range(epochs):
        ws.append(ws[-1] - lr * 2 * np.dot(x, ws[-1] * x - y) / len(x))
    before, after = np.array(ws[:-1]), np.array(ws[1:])
    losses = ((before[:, None] * x[None, :] - y[None, :]) ** 2).mean(axis=1)
    return np.column_stack([before, losses, after])


def honest_log_torch(x, y, lr, epochs):
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    rows = []
    for _ in range(epochs):
        loss = ((w * X - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            before = w.item()
            w -= lr * w.grad
            w.grad = None
        rows.append((before, loss.item(), w.item()))
    return np.array(rows)


def test_honest_log_feedback():
    assert_feedback(HONEST_LOG, check_honest_log, [honest_log, honest_log_vectorised_rows, honest_log_torch],
                    solution_fragments=["rows.append([w, loss_here, new_w])"],
                    success="honest_log: correct (3 cases checked)")


def test_one_dimensional_target_message_quotes_torchs_own_warning():
    import re
    import warnings

    message = next(m.message for m in TRAIN_LINEAR.mistakes if "1-D (N,)" in m.message)
    quoted = re.search(r'"(.*)"', message).group(1)
    start, end = quoted.split(" ... ")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.nn.MSELoss()(torch.zeros(4, 1), torch.zeros(4))
    texts = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert any(text.startswith(start) and end in text for text in texts), texts
