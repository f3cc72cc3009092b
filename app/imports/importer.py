"""What every kind of import shares: the importer's state, key lookups, who may write what.

A row names its organization by its 统一社会信用代码 or its 外部编号 (``external_id``); when a row
gives both and they belong to two different organizations it is rejected. Who may write to an
organization, and every other domain rule, is the domain's own (its ``rules`` module, the API's
words), so the API, the console and the importer refuse the same records the same way.

A batch is planned (:meth:`Importer.plan`: looked up, classified, reported; nothing written)
and then applied (:meth:`Importer.apply`: the bulk writes). Between the two, an
all-or-nothing import may let other writers in: a plan remembers what it read (its lookups
and a digest of their answers), and :meth:`Importer.unchanged_since` reads it again in the
writing transaction, so a record changed meanwhile is noticed before anything is written.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import ARRAY, ColumnElement, Table, any_, bindparam, or_, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.imports import bulk
from app.imports.report import ImportReport, ReportLine
from app.imports.rows import ParsedRow, RowProblem, rule_problem
from app.models import Organization
from app.organizations import rules as organization_rules
from app.rules import RuleProblem

ORGS: Table = Organization.__table__  # type: ignore[assignment]
#: The columns of an organization a record's owner is checked against.
_OWNER_COLUMNS = ("id", "kind", "uscc", "external_id", "registered_by_id", "version")
#: What a plan's check reads of the organizations it looked up (a record with a version is
#: compared by its id and version).
_KEY_COLUMNS = ("id", "uscc", "external_id", "version")


@dataclass
class Writes:
    """What a batch will write to one table: new rows, and changed rows with their ids.

    The new rows may be ``prepared`` instead (:func:`app.imports.bulk.prepare`; ``inserts`` is
    then empty)."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    prepared: bulk.Prepared | None = None

    def new_rows(self) -> int:
        """How many rows are inserted."""
        return len(self.prepared) if self.prepared is not None else len(self.inserts)

    def __bool__(self) -> bool:
        return bool(self.new_rows() or self.updates)


@dataclass
class Plan:
    """What one batch will write, and what it was planned from.

    ``reads`` are the lookups the plan made (a method of the importer and its arguments),
    ``digest`` a hash of their answers. Each kind of import adds what it writes.
    """

    reads: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    digest: str = ""

    def writes_anything(self) -> bool:
        """Does applying the plan write a row?"""
        raise NotImplementedError


PlanT = TypeVar("PlanT", bound=Plan)


def _canonical(value: Any) -> Any:
    """``value`` with its dicts as sorted item lists, so equal answers hash alike; a record
    with a ``version`` is its id and version (every change of a record makes a new one)."""
    if isinstance(value, dict):
        if "version" in value and "id" in value:
            return (value["id"], value["version"])
        return sorted(((repr(k), _canonical(v)) for k, v in value.items()), key=lambda kv: kv[0])
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


