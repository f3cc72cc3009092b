"""Chinese word segmentation: jieba's dictionary and its rules, the dictionary in a trie.

jieba (``jieba.lcut(text, HMM=False)``) holds its dictionary as a Python dict of ~500,000
words and word prefixes: about 70 MB of objects in every process that segments, which
forked server workers do not keep shared (CPython writes the reference count of every object
it touches, so a shared page becomes private as soon as a worker looks a word up). Here the
same dictionary (jieba 0.42.1's ``dict.txt``, MIT) is a MARISA trie (``marisa-trie``: 1.3 MB,
one C call finds every dictionary word that starts at a position) and one array of
frequencies, shipped compiled in ``matching/data/jieba_dict.bin.gz`` (``scripts/
build_segmenter.py``), and :meth:`Segmenter.cut` applies jieba's rules unchanged, so that it
cuts every text exactly as jieba does without its HMM (``tests/matching/test_segment.py``
holds the two side by side). Loaded, the segmenter is ~5 MB in three buffers that no
reference count touches, so forked workers keep sharing it; building the trie in the process
would leave ~25 MB of the C++ builder's freed memory with the allocator.

- the text is split into blocks of Chinese characters, Latin letters, digits and ``+#&._%-``;
  other characters stand alone;
- within a block every dictionary word is an edge of a graph over the positions, and the cut
  is the path whose words' log probabilities (frequency over the dictionary's total; a lone
  character not in the dictionary counts as frequency 1) add up to the most, ties going to
  the longer last word;
- single Latin letters and digits left alone by that path are joined back into one token.
"""

from __future__ import annotations

import gzip
import re
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator
from importlib import resources
from math import log

import marisa_trie

#: The shipped dictionary (see the module's docstring and ``matching/data/README.md``).
SHIPPED = "jieba_dict.bin.gz"
_MAGIC = b"XSEG1"

# jieba's block and skip patterns, and its pattern of a Latin letter or digit
_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_LATIN_CHAR = re.compile("[a-zA-Z0-9]", re.U)


class Segmenter:
    """A word segmenter over a frequency dictionary (see the module's docstring).

    Parameters
    ----------
    trie
        The dictionary's words (those of a positive frequency).
    counts
        The frequency of each word, by its key id in ``trie``.
    total
        The dictionary's total frequency (jieba counts a word listed twice twice).
    """

    def __init__(self, trie: marisa_trie.Trie, counts: array[int], total: int) -> None:
        if len(counts) != len(trie):
            raise ValueError(f"{len(counts)} frequencies for {len(trie)} words")
        self._trie = trie
        self._counts = counts
        self._total = total
        self._logtotal = log(total)
        # jieba's weight of a word is log(frequency) - log(total), computed in that order
        weights = array("d", bytes(8 * len(counts)))
        for i, count in enumerate(counts):
            weights[i] = log(count) - self._logtotal
        self._weights = weights

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, int]]) -> Segmenter:
        """Build from ``(word, frequency)`` pairs as in jieba's ``dict.txt``: a word listed
        twice keeps its last frequency, and every listing counts toward the total; a word
        whose frequency is 0 is never cut out."""
        freq: dict[str, int] = {}
        total = 0
        for word, count in entries:
            freq[word] = count
            total += count
        trie = marisa_trie.Trie(w for w, c in freq.items() if c > 0)
        counts = array("I", bytes(4 * len(trie)))
        for word, word_id in trie.iteritems():
            counts[word_id] = freq[word]
        return cls(trie, counts, total)

    @classmethod
    def shipped(cls) -> Segmenter:
        """The segmenter of jieba's default dictionary, from ``matching/data`` (:data:`SHIPPED`)."""
        return cls.frombytes(
            gzip.decompress(resources.files("matching.data").joinpath(SHIPPED).read_bytes())
        )

    def tobytes(self) -> bytes:
        """The trie, the frequencies and the total, in the file format :meth:`frombytes` reads."""
        trie: bytes = self._trie.tobytes()
        counts = array("I", self._counts)
        if sys.byteorder == "big":
            counts.byteswap()
        return (
            _MAGIC + struct.pack("<QII", self._total, len(trie), len(counts)) + trie
        ) + counts.tobytes()

    @classmethod
    def frombytes(cls, blob: bytes) -> Segmenter:
        """Read what :meth:`tobytes` wrote."""
        if not blob.startswith(_MAGIC):
            raise ValueError("not a segmenter dictionary")
        at = len(_MAGIC)
        total, trie_size, n = struct.unpack_from("<QII", blob, at)
        at += struct.calcsize("<QII")
        trie = marisa_trie.Trie().frombytes(blob[at : at + trie_size])
        counts = array("I")
        counts.frombytes(blob[at + trie_size : at + trie_size + 4 * n])
        if sys.byteorder == "big":
            counts.byteswap()
        return cls(trie, counts, total)

    def __len__(self) -> int:
        return len(self._trie)

    def frequency(self, word: str) -> int:
        """The dictionary's frequency of ``word`` (0 when it is no word of the dictionary).

        >>> Segmenter.from_entries([("齿轮", 5), ("加工", 5)]).frequency("齿轮")
        5
        """
        key = self._trie.get(word)
        return 0 if key is None else self._counts[key]

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` in order, as ``jieba.lcut(text, HMM=False)`` gives them.

        >>> Segmenter.from_entries([("齿轮", 5), ("加工", 5), ("齿", 1)]).cut("齿轮加工 PCB")
        ['齿轮', '加工', ' ', 'PCB']
        """
        out: list[str] = []
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.match(block):
                out.extend(self._cut_block(block))
                continue
            for part in _SKIP.split(block):
                if _SKIP.match(part):
                    out.append(part)
                else:
                    out.extend(part)
        return out

    def _cut_block(self, block: str) -> Iterator[str]:
        n = len(block)
        lone = -self._logtotal  # log(1) - log(total): a character the dictionary lacks
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        prefixes = self._trie.iter_prefixes_with_ids
        weights = self._weights
        for start in range(n - 1, -1, -1):
            best: tuple[float, int] | None = None
            for word, word_id in prefixes(block[start:]):
                end = start + len(word) - 1
                candidate = (weights[word_id] + route[end + 1][0], end)
                if best is None or candidate > best:
                    best = candidate
            route[start] = best if best is not None else (lone + route[start + 1][0], start)
        buffer = ""
        at = 0
        while at < n:
            end = route[at][1] + 1
            word = block[at:end]
            if len(word) == 1 and _LATIN_CHAR.match(word):
                buffer += word  # jieba joins lone Latin letters and digits into one token
            else:
                if buffer:
                    yield buffer
                    buffer = ""
                yield word
            at = end
        if buffer:
            yield buffer
