import re

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, RandomSampler, Sampler, TensorDataset

from helpers.exercises import ExerciseFailed
from helpers.exercises.core import reset_hints
from helpers.exercises.nb10 import (
    PREDICTED_GRADIENT_VARIANCE,
    SEEDED_LOADER,
    check_predicted_gradient_variance,
    check_seeded_loader,
)
from helpers.exercises.testing import assert_feedback


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()


def seeded_loader(X, y, batch_size, seed):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))


def random_sampler_loader(X, y, batch_size, seed):
    dataset = TensorDataset(X, y)
    sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


class RandpermSampler(Sampler):
    def __init__(self, n, seed):
        self.n, self.generator = n, torch.Generator().manual_seed(seed)

    def __iter__(self):
        return iter(torch.randperm(self.n, generator=self.generator).tolist())

    def __len__(self):
        return self.n


def randperm_loader(X, y, batch_size, seed):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, sampler=RandpermSampler(len(X), seed))


def test_seeded_loader_feedback():
    assert_feedback(SEEDED_LOADER, check_seeded_loader,
                    [seeded_loader, random_sampler_loader, randperm_loader],
                    solution_fragments=["generator=torch.Generator().manual_seed(seed)"],
                    success="seeded_loader: correct (3 cases checked)")


def test_seeded_loader_leaves_the_global_generator_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    check_seeded_loader(random_sampler_loader)
    assert torch.equal(torch.rand(3), expected)


def predicted_gradient_variance(gradients, batch_size):
    gradients = np.asarray(gradients, dtype=float)
    n = gradients.shape[0]
    sigma2 = np.mean(np.sum((gradients - gradients.mean(axis=0)) ** 2, axis=1))
    return sigma2 / batch_size * (n - batch_size) / (n - 1)


def variance_loop(gradients, batch_size):
    n = len(gradients)
    mean = sum(gradients) / n
    sigma2 = sum(float(np.dot(g - mean, g - mean)) for g in gradients) / n
    return sigma2 * (n - batch_size) / (batch_size * (n - 1))


def variance_from_np_var(gradients, batch_size):
    n = len(gradients)
    return np.var(gradients, axis=0).sum() / batch_size * (1 - (batch_size - 1) / (n - 1))


def test_predicted_gradient_variance_feedback():
    assert_feedback(PREDICTED_GRADIENT_VARIANCE, check_predicted_gradient_variance,
                    [predicted_gradient_variance, variance_loop, variance_from_np_var],
                    solution_fragments=["(N - batch_size) / (N - 1)", "sigma2 / batch_size",
                                        "(N - B)/(N - 1)", "N - B"],
                    success="predicted_gradient_variance: correct (6 cases checked)")


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        raise NotImplementedError

    check_seeded_loader(stub)
    check_predicted_gradient_variance(stub)
    assert capsys.readouterr().out.count("not attempted yet") == 2


def test_not_a_loader_is_rejected():
    with pytest.raises(ExerciseFailed, match="must return a torch.utils.data.DataLoader"):
        check_seeded_loader(lambda X, y, b, s: [(X[:b], y[:b])])


def test_seeded_loader_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_seeded_loader(seeded_loader)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3, 4, 5, 6):
        with pytest.raises(ExerciseFailed, match=re.escape(SEEDED_LOADER.mistakes[index].message)):
            check_seeded_loader(SEEDED_LOADER.mistakes[index].answer)


def test_predicted_gradient_variance_accepts_the_solution_and_names_each_catalogued_mistake(capsys):
    check_predicted_gradient_variance(predicted_gradient_variance)
    assert capsys.readouterr().out.count(": correct") == 1
    for index in (0, 1, 2, 3):
        with pytest.raises(ExerciseFailed, match=re.escape(PREDICTED_GRADIENT_VARIANCE.mistakes[index].message)):
            check_predicted_gradient_variance(PREDICTED_GRADIENT_VARIANCE.mistakes[index].answer)


def test_seeded_loader_untouched_stub_is_not_attempted(capsys):
    def seeded_loader(X, y, batch_size, seed):
        raise NotImplementedError  # your code here

    check_seeded_loader(seeded_loader)
    assert "not attempted yet" in capsys.readouterr().out
