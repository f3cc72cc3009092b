"""scripts/bench_startup.py --in-process: the index built and written, then loaded from its
snapshot, each load answering the same shortlist (the script refuses a different one)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_in_process_builds_writes_then_loads_the_same_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "bench_startup.py"),
        "--in-process",
        "--profiles",
        "400",
        "--needs",
        "5",
        "--db",
        "sqlite",
        "--repeat",
        "2",
        "--data-dir",
        str(data),
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(x["mode"], x.get("run")) for x in lines] == [
        ("build_and_write", None),
        ("snapshot", 1),
        ("snapshot", 2),
        ("snapshot", None),
    ]
    assert all(x["stage"] == "in_process" and x["profiles"] == 400 for x in lines)
    assert lines[-1]["runs"] == 2
    assert lines[-1]["median_index_s"] > 0
    assert any((data / "index-snapshots").iterdir())  # written where it was told
