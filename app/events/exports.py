"""Organizer exports: match list, master grid (slot × table), agendas; CSV, XLSX or HTML.

The cells go through :mod:`app.spreadsheets` (formula-like text made literal); the HTML pages
are Jinja2 templates in ``templates/`` with autoescaping on.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fastapi import Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Forbidden, InvalidInput, NotFound
from app.events import checkin, service
from app.events.schemas import EventRead, LeftOutRead, MeetingRead, ParticipantRead, Slot
from app.events.suggestions import PairScore, pair_scores
from app.matches.index import MatchingIndex
from app.messages import tr
from app.models import DAY_STATUSES, Attendance, Side, Wish
from app.spreadsheets import (
    CSV_TYPE,
    HTML_TYPE,
    XLSX_TYPE,
    Cell,
    Sheet,
    content_disposition,
    neutralize,
    to_csv,
    to_xlsx,
)

__all__ = [
    "CSV_TYPE",
    "XLSX_TYPE",
    "Cell",
    "Document",
    "ExportFormat",
    "ExportKind",
    "Sheet",
    "agenda",
    "export",
    "file_response",
    "neutralize",
    "render",
    "to_csv",
    "to_html",
    "to_xlsx",
]

#: Autoescaped: every value a firm typed is escaped in the pages.
_TEMPLATES = Environment(
    loader=PackageLoader("app.events", "templates"),
    autoescape=select_autoescape(["html"]),
)


class ExportKind(StrEnum):
    """What to export."""

    matches = "matches"
    grid = "grid"
    agendas = "agendas"


class ExportFormat(StrEnum):
    """File format."""

    csv = "csv"
    xlsx = "xlsx"
    html = "html"


TITLES = {
    ExportKind.matches: "匹配清单",
    ExportKind.grid: "洽谈总表",
    ExportKind.agendas: "洽谈日程",
}
_WISH_ZH = {Wish.must: "必须洽谈", Wish.would: "愿意洽谈", Wish.no: "不洽谈", None: ""}


def _time(slot: Slot) -> str:
    return f"{slot.start:%H:%M}-{slot.end:%H:%M}"


def _why(pair: PairScore | None) -> list[Cell]:
    """The engine's reasons for a pair: the buyer's need and which products matched."""
    if pair is None:
        return ["", ""]
    matched = "；".join(f"{wanted}→{offered}" for wanted, offered in pair.matched_products)
    return [pair.need_title, matched]


def _score(pair: PairScore | None, stored: float | None) -> Cell:
    """The engine's score of the pair now; else as stored; empty where it does not match."""
    if pair is not None:
        return round(pair.score, 3)
    return round(stored, 3) if stored else None


_ATTENDANCE_ZH = {
    Attendance.both_present: "双方到场",
    Attendance.buyer_absent: "采购方缺席",
    Attendance.sme_absent: "企业缺席",
    None: "",
}


def match_sheet(
    meetings: Sequence[MeetingRead],
    left_out: Sequence[LeftOutRead],
    wishes: dict[tuple[int, int], Wish],
    slots: Sequence[Slot],
    pairs: dict[tuple[int, int], PairScore],
) -> Sheet:
    """Every scheduled meeting and every wanted pair left out, with scores and reasons."""
    rows: list[list[Cell]] = []
    for m in meetings:
        b, s = m.buyer_participant_id, m.sme_participant_id
        rows.append(
            [
                m.buyer_name,
                m.sme_name,
                _score(pairs.get((b, s)), m.score),
                _WISH_ZH[wishes.get((b, s))],
                _WISH_ZH[wishes.get((s, b))],
                "已发布" if m.published else "已安排",
                m.slot + 1,
                _time(slots[m.slot]),
                m.table_number,
                "",
                *_why(pairs.get((b, s))),
            ]
        )
    for lo in left_out:
        b, s = lo.buyer_participant_id, lo.sme_participant_id
        rows.append(
            [
                lo.buyer_name,
                lo.sme_name,
                _score(pairs.get((b, s)), None),
                _WISH_ZH[wishes.get((b, s))],
                _WISH_ZH[wishes.get((s, b))],
                "未安排",
                None,
                None,
                None,
                lo.text_zh,
                *_why(pairs.get((b, s))),
            ]
        )
    header = [
        "采购方",
        "中小企业",
        "匹配度",
        "采购方意愿",
        "企业意愿",
        "状态",
        "轮次",
        "时间",
        "桌号",
        "未安排原因",
        "对接需求",
        "匹配产品（需求→供给）",
    ]
    return Sheet(TITLES[ExportKind.matches], header, rows)


