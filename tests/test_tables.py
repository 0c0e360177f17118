import numpy as np
import pytest
import torch

from helpers.tables import Column, IterationTable, print_table

SEED_COLUMNS = [
    Column("Iter", 5, "d"),
    Column("w (Start)", 10, ".3f"),
    Column("Pred", 10, ".3f"),
    Column("Grad", 10, ".3f"),
    Column("w (End)", 10, ".3f"),
]


def test_reproduces_the_seed_layout(capsys):
    table = IterationTable(SEED_COLUMNS)
    table.header()
    table.row(1, 1.0, 2.0, -8.0, 1.8)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Iter  | w (Start)  | Pred       | Grad       | w (End)"
    assert lines[1] == "-" * 57
    assert lines[2] == "1     | 1.000      | 2.000      | -8.000     | 1.800"


def test_accepts_numpy_and_torch_scalars():
    table = IterationTable([("a", 8, ".2f"), ("b", 8, ".1e")])
    assert table.row_text(np.float32(1.5), torch.tensor(2.0)) == "1.50     | 2.0e+00"


def test_print_table_prints_every_row(capsys):
    print_table([("k", 3, "d"), ("v", 6, ".4f")], [(1, 0.5), (2, 0.25)])
    assert capsys.readouterr().out.splitlines()[2:] == ["1   | 0.5000", "2   | 0.2500"]


def test_rejects_wrong_number_of_values():
    with pytest.raises(ValueError, match="needs 5 values"):
        IterationTable(SEED_COLUMNS).row_text(1, 2.0)


def test_rejects_value_not_matching_format():
    with pytest.raises(TypeError, match="column 'Iter'"):
        IterationTable(SEED_COLUMNS).row_text("one", 1.0, 2.0, 3.0, 4.0)


@pytest.mark.parametrize(("args", "error"), [(("x", 0, ".3f"), ValueError), (("x", 5, ".3q"), ValueError), ((3, 5, ""), TypeError)])
def test_rejects_bad_columns(args, error):
    with pytest.raises(error):
        Column(*args)


def test_rejects_no_columns():
    with pytest.raises(ValueError, match="at least one column"):
        IterationTable([])
