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
"""

import datetime as dt
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.chains import service as chains
from app.chains.placing import require_reader
from app.chains.schemas import Level, WeakLinkCell, WeakLinkReport
from app.events.exports import Sheet, to_csv, to_xlsx
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
FONT_FAMILY = (
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
    "'WenQuanYi Micro Hei',sans-serif"
)


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


HEADER = [
    "环节编号",
    "环节",
    "位置",
    "地区代码",
    "地区",
    "需求数",
    "创新型中小企业",
    "专精特新中小企业",
    "专精特新小巨人",
    "其他中小企业",
    "已签约交易",
    "加权供给",
    "缺口分",
]


def sheet(report: WeakLinkReport) -> Sheet:
    """The report as a table (same rows and order as the JSON cells)."""
    rows: list[list[str | int | float | None]] = [
        [
            c.node_id,
            c.node_name,
            c.stage,
            c.region_code,
            c.region_name,
            c.demand,
            c.supply_innovative,
            c.supply_specialized,
            c.supply_little_giant,
            c.supply_other,
            c.supply_contracted,
            c.supply_weighted,
            c.gap_score,
        ]
        for c in report.cells
    ]
    return Sheet("薄弱环节", HEADER, rows)


def csv_bytes(report: WeakLinkReport) -> bytes:
    """CSV, UTF-8 with BOM, formulas neutralised."""
    return to_csv(sheet(report))


def xlsx_bytes(report: WeakLinkReport) -> bytes:
    """XLSX with a frozen header and fitted column widths, formulas neutralised."""
    return to_xlsx(sheet(report))


def _colour(gap: float) -> str:
    """Pale green (no gap) through amber to deep red (gap 1)."""
    stops = [(0.0, (232, 245, 233)), (0.5, (255, 193, 7)), (1.0, (198, 40, 40))]
    g = min(max(gap, 0.0), 1.0)
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if g <= b:
            t = (g - a) / (b - a)
            rgb = [round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#c62828"


def _short(text: str, limit: int) -> str:
    width = 0
    for i, ch in enumerate(text):
        width += 2 if ord(ch) > 0x2E7F else 1
        if width > limit:
            return text[:i] + "…"
    return text


@dataclass(frozen=True)
class _Text:
    x: str
    y: str
    content: str
    size: int = 12
    weight: str = "normal"
    anchor: str = "middle"
    fill: str = "#212121"


def _t(x: float, y: float, content: str, **style: Any) -> _Text:
    return _Text(f"{x:.1f}", f"{y:.1f}", content, **style)


_TEMPLATES = Environment(
    loader=PackageLoader("app.chains", "templates"),
    autoescape=select_autoescape(["svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def svg(session: Session, report: WeakLinkReport, *, max_regions: int = 12) -> bytes:
    """A self-contained SVG: the chain diagram (upstream → downstream, coloured by the node's
    gap over all regions) above a node × region heat map; every label is real ``<text>``.

    The layout is computed here; the markup is ``app/chains/templates/weak_links.svg``
    (Jinja2, autoescaped).
    """
    chain = chains.get_chain(session, report.chain_id)
    edges = chains.edges_of(session, chain.id)
    nodes: list[ChainNode] = sorted(chain.nodes, key=lambda n: (n.stage, n.id))
    demand: dict[int, int] = defaultdict(int)
    supply: dict[int, float] = defaultdict(float)
    for c in report.cells:
        demand[c.node_id] += c.demand
        supply[c.node_id] += c.supply_weighted
    top_demand = max(demand.values(), default=0)
    node_gap = {n.id: gap_score(demand[n.id], supply[n.id], top_demand) for n in nodes}

    stages = sorted({n.stage for n in nodes})
    column = {s: i for i, s in enumerate(stages)}
    box_w, box_h, gap_x, gap_y, left, top = 170, 50, 60, 18, 30, 80
    per_stage: dict[int, int] = defaultdict(int)
    pos: dict[int, tuple[float, float]] = {}
    for n in nodes:
        row = per_stage[n.stage]
        per_stage[n.stage] += 1
        pos[n.id] = (left + column[n.stage] * (box_w + gap_x), top + row * (box_h + gap_y))
    diagram_h = top + max(per_stage.values(), default=0) * (box_h + gap_y) + 20

    totals: dict[str, float] = defaultdict(float)
    for c in report.cells:
        totals[c.region_code] += c.demand * 10 + c.supply_weighted
    shown = sorted(totals, key=lambda r: (-totals[r], r))[:max_regions]
    by_cell = {(c.node_id, c.region_code): c for c in report.cells}
    label_w, cell_w, cell_h = 180, 78, 26
    heat_top = diagram_h + 60
    heat_h = 40 + (len(nodes) + 1) * cell_h if shown else 40
    width = max(
        left * 2 + max(len(stages), 1) * (box_w + gap_x),
        left * 2 + label_w + len(shown) * cell_w,
        640,
    )
    height = heat_top + heat_h + 60

    paths: list[str] = []
    for e in edges:
        if e.input_node_id not in pos or e.output_node_id not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.input_node_id], pos[e.output_node_id]
        sx, sy, ex, ey = x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2
        if x2 <= x1:  # same stage or backwards: leave from the bottom, arrive at the top
            sx, sy, ex, ey = x1 + box_w / 2, y1 + box_h, x2 + box_w / 2, y2
        mid = (sx + ex) / 2
        paths.append(
            f"M {sx:.1f} {sy:.1f} C {mid:.1f} {sy:.1f}, {mid:.1f} {ey:.1f}, {ex:.1f} {ey:.1f}"
        )
    boxes = []
    for n in nodes:
        x, y = pos[n.id]
        g = node_gap[n.id]
        ink = "#ffffff" if g > 0.62 else "#212121"
        boxes.append(
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "fill": _colour(g),
                "name": _t(
                    x + box_w / 2, y + 20, _short(n.name, 20), size=14, weight="bold", fill=ink
                ),
                "line": _t(
                    x + box_w / 2,
                    y + 38,
                    f"需求 {demand[n.id]} · 供给 {supply[n.id]:g} · 缺口 {g:.2f}",
                    size=11,
                    fill=ink,
                ),
            }
        )
    columns = [
        _t(
            left + label_w + j * cell_w + cell_w / 2,
            heat_top + 18,
            _short(region_name(code, report.level), 12),
        )
        for j, code in enumerate(shown)
    ]
    rows = []
    for i, n in enumerate(nodes):
        y = heat_top + 30 + i * cell_h
        cells = []
        for j, code in enumerate(shown):
            x = left + label_w + j * cell_w
            cell = by_cell.get((n.id, code))
            g = cell.gap_score if cell else 0.0
            cells.append(
                {
                    "x": f"{x:.1f}",
                    "y": f"{y:.1f}",
                    "fill": _colour(g) if cell else "#f5f5f5",
                    "text": _t(
                        x + cell_w / 2 - 1,
                        y + cell_h / 2 + 3,
                        f"{cell.demand}/{cell.supply_weighted:g}",
                        size=11,
                        fill="#ffffff" if g > 0.62 else "#212121",
                    )
                    if cell
                    else None,
                }
            )
        label = _t(left + label_w - 8, y + cell_h / 2 + 4, _short(n.name, 22), anchor="end")
        rows.append({"label": label, "cells": cells})
    legend_y = height - 34
    title = (
        f"{report.chain_name} · 薄弱环节（{'省' if report.level is Level.province else '市'}级）"
    )
    markup = _TEMPLATES.get_template("weak_links.svg").render(
        width=f"{width:.0f}",
        height=f"{height:.0f}",
        font=FONT_FAMILY,
        title=title,
        chain_id=report.chain_id,
        heading=_t(left, 32, title, size=20, weight="bold", anchor="start"),
        subheading=_t(
            left,
            56,
            "上游 → 下游；颜色为缺口分（需求/供给，全部地区）",
            anchor="start",
            fill="#546e7a",
        ),
        paths=paths,
        box_w=box_w,
        box_h=box_h,
        boxes=boxes,
        heat_heading=_t(
            left,
            heat_top - 16,
            "环节 × 地区 缺口热力图（格内：需求/加权供给）",
            size=16,
            weight="bold",
            anchor="start",
        ),
        empty=None
        if shown
        else _t(left, heat_top + 20, "暂无需求或供给数据", anchor="start", fill="#546e7a"),
        columns=columns,
        rows=rows,
        cell_w=cell_w - 2,
        cell_h=cell_h - 2,
        legend=[{"x": left + k * 24, "y": legend_y, "fill": _colour(k / 10)} for k in range(11)],
        legend_texts=[
            _t(left, legend_y + 28, "缺口分 0", size=11, anchor="start"),
            _t(left + 264, legend_y + 28, "1", size=11, anchor="end"),
            _t(
                left + 290,
                legend_y + 10,
                "G = D/(D+S)·ln(1+D)/ln(1+Dmax)",
                size=11,
                anchor="start",
                fill="#546e7a",
            ),
        ],
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + markup).encode("utf-8")
