"""What causes a notice: one call from the domain's service, in the transaction of the cause.

Each function builds short Chinese messages for the firms concerned (their contact and their
verified users, :mod:`app.notifications.recipients`) and queues them with
:func:`app.notifications.outbox.enqueue`. The periodic notices (meeting reminders, the daily
digest of fitting needs) are queued by :func:`run_periodic` with dedupe keys, so several
workers running it queue each notice once.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    CapabilityProfile,
    Event,
    EventParticipant,
    NeedStatus,
    Organization,
    SupplyNeed,
)
from app.models.base import utcnow
from app.models.notification import MeetingCalendarEntry
from app.notifications import calendars
from app.notifications.messages import Message
from app.notifications.outbox import enqueue_new
from app.notifications.recipients import of_organization
from app.platform.settings import Settings, get_settings
from matching.records import Match

log = logging.getLogger("xieshou.notifications")


# -- what the notices read from the domains above (they pass it in; nothing is imported) -----


class ImportCounts(Protocol):
    """An import's counts (:class:`app.imports.report.ImportReport`)."""

    @property
    def kind(self) -> str: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def written(self) -> bool: ...
    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def rejected(self) -> int: ...


class _Firm(Protocol):
    @property
    def name(self) -> str: ...


class RankedNeed(Protocol):
    """A need as the opportunity feed ranks it (:class:`app.matches.index.IndexedNeed`)."""

    @property
    def title(self) -> str: ...
    @property
    def firm(self) -> _Firm: ...


class OpportunityFeed(Protocol):
    """What the digest asks of the matching index (:class:`app.matches.index.MatchingIndex`)."""

    @property
    def ready(self) -> bool:
        """Whether the index answers yet."""
        ...

    def opportunities(
        self,
        profile_id: int,
        *,
        limit: int,
        region_prefix: str | None,
        min_score: float | None,
        today: dt.date,
    ) -> Sequence[tuple[Match, RankedNeed]]:
        """Ranked open needs for a profile."""
        ...


#: A domain's hourly pass: ``(session, today in China time)``; see :func:`every_hour`.
HourlyPass = Callable[[Session, dt.date], object]
_HOURLY: dict[str, HourlyPass] = {}


def every_hour(name: str, run: HourlyPass) -> None:
    """Have :func:`run_periodic` call ``run`` once an hour in its own transaction (``name``
    keys its clock). A domain registers its own pass (the deals' follow-up prompts), so the
    notifications never import the domains that use them."""
    _HOURLY[name] = run


def _host(settings: Settings) -> str:
    return urlsplit(settings.public_url).hostname or "localhost"


