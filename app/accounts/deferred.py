"""Work done after the answer is sent, so that the answer's timing tells nothing.

A reset or code request for a known address writes a token and queues a message; for an
unknown one it does nothing. Done in the request, the known case answers a few ms later (see
``scripts/bench_accounts.py``); done here, after the response, both answer alike. The work
runs in its own transaction, which still holds the token and its message together.
"""

import logging
from collections.abc import Callable

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("xieshou.accounts")


def after_response(
    request: Request, background: BackgroundTasks, work: Callable[[Session], None]
) -> None:
    """Run ``work`` in a transaction of its own once the response has gone out."""
    sessions: sessionmaker[Session] = request.app.state.sessionmaker

    def run() -> None:
        try:
            with sessions() as session, session.begin():
                work(session)
        except Exception:
            log.exception("an account request could not be carried out")  # never the address

    background.add_task(run)
