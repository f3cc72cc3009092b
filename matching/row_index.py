"""What the supplier index and the need index share: records in rows, found by id.

Both index one kind of record (a supplier profile, an open need) as a row of a
:class:`~matching.table.RowTable` (the id, whether the row is alive, where the record is, and
what each index adds), with :class:`~matching.postings.Postings` from names, certifications
and industries to rows. Adding, replacing and removing a record, compacting away dead rows,
region look-ups and writing or reading the arrays of a snapshot are the same for both, and
live here; what a record contributes and how queries rank are each index's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from matching.geo import RegionCentres
from matching.postings import Postings
from matching.signals import RegionPoint, region_point
from matching.snapshot import SnapshotError, SnapshotReader, SnapshotWriter
from matching.table import RowIds, RowTable

__all__ = ["REGION_COLUMNS", "RowIndex"]

REGION_COLUMNS: dict[str, tuple[Any, Any]] = {
    "id": (np.int64, -1),
    "alive": (np.bool_, False),
    "region": (np.int32, -1),
    "city": (np.int32, -1),
    "province": (np.int32, -1),
    "lng": (np.float32, np.nan),
    "lat": (np.float32, np.nan),
}
"""The columns every index has: the record's id, whether its row is alive, and its region."""
COMPACT_MIN_ROWS = 1000
"""Dead rows are compacted away only in tables larger than this …"""
COMPACT_ALIVE_SHARE = 0.7
"""… once fewer than this share of their rows are alive."""


class _Record(Protocol):
    @property
    def id(self) -> int: ...


