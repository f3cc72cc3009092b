"""A message fits its outbox row whatever its cause (PostgreSQL enforces the column widths)."""

from app.notifications.messages import DEDUPE_KEY_LENGTH, SUBJECT_LENGTH, Message


def _message(*, dedupe_key: str | None = None, subject: str = "洽谈日程已发布") -> Message:
    return Message(
        topic="event.agenda_published",
        to_email="a@example.com",
        subject=subject,
        text="",
        dedupe_key=dedupe_key,
    )


def test_an_agenda_key_naming_many_meetings_fits_and_stays_distinct() -> None:
    # Regression: a firm with several meetings got a key of every meeting's UID, over 200
    # characters, and publishing a session failed on PostgreSQL (the demo did).
    stamp = ",".join(f"meeting-1-{b}-9@xieshou.example#0" for b in range(40))
    first = _message(dedupe_key=f"event.agenda_published:7:{stamp}").dedupe_key
    second = _message(dedupe_key=f"event.agenda_published:7:{stamp}x").dedupe_key
    assert first is not None
    assert second is not None
    assert len(first) <= DEDUPE_KEY_LENGTH
    assert len(second) <= DEDUPE_KEY_LENGTH
    assert first.startswith("event.agenda_published:7:")
    assert first != second


def test_a_short_key_is_kept_as_written() -> None:
    assert (
        _message(dedupe_key="needs.digest:3:2026-12-02").dedupe_key == "needs.digest:3:2026-12-02"
    )


def test_a_long_subject_is_shortened_to_its_column() -> None:
    subject = _message(subject="洽谈日程已发布：" + "会" * 200).subject
    assert len(subject) == SUBJECT_LENGTH
    assert subject.endswith("…")
