"""Word segmentation speed: ``matching.segment`` against jieba on the same texts.

Both cut every name of the demo catalog (``app/demo/data/catalog.jsonl.gz``: firms' full and
short names, industries and product names, ~80,000 texts) without jieba's HMM, alternated
``--repeat`` times in one process; one JSON line per run, then the medians and their ratio.
Needs jieba (``pip install -e ".[test]"``)::

    python scripts/bench_segment.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.demo.loader import catalog  # noqa: E402
from matching.segment import Segmenter  # noqa: E402


def catalog_texts() -> list[str]:
    """Every firm name, short name, industry and product name of the demo catalog."""
    texts: list[str] = []
    for firm in catalog():
        texts += [firm["full_name"], firm["short_name"], firm["sw_industry"]]
        texts += [name for name, _ in firm["products"]]
    return texts


def main() -> int:
    """Time both segmenters; see the module's docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    reference = jieba.Tokenizer()
    reference.initialize()
    ours = Segmenter.shipped()
    texts = catalog_texts()
    print(f"{len(texts):,} texts, {args.repeat} runs each, alternated …", file=sys.stderr)
    runs: dict[str, list[float]] = {"jieba": [], "segmenter": []}
    for run in range(1, args.repeat + 1):
        for name, cut in (
            ("jieba", lambda t: reference.lcut(t, HMM=False)),
            ("segmenter", ours.cut),
        ):
            started = time.perf_counter()
            for text in texts:
                cut(text)
            seconds = time.perf_counter() - started
            runs[name].append(seconds)
            line = {"stage": "segment", "run": run, "method": name, "texts": len(texts)}
            print(json.dumps(line | {"seconds": round(seconds, 3)}), flush=True)
    median = {name: statistics.median(times) for name, times in runs.items()}
    summary = {
        "stage": "segment_median",
        "texts": len(texts),
        "runs": args.repeat,
        **{f"{name}_s": round(value, 3) for name, value in median.items()},
        "segmenter_vs_jieba": round(median["segmenter"] / median["jieba"], 2),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
