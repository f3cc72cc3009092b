"""Time every console page with the demo data, signed in as each role.

Loads the demo (``xieshou demo --no-serve``: 4,586 firms, 36 needs, the seed chain map) into a
scratch SQLite file, adds a 洽谈会 with 12 buyers and 120 SMEs (wishes from the shortlists, scheduled and
published), starts ``xieshou serve``, signs in through the 登录 form per role and requests
each page ``--repeat`` times. Prints one JSON object per line: role, page, status, bytes and
the median / max latency in ms, with ``GET /healthz`` measured in the same run as a baseline::

    python scripts/bench_web.py --repeat 15
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from bench_support import running_server, scratch_database, server_env

from app.models import Role
from app.platform.db import make_engine

BUDGET_MS = 1000.0


def load_demo(url: str) -> dict[Role, tuple[str, int | None]]:
    """Run ``xieshou demo --no-serve``; the printed key and organization id of each role."""
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "demo", "--no-serve", "--database-url", url],
        env=server_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    keys: dict[Role, tuple[str, int | None]] = {}
    for line in out.splitlines():
        found = re.match(r"\s+(\w+)\s+(xs_\S+)\s+(?:organization (\d+)|no organization)", line)
        if found:
            org = int(found.group(3)) if found.group(3) else None
            keys[Role(found.group(1))] = (found.group(2), org)
    return keys


def build_event(base: str, keys: dict[Role, tuple[str, int | None]]) -> dict[str, int]:
    """A published session of the demo organizer with buyers, SMEs and their wishes."""
    admin = {"Authorization": f"Bearer {keys[Role.admin][0]}"}
    organizer = {"Authorization": f"Bearer {keys[Role.organizer][0]}"}
    with httpx.Client(base_url=base, timeout=120) as api:
        needs = api.get("/api/v1/needs", params={"page_size": 100}, headers=admin).json()["items"]
        buyers = list(dict.fromkeys(n["organization"]["id"] for n in needs))[:12]
        slots = [{"start": f"{9 + i // 3:02d}:{(i % 3) * 20:02d}"} for i in range(12)]
        for slot in slots:
            h, m = map(int, slot["start"].split(":"))
            slot["end"] = f"{h:02d}:{m + 15:02d}"
        event = api.post(
            "/api/v1/events",
            json={"name": "演示对接会", "date": "2026-12-20", "slots": slots},
            headers=organizer,
        ).json()
        api.patch(
            f"/api/v1/events/{event['id']}",
            json={"status": "registration"},
            headers=organizer | {"If-Match": f'"{event["version"]}"'},
        ).raise_for_status()
        buyer_part: dict[int, int] = {}
        for org in buyers:
            p = api.post(
                f"/api/v1/events/{event['id']}/participants",
                json={"organization_id": org, "tables": 2},
                headers=organizer,
            )
            p.raise_for_status()
            buyer_part[org] = p.json()["id"]
        sme_part: dict[int, int] = {}
        sme_org = keys[Role.sme][1]
        wanted: list[tuple[int, int]] = []
        for need in needs:
            org = need["organization"]["id"]
            if org not in buyer_part:
                continue
            short = api.get(
                f"/api/v1/needs/{need['id']}/shortlist", params={"limit": 10}, headers=admin
            ).json()["items"]
            for entry in short:
                wanted.append((org, entry["organization"]["id"]))
        smes = list(dict.fromkeys([*([sme_org] if sme_org else []), *(s for _, s in wanted)]))
        for org in smes[:120]:
            p = api.post(
                f"/api/v1/events/{event['id']}/participants",
                json={"organization_id": org},
                headers=organizer,
            )
            p.raise_for_status()
            sme_part[org] = p.json()["id"]
        for buyer, sme in wanted:
            if sme in sme_part:
                api.put(
                    f"/api/v1/events/{event['id']}/preferences",
                    json={
                        "from_participant_id": buyer_part[buyer],
                        "to_participant_id": sme_part[sme],
                        "wish": "would",
                    },
                    headers=organizer,
                ).raise_for_status()
        if sme_org and buyers:
            api.put(
                f"/api/v1/events/{event['id']}/preferences",
                json={
                    "from_participant_id": sme_part[sme_org],
                    "to_participant_id": buyer_part[buyers[0]],
                    "wish": "must",
                },
                headers=organizer,
            ).raise_for_status()
        api.post(f"/api/v1/events/{event['id']}/schedule", headers=organizer).raise_for_status()
        api.post(f"/api/v1/events/{event['id']}/publish", headers=organizer).raise_for_status()
        own_need = next(
            n["id"] for n in needs if n["organization"]["id"] == keys[Role.large_firm][1]
        )
        profile = api.get(
            "/api/v1/profiles", params={"q": "", "page_size": 1}, headers=admin
        ).json()["items"][0]["id"]
    return {
        "event": event["id"],
        "need": needs[0]["id"],
        "own_need": own_need,
        "profile": profile,
        "buyers": len(buyer_part),
        "smes": len(sme_part),
    }


@contextmanager
def sign_in(base: str, key: str) -> Iterator[httpx.Client]:
    """A browser-like client signed in through the 登录 form."""
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
        yield _signed_in(client, key)


def _signed_in(client: httpx.Client, key: str) -> httpx.Client:
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, "no CSRF token on the sign-in form"
    response = client.post("/login", data={"api_key": key, "csrf": token.group(1), "next": ""})
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    return client


def timed(client: httpx.Client, path: str, repeat: int) -> dict[str, Any]:
    """Median and max latency of ``repeat`` GETs of ``path`` (after one warm-up)."""
    client.get(path)
    latencies, status, size = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        latencies.append((time.perf_counter() - start) * 1000)
        status, size = response.status_code, len(response.content)
    return {
        "path": path,
        "status": status,
        "bytes": size,
        "median_ms": round(statistics.median(latencies), 2),
        "max_ms": round(max(latencies), 2),
    }


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="requests per page")
    args = parser.parse_args()
    slow = 0
    with scratch_database("sqlite") as url:
        print("loading the demo", file=sys.stderr)
        keys = load_demo(url)
        make_engine(url).dispose()
        with running_server(url) as server:
            print("building a session", file=sys.stderr)
            ids = build_event(server.base, keys)
            e, pid = ids["event"], ids["profile"]
            pages: dict[Role, list[tuple[str, str]]] = {
                Role.admin: [
                    ("dashboard", "/"),
                    ("needs", "/needs"),
                    ("need_shortlist", f"/needs/{ids['need']}"),
                    ("profile", f"/profiles/{pid}"),
                    ("events", "/events"),
                    ("event_grid", f"/events/{e}"),
                    ("export_grid_xlsx", f"/events/{e}/download/grid?format=xlsx"),
                    ("needs_in_a_region", "/needs?region=440300&page=1"),
                    ("keys", "/keys"),
                    ("keys_find_firm", "/keys?find=科技"),
                    ("imports", "/imports"),
                ],
                Role.organizer: [
                    ("dashboard", "/"),
                    ("need_shortlist", f"/needs/{ids['need']}?limit=50"),
                    ("event_grid", f"/events/{e}"),
                    ("event_find_firm", f"/events/{e}?find=科技"),
                    ("export_matches_xlsx", f"/events/{e}/download/matches?format=xlsx"),
                    ("chains", "/chains"),
                    ("chain_map_weak_links", "/chains/1"),
                    ("weak_links_svg", "/chains/1/weak-links.svg?level=city"),
                ],
                Role.large_firm: [
                    ("dashboard", "/"),
                    ("need_shortlist", f"/needs/{ids['own_need']}"),
                    ("needs_mine", "/needs?mine=1"),
                    ("need_form", "/needs/new"),
                    ("event_agenda", f"/events/{e}"),
                ],
                Role.sme: [
                    ("dashboard", "/"),
                    ("profile_editor", "/profile"),
                    ("opportunities", "/opportunities"),
                    ("event_agenda", f"/events/{e}"),
                    ("agenda_xlsx", f"/events/{e}/agenda?format=xlsx"),
                    ("chain_map", "/chains/1"),
                ],
            }
            with httpx.Client(base_url=server.base, timeout=60) as plain:
                base_line = timed(plain, "/healthz", args.repeat)
            print(json.dumps({"page": "healthz", **base_line, "setup": ids}))
            for role, wanted in pages.items():
                with sign_in(server.base, keys[role][0]) as client:
                    for name, path in wanted:
                        # Follow our own redirects (/profile → the editor) once, time the target.
                        head = client.get(path)
                        if head.status_code in (302, 303, 307):
                            path = head.headers["location"]
                        row = timed(client, path, args.repeat)
                        row["x_healthz"] = round(row["median_ms"] / base_line["median_ms"], 1)
                        row["under_1s"] = row["max_ms"] < BUDGET_MS and row["status"] == 200
                        slow += not row["under_1s"]
                        print(json.dumps({"role": role.value, "page": name, **row}), flush=True)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
