"""Print what the demo shows: each demo need's top five suppliers and the demo SME's 商机.

    .venv/bin/python -m app.demo.check [DATABASE_URL]

The database must hold the demo (``xieshou demo --no-serve``). The ranking is the service's
own (:func:`app.matches.service.shortlist`), read as an admin, so a reader can judge whether
a buyer would call the top five right.
"""

import sys
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth.principal import Principal
from app.demo import story
from app.matches import service as matches
from app.matches.index import MatchingIndex
from app.models import CapabilityProfile, NeedStatus, Organization, Role, SupplyNeed
from app.platform.db import make_engine, make_sessionmaker
from app.platform.settings import get_settings

ADMIN = Principal(None, Role.admin, None)


@dataclass(frozen=True, slots=True)
class NeedTop:
    """One demo need and the firms and products of its top suppliers."""

    need_id: int
    buyer: str
    title: str
    style: str
    top: list[tuple[str, list[str]]]  # firm name, "wanted→offered" products


def shortlists(database_url: str, limit: int = 5) -> tuple[list[NeedTop], list[str]]:
    """The top ``limit`` of every open demo need, and the titles of the demo SME's 商机."""
    engine = make_engine(database_url)
    try:
        sessions = make_sessionmaker(engine)
        index = MatchingIndex(sessions)
        index.build()
        styles = {need["title"]: need["style"] for need in story.NEEDS}
        out: list[NeedTop] = []
        today = date.today()
        with sessions() as session:
            rows = session.execute(
                select(SupplyNeed.id, SupplyNeed.title, Organization.name)
                .join(Organization, Organization.id == SupplyNeed.organization_id)
                .where(SupplyNeed.status == NeedStatus.open.value)
                .order_by(SupplyNeed.id)
            ).all()
            for need_id, title, buyer in rows:
                result = matches.shortlist(
                    session,
                    ADMIN,
                    index,
                    need_id,
                    limit=limit,
                    region=None,
                    tier=None,
                    min_score=None,
                    today=today,
                )
                top = [
                    (
                        e.organization.name,
                        [f"{m.wanted}→{m.offered}" for m in e.reasons.matched_products[:3]],
                    )
                    for e in result.items
                ]
                out.append(NeedTop(need_id, buyer, title, styles.get(title, "?"), top))
            profile_id = session.scalar(
                select(CapabilityProfile.id)
                .join(Organization, Organization.id == CapabilityProfile.organization_id)
                .where(Organization.external_id == story.SME)
            )
            feed: list[str] = []
            if profile_id is not None:
                owner = session.get(CapabilityProfile, profile_id)
                assert owner is not None
                sme = Principal(None, Role.sme, owner.organization_id)
                found = matches.opportunities(
                    session,
                    sme,
                    index,
                    profile_id,
                    limit=10,
                    region=None,
                    min_score=None,
                    today=today,
                )
                feed = [f"{e.organization.name}：{e.title} ({e.score})" for e in found.items]
        return out, feed
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Print the top five of each demo need and the demo SME's 商机."""
    args = sys.argv[1:] if argv is None else argv
    url = args[0] if args else get_settings().database_url
    needs, feed = shortlists(url)
    for need in needs:
        print(f"需求 {need.need_id}「{need.title}」({need.style}) — {need.buyer}")
        for rank, (name, products) in enumerate(need.top, start=1):
            print(f"  {rank}. {name}：{'、'.join(products)}")
    print("演示中小企业的商机：")
    for line in feed:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
