"""The comparison table (比选表) as an XLSX workbook: one row per response, Chinese headers,
mean score per criterion, the weighted total and the quote's terms; formulas neutralized."""

import io
from decimal import Decimal

from app.challenges.schemas import RESPONSE_ZH, Comparison
from app.models import ChallengeKind
from app.spreadsheets import Cell, neutralize

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _n(value: Decimal | float | int | None) -> Cell:
    if value is None:
        return ""
    return float(value) if isinstance(value, Decimal) else value


def header(table: Comparison) -> list[str]:
    """The table's column titles."""
    head = ["响应编号", "企业", "状态", "入围"]
    head += [f"{c.name}（{c.weight}%）" for c in table.criteria]
    head += ["加权总分", "评审人数"]
    if table.kind is ChallengeKind.quotation:
        head += [
            "单价（元）",
            "计价单位",
            "最小起订量",
            "交期（天）",
            "报价有效期至",
            "账期（天）",
            "交货条款",
        ]
    else:
        head += ["报价下限（万元）", "报价上限（万元）", "周期（天）"]
    return [*head, "附件数"]


def rows(table: Comparison) -> list[list[Cell]]:
    """The table's rows, as the console and the workbook show them."""
    out: list[list[Cell]] = []
    for r in table.rows:
        row: list[Cell] = [
            r.response_id,
            r.sme_name,
            RESPONSE_ZH[r.status],
            "是" if r.shortlisted else "",
        ]
        row += [_n(s) for s in r.criterion_scores]
        row += [_n(r.weighted_total), r.reviewers]
        if table.kind is ChallengeKind.quotation:
            row += [
                _n(r.unit_price_yuan),
                r.price_unit or "",
                _n(r.moq),
                _n(r.lead_time_days),
                r.valid_until.isoformat() if r.valid_until else "",
                _n(r.payment_term_days),
                r.delivery_terms or "",
            ]
        else:
            row += [_n(r.price_min_wan), _n(r.price_max_wan), _n(r.duration_days)]
        out.append([*row, r.attachments])
    return out


def comparison_xlsx(table: Comparison) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook  # when a workbook is made, not at start-up

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "比选表"
    sheet.append([neutralize(h) for h in header(table)])
    for row in rows(table):
        sheet.append([neutralize(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
