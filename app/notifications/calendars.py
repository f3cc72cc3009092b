"""Meetings as iCalendar: invitations that update (stable UID, rising SEQUENCE) and feeds.

A meeting's UID is made of its event and its two participants (who meet at most once per
event), not of its row id: re-running the schedule replaces rows, and calendar apps must
update the entry rather than add a second one. What an entry last said is kept in
``meeting_calendar_entries``; each change (time, table, cancellation) raises its SEQUENCE.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.consent import organizer_address
from app.models import (
    Event,
    EventMeeting,
    EventParticipant,
    Organization,
)
from app.models.base import utcnow
from app.models.notification import CalendarFeed, MeetingCalendarEntry

if TYPE_CHECKING:  # icalendar is imported when a calendar is written, not at start-up
    from icalendar import Event as VEvent

#: Sessions are held in China; slots are local times of the event's date.
SESSION_TZ = ZoneInfo("Asia/Shanghai")
PRODID = "-//Xieshou 携手//百场万企 洽谈会//ZH"


def meeting_uid(
    event_id: int, buyer_participant_id: int, sme_participant_id: int, host: str
) -> str:
    """The UID of a meeting's calendar entry, the same for every version of it."""
    return f"meeting-{event_id}-{buyer_participant_id}-{sme_participant_id}@{host}"


def meeting_times(event: Event, slot: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (UTC) of ``slot`` on the event's date."""
    spec = event.slots[slot]
    start = dt.datetime.combine(event.date, dt.time.fromisoformat(spec["start"]), SESSION_TZ)
    end = dt.datetime.combine(event.date, dt.time.fromisoformat(spec["end"]), SESSION_TZ)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def location_of(event: Event, table_number: int) -> str:
    """Where a meeting is: the venue and the table."""
    return f"{event.venue} {table_number}号桌".strip()


@dataclass(frozen=True)
class Change:
    """One meeting's entry after a sync: new, changed or cancelled."""

    entry: MeetingCalendarEntry
    kind: str  # "new" | "changed" | "cancelled"


def sync_event(session: Session, event: Event, host: str) -> list[Change]:
    """Bring the event's calendar entries in line with its published meetings.

    A published meeting without an entry gets one (SEQUENCE 0); one whose time or table
    moved, or that comes back after a cancellation, gets SEQUENCE + 1; an entry whose meeting
    is no longer published (re-planned, removed, or the event deleted) is cancelled with
    SEQUENCE + 1. Returns what changed, for the notices.
    """
    meetings = {
        meeting_uid(event.id, m.buyer_participant_id, m.sme_participant_id, host): m
        for m in session.scalars(
            select(EventMeeting).where(
                EventMeeting.event_id == event.id, EventMeeting.published.is_(True)
            )
        )
    }
    entries = {
        e.uid: e
        for e in session.scalars(
            select(MeetingCalendarEntry).where(MeetingCalendarEntry.event_id == event.id)
        )
    }
    changes: list[Change] = []
    for uid, m in meetings.items():
        start, end = meeting_times(event, m.slot)
        where = location_of(event, m.table_number)
        entry = entries.get(uid)
        if entry is None:
            entry = MeetingCalendarEntry(
                uid=uid,
                event_id=event.id,
                buyer_participant_id=m.buyer_participant_id,
                sme_participant_id=m.sme_participant_id,
                sequence=0,
                starts_at=start,
                ends_at=end,
                location=where,
                cancelled=False,
            )
            session.add(entry)
            changes.append(Change(entry, "new"))
        elif entry.cancelled or (entry.starts_at, entry.ends_at, entry.location) != (
            start,
            end,
            where,
        ):
            entry.sequence += 1
            entry.starts_at, entry.ends_at, entry.location = start, end, where
            entry.cancelled = False
            changes.append(Change(entry, "changed"))
    for uid, entry in entries.items():
        if uid not in meetings and not entry.cancelled:
            entry.sequence += 1
            entry.cancelled = True
            changes.append(Change(entry, "cancelled"))
    session.flush()
    return changes


def _vevent(
    entry: MeetingCalendarEntry,
    event: Event,
    summary: str,
    organizer: Organization | None,
    host: str,
) -> "VEvent":
    from icalendar import Event as VEvent
    from icalendar import vCalAddress

    item = VEvent()
    item.add("uid", entry.uid)
    item.add("sequence", entry.sequence)
    item.add("dtstamp", utcnow())
    item.add("dtstart", entry.starts_at)
    item.add("dtend", entry.ends_at)
    item.add("summary", summary)
    item.add("location", entry.location)
    item.add("description", f"{event.name}（{event.date.isoformat()}）")
    item.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    address = vCalAddress(f"mailto:{organizer_address(organizer) or f'noreply@{host}'}")
    address.params["cn"] = organizer.name if organizer else "携手平台"
    item.add("organizer", address)
    return item


def ics_text(
    entries: list[tuple[MeetingCalendarEntry, str]],
    event: Event,
    *,
    method: str | None,
    organizer: Organization | None,
    host: str,
) -> str:
    """An iCalendar of ``entries`` (each with its summary); ``method`` REQUEST, CANCEL or none."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    for entry, summary in entries:
        cal.add_component(_vevent(entry, event, summary, organizer, host))
    return str(cal.to_ical().decode("utf-8"))


# -- private feeds -------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    """What is stored of a feed token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_feed(session: Session, organization_id: int) -> str:
    """A new feed URL token for the firm (shown once); its earlier feeds stop working."""
    revoke_feeds(session, organization_id)
    token = secrets.token_urlsafe(24)
    session.add(CalendarFeed(organization_id=organization_id, token_hash=feed_token_hash(token)))
    session.flush()
    return token


def revoke_feeds(session: Session, organization_id: int) -> int:
    """Stop the firm's feeds; returns how many were live."""
    result = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.organization_id == organization_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def active_feed(session: Session, organization_id: int) -> CalendarFeed | None:
    """The firm's live feed, if it has one."""
    return session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.organization_id == organization_id, CalendarFeed.revoked_at.is_(None)
        )
    )


