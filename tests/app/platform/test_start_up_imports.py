"""What a worker imports before it serves, and the collector around that import.

Each test runs a fresh interpreter: the test runner's own process has imported everything.
"""

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from app.matches.index import MatchingIndex
from app.models import CapabilityProfile, NeedKind, NeedStatus, Organization, SupplyNeed
from app.platform.db import make_sessionmaker
from tests.app.factories import make_uscc

#: Libraries only some requests need (workbooks, calendar files, the scheduler's OR-Tools):
#: imported when first used, not by every worker at start-up.
NOT_AT_START = ("openpyxl", "icalendar", "ortools")
#: scikit-learn and what it imports (SciPy's statistics, pandas): needed to fit a model
#: (chain placement, chain discovery, training or loading a re-ranker), not to answer a
#: shortlist from the index.
NOT_TO_SERVE = ("sklearn", "scipy", "pandas")
TODAY = date(2026, 12, 2)


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return done.stdout.strip()


def test_the_app_imports_no_workbook_or_calendar_library() -> None:
    names = ", ".join(repr(n) for n in NOT_AT_START)
    loaded = _run(
        f"import sys, app.main; print(','.join(n for n in ({names},) if n in sys.modules))"
    )
    assert loaded == ""


def test_the_app_imports_no_scikit_learn_scipy_or_pandas() -> None:
    names = ", ".join(repr(n) for n in NOT_TO_SERVE)
    loaded = _run(
        f"import sys, app.main; "
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {{{names}}})))"
    )
    assert loaded == ""


_SERVE = textwrap.dedent(
    """
    import json, sys
    from datetime import date
    from pathlib import Path
    import app.main
    from app.matches.index import MatchingIndex
    from app.platform.db import make_engine, make_sessionmaker
    url, folder, need_id, profile_id = sys.argv[1], Path(sys.argv[2]), *map(int, sys.argv[3:])
    engine = make_engine(url)
    index = MatchingIndex(make_sessionmaker(engine), snapshot_dir=folder, ready_wait_s=120)
    index.start(wait=True)
    today = date(2026, 12, 2)
    need = index.open_need(need_id).record
    shortlist = index.shortlist(
        need, limit=20, region_prefix=None, tier=None, min_score=None, today=today
    )
    feed = index.opportunities(
        profile_id, limit=20, region_prefix=None, min_score=None, today=today
    )
    index.stop()
    engine.dispose()
    print(json.dumps({
        "snapshot": index._snapshot_token,
        "shortlist": [r.match.id for r, _ in shortlist.items],
        "opportunities": [m.id for m, _ in feed],
        "loaded": sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy", "pandas"}),
    }))
    """
)


def test_a_worker_loads_a_snapshot_and_answers_without_scikit_learn(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    with make_sessionmaker(engine)() as s:
        profile_ids = []
        for i, product in enumerate(["锂电池", "磷酸铁锂电池", "轮胎"]):
            org = Organization(kind="sme", name=f"供应商{i}", uscc=make_uscc())
            s.add(org)
            s.flush()
            profile = CapabilityProfile(
                organization_id=org.id, products=[{"name": product, "share": 0.8}]
            )
            s.add(profile)
            s.flush()
            profile_ids.append(profile.id)
        buyer = Organization(kind="large_firm", name="链主", uscc=make_uscc())
        s.add(buyer)
        s.flush()
        need = SupplyNeed(
            organization_id=buyer.id,
            kind=NeedKind.supply.value,
            status=NeedStatus.open.value,
            title="采购锂电池",
            products=["锂电池"],
        )
        s.add(need)
        s.commit()
        need_id = need.id
    built = MatchingIndex(make_sessionmaker(engine), snapshot_dir=tmp_path, ready_wait_s=120)
    built.start(wait=True)  # finds no snapshot: builds the index and writes one
    built.stop()
    assert built._snapshot_token is not None
    args = [database_url, str(tmp_path), str(need_id), str(profile_ids[0])]
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["snapshot"] == built._snapshot_token  # loaded, not rebuilt
    assert answer["shortlist"][:2] == profile_ids[:2]  # 锂电池 first, then the sub-type
    assert profile_ids[2] not in answer["shortlist"]
    assert answer["opportunities"] == [need_id]
    assert answer["loaded"] == []


def test_the_collector_is_back_on_with_the_start_up_heap_frozen() -> None:
    out = _run(
        "import gc; from app.cli import _collector_back; gc.disable(); "
        "import app.main; _collector_back(); "
        "print(gc.isenabled(), gc.get_freeze_count() > 100_000)"
    )
    assert out == "True True"
