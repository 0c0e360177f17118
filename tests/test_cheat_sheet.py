"""The cheat sheet is checked, not claimed: its four training steps run and reach the same weight."""

from __future__ import annotations

import contextlib
import io
import re

import nbformat
import pytest

from tests.conftest import ROOT

SHEET = ROOT / "notebooks" / "cheat_sheet.md"
CLINIC = ROOT / "notebooks" / "12_debugging_clinic.ipynb"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
ITEM = re.compile(r"^\d+\. \*\*(.+?)\*\*", re.M)


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def training_blocks() -> list[str]:
    return BLOCK.findall(section(SHEET.read_text(), "The training step, four ways"))


def run(block: str) -> tuple[dict, str]:
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "cheat_sheet.md", "exec"), namespace)  # noqa: S102 - our own page
    return namespace, printed.getvalue()


def final_weight(namespace: dict) -> float:
    if "model" in namespace:
        return namespace["model"].weight.item()
    w = namespace["w"]
    return float(w.item() if hasattr(w, "item") else w)


def test_four_blocks_side_by_side():
    blocks = training_blocks()
    assert len(blocks) == 4, f"expected 4 python blocks in the training-step section, found {len(blocks)}"
    assert "np." in blocks[0] and "torch" not in blocks[0]
    assert "backward()" in blocks[1] and "optim" not in blocks[1]
    assert "torch.optim.SGD" in blocks[2] and "nn.Linear" in blocks[2] and "DataLoader" not in blocks[2]
    assert "DataLoader(" in blocks[3]
    for block in blocks:
        assert "[1, 2, 3, 4]" in block or "[[1.0], [2.0], [3.0], [4.0]]" in block
        assert "y = 2 * X" in block and "range(20)" in block
        for line in block.splitlines():
            assert len(line) <= 88, f"cheat sheet line of {len(line)} characters: {line!r}"


def test_every_block_runs_and_reaches_the_same_weight():
    expected = 2 * (1 - 0.85**20)  # closed form: each step multiplies (w - 2) by 1 - 0.01 * 15
    weights, outputs = [], []
    for block in training_blocks():
        namespace, printed = run(block)
        weights.append(final_weight(namespace))
        outputs.append(printed)
    assert weights == pytest.approx([expected] * 4, abs=1e-5), weights
    assert max(weights) - min(weights) < 1e-6, weights
    assert outputs == [f"w = {expected:.4f}\n"] * 4, outputs
    assert f"`w = {expected:.4f}`" in SHEET.read_text()


def test_checklist_is_the_clinics():
    clinic = nbformat.read(CLINIC, as_version=4)
    cell = next(c.source for c in clinic.cells if c.cell_type == "markdown" and "## Checklist: before you trust a training notebook" in c.source)
    sheet = section(SHEET.read_text(), "Checklist before you trust a training notebook")
    assert ITEM.findall(sheet) == ITEM.findall(cell) and len(ITEM.findall(sheet)) == 8
