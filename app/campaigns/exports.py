"""The campaign report as a bureau files it: XLSX (one sheet per breakdown) and CSV.

Each sheet: a title row, a row with the period, the organizer and the day it was made, then
the Chinese header, the rows and a 合计 row (sums written as numbers, not formulas). Every
text cell a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, tab, CR) is made literal
(:func:`app.spreadsheets.neutralize`). CSV is one sheet, UTF-8 with a BOM.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from app.campaigns.report import TIER_ZH
from app.campaigns.schemas import BreakdownRow, CampaignReport
from app.spreadsheets import Cell, Sheet, neutralize, to_csv

TOTAL = "合计"
KIND = {"large_firm": "大企业", "sme": "中小企业", "organizer": "组织方"}


@dataclass(frozen=True)
class ReportSheet:
    """A sheet of the report: its key (for ``?sheet=``), rows, and which columns are summed."""

    key: str
    sheet: Sheet
    summed: tuple[int, ...] = ()

    def totals(self) -> list[Cell] | None:
        """The 合计 row, or ``None`` when nothing on the sheet adds up."""
        if not self.summed:
            return None
        row: list[Cell] = [TOTAL] + [None] * (len(self.sheet.header) - 1)
        for i in self.summed:
            total = sum(
                (Decimal(str(r[i])) for r in self.sheet.rows if r[i] is not None), Decimal(0)
            )
            row[i] = int(total) if total == total.to_integral_value() else float(total)
        return row


def _n(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _breakdown(key: str, title: str, first: str, rows: list[BreakdownRow]) -> ReportSheet:
    header = [
        first,
        "洽谈场次（安排）",
        "实际洽谈",
        "爽约",
        "达成意向（对）",
        "交易",
        "签约",
        "签约金额（万元）",
    ]
    body: list[list[Cell]] = [
        [
            r.name,
            r.meetings,
            r.held,
            r.no_shows,
            r.intents,
            r.deals,
            r.signed,
            _n(r.signed_amount_wan),
        ]
        for r in rows
    ]
    return ReportSheet(key, Sheet(title, header, body), tuple(range(1, 8)))


def sheets(report: CampaignReport) -> list[ReportSheet]:
    """Every sheet of the report, in the order a bureau reads them."""
    t = report.totals
    overview: list[list[Cell]] = [
        ["洽谈会场次（期内）", t.sessions, None, None],
        ["已举办场次", t.sessions_held, None, None],
        ["参会企业", t.firms, None, None],
        ["其中：大企业", t.buyers, None, None],
        ["其中：中小企业", t.smes, None, None],
        ["安排洽谈", t.meetings_scheduled, None, None],
        ["实际洽谈", t.meetings_held, None, None],
        ["爽约", t.no_shows, None, None],
        ["达成意向（对）", t.intents, None, None],
        ["交易（期末）", t.deals, None, None],
        ["期内签约", t.signed_deals, None, None],
        ["期内签约金额（万元）", _n(t.signed_amount_wan), None, None],
        [
            f"账期超过 {report.payment_term_limit_days} 天的交易",
            t.payment_terms_over_limit,
            None,
            None,
        ],
    ]
    for p in report.targets:
        overview.append(
            [
                f"目标：{p.name}",
                _n(p.actual),
                _n(p.target),
                None if p.share is None else round(p.share * 100, 1),
            ]
        )
    return [
        ReportSheet("overview", Sheet("总览", ["指标", "完成", "目标", "完成率（%）"], overview)),
        ReportSheet(
            "firms",
            Sheet(
                "参会企业",
                ["企业类型", "层级", "企业数"],
                [
                    [KIND.get(f.kind, f.kind), f.label if f.kind == "sme" else "", f.firms]
                    for f in report.firms
                ],
            ),
            (2,),
        ),
        ReportSheet(
            "stages",
            Sheet(
                "交易阶段",
                ["阶段", "交易数", "合同金额（万元）"],
                [[s.stage_zh, s.deals, _n(s.amount_wan)] for s in report.deals_by_stage],
            ),
            (1, 2),
        ),
        _breakdown("nodes", "按产业链环节", "产业链环节", report.by_node),
        _breakdown("regions", "按地区", "地区", report.by_region),
        _breakdown("tiers", "按企业层级", "企业层级", report.by_tier),
        ReportSheet(
            "left_out",
            Sheet(
                "未获洽谈企业",
                ["企业名称", "企业类型", "层级", "地区代码", "参会场次", "历史爽约"],
                [
                    [
                        f.name,
                        KIND.get(f.kind, f.kind),
                        TIER_ZH.get(f.tier, "") if f.tier else "",
                        f.region_code or "",
                        f.sessions,
                        f.no_shows,
                    ]
                    for f in report.firms_without_meeting
                ],
            ),
            (4, 5),
        ),
        ReportSheet(
            "gaps",
            Sheet(
                "薄弱环节变化",
                [
                    "产业链环节",
                    "位置",
                    "需求数",
                    "期初供给",
                    "期末供给",
                    "期初已签约",
                    "期末已签约",
                    "期初缺口分",
                    "期末缺口分",
                    "缺口收窄",
                ],
                [
                    [
                        g.node_name,
                        g.stage,
                        g.demand,
                        g.supply_before,
                        g.supply_after,
                        g.contracted_before,
                        g.contracted_after,
                        g.gap_before,
                        g.gap_after,
                        "是" if g.closed else "否",
                    ]
                    for g in report.gaps
                ],
            ),
            (2, 5, 6),
        ),
    ]


def sheet_keys() -> list[str]:
    """The ``?sheet=`` values of the CSV export."""
    return ["overview", "firms", "stages", "nodes", "regions", "tiers", "left_out", "gaps"]


def xlsx_bytes(report: CampaignReport, *, organizer: str, today: dt.date) -> bytes:
    """The report as an XLSX workbook, one sheet per breakdown."""
    # openpyxl is imported when a workbook is made, not at start-up
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    period = f"统计期间：{report.period_from:%Y-%m-%d} 至 {report.period_to:%Y-%m-%d}"
    for part in sheets(report):
        s = part.sheet
        ws = book.create_sheet(s.title)
        ws.append([neutralize(f"{report.campaign.name} · {s.title}")])
        ws.append([neutralize(f"{period}　填报单位：{organizer}　制表日期：{today:%Y-%m-%d}")])
        ws.append([neutralize(h) for h in s.header])
        for row in s.rows:
            ws.append([neutralize(c) for c in row])
        totals = part.totals()
        if totals is not None:
            ws.append([neutralize(c) for c in totals])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(s.header), 1))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        for cell in ws[3]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A4"
        for i, title in enumerate(s.header):
            widest = max([_width(title)] + [_width(r[i]) for r in s.rows])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, 10), 50)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(value: Cell) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def csv_bytes(report: CampaignReport, key: str) -> bytes:
    """One sheet of the report as CSV (UTF-8 with BOM), with its 合计 row."""
    part = next(p for p in sheets(report) if p.key == key)
    totals = part.totals()
    rows = part.sheet.rows + ([totals] if totals is not None else [])
    return to_csv(Sheet(part.sheet.title, part.sheet.header, rows))
