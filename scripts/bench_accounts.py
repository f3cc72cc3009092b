"""Whether the answers strangers get take as long for a known e-mail as for an unknown one.

A sign-up, a password-reset request, a one-time-code request and a failed sign-in must not
tell whether an address has an account: not by the answer (the tests check that) and not by
the time it takes. This sends each request alternately for an address that has an account
and for one that has none (in turns, each after a short pause), over real HTTP to the app served by uvicorn (as a stranger would
time it; a fresh SQLite file or the given database), and prints one JSON object per request
kind: p50 in ms for each, and the ratio known / unknown (1.0 is indistinguishable). A successful sign-in is printed too, for
scale (argon2id dominates every password path).

Usage::

    python scripts/bench_accounts.py --rounds 40
    python scripts/bench_accounts.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.accounts.passwords import hash_password
from app.main import create_app
from app.migrate import upgrade
from app.models import Organization, OrgRole, Role, User
from app.models.base import utcnow
from app.platform.db import make_engine, make_sessionmaker
from app.platform.settings import Settings
from app.reference.uscc import uscc_check_char

PASSWORD = "known person 2026"  # noqa: S105 (a benchmark account's)


def _uscc(n: int) -> str:
    body = f"91440300{n:08d}0"[:17]
    return body + uscc_check_char(body)


def _seed(url: str) -> str:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        org = Organization(kind="sme", name="基准测试企业", uscc=_uscc(1), region_code="440300")
        session.add(org)
        session.flush()
        session.add(
            User(
                organization_id=org.id,
                email="known@bench.example.cn",
                name="基准",
                role=Role.sme.value,
                org_role=OrgRole.owner.value,
                password_hash=hash_password(PASSWORD),
                email_verified_at=utcnow(),
            )
        )
    engine.dispose()
    return "known@bench.example.cn"


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn from a thread on a free port (the TestClient ran its start-up)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _p50(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _pair(
    name: str,
    rounds: int,
    call: Callable[[str, int], Any],
    known: str,
    unknown: str,
    gap_s: float,
) -> dict[str, Any]:
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(rounds):
        order = [("known", known), ("unknown", unknown)]
        for which, email in order if i % 2 == 0 else order[::-1]:
            time.sleep(gap_s)  # work left after the previous answer is done before the next
            start = time.perf_counter()
            call(email, i)
            times[which].append(time.perf_counter() - start)
    k, u = _p50(times["known"]), _p50(times["unknown"])
    return {
        "request": name,
        "rounds": rounds,
        "known_p50_ms": k,
        "unknown_p50_ms": u,
        "ratio": round(k / u, 3) if u else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--gap-ms", type=float, default=50, help="pause before each request (ms)")
    parser.add_argument("--only", default="", help="run only the requests whose name has this")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    folder = tempfile.mkdtemp(prefix="bench-accounts-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    upgrade(url)
    known = _seed(url)
    unknown = "nobody@bench.example.cn"
    settings = Settings(
        database_url=url,
        environment="test",
        auth_failures_per_address="1000000/minute",
        auth_failures_per_key="1000000/minute",
    )
    app = create_app(settings)
    with TestClient(app), _serving(app) as base, httpx.Client(base_url=base) as client:

        def sign_in_wrong(email: str, _i: int) -> None:
            r = client.post("/api/v1/sessions", json={"email": email, "password": "wrong pass!"})
            assert r.status_code == 401, r.text

        def reset(email: str, _i: int) -> None:
            assert client.post("/api/v1/password-resets", json={"email": email}).status_code == 202

        def sign_up(email: str, i: int) -> None:
            body = {
                "kind": "sme",
                "name": f"注册基准{i}有限公司",
                "uscc": _uscc(1000 + i),
                "region_code": "440300",
                "person": "测试",
                "password": "bench password 1",
                "email": email,
            }
            assert client.post("/api/v1/sign-ups", json=body).status_code == 202

        def code(email: str, _i: int) -> None:
            page = client.get("/login?mode=code")
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            sent = client.post("/login/code", data={"email": email, "csrf": token})
            assert sent.status_code == 200

        for name, call in (
            ("sign-in, wrong password (POST /api/v1/sessions)", sign_in_wrong),
            ("password reset request (POST /api/v1/password-resets)", reset),
            ("sign-up (POST /api/v1/sign-ups)", sign_up),
            ("one-time code request (POST /login/code)", code),
        ):
            if args.only not in name:
                continue
            row = _pair(name, args.rounds, call, known, unknown, args.gap_ms / 1000)
            print(json.dumps(row, ensure_ascii=False))

        if args.only:
            return
        ok: list[float] = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            r = client.post("/api/v1/sessions", json={"email": known, "password": PASSWORD})
            ok.append(time.perf_counter() - start)
            assert r.status_code == 201
        print(json.dumps({"request": "sign-in, right password", "p50_ms": _p50(ok)}))


if __name__ == "__main__":
    main()
