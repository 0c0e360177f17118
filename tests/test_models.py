import pytest
import torch
from torch import nn

from helpers.models import LinearRegression


def test_forward_equals_the_linear_layer():
    model = LinearRegression(3, 2, seed=1)
    x = torch.randn(5, 3)
    expected = x @ model.linear.weight.T + model.linear.bias
    assert torch.allclose(model(x), expected)
    assert model(x).shape == (5, 2)
    assert (model.input_size, model.output_size) == (3, 2)


def test_seed_matches_manual_seed_and_leaves_global_state_alone():
    torch.manual_seed(7)
    reference = nn.Linear(1, 1)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    model = LinearRegression(1, 1, seed=7)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(model.linear.weight, reference.weight)
    assert torch.equal(model.linear.bias, reference.bias)
    again = LinearRegression(1, 1, seed=7)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters(), strict=True))


def test_unseeded_uses_the_global_generator():
    torch.manual_seed(3)
    model = LinearRegression(1)
    torch.manual_seed(3)
    reference = nn.Linear(1, 1)
    assert torch.equal(model.linear.weight, reference.weight)


def test_state_dict_and_parameters():
    model = LinearRegression(1, seed=0)
    assert list(model.state_dict()) == ["linear.weight", "linear.bias"]
    assert [p.shape for p in model.parameters()] == [(1, 1), (1,)]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0,), {}, ValueError, "input_size"),
        ((1, 0), {}, ValueError, "output_size"),
        ((1.5,), {}, TypeError, "input_size"),
        ((1,), {"seed": -1}, ValueError, "seed"),
        ((1,), {"seed": 1.0}, TypeError, "seed"),
    ],
)
def test_bad_construction(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        LinearRegression(*args, **kwargs)


def test_bad_input_names_the_expected_shape():
    model = LinearRegression(1, seed=0)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 1\), got \(4,\)"):
        model(torch.ones(4))
    with pytest.raises(ValueError, match="got \\(4, 2\\)"):
        model(torch.ones(4, 2))
    with pytest.raises(TypeError, match="floating-point"):
        model(torch.ones(4, 1, dtype=torch.int64))
    with pytest.raises(TypeError, match="floating-point"):
        model([[1.0]])