def grid_sheet(
    meetings: Sequence[MeetingRead], people: Sequence[ParticipantRead], slots: Sequence[Slot]
) -> Sheet:
    """One row a slot, one column a table; each cell names the SME sitting there."""
    tables = [
        (p.id, n, f"{p.organization_name} 桌{n}")
        for p in people
        if p.side == Side.buyer
        for n in range(1, p.tables + 1)
    ]
    column = {(pid, n): i for i, (pid, n, _) in enumerate(tables)}
    empty: list[Cell] = [None] * len(tables)
    rows: list[list[Cell]] = [[i + 1, _time(slot), *empty] for i, slot in enumerate(slots)]
    # A no-show's place may have gone to another meeting in the re-plan: that one is shown.
    held = (None, Attendance.both_present)
    for m in sorted(meetings, key=lambda m: m.attendance in held):
        col = column.get((m.buyer_participant_id, m.table_number))
        if col is not None:
            rows[m.slot][2 + col] = m.sme_name
    return Sheet(TITLES[ExportKind.grid], ["轮次", "时间"] + [t[2] for t in tables], rows)


def agenda_sheet(
    meetings: Sequence[MeetingRead],
    people: Sequence[ParticipantRead],
    slots: Sequence[Slot],
    event: EventRead,
) -> Sheet:
    """Each participant's meetings in time order: date, venue, time, table and counterpart."""
    rows: list[list[Cell]] = []
    day = f"{event.date:%Y-%m-%d}"
    for p in people:
        own = [m for m in meetings if p.id in (m.buyer_participant_id, m.sme_participant_id)]
        for m in sorted(own, key=lambda m: m.slot):
            other = m.sme_name if p.side == Side.buyer else m.buyer_name
            rows.append(
                [
                    p.organization_name,
                    day,
                    event.venue,
                    m.slot + 1,
                    _time(slots[m.slot]),
                    f"{m.buyer_name} 桌{m.table_number}",
                    m.table_number,
                    other,
                    _ATTENDANCE_ZH[m.attendance],
                    m.room_url,
                ]
            )
    header = ["参会企业", "日期", "地点", "轮次", "时间", "洽谈桌", "桌号", "洽谈对象", "出席情况"]
    return Sheet(TITLES[ExportKind.agendas], [*header, "线上会议室"], rows)


def to_html(sheet: Sheet, heading: str) -> bytes:
    """A printable page with the sheet as a table (``templates/sheet.html``; autoescaped)."""
    return _TEMPLATES.get_template("sheet.html").render(heading=heading, sheet=sheet).encode()


def render(sheet: Sheet, fmt: ExportFormat, heading: str) -> tuple[bytes, str]:
    """The file's bytes and media type."""
    if fmt is ExportFormat.csv:
        return to_csv(sheet), CSV_TYPE
    if fmt is ExportFormat.xlsx:
        return to_xlsx(sheet), XLSX_TYPE
    return to_html(sheet, heading), HTML_TYPE


@dataclass(frozen=True)
class Document:
    """A file to send."""

    content: bytes
    media_type: str
    filename: str
    fallback: str


