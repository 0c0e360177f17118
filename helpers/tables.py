"""Fixed-width tables for training loops, like the sources' ``Iter | w (Start) | ...``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column: its title, its width in characters and a format spec for its values.

    ``fmt`` is a format spec without width, e.g. ``".3f"``, ``".4e"``, ``"d"`` or ``""``.
    """

    title: str
    width: int = 10
    fmt: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.title, str):
            raise TypeError(f"Column title must be a str, got {type(self.title).__name__}")
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise ValueError(f"Column width must be an int >= 1, got {self.width!r}")
        try:
            format(1.0 if self.fmt not in ("d", "x", "b") else 1, self.fmt)
        except ValueError as error:
            raise ValueError(f"Column fmt {self.fmt!r} is not a valid format spec") from error

    def cell(self, value: Any) -> str:
        """Return ``value`` formatted and left-aligned to this column's width."""
        if hasattr(value, "item") and callable(value.item):  # numpy scalars, 1-element tensors
            value = value.item()
        try:
            text = format(value, self.fmt)
        except (ValueError, TypeError) as error:
            raise TypeError(
                f"value {value!r} for column {self.title!r} does not fit format {self.fmt!r}"
            ) from error
        return f"{text:<{self.width}}"


class IterationTable:
    """Print a training loop's progress one row at a time.

    >>> table = IterationTable([Column("Iter", 5, "d"), Column("w", 10, ".3f")])
    >>> table.header()
    Iter  | w
    ------------------
    >>> table.row(1, 1.8)
    1     | 1.800
    """

    def __init__(self, columns: Sequence[Column | tuple], *, separator: str = " | ") -> None:
        """Args: ``columns``, each a :class:`Column` or a ``(title, width, fmt)`` tuple.

        Raises:
            ValueError: no columns.
        """
        built = [c if isinstance(c, Column) else Column(*c) for c in columns]
        if not built:
            raise ValueError("columns must name at least one column")
        self.columns: tuple[Column, ...] = tuple(built)
        self.separator = separator

    def _join(self, cells: Iterable[str]) -> str:
        return self.separator.join(cells).rstrip()

    def header_text(self) -> str:
        """Return the title line and a rule of dashes as long as a full row."""
        titles = self._join(f"{c.title:<{c.width}}" for c in self.columns)
        full = sum(c.width for c in self.columns) + len(self.separator) * (len(self.columns) - 1)
        return titles + "\n" + "-" * full

    def row_text(self, *values: Any) -> str:
        """Return one formatted row.

        Raises:
            ValueError: the number of values differs from the number of columns.
        """
        if len(values) != len(self.columns):
            raise ValueError(f"row needs {len(self.columns)} values (one per column), got {len(values)}")
        return self._join(c.cell(v) for c, v in zip(self.columns, values, strict=True))

    def header(self) -> None:
        """Print the title line and rule."""
        print(self.header_text())

    def row(self, *values: Any) -> None:
        """Print one row (see :meth:`row_text`)."""
        print(self.row_text(*values))


def print_table(columns: Sequence[Column | tuple], rows: Iterable[Sequence[Any]]) -> None:
    """Print a header and every row of ``rows`` with :class:`IterationTable`."""
    table = IterationTable(columns)
    table.header()
    for values in rows:
        table.row(*values)
