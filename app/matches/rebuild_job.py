"""A full rebuild of the matching index as a background job (kind ``matches.rebuild``).

``xieshou index rebuild --enqueue`` queues it for the workers instead of rebuilding in the
command. The job builds an index from the database (through the index's public
``build``), then logs a rebuild-everything change so every running worker rebuilds (or
swaps in) its own; the result says how many profiles and open needs it holds.
"""

from typing import Any

from app.matches.index import MatchingIndex
from app.platform import changes, jobs

KIND = "matches.rebuild"


def run(ctx: jobs.JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Rebuild and tell the workers (the job's handler)."""
    ctx.progress(0, 2, "building the index")
    index = MatchingIndex(ctx.sessions)
    index.build()
    profiles, needs = index.sizes
    ctx.check_cancelled()
    ctx.progress(1, 2, "telling the workers")
    with ctx.sessions() as session:
        changes.record(session, changes.EVERYTHING, None)
        session.commit()
    ctx.progress(2, 2, "done")
    return {"profiles": profiles, "open_needs": needs}


jobs.register(KIND, run, retries=1)