def feed_owner(session: Session, token: str) -> int | None:
    """The organization a live feed token belongs to."""
    return session.scalar(
        select(CalendarFeed.organization_id).where(
            CalendarFeed.token_hash == feed_token_hash(token), CalendarFeed.revoked_at.is_(None)
        )
    )


def feed_ics(session: Session, organization_id: int, host: str) -> str:
    """The firm's calendar: its published meetings in every event, with their SEQUENCE."""
    own = select(EventParticipant.id).where(EventParticipant.organization_id == organization_id)
    rows = session.scalars(
        select(MeetingCalendarEntry)
        .where(
            (MeetingCalendarEntry.buyer_participant_id.in_(own))
            | (MeetingCalendarEntry.sme_participant_id.in_(own))
        )
        .order_by(MeetingCalendarEntry.starts_at)
    ).all()
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "携手 洽谈日程")
    names = participant_names(
        session, {r.buyer_participant_id for r in rows} | {r.sme_participant_id for r in rows}
    )
    events = {
        e.id: e
        for e in session.scalars(select(Event).where(Event.id.in_({r.event_id for r in rows})))
    }
    for entry in rows:
        event = events[entry.event_id]
        summary = f"洽谈：{names.get(entry.buyer_participant_id, '')} × {names.get(entry.sme_participant_id, '')}"
        cal.add_component(_vevent(entry, event, summary, None, host))
    return str(cal.to_ical().decode("utf-8"))


def participant_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Participant id → the firm's name."""
    if not ids:
        return {}
    rows = session.execute(
        select(EventParticipant.id, Organization.name)
        .join(Organization, Organization.id == EventParticipant.organization_id)
        .where(EventParticipant.id.in_(ids))
    )
    return dict(rows.all())
