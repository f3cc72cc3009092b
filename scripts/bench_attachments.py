"""How quickly and in how little memory hostile attachments are refused, against an ordinary
file of the same kind read the same way.

Each file goes through :func:`app.attachments.content.identify` (what an upload does before
anything is stored) ``--rounds`` times; printed per file, one JSON object: its packed size,
the verdict, the median time in ms, the peak Python memory (tracemalloc) in MB, and the ratio
of its median to the ordinary DOCX's (the baseline, measured in the same run).

Usage::

    python scripts/bench_attachments.py --rounds 5
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.attachments.content import ContentLimits, Refused, identify
from tests.app import hostile_files as hostile
from tests.app.challenges import files

MB = 1 << 20

CASES: dict[str, Callable[[], bytes]] = {
    "ordinary DOCX, 2 MB document (baseline)": lambda: files.docx(_paragraphs(2 * MB)),
    "ordinary XLSX": files.xlsx,
    "DOCX bomb (300 MB of zeros)": files.docx_bomb,
    "XLSX bomb (800 MB shared string)": hostile.shared_string_bomb,
    "XLSX lying sizes (100 MB declared as 1 KB)": lambda: hostile.lying_sizes(100 * MB),
    "XLSX lying sizes (100 MB declared as 1 MB: caught while unpacking)": lambda: (
        hostile.lying_sizes(100 * MB, declared=MB)
    ),
    "PNG 100000×100000 (header)": lambda: files.png(100_000, 100_000),
    "PNG + DOCX polyglot": files.png_with_zip,
}


def _paragraphs(size: int) -> bytes:
    """A document part of about ``size`` bytes of numbered paragraphs (compresses like text)."""
    parts, total, i = [b"<w:document><w:body>"], 0, 0
    while total < size:
        text = (
            f"<w:p><w:r><w:t>第{i}段：谐波减速器寿命试验 {i * 7919 % 10007} 小时</w:t></w:r></w:p>"
        )
        parts.append(text.encode())
        total += len(parts[-1])
        i += 1
    return b"".join([*parts, b"</w:body></w:document>"])


def _once(data: bytes) -> tuple[str, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        verdict = identify(io.BytesIO(data), len(data), ContentLimits())
    except Refused as refused:
        verdict = f"refused ({'413' if refused.too_large else '422'}): {refused.reason}"
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return verdict, took, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    baseline = None
    for name, build in CASES.items():
        data = build()
        runs = [_once(data) for _ in range(args.rounds)]
        median = statistics.median(t for _, t, _ in runs)
        baseline = baseline or median
        print(
            json.dumps(
                {
                    "file": name,
                    "packed_mb": round(len(data) / MB, 2),
                    "verdict": runs[0][0],
                    "median_ms": round(median * 1000, 1),
                    "peak_mb": round(max(p for _, _, p in runs) / MB, 1),
                    "ratio_to_baseline": round(median / baseline, 2),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
