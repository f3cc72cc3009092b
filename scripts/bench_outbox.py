"""What the notification outbox costs: queueing in a transaction, and sending with 1, 2 and 4
senders racing over the same rows (each message must go out exactly once).

Prints one JSON object per stage:

- ``enqueue``: :func:`app.notifications.outbox.enqueue` per message inside one transaction
  each (as a request queues its notices), p50/p99 in ms;
- ``send`` (one per sender count): messages per second through the claim → deliver → mark
  sent path, with e-mail to a local SMTP server (aiosmtpd, the test extra) or, with
  ``--local``, to the console's outbox only; ``sent`` must equal ``messages`` and
  ``duplicates`` be 0.

Usage::

    python scripts/bench_outbox.py --messages 500
    python scripts/bench_outbox.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr
from sqlalchemy import delete, func, select

from app.migrate import upgrade
from app.models import OutboxMessage
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.notifications.sender import Sender
from app.platform.db import make_engine, make_sessionmaker
from app.platform.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Counting:
    """An SMTP handler that counts Message-IDs."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.ids[line.split(b":", 1)[1].strip().decode()] += 1
        return "250 OK"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--local", action="store_true", help="no SMTP: the local outbox only")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-outbox-")
    url = args.database_url or f"sqlite:///{folder}/outbox.db"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    controller = None
    handler = _Counting()
    smtp_url = None
    if not args.local:
        from aiosmtpd.controller import Controller

        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        smtp_url = f"smtp://127.0.0.1:{port}?from=bench@xieshou.test"
    settings = Settings(
        database_url=url,
        environment="test",
        smtp_url=SecretStr(smtp_url) if smtp_url else None,
        public_url="https://xieshou.test",
    )
    try:
        with engine.begin() as conn:
            conn.execute(delete(OutboxMessage))
        timings = []
        for n in range(args.messages):
            started = time.perf_counter()
            with sessions() as session:
                enqueue(
                    session,
                    Message(
                        topic="import.finished",
                        to_email=f"bench{n}@example.cn",
                        subject="企业导入已完成",
                        text="新增 1，更新 0，未变 0，有误 0。",
                    ),
                )
                session.commit()
            timings.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "stage": "enqueue",
                    "database": engine.dialect.name,
                    "messages": args.messages,
                    "p50_ms": round(statistics.median(timings), 3),
                    "p99_ms": round(_percentile(timings, 0.99), 3),
                }
            )
        )
        for senders in (1, 2, 4):
            with engine.begin() as conn:
                conn.execute(
                    OutboxMessage.__table__.update().values(  # type: ignore[attr-defined]
                        status="pending",
                        delivered=[],
                        attempts=0,
                        claimed_by=None,
                        claimed_until=None,
                        sent_at=None,
                    )
                )
            handler.ids.clear()
            workers = [
                Sender(sessions, settings, name=f"bench-{i}", batch=20) for i in range(senders)
            ]
            barrier = threading.Barrier(senders)

            def run(sender: Sender, barrier: threading.Barrier) -> None:
                barrier.wait()
                sender.send_pass()

            threads = [threading.Thread(target=run, args=(w, barrier)) for w in workers]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            with engine.connect() as conn:
                sent = conn.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == "sent")
                )
            print(
                json.dumps(
                    {
                        "stage": "send",
                        "database": engine.dialect.name,
                        "channel": "local" if args.local else "smtp",
                        "senders": senders,
                        "messages": args.messages,
                        "sent": sent,
                        "received": sum(handler.ids.values()) if not args.local else None,
                        "duplicates": sum(c - 1 for c in handler.ids.values() if c > 1),
                        "per_second": round(args.messages / elapsed, 1),
                    }
                )
            )
    finally:
        if controller is not None:
            controller.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
