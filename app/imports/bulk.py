"""Bulk writes for the importer: PostgreSQL ``COPY`` where it helps, executemany elsewhere.

Both paths store the same values: each value goes through its column type's own bind
processing (JSON serialised by the engine's serializer, timestamps as UTC), and a column
the rows leave out gets its Python-side default, as an ``INSERT`` through SQLAlchemy would.

- :func:`insert_returning_ids` — new rows, their ids in the order given. PostgreSQL takes
  the ids from the table's sequence first (ascending, as ``RETURNING`` would give them) and
  ``COPY``\\ s the rows with them; SQLite runs one executemany ``INSERT`` and takes the block
  of ids that ends at ``last_insert_rowid()`` (small batches: ``INSERT … RETURNING``).
- :func:`insert_rows` — new rows whose ids nobody needs (industry codes, products,
  placements).
- :func:`update_rows` — ``UPDATE … SET … WHERE id = …`` for many rows: on PostgreSQL
  ``COPY`` into a temporary table, then one ``UPDATE … FROM``; executemany elsewhere.

Rows may also come :func:`prepare`\\ d: their values already as the database takes them
(defaults filled, each through its column's bind processing), so that the work is done before
the writing transaction and the insert itself is one driver call (``executemany`` of the
driver on SQLite, ``COPY`` on PostgreSQL). A column may hold, for now, the position of a row
whose id is not known yet (:meth:`Prepared.with_ids`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

#: Below this many rows a plain statement is as fast as COPY.
COPY_FROM = 50


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _defaults(table: Table, given: Iterable[str]) -> dict[str, Any]:
    """Python-side defaults of the columns ``given`` leaves out (as Core's INSERT fills them)."""
    out: dict[str, Any] = {}
    names = set(given)
    for column in table.columns:
        default = column.default
        if column.name in names or default is None or column.primary_key:
            continue
        if default.is_scalar:
            out[column.name] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            out[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return out


@dataclass
class Prepared:
    """Rows ready for the driver: ``columns`` and one tuple of bound values per row."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.rows)

    def with_ids(self, column: str, ids: Sequence[int]) -> "Prepared":
        """The rows with ``column`` (which holds positions in ``ids``) set to those ids."""
        if not self.rows:
            return self
        at = self.columns.index(column)
        return Prepared(
            self.columns, [(*row[:at], ids[row[at]], *row[at + 1 :]) for row in self.rows]
        )


def prepare(dialect: Dialect, table: Table, rows: list[dict[str, Any]]) -> Prepared:
    """``rows`` (dicts with the same keys) as the database takes them; see the module's text."""
    if not rows:
        return Prepared([], [])
    columns = list(rows[0])
    defaults = _defaults(table, columns)
    names = [*columns, *defaults]
    fill = list(defaults.values())
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    active = [(i, process) for i, process in enumerate(processors) if process is not None]
    # A batch's rows share their timestamps: each distinct one is bound once.
    stamps: dict[tuple[int, dt.datetime, dt.timedelta | None], Any] = {}
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = [row[c] for c in columns] + fill
        for i, process in active:
            value = values[i]
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                key = (i, value, value.utcoffset())  # equal instants in two zones differ
                if key not in stamps:
                    stamps[key] = process(value)
                values[i] = stamps[key]
            else:
                values[i] = process(value)
        out.append(tuple(values))
    return Prepared(names, out)


def _bound(values: Sequence[Any], processors: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(values, processors, strict=True)
    )


def _copy(session: Session, target: str, table: Table, columns: Sequence[str], rows: Any) -> None:
    """``COPY target (columns) FROM STDIN`` the tuples ``rows`` (values as ``table`` binds them)."""
    dialect = session.get_bind().dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
    _copy_bound(session, target, columns, (_bound(row, processors) for row in rows))


def _copy_bound(session: Session, target: str, columns: Sequence[str], rows: Any) -> None:
    """``COPY target (columns) FROM STDIN`` the tuples ``rows``, bound already."""
    dialect = session.get_bind().dialect
    raw = session.connection().connection.driver_connection
    assert raw is not None
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_bound(session: Session, table: Table, prepared: Prepared) -> None:
    """Insert prepared rows in one driver call (``COPY`` on PostgreSQL)."""
    preparer = session.get_bind().dialect.identifier_preparer
    target = preparer.format_table(table)
    if _is_postgres(session):
        _copy_bound(session, target, prepared.columns, prepared.rows)
        return
    raw = session.connection().connection.driver_connection
    assert raw is not None
    listed = ", ".join(preparer.quote(name) for name in prepared.columns)
    marks = ", ".join("?" for _ in prepared.columns)
    # identifiers from the table's metadata, quoted; the values are bound
    statement = f"INSERT INTO {target} ({listed}) VALUES ({marks})"  # noqa: S608
    raw.executemany(statement, prepared.rows)


def _copy_dicts(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    defaults = _defaults(table, columns)
    names = [*columns, *defaults]
    fill = tuple(defaults.values())
    _copy(
        session,
        session.get_bind().dialect.identifier_preparer.format_table(table),
        table,
        names,
        ((*(row[c] for c in columns), *fill) for row in rows),
    )


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]] | Prepared) -> None:
    """Insert ``rows`` (dicts with the same keys, or prepared)."""
    if isinstance(rows, Prepared):
        if rows.rows:
            _insert_bound(session, table, rows)
        return
    if not rows:
        return
    if _is_postgres(session) and len(rows) >= COPY_FROM:
        _copy_dicts(session, table, rows)
    else:
        session.execute(insert(table), rows)


