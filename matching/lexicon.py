"""A growing set of distinct product names (or need terms) with substring look-ups.

The catalog has far fewer distinct product names than product lines (a million synthetic
profiles drawn from the real vocabulary still share a few tens of thousands of names), so the
text side of ranking works on distinct names: find the names related to a query term here, then
gather the profiles holding them from a sparse matrix.
"""

from __future__ import annotations

import bisect

_SEP = "\x00"


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
        self._chunks: list[str] = []
        self._chunk_starts: list[list[int]] = []
        self._pending: list[str] = []

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
        self._pending.append(name)
        return new_id

    def _flush(self) -> None:
        if not self._pending:
            return
        self._flush_pending(len(self.names) - len(self._pending))
        if len(self._chunks) > 8:  # keep look-ups fast: merge the chunks now and then
            self._rechunk()

    def _flush_pending(self, first: int) -> None:
        starts = [first]
        pos = 1
        for name in self._pending:
            starts.append(pos)
            pos += len(name) + 1
        self._chunks.append(_SEP + _SEP.join(self._pending) + _SEP)
        self._chunk_starts.append(starts)  # [first id, start offset of each name …]
        self._pending = []

    def _rechunk(self) -> None:
        self._chunks = []
        self._chunk_starts = []
        self._pending = list(self.names)
        self._flush_pending(0)

    def containing(self, term: str) -> list[int]:
        """Ids of the names that contain ``term`` (including ``term`` itself)."""
        if not term or _SEP in term:
            return []
        self._flush()
        out: list[int] = []
        for text, meta in zip(self._chunks, self._chunk_starts, strict=True):
            first, starts = meta[0], meta
            last_id = -1
            pos = text.find(term)
            while pos != -1:
                # index into starts[1:]: the last name starting at or before pos
                k = bisect.bisect_right(starts, pos, 1) - 2
                name_id = first + k
                if name_id != last_id:
                    out.append(name_id)
                    last_id = name_id
                # jump to the next name
                nxt = starts[k + 2] if k + 2 < len(starts) else len(text)
                pos = text.find(term, nxt)
        return out

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
