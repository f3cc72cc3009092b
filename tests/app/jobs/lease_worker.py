"""A job consumer process for the lease tests (``python -m tests.app.jobs.lease_worker``).

It is the runner a ``xieshou worker`` runs (huey's consumer, the lease keeper), on the
settings handed to it as a web worker hands them to its consumer process, with two kinds of
slow job registered: both note in a folder that they started (with this process's id) and
wait there until a ``go`` file appears.
"""

import os
import time
from pathlib import Path
from typing import Any

from app.platform import consumer_process, jobs
from app.platform.db import make_engine, make_sessionmaker

#: A slow job tried again once after a failure (or a lost lease).
RETRIED = "test.lease.retried"
#: A slow job that is never tried again.
ONCE = "test.lease.once"


def _slow(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    folder = Path(payload["folder"])
    (folder / f"started-{ctx.job_id}-{os.getpid()}").touch()
    while not (folder / "go").exists():
        ctx.check_cancelled()
        time.sleep(0.05)
    return {"pid": os.getpid()}


jobs.register(RETRIED, _slow, retries=1, retry_delay_s=0)
jobs.register(ONCE, _slow)


def main() -> None:
    """Consume the queue of the inherited settings until SIGTERM (or SIGKILL)."""
    settings = consumer_process.inherited_settings()
    assert settings is not None, f"set {consumer_process.SETTINGS_ENV}"
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    runner = jobs.JobRunner(sessions, settings, workers=1)
    sessions.configure(info={jobs.INFO_KEY: runner})
    runner.resubmit_queued()
    runner.keep_leases()
    runner.consumer(embedded=False).run()


if __name__ == "__main__":
    main()