def insert_returning_ids(
    session: Session, table: Table, rows: list[dict[str, Any]] | Prepared
) -> list[int]:
    """Insert ``rows`` (dicts with the same keys, no id; or prepared) and return their ids, in
    order."""
    if isinstance(rows, Prepared):
        return _insert_prepared(session, table, rows)
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(rows) >= COPY_FROM:
        return _sqlite_insert(session, table, rows)
    if not (dialect == "postgresql" and len(rows) >= COPY_FROM):
        result = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return [row_id for (row_id,) in result]
    ids = sorted(
        session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": len(rows)},
        )
    )
    _copy_dicts(session, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def _insert_prepared(session: Session, table: Table, prepared: Prepared) -> list[int]:
    """Insert prepared rows (no id); their ids, in order (as :func:`insert_returning_ids`)."""
    if not prepared.rows:
        return []
    if _is_postgres(session):
        ids = sorted(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table.name, "n": len(prepared.rows)},
            )
        )
        rows = [(i, *row) for i, row in zip(ids, prepared.rows, strict=True)]
        _insert_bound(session, table, Prepared(["id", *prepared.columns], rows))
        return ids
    _insert_bound(session, table, prepared)
    return _sqlite_block(session, table, len(prepared.rows))


def _sqlite_block(session: Session, table: Table, count: int) -> list[int]:
    """The ids of the ``count`` rows just inserted in one statement (see _sqlite_insert)."""
    last = int(session.scalar(text("SELECT last_insert_rowid()")) or 0)
    first = last - count + 1
    found = session.scalar(
        select(func.count()).select_from(table).where(table.c.id.between(first, last))
    )
    if found != count or session.scalar(select(func.max(table.c.id))) != last:
        raise RuntimeError(f"{table.name}: the new rows' ids are not one block")  # never seen
    return list(range(first, last + 1))


def _sqlite_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """One executemany INSERT; the ids are the block that ends at ``last_insert_rowid()``.

    ``INSERT … RETURNING`` in parameter order runs one statement per row on SQLite. SQLite has
    one writer at a time and gives each new row of an ``INTEGER PRIMARY KEY`` table the next
    id, so the rows of one statement get consecutive ids; that is checked before it is used.
    """
    session.execute(insert(table), rows)
    last = int(session.scalar(text("SELECT last_insert_rowid()")) or 0)
    first = last - len(rows) + 1
    found = session.scalar(
        select(func.count()).select_from(table).where(table.c.id.between(first, last))
    )
    if found != len(rows) or session.scalar(select(func.max(table.c.id))) != last:
        raise RuntimeError(f"{table.name}: the new rows' ids are not one block")  # never seen
    return list(range(first, last + 1))


def update_rows(
    session: Session, table: Table, fields: Iterable[str], rows: list[dict[str, Any]]
) -> None:
    """``UPDATE table SET fields, version, updated_at WHERE id = row["id"]`` for each row."""
    if not rows:
        return
    names = [*fields, "version", "updated_at"]
    if _is_postgres(session) and len(rows) >= COPY_FROM:
        preparer = session.get_bind().dialect.identifier_preparer
        target = preparer.format_table(table)
        quoted = {name: preparer.quote(name) for name in ["id", *names]}
        listed = ", ".join(quoted.values())
        session.execute(text("DROP TABLE IF EXISTS import_update"))
        session.execute(
            # identifiers from the table's metadata, quoted; no value is put in the text
            text(f"CREATE TEMP TABLE import_update AS SELECT {listed} FROM {target} WITH NO DATA")  # noqa: S608
        )
        _copy(
            session,
            "import_update",
            table,
            ["id", *names],
            ((row["id"], *(row[n] for n in names)) for row in rows),
        )
        assignments = ", ".join(f"{quoted[n]} = s.{quoted[n]}" for n in names)
        session.execute(
            text(
                f"UPDATE {target} AS t SET {assignments} FROM import_update AS s WHERE t.id = s.id"  # noqa: S608
            )
        )
        session.execute(text("DROP TABLE import_update"))
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in names})
    )
    session.execute(statement, [{f"b_{k}": row[k] for k in ["id", *names]} for row in rows])
