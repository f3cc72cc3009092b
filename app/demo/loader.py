"""``xieshou demo``: load the bundled catalog through the import code, issue demo keys, serve.

The seed chain map is loaded first, so every imported profile and need is placed on it as it
is written.

Loading is idempotent: a database that already holds this version of the demo is recognised by
its demo organizer and skipped in milliseconds; an interrupted load is finished by running the
command again (every import is an upsert).
"""

import datetime
import gzip
import json
import os
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from app.auth import service as keys
from app.chains import placing
from app.chains.seed import load_seed
from app.demo import session as demo_session
from app.demo import story
from app.demo.rules import firm_kind, sme_tier, synthetic_uscc
from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.readers import RawRecord
from app.matches.index import MatchingIndex
from app.migrate import upgrade
from app.models import Event, Organization, OrganizationKind, Role
from app.platform.db import make_engine, make_sessionmaker, session_scope
from app.reference.region_inference import infer_region
from app.reference.uscc import uscc_check_char

#: Bump when the bundled data changes, so existing demo databases are topped up.
DATA_VERSION = "demo-data-v3"  # v2: large firms' own products; v3: the story (app.demo.story)
ORGANIZER_NAME = "携手演示中小企业服务中心"
_ORGANIZER_BODY = "91110000DEMO00001"


@dataclass(frozen=True, slots=True)
class DemoKey:
    """A fresh key, its role, and the organization it acts for."""

    role: Role
    key: str
    organization_id: int | None
    organization_name: str


def organizer_uscc() -> str:
    """The demo organizer's synthetic USCC."""
    body = _ORGANIZER_BODY.replace("DEMO", "0000")
    return body + uscc_check_char(body)


def _data(name: str) -> list[dict[str, Any]]:
    raw = resources.files("app.demo").joinpath("data", name).read_bytes()
    return [json.loads(line) for line in gzip.decompress(raw).decode("utf-8").splitlines()]


def catalog() -> list[dict[str, Any]]:
    """The bundled firms: code, names, listing date, Shenwan industry, cleaned products."""
    return _data("catalog.jsonl.gz")


def demo_needs() -> list[dict[str, Any]]:
    """The demo needs (:data:`app.demo.story.NEEDS`) as import records."""
    today = datetime.date.today()
    return [
        story.dated({k: v for k, v in need.items() if k not in story.NOT_IMPORTED}, today)
        for need in story.NEEDS
    ]


def firm_rows(firms: list[dict[str, Any]]) -> Iterator[RawRecord]:
    """Import records for the firms (no region: the importer infers it from the name)."""
    for row, firm in enumerate(firms, start=1):
        kind = firm_kind(firm["code"], firm["list_date"])
        values: dict[str, Any] = {
            "name": firm["full_name"],
            "uscc": synthetic_uscc(firm["code"], infer_region(firm["full_name"])),
            "external_id": firm["code"],
            "kind": kind,
            "description": "，".join(
                part for part in (firm["short_name"], firm["sw_industry"]) if part
            ),
        }
        if kind == "sme":
            values["tier"], values["tier_year"] = sme_tier(firm["code"])
        elif firm["products"]:
            # a large firm's own products (主营产品): what chain discovery starts from
            values["products"] = [
                {"name": name, "share": share} for name, share in firm["products"][:200]
            ]
        if firm["code"] in story.REGIONS:
            values["region_code"] = story.REGIONS[firm["code"]]
            values.update(story.contacts(firm["code"]))
        yield RawRecord(row, values)


def profile_rows(firms: list[dict[str, Any]]) -> Iterator[RawRecord]:
    """Import records for the profiles of the SMEs that have products."""
    for row, firm in enumerate(firms, start=1):
        if firm_kind(firm["code"], firm["list_date"]) != "sme" or not firm["products"]:
            continue
        products = [{"name": name, "share": share} for name, share in firm["products"]]
        values = {"external_id": firm["code"], "products": products}
        values.update(story.dated(story.PROFILES.get(firm["code"], {}), datetime.date.today()))
        yield RawRecord(row, values)


def _import(session: Session, kind: ImportKind, records: Iterator[RawRecord], total: int) -> None:
    with tqdm(total=total, desc=f"demo {kind.value}", unit=" rows", file=sys.stderr) as bar:
        report = jobs.run_records(session, kind, records, progress=bar.update)
    if not report.written:
        problems = "; ".join(f"row {p.row} {p.field}: {p.reason}" for p in report.problems[:5])
        raise RuntimeError(f"demo {kind.value} did not load: {problems}")


def _organizer(session: Session) -> Organization | None:
    return session.scalars(
        select(Organization).where(Organization.uscc == organizer_uscc())
    ).one_or_none()


