"""Per-row attributes in numpy arrays that grow by appending (amortised doubling)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["RowTable"]


class RowTable:
    """Named 1-d numpy columns of equal length with amortised appends.

    Examples
    --------
    >>> t = RowTable({"id": (np.int64, -1), "alive": (np.bool_, False)})
    >>> t.append(id=7, alive=True)
    0
    >>> t["id"].tolist(), len(t)
    ([7], 1)
    """

    def __init__(self, columns: dict[str, tuple[Any, Any]]) -> None:
        self._spec = dict(columns)
        self._n = 0
        self._data: dict[str, npt.NDArray[Any]] = {
            name: np.full(16, fill, dtype=dtype) for name, (dtype, fill) in self._spec.items()
        }

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._data[name][: self._n]

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
        return self._n - 1

    def set(self, row: int, **values: Any) -> None:
        """Overwrite values of one row."""
        for name, value in values.items():
            self._data[name][row] = value

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Keep only the rows where ``mask`` is true, in order."""
        for name in self._spec:
            self._data[name] = self._data[name][: self._n][mask].copy()
        self._n = int(mask.sum())

    def memory_bytes(self) -> int:
        """Bytes held by the columns."""
        return sum(int(a.nbytes) for a in self._data.values())
