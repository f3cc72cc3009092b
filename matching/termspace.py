"""Distinct names (product names or need terms) and how similar a query term is to each.

Ranking works on distinct names, not on profiles: a catalog of a million profiles drawn from a
real vocabulary shares a few tens of thousands of names. The similarity of a query term ``t``
to a name ``n`` (both in :func:`matching.text.match_key` form) is the largest of

- ``1`` when ``n == t``;
- ``subtype`` when ``n`` ends with ``t`` (Chinese head-final compounds: 锂电池 is a 电池);
- ``supertype`` × coverage when ``t`` ends with ``n`` (``n`` is the more general name);
- ``prefix`` when ``n`` starts with ``t`` (包装 → 包装物);
- ``ngram`` × cosine of weighted unit n-grams (Latin codes are single units).

Writes (``add``) are appended to a small delta that is merged into the main matrix once it
grows past a fraction of it, so adding never rebuilds everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matching.text import features, match_key

__all__ = ["SimilarityWeights", "TermSpace"]

_MAX_AFFIX = 16


@dataclass(frozen=True, slots=True)
class SimilarityWeights:
    """Levels of :class:`TermSpace` similarity (see the module docstring)."""

    subtype: float = 0.9
    supertype: float = 0.6
    prefix: float = 0.55
    ngram: float = 0.6
    min_ngram: float = 0.35


class TermSpace:
    """A growing set of distinct names with affix look-ups and an n-gram matrix.

    Examples
    --------
    >>> ts = TermSpace()
    >>> [ts.add(n) for n in ("锂电池", "电池隔膜", "铅酸电池")]
    [0, 1, 2]
    >>> ids, sims = ts.similar("电池")
    >>> sorted(int(i) for i, s in zip(ids, sims) if s >= 0.9)
    [0, 2]
    """

    def __init__(self, weights: SimilarityWeights | None = None) -> None:
        self.weights = weights or SimilarityWeights()
        self.keys: list[str] = []
        self._ids: dict[str, int] = {}
        self._suffix: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        self._feat: dict[str, int] = {}
        self._rows: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] = []
        self._main: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=np.float32)
        self._n_main = 0
        self._delta: sp.csc_matrix = sp.csc_matrix((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, name: str) -> int | None:
        """Id of ``name`` if present."""
        return self._ids.get(match_key(name))

    def add(self, name: str) -> int:
        """Add ``name`` (if new) and return its id."""
        key = match_key(name)
        found = self._ids.get(key)
        if found is not None:
            return found
        pid = len(self.keys)
        self.keys.append(key)
        self._ids[key] = pid
        for i in range(max(0, len(key) - _MAX_AFFIX), len(key)):
            self._suffix.setdefault(key[i:], []).append(pid)
        for j in range(1, min(len(key), _MAX_AFFIX) + 1):
            self._prefix.setdefault(key[:j], []).append(pid)
        self._rows.append(self._vector(key, grow=True))
        if len(self._rows) - self._n_main > max(512, self._n_main // 8):
            self._merge()
        else:
            self._rebuild_delta()
        return pid

    def add_many(self, names: list[str]) -> list[int]:
        """Add many names, merging once at the end."""
        n0 = self._n_main
        self._n_main = 1 << 62  # no merge while adding
        try:
            ids = [self._add_nomerge(n) for n in names]
        finally:
            self._n_main = n0
        self._merge()
        return ids

    def _add_nomerge(self, name: str) -> int:
        key = match_key(name)
        found = self._ids.get(key)
        if found is not None:
            return found
        pid = len(self.keys)
        self.keys.append(key)
        self._ids[key] = pid
        for i in range(max(0, len(key) - _MAX_AFFIX), len(key)):
            self._suffix.setdefault(key[i:], []).append(pid)
        for j in range(1, min(len(key), _MAX_AFFIX) + 1):
            self._prefix.setdefault(key[:j], []).append(pid)
        self._rows.append(self._vector(key, grow=True))
        return pid

    def similar(
        self, term: str, *, reverse: bool = False
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Ids of names similar to ``term`` and their similarity in (0, 1].

        Parameters
        ----------
        term : str
            The query term (a wanted product, or a profile's product).
        reverse : bool
            Swap the sub-type and super-type levels: the names are what is wanted and the
            term is what is made (an SME's product looking for needs).

        Returns
        -------
        ids, sims : ndarray
            Unsorted; only names with a positive similarity.
        """
        key = match_key(term)
        n = len(self.keys)
        if not key or n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        w = self.weights
        sims = np.zeros(n, np.float32)
        cols, vals = self._vector(key, grow=False)
        if len(cols):
            cos = np.zeros(n, np.float32)
            if self._main.shape[1] and self._main.shape[0]:
                m = self._main
                c = cols[cols < m.shape[0]]
                v = vals[cols < m.shape[0]]
                if len(c):
                    cos[: m.shape[1]] += np.asarray(m[c].T @ v).ravel()
            if self._delta.shape[0]:
                d = self._delta
                c = cols[cols < d.shape[1]]
                v = vals[cols < d.shape[1]]
                if len(c):
                    cos[self._n_main :] += np.asarray(d[:, c] @ v).ravel()
            cos[cos < w.min_ngram] = 0.0
            np.maximum(sims, w.ngram * cos, out=sims)
        pref = self._prefix.get(key)
        if pref:
            idx = np.asarray(pref)
            sims[idx] = np.maximum(sims[idx], w.prefix)
        suf = self._suffix.get(key)
        if suf:
            idx = np.asarray(suf)
            if reverse:
                lens = np.asarray([len(self.keys[i]) for i in suf], np.float32)
                level = w.supertype * (len(key) / lens + 0.2)
            else:
                level = np.full(len(suf), w.subtype, np.float32)
            sims[idx] = np.maximum(sims[idx], level)
        for i in range(1, len(key)):
            gen = self._ids.get(key[i:])
            if gen is not None:
                level_gen = (
                    w.subtype if reverse else w.supertype * ((len(key) - i) / len(key) + 0.2)
                )
                sims[gen] = max(sims[gen], level_gen)
        exact = self._ids.get(key)
        if exact is not None:
            sims[exact] = 1.0
        ids = np.flatnonzero(sims)
        return ids.astype(np.int64), sims[ids]

    def similarity(self, term: str, name: str, *, reverse: bool = False) -> float:
        """Similarity of one pair, the same number :meth:`similar` gives for ``name``."""
        t, k = match_key(term), match_key(name)
        if not t or not k:
            return 0.0
        if t == k:
            return 1.0
        w = self.weights
        best = 0.0
        if k.endswith(t) and len(t) <= _MAX_AFFIX:
            best = max(best, w.subtype if not reverse else w.supertype * (len(t) / len(k) + 0.2))
        if k.startswith(t) and len(t) <= _MAX_AFFIX:
            best = max(best, w.prefix)
        if t.endswith(k):
            best = max(best, w.subtype if reverse else w.supertype * (len(k) / len(t) + 0.2))
        cos = _cosine(features(t), features(k))
        if cos >= w.min_ngram:
            best = max(best, w.ngram * cos)
        return best

    # -- internals ----------------------------------------------------------------------------

    def _vector(
        self, key: str, *, grow: bool
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        feats = features(key)
        norm = float(np.sqrt(sum(v * v for v in feats.values()))) or 1.0
        cols: list[int] = []
        vals: list[float] = []
        for f, v in feats.items():
            col = self._feat.get(f)
            if col is None:
                if not grow:
                    continue
                col = self._feat[f] = len(self._feat)
            cols.append(col)
            vals.append(v / norm)
        return np.asarray(cols, np.int64), np.asarray(vals, np.float32)

    def _stack(
        self, rows: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]
    ) -> sp.csr_matrix:
        indptr = np.zeros(len(rows) + 1, np.int64)
        indptr[1:] = np.cumsum([len(c) for c, _ in rows])
        indices = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(self._feat)))

    def _merge(self) -> None:
        # main is stored features × names (CSR by feature) so a query's features select rows
        self._main = self._stack(self._rows).T.tocsr()
        self._n_main = len(self._rows)
        self._delta = sp.csc_matrix((0, 0), dtype=np.float32)

    def _rebuild_delta(self) -> None:
        self._delta = self._stack(self._rows[self._n_main :]).tocsc()


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    na = float(np.sqrt(sum(v * v for v in a.values()))) or 1.0
    nb = float(np.sqrt(sum(v * v for v in b.values()))) or 1.0
    dot = sum(v * b[f] for f, v in a.items() if f in b)
    return float(np.float32(dot / (na * nb)))
