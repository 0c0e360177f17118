import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from helpers.exercises import ExerciseFailed
from helpers.exercises.nb10 import check_predicted_gradient_variance, check_seeded_loader


def seeded_loader(X, y, batch_size, seed):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))


def predicted_gradient_variance(gradients, batch_size):
    gradients = np.asarray(gradients, dtype=float)
    n = gradients.shape[0]
    sigma2 = np.mean(np.sum((gradients - gradients.mean(axis=0)) ** 2, axis=1))
    return sigma2 / batch_size * (n - batch_size) / (n - 1)


def test_solutions_pass(capsys):
    check_seeded_loader(seeded_loader)
    check_predicted_gradient_variance(predicted_gradient_variance)
    out = capsys.readouterr().out
    assert "seeded_loader: correct (3 cases checked)" in out
    assert "predicted_gradient_variance: correct (6 cases checked)" in out


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        raise NotImplementedError

    check_seeded_loader(stub)
    check_predicted_gradient_variance(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, y, b, s: DataLoader(TensorDataset(X, y), batch_size=b, shuffle=False),  # not shuffled
        lambda X, y, b, s: DataLoader(TensorDataset(X, y), batch_size=b, shuffle=True),  # global RNG
        lambda X, y, b, s: DataLoader(TensorDataset(X, y), batch_size=b + 1, shuffle=True,
                                      generator=torch.Generator().manual_seed(s)),  # wrong batch size
        lambda X, y, b, s: DataLoader(TensorDataset(X, y), batch_size=b, shuffle=True,
                                      generator=torch.Generator().manual_seed(0)),  # seed ignored
        lambda X, y, b, s: [(X[:b], y[:b])],  # not a DataLoader
    ],
)
def test_wrong_loaders_fail(wrong):
    with pytest.raises(ExerciseFailed, match="seeded_loader"):
        check_seeded_loader(wrong)


def test_unpaired_batches_fail():
    def unpaired(X, y, b, s):
        return DataLoader(TensorDataset(X, y.flip(0)), batch_size=b, shuffle=True,
                          generator=torch.Generator().manual_seed(s))

    with pytest.raises(ExerciseFailed, match="no longer paired"):
        check_seeded_loader(unpaired)


def no_correction(gradients, batch_size):
    gradients = np.asarray(gradients)
    return np.mean(np.sum((gradients - gradients.mean(axis=0)) ** 2, axis=1)) / batch_size


def sample_variance(gradients, batch_size):
    gradients = np.asarray(gradients)
    n = gradients.shape[0]
    sigma2 = np.sum((gradients - gradients.mean(axis=0)) ** 2) / (n - 1)
    return sigma2 / batch_size * (n - batch_size) / (n - 1)


def not_divided_by_batch(gradients, batch_size):
    return predicted_gradient_variance(gradients, batch_size) * batch_size


@pytest.mark.parametrize("wrong", [no_correction, sample_variance, not_divided_by_batch])
def test_wrong_variance_formulas_fail(wrong):
    with pytest.raises(ExerciseFailed, match="Hint: sigma"):
        check_predicted_gradient_variance(wrong)
