"""Per-row attributes in numpy arrays that grow by appending (amortised doubling).

A table may start from a *base* of columns read from a snapshot (:mod:`matching.snapshot`):
read-only, memory-mapped arrays that every worker process on the machine shares through the
page cache. Rows appended later live in private, growable arrays after the base (the tail);
a column written to in the base (``alive`` when a row is removed) is copied first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["RowIds", "RowTable"]

IntArray = npt.NDArray[np.int64]


class RowTable:
    """Named 1-d numpy columns of equal length with amortised appends.

    Examples
    --------
    >>> t = RowTable({"id": (np.int64, -1), "alive": (np.bool_, False)})
    >>> t.append(id=7, alive=True)
    0
    >>> t["id"].tolist(), len(t)
    ([7], 1)
    >>> base = RowTable.from_columns(t.spec, {"id": np.array([7]), "alive": np.array([True])})
    >>> base.append(id=8, alive=True)
    1
    >>> base.take("id", np.array([1, 0])).tolist(), int(base.value("id", 1))
    ([8, 7], 8)
    """

    def __init__(self, columns: dict[str, tuple[Any, Any]]) -> None:
        self._spec = dict(columns)
        self._nb = 0  # rows in the base
        self._base: dict[str, npt.NDArray[Any]] = {}
        self._n = 0  # rows in the tail
        self._data: dict[str, npt.NDArray[Any]] = {
            name: np.full(16, fill, dtype=dtype) for name, (dtype, fill) in self._spec.items()
        }
        self._joined: dict[str, npt.NDArray[Any]] = {}

    @classmethod
    def from_columns(
        cls, columns: dict[str, tuple[Any, Any]], base: dict[str, npt.NDArray[Any]]
    ) -> RowTable:
        """A table whose first rows are ``base`` (arrays used as they are, e.g. memory-mapped)."""
        table = cls(columns)
        sizes = {int(base[name].shape[0]) for name in columns}
        if len(sizes) != 1:
            raise ValueError("base columns differ in length")
        for name, (dtype, _fill) in columns.items():
            if base[name].dtype != np.dtype(dtype):
                raise ValueError(f"base column {name} is {base[name].dtype}, not {dtype}")
        table._base = {name: base[name] for name in columns}
        table._nb = sizes.pop()
        return table

    @property
    def spec(self) -> dict[str, tuple[Any, Any]]:
        """Column name → (dtype, fill value)."""
        return dict(self._spec)

    @property
    def base_rows(self) -> int:
        """Rows in the (shared) base; rows after it were appended in this process."""
        return self._nb

    def __len__(self) -> int:
        return self._nb + self._n

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        """The whole column (a copy once rows were appended after a base: prefer :meth:`take`)."""
        if not self._nb:
            return self._data[name][: self._n]
        if not self._n:
            return self._base[name]
        joined = self._joined.get(name)
        if joined is None:
            joined = np.concatenate([self._base[name], self._data[name][: self._n]])
            self._joined[name] = joined
        return joined

    def take(self, name: str, rows: IntArray) -> npt.NDArray[Any]:
        """The column's values at ``rows``."""
        if not self._nb:
            return self._data[name][: self._n][rows]
        base = self._base[name]
        if not self._n:
            return base[rows]
        tail = rows >= self._nb
        if not tail.any():
            return base[rows]
        out = np.empty(rows.shape, dtype=base.dtype)
        head = ~tail
        out[head] = base[rows[head]]
        out[tail] = self._data[name][rows[tail] - self._nb]
        return out

    def value(self, name: str, row: int) -> Any:
        """One value."""
        if row < self._nb:
            return self._base[name][row]
        return self._data[name][row - self._nb]

    def extend(self, **columns: npt.ArrayLike) -> None:
        """Append many rows at once, one sequence per column (unnamed columns: fill)."""
        arrays = {name: np.asarray(values) for name, values in columns.items()}
        count = len(next(iter(arrays.values()))) if arrays else 0
        need = self._n + count
        for name, (dtype, fill) in self._spec.items():
            data = self._data[name]
            if need > data.size:
                grown = np.full(max(16, need, 2 * self._n), fill, dtype=dtype)
                grown[: self._n] = data[: self._n]
                self._data[name] = data = grown
            if name in arrays:
                data[self._n : need] = arrays[name]
        self._n = need
        self._joined.clear()

    def append(self, **values: Any) -> int:
        """Append one row (unnamed columns get their fill value); returns its number."""
        if self._n == self._data[next(iter(self._data))].size:
            for name, (dtype, fill) in self._spec.items():
                grown = np.full(max(16, 2 * self._n), fill, dtype=dtype)
                grown[: self._n] = self._data[name][: self._n]
                self._data[name] = grown
        for name, value in values.items():
            self._data[name][self._n] = value
        self._n += 1
        self._joined.clear()
        return self._nb + self._n - 1

    def set(self, row: int, **values: Any) -> None:
        """Overwrite values of one row (a base column is copied before its first write)."""
        for name, value in values.items():
            if row < self._nb:
                base = self._base[name]
                if not base.flags.writeable:
                    self._base[name] = base = np.array(base)
                base[row] = value
            else:
                self._data[name][row - self._nb] = value
            self._joined.pop(name, None)

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Keep only the rows where ``mask`` is true, in order (the table has no base after)."""
        for name in self._spec:
            self._data[name] = self[name][mask].copy()
        self._base, self._nb, self._joined = {}, 0, {}
        self._n = int(mask.sum())

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every column, whole (for writing a snapshot)."""
        return {name: self[name] for name in self._spec}

    def memory_bytes(self) -> int:
        """Bytes held by the columns (a memory-mapped base counts, though it is shared)."""
        return sum(int(a.nbytes) for a in (*self._data.values(), *self._base.values()))


