"""Column → rows posting lists that grow without a rebuild.

A compressed-column main segment (``indptr``/``rows``/``vals`` arrays, built in one go by
:meth:`Postings.build`) plus a small delta of entries added since, merged into the main
segment when it grows past a share of it. Gathering many columns at once is a few numpy
operations, so a query never loops over catalog rows in Python.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["Postings"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


class Postings:
    """Entries ``(column, row, value)``, gathered by column.

    The main segment may be arrays read from a snapshot (memory-mapped, shared by processes:
    :meth:`from_arrays`); entries added later go to the private delta.

    Examples
    --------
    >>> p = Postings()
    >>> p.extend([0, 1, 1], [3, 4, 5], [1.0, 0.5, 0.25])
    >>> p.build()
    >>> p.add(1, 6, 2.0)
    >>> rows, vals, which = p.gather(np.array([1]))
    >>> sorted(rows.tolist()), sorted(vals.tolist())
    ([4, 5, 6], [0.25, 0.5, 2.0])
    """

    def __init__(self, merge_share: float = 0.1, merge_min: int = 50_000) -> None:
        self.merge_share = merge_share
        self.merge_min = merge_min
        self._indptr: IntArray = np.zeros(1, dtype=np.int64)
        self._rows: IntArray = np.zeros(0, dtype=np.int64)
        self._vals: FloatArray = np.zeros(0, dtype=np.float32)
        self._d_cols: list[int] = []
        self._d_rows: list[int] = []
        self._d_vals: list[float] = []
        self._delta: tuple[IntArray, IntArray, FloatArray] | None = None

    @classmethod
    def from_arrays(
        cls,
        indptr: IntArray,
        rows: IntArray,
        vals: FloatArray,
        merge_share: float = 0.1,
        merge_min: int = 50_000,
    ) -> Postings:
        """Postings whose main segment is these arrays (used as they are, e.g. memory-mapped)."""
        if indptr.ndim != 1 or indptr.size < 1 or rows.shape != vals.shape:
            raise ValueError("postings arrays do not fit together")
        if int(indptr[-1]) != rows.size:
            raise ValueError("postings indptr does not end at the number of entries")
        out = cls(merge_share, merge_min)
        out._indptr, out._rows, out._vals = indptr, rows, vals
        return out

    def arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The main segment (``indptr``, ``rows``, ``vals``), the delta merged into it first."""
        if self._d_rows:
            self.build()
        return self._indptr, self._rows, self._vals

    @property
    def delta_size(self) -> int:
        """Entries added since the main segment was built."""
        return len(self._d_rows)

    @property
    def nnz(self) -> int:
        """Number of entries."""
        return int(self._rows.size) + len(self._d_rows)

    def extend(self, cols: list[int], rows: list[int], vals: list[float]) -> None:
        """Add many entries (they become searchable at once, from the delta)."""
        self._d_cols.extend(cols)
        self._d_rows.extend(rows)
        self._d_vals.extend(vals)
        self._delta = None

    def add(self, col: int, row: int, val: float) -> None:
        """Add one entry."""
        self._d_cols.append(col)
        self._d_rows.append(row)
        self._d_vals.append(val)
        self._delta = None
        self.maybe_build()

    def maybe_build(self) -> None:
        """Merge the delta into the main segment if it has grown past its share."""
        if len(self._d_rows) > max(self.merge_min, self.merge_share * self._rows.size):
            self.build()

    def build(self, row_map: IntArray | None = None) -> None:
        """Merge the delta into the main segment.

        Parameters
        ----------
        row_map
            Optional new row number for each old row (``-1`` drops the row's entries), used
            when the owner compacts away removed rows.
        """
        n_main = self._indptr.size - 1
        main_cols = np.repeat(np.arange(n_main, dtype=np.int64), np.diff(self._indptr))
        cols = np.concatenate([main_cols, np.asarray(self._d_cols, dtype=np.int64)])
        rows = np.concatenate([self._rows, np.asarray(self._d_rows, dtype=np.int64)])
        vals = np.concatenate([self._vals, np.asarray(self._d_vals, dtype=np.float32)])
        if row_map is not None and rows.size:
            rows = row_map[rows]
            keep = rows >= 0
            cols, rows, vals = cols[keep], rows[keep], vals[keep]
        order = np.argsort(cols, kind="stable")
        n_cols = int(cols.max()) + 1 if cols.size else 0
        counts = np.bincount(cols, minlength=n_cols)
        self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._rows = rows[order]
        self._vals = vals[order]
        self._d_cols, self._d_rows, self._d_vals = [], [], []
        self._delta = None

    def _delta_segment(self) -> tuple[IntArray, IntArray, FloatArray]:
        if self._delta is None:
            cols = np.asarray(self._d_cols, dtype=np.int64)
            order = np.argsort(cols, kind="stable")
            self._delta = (
                cols[order],
                np.asarray(self._d_rows, dtype=np.int64)[order],
                np.asarray(self._d_vals, dtype=np.float32)[order],
            )
        return self._delta

    def gather(self, cols: IntArray) -> tuple[IntArray, FloatArray, IntArray]:
        """All entries of the given columns.

        Parameters
        ----------
        cols
            Column numbers (distinct).

        Returns
        -------
        rows, vals, which
            One item per entry; ``which[i]`` is the position in ``cols`` of entry ``i``'s
            column.
        """
        cols = np.asarray(cols, dtype=np.int64)
        parts_r: list[IntArray] = []
        parts_v: list[FloatArray] = []
        parts_w: list[IntArray] = []
        n_main = self._indptr.size - 1
        inside = cols < n_main
        if inside.any():
            pos = np.flatnonzero(inside)
            starts = self._indptr[cols[pos]]
            lens = self._indptr[cols[pos] + 1] - starts
            total = int(lens.sum())
            if total:
                offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens)
                idx = offsets + np.arange(total, dtype=np.int64)
                parts_r.append(self._rows[idx])
                parts_v.append(self._vals[idx])
                parts_w.append(np.repeat(pos, lens))
        if self._d_rows:
            d_cols, d_rows, d_vals = self._delta_segment()
            lo = np.searchsorted(d_cols, cols, side="left")
            hi = np.searchsorted(d_cols, cols, side="right")
            lens = hi - lo
            total = int(lens.sum())
            if total:
                offsets = np.repeat(lo - (np.cumsum(lens) - lens), lens)
                idx = offsets + np.arange(total, dtype=np.int64)
                parts_r.append(d_rows[idx])
                parts_v.append(d_vals[idx])
                parts_w.append(np.repeat(np.arange(cols.size, dtype=np.int64), lens))
        if not parts_r:
            empty_i = np.zeros(0, dtype=np.int64)
            return empty_i, np.zeros(0, dtype=np.float32), empty_i.copy()
        return np.concatenate(parts_r), np.concatenate(parts_v), np.concatenate(parts_w)

    def memory_bytes(self) -> int:
        """Approximate memory held by the arrays (not the Python delta lists)."""
        return int(self._indptr.nbytes + self._rows.nbytes + self._vals.nbytes)
