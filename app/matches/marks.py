"""Interest marks as a worker's index holds them, so that a shortlist needs no database read.

Marks are people's clicks (a few per need), so every mark is kept, for open and closed needs
alike. The index reloads a need's marks when the change log says they changed
(:data:`app.platform.changes.INTEREST`, written with every mark and withdrawal) or the need
itself changed. Marks of deleted needs or profiles may linger until the next rebuild; they
are never shown, since those records are never ranked.
"""

from collections.abc import Collection, Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InterestMark

#: side (``buyer`` / ``sme``) → value (``interested`` / ``declined``)
SideValues = dict[str, str]


class MarkRow(NamedTuple):
    """One interest mark."""

    need_id: int
    profile_id: int
    side: str
    value: str


def load_marks(session: Session, need_ids: Collection[int] | None = None) -> list[MarkRow]:
    """The marks on these needs (every mark when ``need_ids`` is ``None``)."""
    query = select(
        InterestMark.need_id, InterestMark.profile_id, InterestMark.side, InterestMark.value
    )
    if need_ids is not None:
        if not need_ids:
            return []
        query = query.where(InterestMark.need_id.in_(sorted(need_ids)))
    return [MarkRow(*row) for row in session.execute(query)]


class MarkBook:
    """Every interest mark, by need and by profile. Not thread-safe: the index's lock guards it.

    Examples
    --------
    >>> book = MarkBook()
    >>> book.replace({7}, [MarkRow(7, 3, "buyer", "interested")])
    >>> book.on_need(7, [3, 4])
    {3: {'buyer': 'interested'}, 4: {}}
    >>> book.on_profile(3, [7])
    {7: {'buyer': 'interested'}}
    """

    def __init__(self) -> None:
        self._by_need: dict[int, dict[int, SideValues]] = {}
        self._by_profile: dict[int, dict[int, SideValues]] = {}

    def replace(self, need_ids: Collection[int], rows: Iterable[MarkRow]) -> None:
        """Make ``rows`` the whole set of marks on ``need_ids``."""
        for need_id in need_ids:
            for profile_id in self._by_need.pop(need_id, {}):
                on_profile = self._by_profile.get(profile_id, {})
                on_profile.pop(need_id, None)
                if not on_profile:
                    self._by_profile.pop(profile_id, None)
        for row in rows:
            self._by_need.setdefault(row.need_id, {}).setdefault(row.profile_id, {})[row.side] = (
                row.value
            )
            self._by_profile.setdefault(row.profile_id, {})[row.need_id] = self._by_need[
                row.need_id
            ][row.profile_id]

    def on_need(self, need_id: int, profile_ids: Iterable[int]) -> dict[int, SideValues]:
        """Each profile's marks on the need (copies; empty when none)."""
        found = self._by_need.get(need_id, {})
        return {p: dict(found.get(p, {})) for p in profile_ids}

    def on_profile(self, profile_id: int, need_ids: Iterable[int]) -> dict[int, SideValues]:
        """Each need's marks on the profile (copies; empty when none)."""
        found = self._by_profile.get(profile_id, {})
        return {n: dict(found.get(n, {})) for n in need_ids}