def load(database_url: str, *, log: Callable[[str], None] | None = None) -> bool:
    """Migrate and load the demo into ``database_url``; False when it was already loaded."""
    say = log or (lambda message: print(message, file=sys.stderr))
    started = time.perf_counter()
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        factory = make_sessionmaker(engine)
        for session in session_scope(factory):
            seeded = load_seed(session)
        if seeded.changed:
            say(
                f"chain map seed: {seeded.chains} chains, {seeded.nodes} nodes, "
                f"{seeded.edges} edges added"
            )
        with factory() as session:
            organizer = _organizer(session)
            loaded = organizer is not None and DATA_VERSION in organizer.description
        if loaded:
            if seeded.changed:
                for session in session_scope(factory):
                    placed = placing.place_all(session)
                say(f"placed {placed.profiles} profiles, {placed.needs} needs on the chain map")
            say(f"demo already loaded ({time.perf_counter() - started:.1f} s)")
            return False
        firms = catalog()
        needs = demo_needs()
        with factory() as session:
            _import(session, ImportKind.firms, firm_rows(firms), len(firms))
            smes = sum(1 for _ in profile_rows(firms))
            _import(session, ImportKind.profiles, profile_rows(firms), smes)
            records = (RawRecord(i, need) for i, need in enumerate(needs, start=1))
            _import(session, ImportKind.needs, records, len(needs))
        for session in session_scope(factory):
            organizer = _organizer(session)
            if organizer is None:
                organizer = Organization(
                    kind=OrganizationKind.organizer.value,
                    name=ORGANIZER_NAME,
                    uscc=organizer_uscc(),
                    region_code="110000",
                )
                session.add(organizer)
            session.flush()
            codes = [firm["code"] for firm in firms]
            for start in range(0, len(codes), 900):
                session.execute(
                    update(Organization)
                    .where(Organization.external_id.in_(codes[start : start + 900]))
                    .where(Organization.registered_by_id.is_(None))
                    .values(registered_by_id=organizer.id),
                    execution_options={"synchronize_session": False},
                )
        # The session is scheduled with the engine's scores: an index of what was just loaded.
        index = MatchingIndex(factory)
        index.build()
        for session in session_scope(factory):
            organizer = _organizer(session)
            assert organizer is not None
            held = session.scalar(select(Event.id).where(Event.name == demo_session.EVENT_NAME))
            if held is None:
                demo_session.build(session, organizer.id, index, today=datetime.date.today())
            # Marked last: an interrupted load is finished by the next run.
            organizer.description = f"演示组织方 ({DATA_VERSION})"
        say(
            f"demo loaded: {len(firms)} firms, {smes} SME profiles, {len(needs)} needs, "
            "a published session "
            f"({time.perf_counter() - started:.1f} s)"
        )
        return True
    finally:
        engine.dispose()


def issue_keys(database_url: str) -> list[DemoKey]:
    """Fresh keys for an admin, the demo organizer, the story's large firm and SME."""
    engine = make_engine(database_url)
    out: list[DemoKey] = []
    try:
        for session in session_scope(make_sessionmaker(engine)):
            organizer = _organizer(session)
            firm, sme = (
                session.execute(
                    select(Organization.id, Organization.name).where(
                        Organization.external_id == code
                    )
                ).one()
                for code in (story.LARGE_FIRM, story.SME)
            )
            cast: list[tuple[Role, int | None, str]] = [
                (Role.admin, None, "(all organizations)"),
                (Role.organizer, organizer.id if organizer else None, ORGANIZER_NAME),
                (Role.large_firm, firm.id, firm.name),
                (Role.sme, sme.id, sme.name),
            ]
            for role, org_id, name in cast:
                _row, key = keys.issue(
                    session, None, role=role, organization_id=org_id, label=f"demo {role.value}"
                )
                out.append(DemoKey(role, key, org_id, name))
    finally:
        engine.dispose()
    return out


def announce_when_ready(
    base: str, *, timeout_s: float = 120.0, say: Callable[[str], None] | None = None
) -> threading.Thread:
    """Print ``serving on <base>/`` once ``GET /readyz`` answers 200 (polled in a thread).

    The worker answers ``/healthz`` while its matching index is still being built; a reader
    sent to the console then would see shortlists answered 503, so wait for readiness.
    """

    def poll() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as response:  # noqa: S310 (http URL built here)
                    if response.status == 200:
                        (say or _stderr)(
                            f"serving on {base}/ (控制台 console; API 文档 docs: {base}/docs)"
                        )
                        return
            except OSError:
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=poll, name="demo-ready", daemon=True)
    thread.start()
    return thread


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_demo(database_url: str, *, host: str, port: int, serve: bool) -> int:
    """The ``xieshou demo`` command."""
    load(database_url)
    demo_keys = issue_keys(database_url)
    print("Demo API keys (new ones each run, shown once; send as Authorization: Bearer <key>):")
    for item in demo_keys:
        org = f"organization {item.organization_id}" if item.organization_id else "no organization"
        print(f"  {item.role.value:<11} {item.key}   {org}: {item.organization_name}")
    sys.stdout.flush()
    if not serve:
        return 0
    import uvicorn

    from app.platform.settings import get_settings

    os.environ["XIESHOU_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (where to poll)
    announce_when_ready(f"http://{shown}:{port}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=get_settings().log_level.lower(),
    )
    return 0
