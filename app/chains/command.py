"""``xieshou chains seed|place|export``: the chain map from the command line."""

import sys
from pathlib import Path

from tqdm import tqdm

from app.chains import placing, service, transfer
from app.chains.seed import load_seed
from app.migrate import upgrade
from app.platform.db import make_engine, make_sessionmaker, session_scope


def seed(database_url: str, *, place: bool) -> int:
    """Load the shipped seed chain map (idempotent), then optionally place everything."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        sessions = make_sessionmaker(engine)
        for session in session_scope(sessions):
            result = load_seed(session)
        print(
            f"chain map seed: {result.chains} chains, {result.nodes} nodes, "
            f"{result.edges} edges added",
            file=sys.stderr,
        )
    finally:
        engine.dispose()
    if place:
        return place_all(database_url)
    return 0


def place_all(database_url: str) -> int:
    """Re-place every profile and need on the chain map, with a progress bar."""
    engine = make_engine(database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            total = placing.subject_count(session)
            with tqdm(total=total, desc="placing", unit=" records", file=sys.stderr) as bar:
                summary = placing.place_all(session, progress=bar.update)
        rate = (summary.profiles + summary.needs) / summary.seconds if summary.seconds else 0.0
        print(
            f"placed {summary.profiles} profiles and {summary.needs} needs: "
            f"{summary.placements} placements in {summary.seconds:.2f} s ({rate:,.0f}/s)",
            file=sys.stderr,
        )
    finally:
        engine.dispose()
    return 0


def export(database_url: str, fmt: str, output: str | None) -> int:
    """Write the chain map as JSON (the import format) or CSV."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            doc = service.export_document(session)
    finally:
        engine.dispose()
    if fmt == "csv":
        data = transfer.export_csv(doc)
    else:
        data = (doc.model_dump_json(indent=1) + "\n").encode("utf-8")
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0
