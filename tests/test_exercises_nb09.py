import pytest
import torch
from torch import nn

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb09 import (
    AFFINE,
    TRAIN,
    X_COLUMN,
    Y_COLUMN,
    check_affine,
    check_train,
    hand_loop_line,
)
from helpers.exercises.testing import assert_feedback
from helpers.models import LinearRegression


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


X = torch.tensor(X_COLUMN)
Y = torch.tensor(Y_COLUMN)


def train(seed, epochs, lr, *, seeded=True, model=None):
    if seeded:
        torch.manual_seed(seed)
    model = model if model is not None else nn.Linear(1, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        loss_fn(model(X), Y).backward()
        optimizer.step()
        optimizer.zero_grad()
    return model


def test_hand_loop_converges_to_least_squares():
    assert hand_loop_line(0, 20000, 0.01) == pytest.approx([2.0, 0.0], abs=1e-8)


def test_train_accepts_the_solution_and_the_course_model(capsys):
    check_train(train)
    check_train(lambda seed, epochs, lr: train(seed, epochs, lr, seeded=False, model=LinearRegression(1, seed=seed)))
    assert capsys.readouterr().out == "train: correct (3 cases checked)\n" * 2


def train_by_hand_with_parameters(seed, epochs, lr):
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    for _ in range(epochs):
        model.zero_grad()
        ((model(X) - Y) ** 2).mean().backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    return model


def test_train_feedback():
    assert_feedback(TRAIN, check_train, [
        train,
        lambda seed, epochs, lr: train(seed, epochs, lr, seeded=False, model=LinearRegression(1, seed=seed)),
        train_by_hand_with_parameters,
    ], solution_fragments=["torch.manual_seed(seed); model"], success="train: correct (3 cases checked)")


def test_train_stub_is_not_attempted(capsys):
    def stub(seed, epochs, lr):
        raise NotImplementedError

    check_train(stub)
    check_train(...)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def test_train_rejects_a_model_made_outside_the_function():
    outside = nn.Linear(1, 1)
    with pytest.raises(ExerciseFailed, match="not idempotent") as info:
        check_train(lambda seed, epochs, lr: train(seed, epochs, lr, model=outside))
    assert "went on training the first call's model" in str(info.value)


def test_train_rejects_an_unseeded_model():
    torch.manual_seed(123)
    with pytest.raises(ExerciseFailed, match="not idempotent") as info:
        check_train(lambda seed, epochs, lr: train(seed, epochs, lr, seeded=False))
    assert "does not set the seed itself" in str(info.value)


def seeded_after_the_model(seed, epochs, lr):
    model = LinearRegression(1, 1)
    torch.manual_seed(seed)
    return train(seed, epochs, lr, seeded=False, model=model)


@pytest.mark.parametrize("state", [0, 1, 123])
def test_train_tells_seeding_after_the_model_from_a_model_made_outside(state):
    # the walk-through's slip: the model built inside the function, the seed set after it
    torch.manual_seed(state)
    with pytest.raises(ExerciseFailed, match="not idempotent") as info:
        check_train(seeded_after_the_model)
    message = str(info.value)
    assert "drawn before the seed is set" in message, message
    assert "outside" not in message and "manual_seed(seed)" not in message, message


def test_train_rejects_a_wrong_learning_rate_and_a_non_module():
    with pytest.raises(ExerciseFailed, match="train: wrong"):
        check_train(lambda seed, epochs, lr: train(seed, epochs, 2 * lr))
    with pytest.raises(ExerciseFailed, match="must return an nn.Module"):
        check_train(lambda seed, epochs, lr: [1.0, 2.0])


class Affine(nn.Module):
    def __init__(self, input_size, output_size, *, transpose=True, bias=True, register=True):
        super().__init__()
        weight = torch.zeros(output_size, input_size)
        offset = torch.zeros(output_size)
        self.transpose, self.use_bias = transpose, bias
        if register:
            self.weight, self.bias = nn.Parameter(weight), nn.Parameter(offset)
        else:
            self.weight, self.bias = weight, offset

    def forward(self, X):
        out = X @ (self.weight.T if self.transpose else self.weight.reshape(self.weight.shape[1], -1))
        return out + self.bias if self.use_bias else out


def test_affine_accepts_the_solution(capsys):
    check_affine(Affine)
    assert capsys.readouterr().out == "Affine: correct (3 cases checked)\n"


def test_affine_stub_is_not_attempted(capsys):
    class Stub(nn.Module):
        def __init__(self, input_size, output_size):
            raise NotImplementedError

    check_affine(Stub)
    check_affine(...)
    assert capsys.readouterr().out.count("not attempted yet") == 2


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"transpose": False}, "Affine: wrong"),
        ({"bias": False}, "Affine: wrong"),
        ({"register": False}, "expected parameters"),
    ],
    ids=["no-transpose", "no-bias", "plain-tensors"],
)
def test_affine_rejects_wrong_modules(options, match):
    class Wrong(Affine):
        def __init__(self, input_size, output_size):
            super().__init__(input_size, output_size, **options)

    with pytest.raises(ExerciseFailed, match=match):
        check_affine(Wrong)


class AffineWithLinearFunctional(nn.Module):
    def __init__(self, input_size, output_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(output_size, input_size).zero_())
        self.bias = nn.Parameter(torch.zeros(output_size))

    def forward(self, X):
        return nn.functional.linear(X, self.weight, self.bias)


class AffineWithEinsum(nn.Module):
    def __init__(self, input_size, output_size):
        super().__init__()
        self.register_parameter("weight", nn.Parameter(torch.zeros(output_size, input_size)))
        self.register_parameter("bias", nn.Parameter(torch.zeros(output_size)))

    def forward(self, X):
        return torch.einsum("ni,oi->no", X, self.weight) + self.bias


def test_affine_feedback():
    assert_feedback(AFFINE, check_affine, [Affine, AffineWithLinearFunctional, AffineWithEinsum],
                    solution_fragments=["X @ self.weight.T + self.bias"], success="Affine: correct (3 cases checked)")


def test_affine_rejects_a_non_module_and_a_crashing_constructor():
    class NotAModule:
        def __init__(self, input_size, output_size):
            pass

    with pytest.raises(ExerciseFailed, match="must subclass nn.Module"):
        check_affine(NotAModule)

    class Crashes(nn.Module):
        def __init__(self, input_size, output_size):
            raise RuntimeError("boom")

    with pytest.raises(ExerciseFailed, match="raised RuntimeError: boom"):
        check_affine(Crashes)
