"""What a campaign report costs at the size of a province's 百场万企.

Builds a campaign in a fresh SQLite file (or the PostgreSQL database given with ``--url``;
it is filled, not emptied, so give a scratch one): ``--sessions`` held sessions, each with
``--buyers`` large firms and ``--smes`` SMEs drawn from a pool of firms, ``--slots`` meetings
per SME (a tenth marked absent), and a deal from every fifth meeting (half of them signed), on
a 5-node chain with open needs. Then times, over ``--repeat`` runs, the report as JSON
(:func:`app.campaigns.report.build`), as XLSX and as one CSV sheet, and prints one JSON line:
the sizes and the median / max seconds of each.

Usage::

    python scripts/bench_campaign_report.py --sessions 100 --buyers 20 --smes 100 --slots 8
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from app.auth.principal import Principal
from app.campaigns import exports, report
from app.migrate import upgrade
from app.models import (
    Campaign,
    CampaignEvent,
    Chain,
    ChainNode,
    Deal,
    DealStageChange,
    Event,
    EventMeeting,
    EventParticipant,
    Organization,
    Placement,
    Role,
    SupplyNeed,
)
from app.models.base import utcnow
from app.platform.db import make_engine, make_sessionmaker, session_scope
from app.reference.uscc import uscc_check_char


def _uscc(n: int) -> str:
    body = f"91440300{n:08d}0"[:17]
    return body + uscc_check_char(body)


def fill(url: str, args: argparse.Namespace) -> dict[str, int]:
    """Insert the campaign; its sizes."""
    rng = random.Random(7)
    now = utcnow()
    year = dt.date.today().year
    engine = make_engine(url)
    sizes: dict[str, int] = {}
    for session in session_scope(make_sessionmaker(engine)):
        stamp = {"created_at": now, "updated_at": now}
        organizer = Organization(
            kind="organizer", name="某省工信厅", uscc=_uscc(1), version=1, **stamp
        )
        session.add(organizer)
        chain = Chain(name="新能源汽车", description="", version=1, **stamp)
        session.add(chain)
        session.flush()
        nodes = []
        for i in range(5):
            node = ChainNode(
                chain_id=chain.id, name=f"环节{i}", stage=i, products=[], keywords=[], **stamp
            )
            session.add(node)
            nodes.append(node)
        pool_b, pool_s = args.buyers * 5, args.smes * 5
        tiers = ["innovative", "specialized", "little_giant", None]
        orgs = [
            {
                "kind": "large_firm",
                "name": f"大企业{i}",
                "uscc": _uscc(10 + i),
                "region_code": "440300",
                "tier": None,
                "version": 1,
                **stamp,
            }
            for i in range(pool_b)
        ] + [
            {
                "kind": "sme",
                "name": f"中小企业{i}",
                "uscc": _uscc(100_000 + i),
                "region_code": rng.choice(["440300", "440100", "440600"]),
                "tier": rng.choice(tiers),
                "version": 1,
                **stamp,
            }
            for i in range(pool_s)
        ]
        ids = list(session.scalars(insert(Organization).returning(Organization.id), orgs))
        buyers, smes = ids[:pool_b], ids[pool_b:]
        needs = list(
            session.scalars(
                insert(SupplyNeed).returning(SupplyNeed.id),
                [
                    {
                        "organization_id": b,
                        "kind": "supply",
                        "title": "采购",
                        "status": "open",
                        "products": ["电芯"],
                        "version": 1,
                        **stamp,
                    }
                    for b in buyers[:50]
                ],
            )
        )
        session.execute(
            insert(Placement),
            [
                {
                    "chain_id": chain.id,
                    "node_id": nodes[i % 5].id,
                    "need_id": n,
                    "confidence": 1.0,
                    "source": "operator",
                    "reviewed": False,
                    "term": "",
                    **stamp,
                }
                for i, n in enumerate(needs)
            ],
        )
        campaign = Campaign(
            organization_id=organizer.id,
            name=f"{year} 年某省百场万企",
            description="",
            chain_id=chain.id,
            region_code="440000",
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            target_sessions=args.sessions,
            target_firms=10_000,
            target_intents=2_000,
            **stamp,
        )
        session.add(campaign)
        session.flush()
        meetings = deals = 0
        for s in range(args.sessions):
            event = Event(
                organization_id=organizer.id,
                name=f"对接会{s}",
                focus="",
                region_code="440300",
                venue="",
                date=dt.date(year, 1 + s % 11, 1 + s % 28),
                slots=[],
                meeting_minutes=20,
                status="closed",
                version=1,
                **stamp,
            )
            session.add(event)
            session.flush()
            session.add(CampaignEvent(campaign_id=campaign.id, event_id=event.id))
            chosen_b, chosen_s = rng.sample(buyers, args.buyers), rng.sample(smes, args.smes)
            rows = [
                {
                    "event_id": event.id,
                    "organization_id": o,
                    "side": side,
                    "status": "approved",
                    "tables": -(-args.smes // args.buyers),
                    "blocked_slots": [],
                    "version": 1,
                    **stamp,
                }
                for side, group in (("buyer", chosen_b), ("sme", chosen_s))
                for o in group
            ]
            pids = list(
                session.scalars(insert(EventParticipant).returning(EventParticipant.id), rows)
            )
            bp, sp = pids[: args.buyers], pids[args.buyers :]
            mrows: list[dict[str, Any]] = []
            for j, sme_pid in enumerate(sp):
                for slot in range(args.slots):
                    b = (j + slot) % len(bp)
                    mrows.append(
                        {
                            "event_id": event.id,
                            "buyer_participant_id": bp[b],
                            "sme_participant_id": sme_pid,
                            "slot": slot,
                            "table_number": 1 + j // len(bp),
                            "score": 0.5,
                            "value": 1.0,
                            "published": True,
                            "outcome": rng.choice(["intent", "informative", "no_interest", None]),
                            "attendance": "sme_absent" if rng.random() < 0.1 else "both_present",
                        }
                    )
            mids = list(session.scalars(insert(EventMeeting).returning(EventMeeting.id), mrows))
            meetings += len(mids)
            org_of = dict(zip(pids, chosen_b + chosen_s, strict=True))
            drows = []
            for k, (mid, m) in enumerate(zip(mids, mrows, strict=True)):
                if k % 5:
                    continue
                signed = k % 10 == 0
                drows.append(
                    {
                        "buyer_organization_id": org_of[m["buyer_participant_id"]],
                        "sme_organization_id": org_of[m["sme_participant_id"]],
                        "event_id": event.id,
                        "meeting_id": mid,
                        "node_id": nodes[k % 5].id,
                        "title": "",
                        "stage": "signed" if signed else "intent",
                        "amount_wan": rng.randint(10, 500) if signed else None,
                        "payment_term_days": rng.choice([30, 60, 90]),
                        "end_reason": "",
                        "stage_changed_at": now,
                        "signed_on": dt.date.today() if signed else None,
                        "version": 1,
                        **stamp,
                    }
                )
            dids = list(session.scalars(insert(Deal).returning(Deal.id), drows))
            session.execute(
                insert(DealStageChange),
                [
                    {"deal_id": d, "to_stage": r["stage"], "changed_at": now, "note": ""}
                    for d, r in zip(dids, drows, strict=True)
                ],
            )
            deals += len(dids)
        sizes = {
            "sessions": args.sessions,
            "firms": pool_b + pool_s,
            "meetings": meetings,
            "deals": deals,
            "campaign_id": campaign.id,
        }
    engine.dispose()
    return sizes


def _time(fn: Any, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {"median_s": round(statistics.median(runs), 3), "max_s": round(max(runs), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--smes", type=int, default=100)
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench-campaign.db"
    upgrade(url)
    t0 = time.perf_counter()
    sizes = fill(url, args)
    print(f"filled in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    admin = Principal(key_id=0, role=Role.admin, organization_id=None)
    today = dt.date.today()

    def build() -> Any:
        built = None
        for session in session_scope(maker):
            built = report.build(
                session,
                admin,
                sizes["campaign_id"],
                period_from=None,
                period_to=None,
                limit=60,
                today=today,
            )
        return built

    built = build()
    out = {
        **sizes,
        "database": engine.dialect.name,
        "report": _time(build, args.repeat),
        "xlsx": _time(
            lambda: exports.xlsx_bytes(built, organizer="某省工信厅", today=today), args.repeat
        ),
        "csv_tiers": _time(lambda: exports.csv_bytes(built, "tiers"), args.repeat),
        "held": built.totals.meetings_held,
        "no_shows": built.totals.no_shows,
        "intents": built.totals.intents,
    }
    engine.dispose()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
