"""Matching-index snapshots: a worker starts from one plus the change log, not a rebuild.

A snapshot is a folder under ``<data dir>/index-snapshots/<database key>/`` (see
:func:`snapshot_root`) holding the supplier index's arrays (memory-mapped by every worker on
the machine, so they share one copy through the page cache), each profile's facts as one
JSON record in a byte blob (decoded only for the profiles a result shows), and the open
needs. Its manifest records the format version and the last change-log id it covers (and
the ids still missing below it then), and the database lists it in ``index_snapshots``: a
worker loads only a folder this database lists, of this format, whose files pass their
checksums; anything else is ignored and the index is built from the database instead.

The first worker that finds no usable snapshot builds one while holding a file lock in the
folder, so four workers starting together build once: the others wait, then load it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import socket
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.matches.loading import (
    FirmFacts,
    IndexedNeed,
    IndexedProfile,
    load_open_needs,
    load_profiles,
)
from app.models import ChangeEntry, IndexSnapshot
from app.platform.changes import ChangeFeed
from app.reference.tables import region_centres
from matching import NeedIndex, SupplierIndex
from matching.records import CertificationItem, NeedRecord, ProductItem, ProfileRecord
from matching.snapshot import (
    FORMAT_VERSION,
    RecordBlob,
    SnapshotError,
    SnapshotReader,
    SnapshotWriter,
)

log = logging.getLogger("xieshou.matching")

KEEP = 2
"""Snapshots kept in a folder (the newest); older ones are deleted with their rows."""
UNLISTED_GRACE = timedelta(minutes=10)
"""A folder the database does not list is deleted only once older than this (it may be a
snapshot another worker has published but not yet listed)."""


# -- where ---------------------------------------------------------------------------------


def snapshot_root(database_url: str, data_dir: Path) -> Path | None:
    """The snapshot folder of this database under ``data_dir`` (``None`` for an in-memory
    SQLite database). The folder name is derived from the database's address, password left
    out, so two databases never share a folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:":
        return None
    where = url.set(password=None).render_as_string(hide_password=False)
    if url.get_backend_name() == "sqlite":
        where = f"sqlite:{Path(url.database or '').resolve()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    name = "".join(c if c.isalnum() else "_" for c in (url.database or "db"))[-40:]
    return data_dir / "index-snapshots" / f"{Path(name).name}-{digest}"


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the folder's build lock (one builder per machine at a time). A folder that cannot
    be written is no reason not to build: then no lock is taken (and no snapshot written)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        f = (root / ".build.lock").open("a")
    except OSError as exc:
        log.warning("index snapshots: %s cannot be written (%s)", root, exc)
        yield
        return
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# -- records -------------------------------------------------------------------------------


