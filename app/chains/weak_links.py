"""The 补链 weak-link report: per chain node and region, open demand against qualified supply.

For node *n* and region *r* (the buyer's or the SME's province or city):

- demand ``D`` = open needs placed on *n* whose firm is in *r*;
- supply = SMEs in *r* placed on *n*, by tier, weighted
  ``S = 1·innovative + 2·specialized + 3·little_giant + 0.5·untiered + 3·contracted``, where
  *contracted* counts the deals on *n* at 签约 or later whose large firm is in *r* (the map
  learns from outcomes: a signed contract is supply the region's buyers have proven, worth a
  小巨人; see :mod:`app.deals.service`);
- gap score ``G = D / (D + S) · ln(1 + D) / ln(1 + D_max)``, with ``D_max`` the largest demand of
  any cell in the report; ``G = 0`` when ``D = 0``.

``D / (D + S)`` is the share of the node's local activity that is unmet demand (1: nobody local
makes it); the second factor ranks many open needs above one. Both are in [0, 1], so G is.
A placement counts when its confidence is at least ``min_confidence`` (operator placements
count at the confidence the operator gave, 1 by default).

This module computes the report; :mod:`app.chains.weak_link_files` writes it as a sheet (CSV,
XLSX) and as the SVG map.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.chains import service as chains
from app.chains.placing import require_reader
from app.chains.schemas import Level, WeakLinkCell, WeakLinkReport
from app.models import (
    CONTRACTED,
    CapabilityProfile,
    ChainNode,
    Deal,
    NeedStatus,
    Organization,
    Placement,
    SupplyNeed,
)
from app.reference.tables import regions

TIER_WEIGHTS = {"innovative": 1.0, "specialized": 2.0, "little_giant": 3.0, None: 0.5}
#: A deal at 签约 or later on a node, counted for its large firm's region.
CONTRACT_WEIGHT = 3.0
FORMULA = (
    "G = D/(D+S) · ln(1+D)/ln(1+D_max); D = open needs on the node from firms in the region; "
    "S = 1·innovative + 2·specialized + 3·little_giant + 0.5·untiered SMEs placed there "
    "+ 3·signed deals (签约 or later) on the node with a large firm in the region; "
    "D_max = the largest D in this report; G = 0 when D = 0"
)
UNKNOWN_REGION = "未知地区"


#: 直辖市: the province is the city (its one city-level code is ``xx0100``, 市辖区).
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县"})


def region_of(code: str | None, level: Level) -> str:
    """The province (``440000``) or city (``440300``) code of a region code; '' if unknown.

    At city level a 直辖市 is its city (``110000`` and ``110105`` both give ``110100``); a code
    known only to its province stays the province code.
    """
    if not code or len(code) != 6 or not code.isdigit():
        return ""
    if level is Level.province:
        return code[:2] + "0000"
    if code[:2] in MUNICIPALITIES:
        return code[:2] + "0100"
    return code[:4] + "00"


def region_name(code: str, level: Level = Level.province) -> str:
    """A region's name for the report.

    >>> region_name("440300", Level.city), region_name("110100", Level.city)
    ('深圳市', '北京市')
    >>> region_name("330000", Level.city), region_name("")
    ('浙江省（市不详）', '未知地区')
    """
    if not code:
        return UNKNOWN_REGION
    table = regions()
    found = table.get(code)
    province = table.get(code[:2] + "0000")
    if found is None:
        return province.name if province else code
    if level is Level.city and code.endswith("0000") and code[:2] not in MUNICIPALITIES:
        return f"{found.name}（市不详）"
    if found.name in _PLACEHOLDER_NAMES and province is not None:
        return province.name
    return found.name


def gap_score(demand: int, supply: float, max_demand: int) -> float:
    """The gap score G of one cell (see the module docstring).

    >>> gap_score(0, 0.0, 5), gap_score(5, 0.0, 5), round(gap_score(1, 3.0, 5), 3)
    (0.0, 1.0, 0.097)
    """
    if demand <= 0 or max_demand <= 0:
        return 0.0
    share = demand / (demand + supply)
    return round(share * math.log1p(demand) / math.log1p(max_demand), 4)


@dataclass
class _Counts:
    demand: set[int]
    tiers: dict[str | None, set[int]]
    contracts: set[int]


def build(
    session: Session,
    caller: Principal,
    chain_id: int,
    level: Level,
    min_confidence: float,
    *,
    signed_by: dt.date | None = None,
) -> WeakLinkReport:
    """The weak-link report of one chain (admins and organizers).

    ``signed_by``: count only the deals signed on or before that day (the map as it stood
    then, for a campaign's before/after); ``None``: every signed deal.
    """
    require_reader(caller)
    chain = chains.get_chain(session, chain_id)
    nodes = {n.id: n for n in chain.nodes}
    cells: dict[tuple[int, str], _Counts] = defaultdict(
        lambda: _Counts(set(), defaultdict(set), set())
    )
    demand_rows = session.execute(
        select(Placement.node_id, Placement.need_id, Organization.region_code)
        .join(SupplyNeed, SupplyNeed.id == Placement.need_id)
        .join(Organization, Organization.id == SupplyNeed.organization_id)
        .where(Placement.chain_id == chain.id)
        .where(Placement.node_id.is_not(None))
        .where(Placement.confidence >= min_confidence)
        .where(SupplyNeed.status == NeedStatus.open.value)
    ).all()
    for node_id, need_id, code in demand_rows:
        if node_id is None or need_id is None:
            continue
        cells[(node_id, region_of(code, level))].demand.add(need_id)
    supply_rows = session.execute(
        select(Placement.node_id, Placement.profile_id, Organization.region_code, Organization.tier)
        .join(CapabilityProfile, CapabilityProfile.id == Placement.profile_id)
        .join(Organization, Organization.id == CapabilityProfile.organization_id)
        .where(Placement.chain_id == chain.id)
        .where(Placement.node_id.is_not(None))
        .where(Placement.confidence >= min_confidence)
    ).all()
    for node_id, profile_id, code, tier in supply_rows:
        if node_id is None or profile_id is None:
            continue
        key = tier if tier in TIER_WEIGHTS else None
        cells[(node_id, region_of(code, level))].tiers[key].add(profile_id)
    contracts = (
        select(Deal.node_id, Deal.id, Organization.region_code)
        .join(ChainNode, ChainNode.id == Deal.node_id)
        .join(Organization, Organization.id == Deal.buyer_organization_id)
        .where(ChainNode.chain_id == chain.id)
        .where(Deal.stage.in_([s.value for s in CONTRACTED]))
        .where(Deal.signed_on.is_not(None))
    )
    if signed_by is not None:
        contracts = contracts.where(Deal.signed_on <= signed_by)
    for node_id, deal_id, code in session.execute(contracts).all():
        if node_id is not None:
            cells[(node_id, region_of(code, level))].contracts.add(deal_id)
    max_demand = max((len(c.demand) for c in cells.values()), default=0)
    out: list[WeakLinkCell] = []
    for (node_id, region), counts in cells.items():
        node = nodes[node_id]
        tiers = {t: len(ids) for t, ids in counts.tiers.items()}
        supply = sum(TIER_WEIGHTS[t] * n for t, n in tiers.items())
        supply += CONTRACT_WEIGHT * len(counts.contracts)
        demand = len(counts.demand)
        out.append(
            WeakLinkCell(
                node_id=node.id,
                node_name=node.name,
                stage=node.stage,
                region_code=region,
                region_name=region_name(region, level),
                demand=demand,
                supply_innovative=tiers.get("innovative", 0),
                supply_specialized=tiers.get("specialized", 0),
                supply_little_giant=tiers.get("little_giant", 0),
                supply_other=tiers.get(None, 0),
                supply_contracted=len(counts.contracts),
                supply_weighted=supply,
                gap_score=gap_score(demand, supply, max_demand),
            )
        )
    out.sort(key=lambda c: (-c.gap_score, -c.demand, c.stage, c.node_id, c.region_code))
    return WeakLinkReport(
        chain_id=chain.id,
        chain_name=chain.name,
        level=level,
        min_confidence=min_confidence,
        formula=FORMULA,
        cells=out,
    )
