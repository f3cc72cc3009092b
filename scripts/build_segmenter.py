"""Compile jieba's default dictionary into ``matching/data/jieba_dict.bin.gz``.

The service segments Chinese text with :class:`matching.segment.Segmenter`, which cuts as
``jieba.lcut(text, HMM=False)`` does from a MARISA trie instead of jieba's ~70 MB Python dict
(see that module). This script reads the ``dict.txt`` of the installed jieba (0.42.1 is the
tested version, ``constraints.txt``; ``pip install -e ".[data]"``), builds the trie and the
frequencies, and writes them gzip-compressed. Run it again only when jieba's dictionary
changes; ``tests/matching/test_segment.py`` fails when the shipped file and the installed
jieba disagree::

    python scripts/build_segmenter.py
"""

from __future__ import annotations

import gzip
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.segment import SHIPPED, Segmenter  # noqa: E402


def jieba_entries() -> Iterator[tuple[str, int]]:
    """The ``(word, frequency)`` lines of the installed jieba's ``dict.txt``, in order."""
    with resources.files("jieba").joinpath("dict.txt").open("rb") as lines:
        for line in lines:
            word, count = line.strip().decode("utf-8").split(" ")[:2]
            yield word, int(count)


def main() -> int:
    """Build and write the shipped dictionary; report its size on stderr."""
    started = time.perf_counter()
    print("reading jieba's dict.txt …", file=sys.stderr)
    segmenter = Segmenter.from_entries(jieba_entries())
    out = ROOT / "matching" / "data" / SHIPPED
    # mtime=0: the same dictionary always gives the same bytes
    out.write_bytes(gzip.compress(segmenter.tobytes(), compresslevel=9, mtime=0))
    print(
        f"{len(segmenter):,} words → {out.relative_to(ROOT)} "
        f"({out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