def encode_profile(p: IndexedProfile) -> bytes:
    """One profile (record and firm facts) as compact JSON."""
    r = p.record
    return json.dumps(
        [
            r.id,
            p.firm.id,
            r.name,
            r.region_code,
            r.tier,
            [[i.name, i.weight] for i in r.products],
            r.technologies,
            r.processes,
            r.materials,
            [
                [c.standard, c.valid_until.isoformat() if c.valid_until else None]
                for c in r.certifications
            ],
            r.industry_codes,
            r.capacity,
            r.description,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def decode_profile(data: bytes) -> IndexedProfile:
    """The profile :func:`encode_profile` wrote."""
    (pid, org, name, region, tier, products, techs, procs, mats, certs, codes, cap, desc) = (
        json.loads(data)
    )
    items = tuple(ProductItem(n, w) for n, w in products)
    record = ProfileRecord(
        id=pid,
        name=name,
        products=items,
        technologies=tuple(techs),
        processes=tuple(procs),
        materials=tuple(mats),
        certifications=tuple(
            CertificationItem(s, date.fromisoformat(v) if v else None) for s, v in certs
        ),
        region_code=region,
        tier=tier,
        industry_codes=tuple(codes),
        capacity=cap,
        description=desc,
    )
    ranked = sorted(items, key=lambda p: -(p.weight or 0.0))
    return IndexedProfile(record, FirmFacts(org, name, region, tier), tuple(p.name for p in ranked))


def encode_need(n: IndexedNeed) -> dict[str, Any]:
    """One open need (its resolved record and firm facts) as a JSON-able dict."""
    r = n.record
    return {
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "products": r.products,
        "application": r.application,
        "required": r.required_certifications,
        "preferred": r.preferred_regions,
        "region": r.region_code,
        "industries": r.industry_codes,
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "expected": r.expected_certifications,
        "firm": [n.firm.id, n.firm.name, n.firm.region_code, n.firm.tier],
        "need_title": n.title,
        "kind": n.kind,
    }


def decode_need(d: dict[str, Any]) -> IndexedNeed:
    """The need :func:`encode_need` wrote."""
    record = NeedRecord(
        id=d["id"],
        title=d["title"],
        description=d["description"],
        products=tuple(d["products"]),
        application=d["application"],
        required_certifications=tuple(d["required"]),
        preferred_regions=tuple(d["preferred"]),
        region_code=d["region"],
        industry_codes=tuple(d["industries"]),
        deadline=date.fromisoformat(d["deadline"]) if d["deadline"] else None,
        expected_certifications=tuple(d["expected"]),
    )
    return IndexedNeed(record, FirmFacts(*d["firm"]), d["need_title"], d["kind"])


class ProfileBook:
    """Every indexed profile by id, as the index shows it: records of a snapshot decoded on
    demand from a shared blob, plus this worker's own changes since (a small overlay).

    Not thread-safe: the index's lock guards it.
    """

    def __init__(
        self,
        blob: RecordBlob | None = None,
        ids: npt.NDArray[np.int64] | None = None,
        orgs: npt.NDArray[np.int64] | None = None,
        org_profiles: npt.NDArray[np.int64] | None = None,
    ) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self._blob = blob
        self._ids = empty if ids is None else ids  # sorted; record i of the blob
        self._orgs = empty if orgs is None else orgs  # sorted
        self._org_profiles = empty if org_profiles is None else org_profiles
        self._overlay: dict[int, IndexedProfile | None] = {}
        self._org_overlay: dict[int, int | None] = {}
        self._n = int(self._ids.size)

    @classmethod
    def of(cls, profiles: Iterable[IndexedProfile]) -> ProfileBook:
        """A book held in memory (no snapshot)."""
        book = cls()
        for p in profiles:
            book.put(p.record.id, p)
        return book

    @staticmethod
    def write(writer: SnapshotWriter, profiles: list[IndexedProfile]) -> None:
        """Save ``profiles`` into a snapshot."""
        ordered = sorted(profiles, key=lambda p: p.record.id)
        ids = np.fromiter((p.record.id for p in ordered), dtype=np.int64, count=len(ordered))
        orgs = np.fromiter((p.firm.id for p in ordered), dtype=np.int64, count=len(ordered))
        by_org = np.argsort(orgs, kind="stable")
        writer.array("profiles.ids", ids)
        writer.array("profiles.orgs", orgs[by_org])
        writer.array("profiles.org_profiles", ids[by_org])
        writer.records("profiles", (encode_profile(p) for p in ordered))

    @classmethod
    def read(cls, reader: SnapshotReader) -> ProfileBook:
        """The book saved by :meth:`write`, its arrays memory-mapped."""
        book = cls(
            reader.records("profiles"),
            reader.array("profiles.ids"),
            reader.array("profiles.orgs"),
            reader.array("profiles.org_profiles"),
        )
        if len(book._blob or ()) != book._ids.size or book._orgs.size != book._ids.size:
            raise SnapshotError("profile records do not fit their ids")
        return book

    def _base(self, profile_id: int) -> IndexedProfile | None:
        if self._blob is None or not self._ids.size:
            return None
        pos = int(np.searchsorted(self._ids, profile_id))
        if pos < self._ids.size and int(self._ids[pos]) == profile_id:
            return decode_profile(self._blob[pos])
        return None

    def get(self, profile_id: int) -> IndexedProfile | None:
        """The profile, or ``None``."""
        if profile_id in self._overlay:
            return self._overlay[profile_id]
        return self._base(profile_id)

    def __getitem__(self, profile_id: int) -> IndexedProfile:
        found = self.get(profile_id)
        if found is None:
            raise KeyError(profile_id)
        return found

    def __contains__(self, profile_id: int) -> bool:
        return self.get(profile_id) is not None

    def __len__(self) -> int:
        return self._n

    @property
    def changed(self) -> int:
        """Profiles added, changed or removed since the snapshot (the overlay's size)."""
        return len(self._overlay)

    def put(self, profile_id: int, profile: IndexedProfile | None) -> None:
        """Set (or, with ``None``, remove) a profile."""
        old = self.get(profile_id)
        if old is not None and self.profile_of_org(old.firm.id) == profile_id:
            self._org_overlay[old.firm.id] = None
        self._n += (profile is not None) - (old is not None)
        self._overlay[profile_id] = profile
        if profile is not None:
            self._org_overlay[profile.firm.id] = profile_id

    def profile_of_org(self, org_id: int) -> int | None:
        """The profile id of an organization, if it has one indexed."""
        if org_id in self._org_overlay:
            return self._org_overlay[org_id]
        pos = int(np.searchsorted(self._orgs, org_id))
        if pos < self._orgs.size and int(self._orgs[pos]) == org_id:
            return int(self._org_profiles[pos])
        return None

    def of_orgs(self, org_ids: Collection[int]) -> set[int]:
        """Profile ids of these organizations."""
        return {p for o in org_ids if (p := self.profile_of_org(o)) is not None}


# -- a whole index -------------------------------------------------------------------------


@dataclass
class IndexState:
    """Everything a worker's index answers from, and the change-log position it reflects."""

    suppliers: SupplierIndex
    needs: NeedIndex
    profiles: ProfileBook
    open_needs: dict[int, IndexedNeed]
    change_id: int
    gaps: list[int] = field(default_factory=list)
    token: str | None = None  # the snapshot it was loaded from

    def feed(self) -> ChangeFeed:
        """A change feed positioned where this state stands (ids missing then are watched)."""
        feed = ChangeFeed()
        feed.last_id = self.change_id
        now = time.monotonic()
        feed.gaps = dict.fromkeys(self.gaps, now)
        return feed

    @property
    def changed(self) -> int:
        """Profiles changed since the snapshot (0 for a state built from the database)."""
        return self.profiles.changed if self.token else 0


def build_state(
    session: Session, *, min_score: float
) -> tuple[IndexState, list[IndexedProfile], list[IndexedNeed]]:
    """Build from the database (the profile and need lists are returned for a snapshot)."""
    feed = ChangeFeed()
    feed.start(session)
    profiles = load_profiles(session)
    needs = load_open_needs(session)
    centres = region_centres()
    suppliers = SupplierIndex(region_centres=centres, min_score=min_score).fit(
        [p.record for p in profiles]
    )
    need_index = NeedIndex(region_centres=centres).fit([n.record for n in needs])
    state = IndexState(
        suppliers,
        need_index,
        ProfileBook.of(profiles),
        {n.record.id: n for n in needs},
        feed.last_id,
        sorted(feed.gaps),
    )
    return state, profiles, needs


def write_snapshot(
    root: Path,
    state: IndexState,
    profiles: list[IndexedProfile],
    needs: list[IndexedNeed],
    sessions: sessionmaker[Session],
) -> str:
    """Write ``state`` as a snapshot in ``root``, list it in the database; its token."""
    root.mkdir(parents=True, exist_ok=True)
    writer = SnapshotWriter(root)
    try:
        state.suppliers.save(writer, "suppliers")
        ProfileBook.write(writer, profiles)
        writer.json("needs", [encode_need(n) for n in needs])
        writer.publish({"change_id": state.change_id, "gaps": state.gaps})
    except BaseException:
        writer.discard()
        raise
    try:
        _register(sessions, root, writer.token, state, len(profiles), len(needs))
    except BaseException:  # not listed (a read-only database, say): no use to anyone
        shutil.rmtree(root / writer.token, ignore_errors=True)
        raise
    return writer.token


def _register(
    sessions: sessionmaker[Session],
    root: Path,
    token: str,
    state: IndexState,
    profiles: int,
    needs: int,
) -> None:
    with sessions() as session:
        session.add(
            IndexSnapshot(
                token=token,
                format_version=FORMAT_VERSION,
                change_id=state.change_id,
                profiles=profiles,
                open_needs=needs,
                host=socket.gethostname()[:255],
            )
        )
        session.commit()
        prune_snapshots(root, session)


def read_snapshot(path: Path, *, min_score: float, verify: bool = True) -> IndexState:
    """The index state saved in the snapshot folder ``path`` (:class:`SnapshotError` if it
    cannot be used)."""
    reader = SnapshotReader(path, verify=verify)
    centres = region_centres()
    try:
        suppliers = SupplierIndex(region_centres=centres, min_score=min_score).load(
            reader, "suppliers"
        )
        book = ProfileBook.read(reader)
        needs = [decode_need(d) for d in reader.json("needs")]
        change_id = int(reader.manifest["change_id"])
        gaps = [int(g) for g in reader.manifest.get("gaps", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{path}: {exc!r}") from exc
    if len(book) != suppliers.n_profiles_:
        raise SnapshotError(f"{path}: {len(book)} profiles but {suppliers.n_profiles_} indexed")
    return IndexState(
        suppliers,
        NeedIndex(region_centres=centres).fit([n.record for n in needs]),
        book,
        {n.record.id: n for n in needs},
        change_id,
        gaps,
        str(reader.manifest["token"]),
    )


def load_snapshot(
    root: Path, session: Session, *, min_score: float, covering: int = 0
) -> IndexState | None:
    """The newest usable snapshot this database lists in ``root`` covering at least change id
    ``covering``; ``None`` when there is none (unusable ones are logged and skipped). The one
    this process preloaded before its fork (:func:`preload_snapshot`) is taken, not read again."""
    rows = session.scalars(
        select(IndexSnapshot)
        .where(IndexSnapshot.format_version == FORMAT_VERSION)
        .where(IndexSnapshot.change_id >= covering)
        .order_by(IndexSnapshot.change_id.desc(), IndexSnapshot.id.desc())
    ).all()
    if not rows:
        return None
    head = session.scalar(select(func.max(ChangeEntry.id))) or 0
    for row in rows:
        path = root / row.token
        if not path.is_dir():
            continue
        if row.change_id > head:  # the log was emptied since: not this database's history
            log.warning("index snapshot %s is ahead of the change log: ignored", row.token)
            continue
        preloaded = _take_preloaded(path, row.change_id, min_score)
        if preloaded is not None:
            return preloaded
        try:
            state = read_snapshot(path, min_score=min_score)
        except SnapshotError as exc:
            log.warning("index snapshot %s cannot be used (%s): ignored", row.token, exc)
            continue
        if state.token != row.token or state.change_id != row.change_id:
            log.warning("index snapshot %s does not match its listing: ignored", row.token)
            continue
        return state
    return None


# -- loaded before the fork ------------------------------------------------------------

#: The snapshot the server's parent process loaded before forking its workers (see
#: :func:`preload_snapshot`): (its folder, the min_score it was read with, the state).
_preloaded: tuple[Path, float, IndexState] | None = None


def preload_snapshot(
    root: Path, sessions: sessionmaker[Session], *, min_score: float
) -> str | None:
    """Load the newest usable snapshot this database lists in ``root`` and keep it in this
    process, for the workers it forks (their first :func:`load_snapshot` takes it instead of
    reading the same files again, so its Python objects are shared, copy-on-write, rather than
    made once per worker). Its token, or ``None`` when there is none to load.
    """
    global _preloaded
    _preloaded = None
    with sessions() as session:
        state = load_snapshot(root, session, min_score=min_score)
    if state is None or state.token is None:
        return None
    _preloaded = (root / state.token, min_score, state)
    return state.token


def preloaded_state() -> IndexState | None:
    """The state :func:`preload_snapshot` holds for the workers this process will fork."""
    return None if _preloaded is None else _preloaded[2]


def _take_preloaded(path: Path, change_id: int, min_score: float) -> IndexState | None:
    """The preloaded state if it is the snapshot at ``path`` (read with ``min_score``), once:
    a later load reads the files (the first index changes the state as it catches up)."""
    global _preloaded
    if _preloaded is None:
        return None
    where, score, state = _preloaded
    if where != path or score != min_score or state.change_id != change_id:
        return None
    _preloaded = None
    return state


def prune_snapshots(root: Path, session: Session, keep: int = KEEP) -> None:
    """Delete this folder's snapshots beyond the newest ``keep`` (files and rows), and folders
    the database does not list (after :data:`UNLISTED_GRACE`)."""
    host = socket.gethostname()[:255]
    rows = session.scalars(
        select(IndexSnapshot).order_by(IndexSnapshot.change_id.desc(), IndexSnapshot.id.desc())
    ).all()
    listed = {r.token for r in rows}
    mine = [r for r in rows if r.host == host and (root / r.token).is_dir()]
    gone = [r for r in rows if r.host == host and not (root / r.token).is_dir()]
    for row in mine[keep:] + gone:
        shutil.rmtree(root / row.token, ignore_errors=True)
        session.execute(delete(IndexSnapshot).where(IndexSnapshot.id == row.id))
    session.commit()
    cutoff = time.time() - UNLISTED_GRACE.total_seconds()
    for path in root.iterdir():
        if path.is_dir() and path.name not in listed:
            try:
                if path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


def oldest_snapshot_change_id(session: Session) -> int | None:
    """The lowest change-log id a listed snapshot covers: the change log must be kept from
    the next id on (``None``: no snapshot, nothing to keep for them)."""
    return session.scalar(select(func.min(IndexSnapshot.change_id)))


def keep_change_log_from(sessions: sessionmaker[Session]) -> int | None:
    """The lowest change-log id the listed snapshots still need (for the log's pruner):
    the oldest snapshot's change id plus one; ``None`` when no snapshot is listed."""
    with sessions() as session:
        oldest = oldest_snapshot_change_id(session)
    return None if oldest is None else oldest + 1


def release_memory() -> None:
    """Hand freed heap back to the system (after a build's lists went; they are freed as
    their last reference goes, so no collection is run here: the index runs one after)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


__all__ = [
    "IndexState",
    "ProfileBook",
    "build_lock",
    "build_state",
    "keep_change_log_from",
    "load_snapshot",
    "oldest_snapshot_change_id",
    "preload_snapshot",
    "prune_snapshots",
    "read_snapshot",
    "snapshot_root",
    "write_snapshot",
]