class RowIds:
    """Record id → row number: sorted arrays for a base of rows (shareable, memory-mapped) and
    a dict for rows added since.

    Examples
    --------
    >>> ids = RowIds.of_column(np.array([30, 10, 20]))
    >>> ids[10], ids.get(20), 40 in ids, len(ids)
    (1, 2, False, 3)
    >>> ids.pop(10)
    1
    >>> ids[40] = 3
    >>> sorted(ids), len(ids)
    ([20, 30, 40], 3)
    """

    def __init__(self, sorted_ids: IntArray | None = None, rows: IntArray | None = None) -> None:
        self._ids: IntArray = np.zeros(0, np.int64) if sorted_ids is None else sorted_ids
        self._rows: IntArray = np.zeros(0, np.int64) if rows is None else rows
        self._dead: set[int] = set()  # base ids removed
        self._extra: dict[int, int] = {}

    @classmethod
    def of_column(cls, ids: IntArray, alive: npt.NDArray[np.bool_] | None = None) -> RowIds:
        """Ids by row (``alive`` rows only)."""
        rows = np.arange(ids.size, dtype=np.int64)
        if alive is not None:
            rows = rows[alive]
        order = np.argsort(ids[rows], kind="stable")
        return cls(np.ascontiguousarray(ids[rows][order], dtype=np.int64), rows[order])

    @property
    def arrays(self) -> tuple[IntArray, IntArray]:
        """The base's sorted ids and their rows (for a snapshot; rows added since excluded)."""
        return self._ids, self._rows

    def _base_row(self, key: int) -> int | None:
        if key in self._dead or not self._ids.size:
            return None
        pos = int(np.searchsorted(self._ids, key))
        if pos < self._ids.size and int(self._ids[pos]) == key:
            return int(self._rows[pos])
        return None

    def get(self, key: int, default: int | None = None) -> int | None:
        """The row of ``key``, or ``default``."""
        found = self._extra.get(key)
        if found is None:
            found = self._base_row(key)
        return default if found is None else found

    def __getitem__(self, key: int) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int | np.integer) and self.get(int(key)) is not None

    def __setitem__(self, key: int, row: int) -> None:
        if self._base_row(key) is not None:
            self._dead.add(key)
        self._extra[key] = row

    def update(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Set many ``(id, row)``."""
        for key, row in pairs:
            self[key] = row

    def pop(self, key: int) -> int:
        """Remove ``key``; its row (``KeyError`` if absent)."""
        if key in self._extra:
            return self._extra.pop(key)
        row = self._base_row(key)
        if row is None:
            raise KeyError(key)
        self._dead.add(key)
        return row

    def __len__(self) -> int:
        return int(self._ids.size) - len(self._dead) + len(self._extra)

    def __iter__(self) -> Iterator[int]:
        dead = self._dead
        extra = self._extra
        for key in self._ids.tolist():
            if key not in dead and key not in extra:
                yield key
        yield from extra

    @property
    def changed(self) -> int:
        """Ids added or removed since the base (the overlay's size)."""
        return len(self._dead) + len(self._extra)
