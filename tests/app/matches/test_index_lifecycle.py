"""The matching index's background thread: one per index, however often it is started."""

import threading

from sqlalchemy import Engine

from app.matches.index import MatchingIndex
from app.platform.db import make_sessionmaker


def _index_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "matching-index" and t.is_alive()}


def test_a_second_start_keeps_the_one_thread_and_stop_ends_it(engine: Engine) -> None:
    before = _index_threads()
    index = MatchingIndex(make_sessionmaker(engine), ready_wait_s=120)
    index.start(wait=True)
    index.start(wait=True)  # a nested app start (a second TestClient) does this
    try:
        assert len(_index_threads() - before) == 1
        assert index.ready
    finally:
        index.stop()
    assert _index_threads() - before == set()