class RowIndex:
    """Records in rows, found by id: adding, replacing, removing, compacting, snapshots.

    A subclass sets :attr:`ROW_COLUMNS` and :attr:`COUNT` (the fitted attribute holding how
    many records are indexed), and implements :meth:`_ingest` (append records as rows) and
    :meth:`_postings` (its posting lists by name); :meth:`_renumber` if it keeps anything
    else by row.

    The indexes keep scikit-learn's estimator style (``__init__`` only stores parameters,
    ``fit`` returns ``self``, learned state ends in ``_``, an index used before ``fit`` or
    ``load`` raises scikit-learn's ``NotFittedError``) but do not inherit its
    ``BaseEstimator``: that would import scikit-learn (with SciPy and pandas, ~1.5 s) into
    every process that answers a shortlist, and nothing clones an index or tunes its
    parameters. scikit-learn is imported only to raise that error.
    """

    ROW_COLUMNS: ClassVar[dict[str, tuple[Any, Any]]] = REGION_COLUMNS
    COUNT: ClassVar[str] = "n_records_"
    region_centres: RegionCentres | None
    rows_: RowTable
    row_of_: RowIds
    _regions: dict[str | None, RegionPoint]

    # -- what a subclass provides ----------------------------------------------------------

    def _ingest(self, records: Iterable[Any]) -> None:
        raise NotImplementedError

    def _postings(self) -> dict[str, Postings]:
        raise NotImplementedError

    def _renumber(self, row_map: np.ndarray[Any, np.dtype[np.int64]]) -> None:
        """Move what the subclass keeps by row to the rows' new numbers (-1: dropped)."""

    def _forget(self, row: int) -> None:
        """Drop what the subclass keeps for a row that died."""

    # -- shared ----------------------------------------------------------------------------

    def _check_is_fitted(self) -> None:
        """Raise ``sklearn.exceptions.NotFittedError`` unless :meth:`fit` or ``load`` ran."""
        if not hasattr(self, self.COUNT):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' (or "
                "'load') before using it."
            )

    def _start_rows(self) -> None:
        self.rows_ = RowTable(self.ROW_COLUMNS)
        self.row_of_ = RowIds()
        self._regions = {}

    def _count(self) -> None:
        setattr(self, self.COUNT, len(self.row_of_))

    def _region(self, code: str | None) -> RegionPoint:
        point = self._regions.get(code)
        if point is None:
            point = region_point(code, self.region_centres or {})
            if len(self._regions) < 100_000:
                self._regions[code] = point
        return point

    def add(self, record: Any) -> Self:
        """Index one more record, without rebuilding.

        Raises
        ------
        ValueError
            If a record with this id is already indexed.
        """
        self._check_is_fitted()
        self._ingest((record,))
        for postings in self._postings().values():
            postings.maybe_build()
        self._count()
        return self

    def update(self, record: Any) -> Self:
        """Replace the indexed record with the same id (or add it if absent)."""
        self._check_is_fitted()
        if record.id in self.row_of_:
            self._kill(record.id)
        return self.add(record)

    def remove(self, record_id: int) -> Self:
        """Stop ranking a record.

        Raises
        ------
        KeyError
            If no record with this id is indexed.
        """
        self._check_is_fitted()
        self._kill(record_id)
        self._count()
        n = len(self.rows_)
        if n > COMPACT_MIN_ROWS and len(self.row_of_) < COMPACT_ALIVE_SHARE * n:
            self._compact()
        return self

    def _kill(self, record_id: int) -> None:
        row = self.row_of_.pop(record_id)
        self.rows_.set(row, alive=False)
        self._forget(row)

    def _compact(self) -> None:
        """Drop removed rows from every structure (renumbering rows, keeping order)."""
        alive = self.rows_["alive"].copy()
        row_map = np.where(alive, np.cumsum(alive) - 1, -1).astype(np.int64)
        for postings in self._postings().values():
            postings.build(row_map)
        self.rows_.keep(alive)
        self.row_of_ = RowIds.of_column(self.rows_["id"])
        self._renumber(row_map)

    @property
    def changed_since_load(self) -> int:
        """Records added, changed or removed since the index was built or loaded."""
        return self.row_of_.changed

    def memory_bytes(self) -> int:
        """Approximate bytes held by the index's arrays (not Python dicts and lists)."""
        self._check_is_fitted()
        return self.rows_.memory_bytes() + sum(p.memory_bytes() for p in self._postings().values())

    # -- snapshots -------------------------------------------------------------------------

    def _save_arrays(self, writer: SnapshotWriter, prefix: str) -> None:
        """Write the rows, the id look-up and the posting lists (removed rows stay, dead)."""
        for name, column in self.rows_.columns().items():
            writer.array(f"{prefix}.rows.{name}", column)
        ids, rows = RowIds.of_column(self.rows_["id"], self.rows_["alive"]).arrays
        writer.array(f"{prefix}.ids", ids)
        writer.array(f"{prefix}.id_rows", rows)
        for key, postings in self._postings().items():
            indptr, p_rows, vals = postings.arrays()
            writer.array(f"{prefix}.{key}.indptr", indptr)
            writer.array(f"{prefix}.{key}.rows", p_rows)
            writer.array(f"{prefix}.{key}.vals", vals)

    def _load_arrays(
        self, reader: SnapshotReader, prefix: str, postings: Iterable[str]
    ) -> dict[str, Postings]:
        """Take the rows and id look-up written by :meth:`_save_arrays` (memory-mapped); the
        posting lists by name."""
        try:
            self.rows_ = RowTable.from_columns(
                self.ROW_COLUMNS,
                {n: reader.array(f"{prefix}.rows.{n}") for n in self.ROW_COLUMNS},
            )
            out = {
                key: Postings.from_arrays(
                    reader.array(f"{prefix}.{key}.indptr"),
                    reader.array(f"{prefix}.{key}.rows"),
                    reader.array(f"{prefix}.{key}.vals"),
                )
                for key in postings
            }
        except ValueError as exc:
            raise SnapshotError(str(exc)) from exc
        self.row_of_ = RowIds(reader.array(f"{prefix}.ids"), reader.array(f"{prefix}.id_rows"))
        self._regions = {}
        return out
