"""A growing set of distinct product names (or need terms) with substring look-ups.

The catalog has far fewer distinct product names than product lines (a million synthetic
profiles drawn from the real vocabulary still share a few tens of thousands of names), so the
text side of ranking works on distinct names: find the names related to a query term here, then
gather the profiles holding them from a sparse matrix.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

__all__ = ["Lexicon", "TextStore"]

_SEP = "\x00"


class TextStore:
    """Strings numbered in the order added (repeats allowed), searchable by substring.

    The strings live in a few large ``\\x00``-separated chunks, so a search is one
    ``str.find`` (or regular-expression scan) per chunk rather than a loop over strings.

    Examples
    --------
    >>> store = TextStore()
    >>> store.extend(["锂电池", "电池", "铅酸电池"])
    >>> list(store.occurrences("电池"))
    [(0, 1), (1, 0), (2, 2)]
    >>> [(i, offset, m.group()) for i, offset, m in store.matches("铅.电")]
    [(2, 0, '铅酸电')]
    """

    def __init__(self) -> None:
        self._size = 0
        self._chunks: list[str] = []
        self._chunk_starts: list[list[int]] = []
        self._pending: list[str] = []
        self._all: list[str] = []

    def __len__(self) -> int:
        return self._size

    def extend(self, texts: list[str]) -> None:
        """Append strings (they must not contain ``\\x00``)."""
        self._pending.extend(texts)
        self._all.extend(texts)
        self._size += len(texts)

    def _flush(self) -> None:
        if not self._pending:
            return
        self._flush_pending(self._size - len(self._pending))
        if len(self._chunks) > 8:  # keep look-ups fast: merge the chunks now and then
            self._chunks = []
            self._chunk_starts = []
            self._pending = list(self._all)
            self._flush_pending(0)

    def _flush_pending(self, first: int) -> None:
        starts = [first]
        pos = 1
        for text in self._pending:
            starts.append(pos)
            pos += len(text) + 1
        self._chunks.append(_SEP + _SEP.join(self._pending) + _SEP)
        self._chunk_starts.append(starts)  # [first id, start offset of each string …]
        self._pending = []

    def occurrences(self, term: str) -> Iterator[tuple[int, int]]:
        """``(id, offset)`` of the first occurrence of ``term`` in each string holding it."""
        if not term or _SEP in term:
            return
        self._flush()
        for text, starts in zip(self._chunks, self._chunk_starts, strict=True):
            first = starts[0]
            pos = text.find(term)
            while pos != -1:
                # index into starts[1:]: the last string starting at or before pos
                k = bisect.bisect_right(starts, pos, 1) - 2
                yield first + k, pos - starts[k + 1]
                # jump to the next string
                nxt = starts[k + 2] if k + 2 < len(starts) else len(text)
                pos = text.find(term, nxt)

    def matches(self, pattern: str | re.Pattern[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
        """``(id, offset, match)`` for the first match of a regular expression in each string
        holding one (the pattern must not match ``\\x00``)."""
        self._flush()
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        for text, starts in zip(self._chunks, self._chunk_starts, strict=True):
            first = starts[0]
            last = -1
            for m in regex.finditer(text):
                k = bisect.bisect_right(starts, m.start(), 1) - 2
                if k != last:
                    last = k
                    yield first + k, m.start() - starts[k + 1], m


class Lexicon:
    """Distinct strings, each with a stable integer id, searchable by substring.

    Examples
    --------
    >>> lex = Lexicon()
    >>> [lex.add(s) for s in ("锂电池", "电池", "铅酸电池")]
    [0, 1, 2]
    >>> sorted(lex.containing("电池"))
    [0, 1, 2]
    >>> sorted(lex.contained_in("动力锂电池"))
    [0, 1]
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self._ids: dict[str, int] = {}
        self.store = TextStore()

    def __len__(self) -> int:
        return len(self.names)

    def get(self, name: str) -> int | None:
        """The id of ``name``, or ``None``."""
        return self._ids.get(name)

    def add(self, name: str) -> int:
        """The id of ``name``, adding it if new."""
        found = self._ids.get(name)
        if found is not None:
            return found
        new_id = len(self.names)
        self.names.append(name)
        self._ids[name] = new_id
        self.store.extend([name])
        return new_id

    def containing(self, term: str) -> list[int]:
        """Ids of the names that contain ``term`` (including ``term`` itself)."""
        return [i for i, _ in self.store.occurrences(term)]

    def contained_in(self, text: str, min_len: int = 1) -> list[int]:
        """Ids of the names that occur inside ``text`` (including ``text`` itself)."""
        out: list[int] = []
        n = len(text)
        for i in range(n):
            for j in range(i + min_len, n + 1):
                found = self._ids.get(text[i:j])
                if found is not None:
                    out.append(found)
        return sorted(set(out))
