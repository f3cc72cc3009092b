"""签到: check-in by the QR code on a firm's agenda or by name at the desk; presence.

A check-in token is ``<participant id>.<signature>``: an HMAC of the event and the
participant under the event's own key (made with the event, or when an older event first
prints an agenda). Nothing is stored per token; a forged or another event's token fails.
The QR code is an SVG made by ``segno`` on the server, no network.
"""

import base64
import hashlib
import hmac
import secrets

import segno
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, InvalidInput, NotFound
from app.events import service
from app.messages import tr
from app.models import DAY_STATUSES, Event, EventParticipant, Presence
from app.models.base import utcnow
from app.platform.db import flush

#: Desk search: at most this many firms shown.
DESK_LIMIT = 30


def _key(event: Event) -> bytes:
    if event.checkin_key is None:
        event.checkin_key = secrets.token_urlsafe(32)
    return event.checkin_key.encode()


def _signature(event: Event, participant_id: int) -> str:
    digest = hmac.new(_key(event), f"{event.id}:{participant_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def token_for(event: Event, participant_id: int) -> str:
    """The participant's check-in token (printed on its agenda as a QR code)."""
    return f"{participant_id}.{_signature(event, participant_id)}"


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an inline SVG element (no XML declaration)."""
    code = segno.make(text, error="m")
    return code.svg_inline(scale=4, border=2, title="签到二维码")


def _participant_of(session: Session, event: Event, token: str) -> EventParticipant:
    pid_text, _, signature = token.partition(".")
    if not pid_text.isdigit() or not hmac.compare_digest(
        signature, _signature(event, int(pid_text))
    ):
        raise InvalidInput("body.token", tr("not a check-in token of this event"))
    p = next((p for p in service.participants(session, event.id) if p.id == int(pid_text)), None)
    if p is None:
        raise InvalidInput("body.token", tr("not a check-in token of this event"))
    return p


def _present(session: Session, caller: Principal, event: Event, p: EventParticipant) -> None:
    if p.status not in DAY_STATUSES:
        raise Conflict(
            tr("participant {id} is {status}: it does not take part", id=p.id, status=p.status)
        )
    if p.presence != Presence.checked_in:
        p.presence = Presence.checked_in.value
        p.checked_in_at = utcnow()
        p.updated_at = utcnow()
    flush(session, f"participant {p.id}")
    audit.record(session, caller, "event.checkin", "event", event.id, participant=p.id)


def by_token(session: Session, caller: Principal, event_id: int, token: str) -> EventParticipant:
    """Whose QR code staff scanned (nothing changes: the desk confirms the check-in)."""
    event = service.get_managed(session, caller, event_id)
    return _participant_of(session, event, token)


def check_in(session: Session, caller: Principal, event_id: int, token: str) -> EventParticipant:
    """Staff scan a firm's QR code: the firm is checked in (again is fine)."""
    event = service.get_managed(session, caller, event_id)
    p = _participant_of(session, event, token)
    _present(session, caller, event, p)
    return p


def set_presence(
    session: Session,
    caller: Principal,
    event_id: int,
    participant_id: int,
    presence: Presence | None,
) -> EventParticipant:
    """Staff at the desk: check a firm in by name, mark it absent (爽约), or clear it."""
    event = service.get_managed(session, caller, event_id)
    p = next((p for p in service.participants(session, event.id) if p.id == participant_id), None)
    if p is None:
        raise NotFound(
            tr("participant {id} not found in event {event}", id=participant_id, event=event.id)
        )
    if presence is Presence.checked_in:
        _present(session, caller, event, p)
        return p
    p.presence = presence.value if presence else None
    p.checked_in_at = None
    p.updated_at = utcnow()
    flush(session, f"participant {p.id}")
    audit.record(
        session,
        caller,
        "event.presence",
        "event",
        event.id,
        participant=p.id,
        presence=presence.value if presence else None,
    )
    return p


def desk(session: Session, caller: Principal, event_id: int, q: str) -> list[EventParticipant]:
    """The firms taking part whose name contains ``q`` (all of them for an empty ``q``)."""
    event = service.get_managed(session, caller, event_id)
    needle = q.strip().casefold()
    found = [
        p
        for p in service.participants(session, event.id)
        if p.status in DAY_STATUSES and needle in p.organization.name.casefold()
    ]
    return found[:DESK_LIMIT]
