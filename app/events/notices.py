"""The changed agendas go out: one message a firm, through the notification outbox.

Queued in the caller's transaction (:func:`app.notifications.outbox.enqueue`), so a re-plan
that rolls back sends nothing.
"""

from collections.abc import Collection, Sequence

from sqlalchemy.orm import Session

from app.models import Event, EventParticipant
from app.notifications.messages import Message
from app.notifications.outbox import enqueue

TOPIC = "event.agenda_changed"


def agendas_changed(
    session: Session,
    event: Event,
    people: Sequence[EventParticipant],
    changed: Collection[int],
    *,
    cause: str,
) -> int:
    """Queue an "agenda changed" message to each participant in ``changed``; how many.

    ``cause`` says what changed it (shown to the firm), e.g. ``现场调整``.
    """
    count = 0
    for p in people:
        if p.id not in changed:
            continue
        org = p.organization
        enqueue(
            session,
            Message(
                topic=TOPIC,
                to_email=org.contact_email,
                organization_id=org.id,
                subject=f"{event.name}：您的洽谈日程有变更",
                text=(
                    f"{org.name}：{event.date:%Y年%m月%d日}在{event.venue or '会场'}举行的"
                    f"《{event.name}》因{cause}调整了您的洽谈日程，请在控制台查看最新日程"
                    f"（/events/{event.id}）。"
                ),
            ),
        )
        count += 1
    return count
