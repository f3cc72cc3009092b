"""Training the re-ranker as a background job (kind ``learning.train``).

``xieshou train --enqueue`` queues it for the workers instead of training in the command;
the job's ``result`` is what ``xieshou train`` prints (status promoted / rejected / skipped,
the reason, the version and the metrics).
"""

import json
from typing import Any

from app.platform import jobs

KIND = "learning.train"
#: ``train`` tells four steps.
STEPS = 4


def run(ctx: jobs.JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Fit, compare and (when better) promote a re-ranker (the job's handler)."""
    # Imported here, not at start-up: training imports scikit-learn (with SciPy and pandas).
    from app.learning.training import MIN_GAIN, train

    done = 0

    def step(message: str) -> None:
        nonlocal done
        ctx.check_cancelled()
        done += 1
        ctx.progress(min(done, STEPS), STEPS, message)

    with ctx.sessions() as session:
        report = train(
            session,
            min_interactions=int(data.get("min_interactions", 50)),
            test_fraction=float(data.get("test_fraction", 0.25)),
            min_gain=float(data.get("min_gain", MIN_GAIN)),
            C=float(data.get("C", 1.0)),
            step=step,
        )
        session.commit()
    result: dict[str, Any] = json.loads(report.to_json())
    return result


jobs.register(KIND, run, retries=0)
