"""Bar charts of a campaign report, laid out here and drawn by a Jinja2 template as SVG.

The layout (positions and widths) is plain arithmetic in Python; the markup is
``app/web/templates/_charts.html`` (autoescaped, presentation attributes only, so the page's
Content-Security-Policy needs no inline styles). Nothing comes from a CDN.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from app.campaigns.schemas import CampaignReport

ROW_H, BAR_H, TOP, LABEL_W, PLOT_W, TEXT_W = 30, 18, 34, 150, 300, 110
INK = "#1f6f8b"
GHOST = "#c5ced8"
WARN = "#c0392b"


@dataclass(frozen=True)
class ChartRow:
    """One bar: its label, value, the text beside it, an optional second value drawn behind
    it (``ghost``: a target or an earlier figure) and its colour."""

    label: str
    value: float
    text: str
    ghost: float | None = None
    colour: str = INK


@dataclass(frozen=True)
class Bar:
    """A bar placed on the chart."""

    label: str
    text: str
    y: float
    width: float
    ghost_width: float | None
    colour: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart ready to draw."""

    key: str
    title: str
    width: int
    height: int
    label_w: int
    plot_w: int
    bars: list[Bar]
    marker_x: float | None  # a vertical line (100 % of target)
    marker_text: str
    legend: str


def bar_chart(
    key: str,
    title: str,
    rows: Sequence[ChartRow],
    *,
    top: float | None = None,
    marker: float | None = None,
    marker_text: str = "",
    legend: str = "",
) -> BarChart:
    """Lay out ``rows`` as horizontal bars scaled to ``top`` (default: the largest value)."""
    biggest = max([r.value for r in rows] + [r.ghost or 0 for r in rows] + [marker or 0, top or 0])
    scale = PLOT_W / biggest if biggest > 0 else 0.0
    bars = [
        Bar(
            label=r.label if len(r.label) <= 12 else r.label[:11] + "…",
            text=r.text,
            y=TOP + i * ROW_H,
            width=max(r.value * scale, 0.0),
            ghost_width=None if r.ghost is None else r.ghost * scale,
            colour=r.colour,
        )
        for i, r in enumerate(rows)
    ]
    return BarChart(
        key=key,
        title=title,
        width=LABEL_W + PLOT_W + TEXT_W,
        height=TOP + max(len(rows), 1) * ROW_H + (22 if legend else 8),
        label_w=LABEL_W,
        plot_w=PLOT_W,
        bars=bars,
        marker_x=None if marker is None else LABEL_W + marker * scale,
        marker_text=marker_text,
        legend=legend,
    )


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def charts(report: CampaignReport) -> list[BarChart]:
    """The report's charts: targets, meetings, deal stages, signed amount by tier, gaps."""
    t = report.totals
    out = [
        bar_chart(
            "targets",
            "目标完成情况",
            [
                ChartRow(
                    p.name,
                    min(p.share or 0.0, 2.0) * 100,
                    f"{p.actual}/{p.target}（{_pct(p.share)}）",
                )
                for p in report.targets
            ],
            top=100,
            marker=100,
            marker_text="目标",
        ),
        bar_chart(
            "meetings",
            "洽谈",
            [
                ChartRow("安排洽谈", t.meetings_scheduled, str(t.meetings_scheduled)),
                ChartRow("实际洽谈", t.meetings_held, str(t.meetings_held)),
                ChartRow("爽约", t.no_shows, str(t.no_shows), colour=WARN),
                ChartRow("达成意向（对）", t.intents, str(t.intents)),
            ],
        ),
        bar_chart(
            "stages",
            "交易阶段（期末）",
            [
                ChartRow(s.stage_zh, s.deals, f"{s.deals} 笔 · {s.amount_wan} 万元")
                for s in report.deals_by_stage
            ],
        ),
        bar_chart(
            "tiers",
            "按企业层级：签约金额（万元）",
            [
                ChartRow(
                    r.name, float(r.signed_amount_wan), f"{r.signed_amount_wan}（{r.signed} 笔）"
                )
                for r in report.by_tier
            ],
        ),
    ]
    if report.gaps:
        out.append(
            bar_chart(
                "gaps",
                "薄弱环节缺口分：期初（灰）→ 期末",
                [
                    ChartRow(
                        g.node_name,
                        g.gap_after,
                        f"{g.gap_before:.2f} → {g.gap_after:.2f}",
                        ghost=g.gap_before,
                        colour=INK if g.closed else WARN,
                    )
                    for g in report.gaps
                ],
                top=1.0,
                legend="灰色为期初缺口分，彩色为期末；签约（及之后）的交易计入该环节的供给",
            )
        )
    return out
