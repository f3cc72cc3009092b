"""The weak-link report as files: a sheet (CSV, XLSX, same rows as the JSON cells) and the SVG
map (the chain diagram above a node × region heat map).

The map's layout is computed here, its markup is the Jinja2 template
``app/chains/templates/weak_links.svg`` with autoescaping on: node and firm names are user
input. The numbers come from :mod:`app.chains.weak_links`.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from app.chains import service as chains
from app.chains.schemas import Level, WeakLinkReport
from app.chains.weak_links import gap_score, region_name
from app.models import ChainNode
from app.spreadsheets import Sheet, to_csv, to_xlsx

FONT_FAMILY = (
    "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
    "'WenQuanYi Micro Hei',sans-serif"
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