class Importer:
    """Shared state of one import: the session, the caller, the report, keys already seen."""

    def __init__(self, session: Session, caller: Principal | None, report: ImportReport) -> None:
        self.session = session
        #: The database's dialect (read once).
        self.dialect = session.get_bind().dialect
        self.caller = caller
        self.report = report
        self.seen: dict[Any, int] = {}
        #: Ids of the records the last :meth:`apply` wrote (created or updated), for the change
        #: log.
        self.written: list[int] = []
        #: Remember each lookup and a digest of its answer in the plan, for
        #: :meth:`unchanged_since` (only an import whose plans are checked before writing).
        self.remember_reads = False
        #: Work out in the plan what can be (placements): off for a dry run, which writes
        #: nothing.
        self.prepare = True
        self._reads: list[tuple[str, tuple[Any, ...]]] = []
        self._hash = hashlib.blake2b(digest_size=16)

    def plan(self, rows: list[ParsedRow]) -> Plan:
        """Look a batch up, classify and report every row; what it would write (nothing is)."""
        raise NotImplementedError

    def apply(self, plan: Plan) -> bool:
        """Write a plan; True when something was written (the ids are left in
        :attr:`written`)."""
        raise NotImplementedError

    def run(self, rows: list[ParsedRow], *, write: bool) -> bool:
        """Classify (and with ``write``, store) a batch; True when something was written.

        The ids written are left in :attr:`written`.
        """
        plan = self.plan(rows)
        self.written = []
        if not write or not plan.writes_anything():
            return False
        return self.apply(plan)

    def unchanged_since(self, plan: Plan) -> bool:
        """Do the lookups ``plan`` was made from answer as they did then?

        Call it in the writing transaction, holding SQLite's writer turn, so nobody changes
        them between the check and the write.
        """
        digest = hashlib.blake2b(digest_size=16)
        for name, args in plan.reads:
            digest.update(repr(_canonical(getattr(self, name)(*args))).encode())
        return digest.hexdigest() == plan.digest

    def _start_plan(self) -> None:
        self._reads = []
        self._hash = hashlib.blake2b(digest_size=16)

    def _finish_plan(self, plan: PlanT) -> PlanT:
        plan.reads = self._reads
        plan.digest = self._hash.hexdigest()
        return plan

    def _read(self, name: str, *args: Any, check: tuple[Any, ...] | None = None) -> Any:
        """Call the lookup method ``name`` and remember it and its answer for the plan; the
        plan's check calls it with ``check`` instead of ``args`` when given (the same answer
        for the digest, read with less)."""
        answer = getattr(self, name)(*args)
        if self.remember_reads:
            self._reads.append((name, args if check is None else check))
            self._hash.update(repr(_canonical(answer)).encode())
        return answer

    def _owned_rows(
        self,
        rows: list[ParsedRow],
        owner_problem: Callable[[str], RuleProblem | None],
        key: Callable[[ParsedRow, dict[str, Any]], Hashable],
    ) -> list[tuple[ParsedRow, dict[str, Any]]]:
        """The rows of a record an organization owns (a profile, a need), each with its owner.

        A row is rejected when its organization is not on record, its keys disagree, the
        organization's kind may not own such a record (``owner_problem``, the domain's rule),
        the caller does not manage it, or an earlier row had the same ``key``.
        """
        by_uscc, by_external = self._orgs_by_key(rows, _OWNER_COLUMNS)
        owned: list[tuple[ParsedRow, dict[str, Any]]] = []
        for parsed in rows:
            org, ok = self._resolve(parsed, by_uscc, by_external)
            if not ok:
                continue
            if org is None:
                self._reject(parsed, field_of(parsed), no_organization(parsed.key))
            elif (broken := owner_problem(org["kind"])) is not None:
                self._broken(parsed, broken, field_of(parsed))
            elif not self._may_manage(org):
                self._reject(parsed, field_of(parsed), not_managed(org["id"]))
            elif self._first_sight(parsed, key(parsed, org)):
                owned.append((parsed, org))
        return owned

    def _plan(
        self,
        writes: Writes,
        parsed: ParsedRow,
        org_id: int,
        current: dict[str, Any] | None,
        fields: dict[str, Any],
        names: tuple[str, ...],
        now: dt.datetime,
        problem: Callable[[dict[str, Any] | None, dict[str, Any]], RuleProblem | None]
        | None = None,
    ) -> dict[str, Any] | None:
        """Plan a row's record in ``writes`` and report it: created, updated or unchanged.

        A new record (no ``current``) gets ``fields``; a record on file gets the fields the row
        gave (of ``fields``) merged over its ``names`` columns, and a new version when that
        changes any. ``problem(current, values)``, the domain's rule, may reject the row.
        Returns the update planned (``None`` when the row creates, changes nothing or is
        rejected).
        """
        if current is None:
            if problem is not None and (broken := problem(None, fields)) is not None:
                self._broken(parsed, broken)
                return None
            writes.inserts.append(
                {
                    "organization_id": org_id,
                    **fields,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            self.report.add(ReportLine(parsed.row, parsed.key, "created"))
            return None
        given = {f: fields[f] for f in parsed.data.model_fields_set if f in fields}
        merged = {f: current[f] for f in names} | given
        if problem is not None and (broken := problem(current, merged)) is not None:
            self._broken(parsed, broken)
            return None
        if all(merged[f] == current[f] for f in names):
            self.report.add(ReportLine(parsed.row, parsed.key, "unchanged"))
            return None
        update = {
            "id": current["id"],
            **merged,
            "version": current["version"] + 1,
            "updated_at": now,
        }
        writes.updates.append(update)
        self.report.add(ReportLine(parsed.row, parsed.key, "updated"))
        return update

    def _prepared(self, table: Table, rows: list[dict[str, Any]]) -> bulk.Prepared:
        """``rows`` as the database takes them (the work done while planning)."""
        return bulk.prepare(self.dialect, table, rows)

    def _write(self, table: Table, names: tuple[str, ...], writes: Writes) -> list[int]:
        """Store the planned rows; the new rows' ids (in order) are returned and, with the
        updated ones, left in :attr:`written`."""
        new = writes.prepared if writes.prepared is not None else writes.inserts
        ids = bulk.insert_returning_ids(self.session, table, new)
        bulk.update_rows(self.session, table, names, writes.updates)
        self.written = [*ids, *(u["id"] for u in writes.updates)]
        return ids

    def _first_sight(self, parsed: ParsedRow, *keys: Any) -> bool:
        """False (and the row rejected) when an earlier row of the file had one of ``keys``."""
        for key in keys:
            if key is not None and key in self.seen:
                field = "uscc" if key == ("uscc", parsed.uscc) else "external_id"
                if isinstance(key, tuple) and key[0] == "need":
                    field = "title"
                self._reject(parsed, field, f"与第 {self.seen[key]} 行是同一条记录")
                return False
        for key in keys:
            if key is not None:
                self.seen[key] = parsed.row
        return True

    def _reject(self, parsed: ParsedRow, field: str, reason: str) -> None:
        self.report.reject(parsed.row, parsed.key, [RowProblem(parsed.row, field, reason)])

    def _broken(self, parsed: ParsedRow, broken: RuleProblem, field: str | None = None) -> None:
        """Reject the row for a domain rule, in the API's words (``field``: the report's)."""
        self.report.reject(parsed.row, parsed.key, [rule_problem(parsed.row, broken, field)])

    def _may_manage(self, org: dict[str, Any]) -> bool:
        """The API's rule (:meth:`Principal.manages`); the command line (no caller) may."""
        if self.caller is None:
            return True
        return self.caller.manages(cast(Organization, _OrgKeys(org["id"], org["registered_by_id"])))

    def _orgs_by_key(
        self, rows: list[ParsedRow], columns: tuple[str, ...]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        usccs = tuple(sorted({p.uscc for p in rows if p.uscc}))
        externals = tuple(sorted({p.external_id for p in rows if p.external_id}))
        if not usccs and not externals:
            return {}, {}
        found: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]
        if "version" in columns:
            found = self._read(
                "_orgs", usccs, externals, columns, check=(usccs, externals, _KEY_COLUMNS)
            )
        else:
            found = self._read("_orgs", usccs, externals, columns)
        return found

    def _orgs(
        self, usccs: tuple[str, ...], externals: tuple[str, ...], columns: tuple[str, ...]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """The organizations with one of these keys, by 统一社会信用代码 and by 外部编号."""
        found = self.session.execute(
            select(*(ORGS.c[name] for name in columns))
            # an empty IN next to an OR made SQLite scan the whole table
            .where(
                or_(
                    *([self._among(ORGS.c.uscc, usccs)] if usccs else []),
                    *([self._among(ORGS.c.external_id, externals)] if externals else []),
                )
            )
            .order_by(ORGS.c.id)
        ).mappings()
        by_uscc: dict[str, dict[str, Any]] = {}
        by_external: dict[str, dict[str, Any]] = {}
        for org in found:
            record = dict(org)
            by_uscc[record["uscc"]] = record
            if record["external_id"]:
                by_external[record["external_id"]] = record
        return by_uscc, by_external

    def _among(self, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
        """``column IN values``; on PostgreSQL ``column = ANY(:array)``, one parameter, so a
        batch's statement is not thousands of parameters long (compiled and parsed anew each
        time) and is the same statement for every batch."""
        if self.dialect.name == "postgresql":
            return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
        return column.in_(values)

    def _resolve(
        self,
        parsed: ParsedRow,
        by_uscc: dict[str, dict[str, Any]],
        by_external: dict[str, dict[str, Any]],
    ) -> tuple[dict[str, Any] | None, bool]:
        """The organization a row names, and False when its two keys disagree."""
        one = by_uscc.get(parsed.uscc) if parsed.uscc else None
        two = by_external.get(parsed.external_id) if parsed.external_id else None
        if one is not None and two is not None and one["id"] != two["id"]:
            self._reject(
                parsed,
                "external_id",
                f"统一社会信用代码 {parsed.uscc} 与外部编号 {parsed.external_id} 属于不同的企业",
            )
            return None, False
        return one or two, True


def not_managed(org_id: int) -> str:
    """The API's words for a firm the caller does not manage (Chinese, like the report)."""
    return organization_rules.not_managed(org_id).zh


class _OrgKeys(NamedTuple):
    """What :meth:`Principal.manages` reads of an organization."""

    id: int
    registered_by_id: int | None


def no_organization(key: str) -> str:
    """A row names a firm that is not on record."""
    return f"没有找到企业 {key}，请先导入企业"


def field_of(parsed: ParsedRow) -> str:
    """The key column a row named its organization by."""
    return "uscc" if parsed.uscc else "external_id"