def file_response(doc: Document) -> Response:
    """The HTTP response for ``doc``: Chinese file name (RFC 5987), never cached; HTML inline."""
    disposition = content_disposition(
        doc.filename, doc.fallback, inline=doc.media_type.startswith("text/html")
    )
    return Response(
        doc.content,
        media_type=doc.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def _file(sheet: Sheet, fmt: ExportFormat, name: str, fallback: str) -> Document:
    content, media_type = render(sheet, fmt, name)
    return Document(content, media_type, f"{name}.{fmt.value}", f"{fallback}.{fmt.value}")


def export(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    event_id: int,
    kind: ExportKind,
    fmt: ExportFormat,
    *,
    today: date,
) -> Document:
    """The organizer's export of one kind, as a file (match reasons from ``index``)."""
    event = service.get_managed(session, caller, event_id)
    people = service.participants(session, event.id)
    names = service.names_of(people)
    slots = service.slots_of(event)
    meetings = [
        service.meeting_to_read(m, names, slots) for m in service.meetings(session, event.id)
    ]
    approved = [service.participant_to_read(p) for p in people if p.status in DAY_STATUSES]
    if kind is ExportKind.matches:
        left = [service.left_out_to_read(r, names) for r in service.left_out(session, event.id)]
        pairs = pair_scores(
            session, index, people, today=today, statuses=DAY_STATUSES, min_score=0.0
        )
        sheet = match_sheet(meetings, left, service.preferences(session, event.id), slots, pairs)
    elif kind is ExportKind.grid:
        sheet = grid_sheet(meetings, approved, slots)
    else:
        sheet = agenda_sheet(meetings, approved, slots, service.to_read(event))
    return _file(sheet, fmt, f"{event.name}-{TITLES[kind]}", f"event-{event.id}-{kind.value}")


def agenda(
    session: Session,
    caller: Principal,
    event_id: int,
    participant_id: int | None,
    fmt: ExportFormat,
    *,
    checkin_url: str = "",
) -> Document:
    """One participant's agenda: a firm gets only its own published meetings.

    The HTML agenda (for phones and for print) carries the firm's check-in QR code: it
    opens ``checkin_url`` with the token (the console's desk, where staff sign in).
    """
    event = service.get_visible(session, caller, event_id)
    people = service.participants(session, event.id)
    if service.manages(caller, event):
        if participant_id is None:
            raise InvalidInput("query.participant_id", tr("name the participant"))
        who = next((p for p in people if p.id == participant_id), None)
        if who is None:
            raise NotFound(
                tr("participant {id} not found in event {event}", id=participant_id, event=event.id)
            )
    else:
        who = next((p for p in people if p.organization_id == caller.organization_id), None)
        if who is None:
            raise Forbidden(tr("only participants have an agenda"))
        if participant_id not in (None, who.id):
            raise Forbidden(tr("a participant sees only its own agenda"))
    _, visible = service.visible_meetings(session, caller, event.id)
    own = [m for m in visible if who.id in (m.buyer_participant_id, m.sme_participant_id)]
    read = service.to_read(event)
    sheet = agenda_sheet(own, [service.participant_to_read(who)], service.slots_of(event), read)
    name = f"{event.name}-{who.organization.name}-洽谈日程"
    fallback = f"event-{event.id}-agenda-{who.id}"
    if fmt is not ExportFormat.html:
        return _file(sheet, fmt, name, fallback)
    token = checkin.token_for(event, who.id) if who.status in DAY_STATUSES else ""
    page = _TEMPLATES.get_template("agenda.html").render(
        heading=f"{event.name} 洽谈日程",
        firm=who.organization.name,
        date=f"{event.date:%Y年%m月%d日}",
        venue=event.venue,
        token=token,
        qr=checkin.qr_svg(f"{checkin_url}?t={token}" if checkin_url else token) if token else "",
        meetings=[
            {
                "round": row[3],
                "time": row[4],
                "table": row[5],
                "counterpart": row[7],
                "attendance": row[8],
                "room_url": row[9],
            }
            for row in sheet.rows
        ],
    )
    return Document(page.encode("utf-8"), HTML_TYPE, f"{name}.html", f"{fallback}.html")