def _local(moment: dt.datetime) -> str:
    """``12月3日 09:00``: how a time reads on a phone in China."""
    local = moment.astimezone(calendars.SESSION_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def notify_organization(
    session: Session,
    organization_id: int,
    *,
    topic: str,
    subject: str,
    text: str,
    dedupe: str | None = None,
    ics: str | None = None,
) -> list[int]:
    """Queue one message to each address of the firm; returns the ids of those newly queued
    (a dedupe key already queued is not queued again)."""
    ids = []
    for person in of_organization(session, organization_id):
        key = f"{dedupe}:{person.email or person.phone}" if dedupe else None
        message = Message(
            topic=topic,
            to_email=person.email,
            to_phone=person.phone,
            user_id=person.user_id,
            organization_id=organization_id,
            subject=subject,
            text=text,
            ics=ics,
            dedupe_key=key,
        )
        row_id = enqueue_new(session, message)
        if row_id is not None:
            ids.append(row_id)
    return ids


# -- interest --------------------------------------------------------------------------------


def interest_marked(session: Session, need: SupplyNeed, profile: CapabilityProfile) -> None:
    """After a firm marks a pair interested: tell both firms when it became mutual, else tell
    the buyer when an SME is interested in its need."""
    from app import consent
    from app.models import InterestMark, InterestValue, Side

    marks = dict(
        session.execute(
            select(InterestMark.side, InterestMark.value).where(
                InterestMark.need_id == need.id, InterestMark.profile_id == profile.id
            )
        ).all()
    )
    buyer = session.get(Organization, need.organization_id)
    sme = session.get(Organization, profile.organization_id)
    if buyer is None or sme is None:
        return
    both = all(marks.get(s.value) == InterestValue.interested.value for s in Side)
    if both and consent.standings(session, buyer, [sme])[sme.id].mutual:
        for firm, other in ((buyer, sme), (sme, buyer)):
            notify_organization(
                session,
                firm.id,
                topic="interest.mutual",
                subject=f"双方有意向：{other.name}",
                text=f"您与{other.name}就需求“{need.title}”互相有意向。\n"
                "对方联系方式已可在平台查看，请尽快联系。",
                dedupe=f"interest.mutual:{need.id}:{profile.id}:{firm.id}",
            )
    elif marks.get(Side.sme.value) == InterestValue.interested.value:
        notify_organization(
            session,
            buyer.id,
            topic="interest.candidate",
            subject=f"新的意向供应商：{sme.name}",
            text=f"{sme.name}对您的需求“{need.title}”有意向。\n请在平台查看并回复。",
            dedupe=f"interest.candidate:{need.id}:{profile.id}",
        )


# -- events ----------------------------------------------------------------------------------


def participant_invited(session: Session, participant: EventParticipant, event: Event) -> None:
    """An organizer invited a firm it does not manage to a session."""
    notify_organization(
        session,
        participant.organization_id,
        topic="event.invitation",
        subject=f"洽谈会邀请：{event.name}",
        text=f"您受邀参加“{event.name}”。\n时间：{event.date.month}月{event.date.day}日"
        f"\n地点：{event.venue or '待定'}\n请在平台接受或谢绝邀请。",
        dedupe=f"event.invitation:{event.id}:{participant.organization_id}",
    )


def agenda_changed(session: Session, event: Event, *, settings: Settings | None = None) -> int:
    """After the event's published meetings changed (published, re-planned, removed, the event
    deleted): update the calendar entries and tell each firm concerned, with an .ics.

    Returns how many messages were queued.
    """
    settings = settings or get_settings()
    host = _host(settings)
    changes = calendars.sync_event(session, event, host)
    if not changes:
        return 0
    people = {c.entry.buyer_participant_id for c in changes} | {
        c.entry.sme_participant_id for c in changes
    }
    names = calendars.participant_names(session, people)
    firm_of = dict(
        session.execute(
            select(EventParticipant.id, EventParticipant.organization_id).where(
                EventParticipant.id.in_(people)
            )
        ).all()
    )
    organizer = session.get(Organization, event.organization_id)
    by_firm: dict[int, list[calendars.Change]] = {}
    for change in changes:
        for pid in (change.entry.buyer_participant_id, change.entry.sme_participant_id):
            if pid in firm_of:
                by_firm.setdefault(firm_of[pid], []).append(change)
    queued = 0
    for firm_id, own in by_firm.items():
        others = {
            c.entry.uid: names.get(
                c.entry.sme_participant_id
                if firm_of.get(c.entry.buyer_participant_id) == firm_id
                else c.entry.buyer_participant_id,
                "",
            )
            for c in own
        }
        queued += _agenda_notice(session, event, firm_id, own, names, others, organizer, host)
    return queued


def _summary(entry: MeetingCalendarEntry, names: dict[int, str]) -> str:
    return (
        f"洽谈：{names.get(entry.buyer_participant_id, '')} × "
        f"{names.get(entry.sme_participant_id, '')}"
    )


def _agenda_notice(
    session: Session,
    event: Event,
    firm_id: int,
    changes: list[calendars.Change],
    names: dict[int, str],
    others: dict[str, str],
    organizer: Organization | None,
    host: str,
) -> int:
    """One message for the firm's new or changed meetings (REQUEST), one for its cancelled
    ones (CANCEL); each line names the firm it meets (``others``: UID → name)."""
    stamp = ",".join(f"{c.entry.uid}#{c.entry.sequence}" for c in changes)
    queued = 0
    live = [c for c in changes if c.kind != "cancelled"]
    gone = [c for c in changes if c.kind == "cancelled"]
    if live:
        first = all(c.kind == "new" for c in live)
        lines = [
            f"{_local(c.entry.starts_at)} {c.entry.location} 与{others[c.entry.uid]}"
            for c in sorted(live, key=lambda c: c.entry.starts_at)
        ]
        topic = "event.agenda_published" if first else "event.agenda_changed"
        heading = "洽谈日程已发布" if first else "洽谈日程有变更"
        ics = calendars.ics_text(
            [(c.entry, _summary(c.entry, names)) for c in live],
            event,
            method="REQUEST",
            organizer=organizer,
            host=host,
        )
        queued += len(
            notify_organization(
                session,
                firm_id,
                topic=topic,
                subject=f"{heading}：{event.name}",
                text=f"“{event.name}”{heading}：\n" + "\n".join(lines) + "\n附件可加入手机日历。",
                dedupe=f"{topic}:{firm_id}:{stamp}",
                ics=ics,
            )
        )
    if gone:
        lines = [
            f"{_local(c.entry.starts_at)} 与{others[c.entry.uid]}"
            for c in sorted(gone, key=lambda c: c.entry.starts_at)
        ]
        ics = calendars.ics_text(
            [(c.entry, _summary(c.entry, names)) for c in gone],
            event,
            method="CANCEL",
            organizer=organizer,
            host=host,
        )
        queued += len(
            notify_organization(
                session,
                firm_id,
                topic="event.agenda_cancelled",
                subject=f"洽谈取消：{event.name}",
                text=f"“{event.name}”以下洽谈已取消：\n" + "\n".join(lines),
                dedupe=f"event.agenda_cancelled:{firm_id}:{stamp}",
                ics=ics,
            )
        )
    return queued


def event_cancelled(session: Session, event: Event) -> int:
    """Before an event is deleted: cancel its meetings in every calendar."""
    from sqlalchemy import update

    from app.models import EventMeeting

    session.execute(
        update(EventMeeting)
        .where(EventMeeting.event_id == event.id)
        .values(published=False)
        .execution_options(synchronize_session=False)
    )
    return agenda_changed(session, event)


# -- imports ---------------------------------------------------------------------------------

_KINDS = {"firms": "企业", "profiles": "能力画像", "needs": "需求"}


def import_finished(session: Session, organization_id: int | None, report: ImportCounts) -> None:
    """An import by a firm or an organizer finished: its counts."""
    if organization_id is None or report.dry_run:
        return
    what = _KINDS.get(report.kind, report.kind)
    if report.written:
        subject = f"{what}导入已完成"
        text = (
            f"{subject}：新增 {report.created}，更新 {report.updated}，"
            f"未变 {report.unchanged}，有误 {report.rejected}。"
        )
    else:
        subject = f"{what}导入未写入"
        text = f"{subject}：有误 {report.rejected} 行，整批未导入；请按报告改正后重新导入。"
    notify_organization(
        session, organization_id, topic="import.finished", subject=subject, text=text
    )


# -- periodic: reminders and the digest -----------------------------------------------------

#: How long before a meeting each reminder goes out, and what it is called.
REMINDERS = ((dt.timedelta(days=1), "day", "明天"), (dt.timedelta(minutes=15), "15min", "15分钟后"))


def queue_reminders(session: Session, now: dt.datetime) -> int:
    """Queue the reminders that are due: a day before and 15 minutes before each meeting."""
    entries = session.scalars(
        select(MeetingCalendarEntry).where(
            MeetingCalendarEntry.cancelled.is_(False),
            MeetingCalendarEntry.starts_at > now,
            MeetingCalendarEntry.starts_at <= now + REMINDERS[0][0],
        )
    ).all()
    if not entries:
        return 0
    people = {e.buyer_participant_id for e in entries} | {e.sme_participant_id for e in entries}
    names = calendars.participant_names(session, people)
    firm_of = dict(
        session.execute(
            select(EventParticipant.id, EventParticipant.organization_id).where(
                EventParticipant.id.in_(people)
            )
        ).all()
    )
    events = {
        e.id: e
        for e in session.scalars(select(Event).where(Event.id.in_({x.event_id for x in entries})))
    }
    queued = 0
    for entry in entries:
        # Only the nearest reminder still ahead: a meeting first seen 10 minutes before gets
        # the 15-minute one, not also yesterday's.
        lead, name, when = next(
            (r for r in reversed(REMINDERS) if entry.starts_at - now <= r[0]), REMINDERS[0]
        )
        if entry.starts_at - now > lead:
            continue
        event = events[entry.event_id]
        for pid in (entry.buyer_participant_id, entry.sme_participant_id):
            if pid not in firm_of:
                continue
            queued += len(
                notify_organization(
                    session,
                    firm_of[pid],
                    topic="event.reminder",
                    subject=f"洽谈提醒：{when} {_local(entry.starts_at)}",
                    text=f"{when}（{_local(entry.starts_at)}）您在“{event.name}”有一场洽谈：\n"
                    f"{entry.location}\n{_summary(entry, names)}",
                    dedupe=f"event.reminder:{name}:{entry.uid}:{entry.starts_at.isoformat()}"
                    f":{firm_of[pid]}",
                )
            )
    return queued


def fresh_needs(session: Session, now: dt.datetime) -> set[int]:
    """Open needs posted in the day before ``now``: what a digest may tell of."""
    since = now - dt.timedelta(days=1)
    return set(
        session.scalars(
            select(SupplyNeed.id).where(
                SupplyNeed.status == NeedStatus.open.value, SupplyNeed.created_at >= since
            )
        )
    )


def queue_digests(
    session: Session,
    index: OpportunityFeed,
    now: dt.datetime,
    *,
    min_score: float,
    limit: int = 5,
) -> int:
    """Queue each SME's digest of today: open needs posted in the last day that fit its
    profile above ``min_score`` (the opportunity feed), once per SME per day."""
    day = now.astimezone(calendars.SESSION_TZ).date()
    fresh = fresh_needs(session, now)
    if not fresh:
        return 0
    queued = 0
    for profile_id, org_id in session.execute(
        select(CapabilityProfile.id, CapabilityProfile.organization_id)
    ):
        ranked = index.opportunities(
            profile_id, limit=50, region_prefix=None, min_score=min_score, today=day
        )
        fitting = [(m, n) for m, n in ranked if m.id in fresh and m.score >= min_score][:limit]
        if not fitting:
            continue
        lines = [f"{n.title}（{n.firm.name}，匹配度 {m.score:.0%}）" for m, n in fitting]
        queued += len(
            notify_organization(
                session,
                org_id,
                topic="needs.digest",
                subject=f"今日推荐：{len(fitting)} 条新需求适合您",
                text="以下新发布的需求与您的能力画像相符：\n"
                + "\n".join(lines)
                + "\n请登录平台查看详情并表达意向。",
                dedupe=f"needs.digest:{org_id}:{day.isoformat()}",
            )
        )
    return queued


class _Clock:
    """When each periodic notice last ran in this process (they are cheap to skip)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: dict[str, float] = {}
        #: The day (China time) this process last queued the digests.
        self.done_on: str | None = None

    def due(self, name: str, every_s: float) -> bool:
        with self.lock:
            now = time.monotonic()
            if now - self.last.get(name, -1e18) < every_s:
                return False
            self.last[name] = now
            return True


#: The digest goes out from this hour (China time) on.
DIGEST_HOUR = 8
#: Not in a worker's first minutes: ranking every profile then would slow its start.
DIGEST_DELAY_S = 120.0

_clock = _Clock()
_clock.last["digest"] = time.monotonic() - 3600 + DIGEST_DELAY_S


def run_periodic(
    sessions: sessionmaker[Session],
    settings: Settings,
    index: OpportunityFeed | None = None,
    *,
    now: dt.datetime | None = None,
    force: bool = False,
) -> int:
    """Queue the reminders (each minute), the domains' hourly passes (:func:`every_hour`: the
    deals' 30/90-day follow-up prompts) and, from 8:00 China time, the day's digests (once a
    day per process; ``force``: now); returns how many reminders and digests were queued."""
    now = now or utcnow()
    queued = 0
    if force or _clock.due("reminders", 60):
        with sessions() as session:
            queued += queue_reminders(session, now)
            session.commit()
    for name, run in list(_HOURLY.items()):
        if force or _clock.due(name, 3600):
            # Dedupe keys make each prompt once (per deal and due date), whichever worker runs it.
            with sessions() as session:
                run(session, now.astimezone(calendars.SESSION_TZ).date())
                session.commit()
    local = now.astimezone(calendars.SESSION_TZ)
    today = local.date().isoformat()
    due = local.hour >= DIGEST_HOUR and _clock.done_on != today and _clock.due("digest", 3600)
    # An index still building would make the pass wait and fail; the next pass sends it.
    if index is not None and index.ready and (force or due):
        with sessions() as session:
            queued += queue_digests(session, index, now, min_score=settings.digest_min_score)
            session.commit()
        _clock.done_on = today  # once a day per worker; the dedupe keys make it once in all
    return queued
