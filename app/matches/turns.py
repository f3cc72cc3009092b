"""Ranking in turns: every ranking a request asks for, over the API or in the console.

Ranking is CPU-bound Python. Run twenty at once and they only share the one interpreter lock
in an order nobody chose, so every answer comes late and some very late; taken in turn (first
come, first served, ``Settings.ranking_concurrency`` at once) each runs at full speed and the
slowest wait is short. Other requests keep the rest of the thread pool.

The API's routes are async and await :func:`ranking`; a console page is a plain function
running in a worker thread and calls :func:`in_turn`, which waits for the same turns. Both
build the call with :func:`shortlist_call` and :func:`opportunities_call`, so a page ranks with
the same service call, arguments and impression logging as the API.
"""

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TypeVar

import anyio.from_thread
import anyio.to_thread
from fastapi import Request
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.matches import service
from app.matches.schemas import Opportunities, Shortlist
from app.models import Tier

T = TypeVar("T")


async def ranking(request: Request, rank: Callable[[], T]) -> T:
    """Run ``rank`` in a worker thread, taking turns (the app's ``ranking_turns`` limiter)."""
    return await anyio.to_thread.run_sync(rank, limiter=request.app.state.ranking_turns)


def in_turn(request: Request, rank: Callable[[], T]) -> T:
    """:func:`ranking` from a request's worker thread (a console page): waits for a turn."""
    return anyio.from_thread.run(ranking, request, rank)


def shortlist_call(
    request: Request,
    session: Session,
    caller: Principal,
    need_id: int,
    *,
    limit: int,
    region: str | None,
    tier: Tier | None,
    min_score: float | None,
    log_views: bool = True,
) -> Callable[[], Shortlist]:
    """:func:`app.matches.service.shortlist` on this worker's index, ready to run in turn.

    The firm's own views are logged as training data for the re-ranker when the settings
    say so (``log_views=False``: a list that is not a shortlist shown to choose from).
    """
    state = request.app.state
    log = log_views and state.settings.log_impressions
    return partial(
        service.shortlist,
        session,
        caller,
        state.matching,
        need_id,
        limit=limit,
        region=region,
        tier=tier,
        min_score=min_score,
        today=date.today(),
        on_shown=state.impressions.add if log else None,
    )


def opportunities_call(
    request: Request,
    session: Session,
    caller: Principal,
    profile_id: int,
    *,
    limit: int,
    region: str | None,
    min_score: float | None,
) -> Callable[[], Opportunities]:
    """:func:`app.matches.service.opportunities` on this worker's index, ready to run in turn."""
    return partial(
        service.opportunities,
        session,
        caller,
        request.app.state.matching,
        profile_id,
        limit=limit,
        region=region,
        min_score=min_score,
        today=date.today(),
    )
