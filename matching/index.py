"""Supplier and need indexes: scikit-learn-style estimators over a sparse name → record matrix.

Ranking a query never scores the catalog row by row: each query term is compared with the
*distinct* names (:class:`~matching.termspace.TermSpace`), and the records holding the similar
names are gathered from a CSC matrix (names are columns), keeping each record's best product
with ``np.maximum.at``. Filters and soft signals are vectorised over those candidates, and the
top k come from ``np.argpartition``. Only the k results are looked at in Python, to write their
reasons.

Writes (``add``/``update``/``remove``) go to a small delta merged into the main matrix once it
passes a fraction of it; removal clears a liveness flag. Reads do not modify anything, so any
number of readers are safe while no write happens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from matching.geo import centre_of
from matching.query import parse_need
from matching.records import Match, NeedRecord, ProfileRecord, Reasons
from matching.termspace import SimilarityWeights, TermSpace
from matching.text import cert_key

__all__ = ["NeedIndex", "SoftWeights", "SupplierIndex"]

TIERS = {"innovative": 1, "specialized": 2, "little_giant": 3}
R = TypeVar("R", ProfileRecord, NeedRecord)
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SoftWeights:
    """Additive soft signals, small next to text differences ("among equals")."""

    same_city: float = 0.03
    same_province: float = 0.015
    near: float = 0.01  # × exp(-km / near_km) when neither city nor province is shared
    near_km: float = 300.0
    preferred_region: float = 0.02
    tier: float = 0.004  # × tier rank (little_giant 3, specialized 2, innovative 1)
    industry: float = 0.01


class _Postings:
    """Record slots × name ids, weighted; main CSC plus a delta CSC."""

    def __init__(self) -> None:
        self.main: sp.csc_matrix = sp.csc_matrix((0, 0), dtype=np.float32)
        self.d_rows: list[int] = []
        self.d_cols: list[int] = []
        self.d_vals: list[float] = []
        self.delta: sp.csc_matrix = sp.csc_matrix((0, 0), dtype=np.float32)

    def build(self, rows: I64, cols: I64, vals: F32, n_rows: int, n_cols: int) -> None:
        self.main = sp.csc_matrix((vals, (rows, cols)), shape=(n_rows, n_cols), dtype=np.float32)
        self.main.sum_duplicates()
        self.d_rows, self.d_cols, self.d_vals = [], [], []
        self.delta = sp.csc_matrix((0, 0), dtype=np.float32)

    def append(
        self, row: int, items: Sequence[tuple[int, float]], n_rows: int, n_cols: int
    ) -> None:
        for col, val in items:
            self.d_rows.append(row)
            self.d_cols.append(col)
            self.d_vals.append(val)
        if len(self.d_vals) > max(4096, self.main.nnz // 8):
            rows = np.concatenate([self.main.tocoo().row, np.asarray(self.d_rows)])
            cols = np.concatenate([self.main.tocoo().col, np.asarray(self.d_cols)])
            vals = np.concatenate([self.main.tocoo().data, np.asarray(self.d_vals, np.float32)])
            self.build(rows.astype(np.int64), cols.astype(np.int64), vals, n_rows, n_cols)
        else:
            self.delta = sp.csc_matrix(
                (np.asarray(self.d_vals, np.float32), (self.d_rows, self.d_cols)),
                shape=(n_rows, n_cols),
                dtype=np.float32,
            )

    def gather(self, cols: I64, sims: F32) -> tuple[I64, F32]:
        """(row, sim × weight) for every posting of the name ids ``cols``."""
        out_r: list[I64] = []
        out_v: list[F32] = []
        for m in (self.main, self.delta):
            if not m.shape[1] or not m.nnz:
                continue
            keep = cols < m.shape[1]
            c, s = cols[keep], sims[keep]
            starts, ends = m.indptr[c], m.indptr[c + 1]
            lens = ends - starts
            total = int(lens.sum())
            if not total:
                continue
            offs = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(total)
            out_r.append(m.indices[offs].astype(np.int64))
            out_v.append(m.data[offs] * np.repeat(s, lens))
        if not out_r:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(out_r), np.concatenate(out_v)


class _BaseIndex(BaseEstimator, Generic[R]):  # type: ignore[misc]
    """Shared storage and write path of :class:`SupplierIndex` and :class:`NeedIndex`."""

    region_centres: Mapping[str, tuple[float, float]] | None
    similarity: SimilarityWeights | None
    soft: SoftWeights | None

    # -- subclass hooks -----------------------------------------------------------------------

    def _items(self, record: R) -> list[tuple[str, float]]:
        raise NotImplementedError

    def _tier(self, record: R) -> int:
        return 0

    # -- estimator API ------------------------------------------------------------------------

    def fit(self, records: Iterable[R]) -> _BaseIndex[R]:
        """Index ``records`` from scratch; returns ``self``."""
        self.terms_ = TermSpace(self.similarity)
        self.postings_ = _Postings()
        self.records_: list[R | None] = []
        self.slot_of_: dict[int, int] = {}
        self.alive_ = np.zeros(0, bool)
        self.tier_ = np.zeros(0, np.int8)
        self.region_ = np.zeros(0, np.int64)
        self.lnglat_ = np.zeros((0, 2), np.float64)
        self.certs_: dict[str, dict[int, int]] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        recs = list(records)
        names: list[str] = []
        per: list[list[tuple[str, float]]] = []
        for rec in recs:
            items = self._items(rec)
            per.append(items)
            names.extend(n for n, _ in items)
        self.terms_.add_many(names)
        self._grow(len(recs))
        for rec, items in zip(recs, per, strict=True):
            slot = self._new_slot(rec)
            for name, val in self._best_items(items):
                rows.append(slot)
                cols.append(self.terms_._ids[_key(name)])
                vals.append(val)
        self.postings_.build(
            np.asarray(rows, np.int64),
            np.asarray(cols, np.int64),
            np.asarray(vals, np.float32),
            len(self.records_),
            len(self.terms_),
        )
        self.n_records_ = len(self.slot_of_)
        return self

    def add(self, record: R) -> None:
        """Index one more record (its id must not be indexed yet)."""
        self._check()
        if record.id in self.slot_of_:
            raise ValueError(f"record {record.id} is already indexed; use update()")
        items = self._best_items(self._items(record))
        cols = [(self.terms_.add(name), val) for name, val in items]
        self._grow(1)
        slot = self._new_slot(record)
        self.postings_.append(slot, cols, len(self.records_), len(self.terms_))
        self.n_records_ = len(self.slot_of_)

    def update(self, record: R) -> None:
        """Replace the indexed record with the same id (or add it)."""
        self._check()
        if record.id in self.slot_of_:
            self.remove(record.id)
        self.add(record)

    def remove(self, id: int) -> None:
        """Stop ranking the record ``id``; unknown ids raise ``KeyError``."""
        self._check()
        slot = self.slot_of_.pop(id)
        self.alive_[slot] = False
        rec = self.records_[slot]
        self.records_[slot] = None
        if isinstance(rec, ProfileRecord):
            for c in rec.certifications:
                self.certs_.get(cert_key(c.standard), {}).pop(slot, None)
        self.n_records_ = len(self.slot_of_)

    def __len__(self) -> int:
        return len(self.slot_of_) if hasattr(self, "slot_of_") else 0

    # -- internals ----------------------------------------------------------------------------

    def _check(self) -> None:
        try:
            check_is_fitted(self, "terms_")
        except NotFittedError:
            self.fit([])

    @staticmethod
    def _best_items(items: list[tuple[str, float]]) -> list[tuple[str, float]]:
        best: dict[str, tuple[str, float]] = {}
        for name, val in items:
            k = _key(name)
            if k and (k not in best or val > best[k][1]):
                best[k] = (name, val)
        return list(best.values())

    def _grow(self, extra: int) -> None:
        need = len(self.records_) + extra
        cap = len(self.alive_)
        if need <= cap:
            return
        new = max(need, cap * 2, 16)
        self.alive_ = np.concatenate([self.alive_, np.zeros(new - cap, bool)])
        self.tier_ = np.concatenate([self.tier_, np.zeros(new - cap, np.int8)])
        self.region_ = np.concatenate([self.region_, np.full(new - cap, -1, np.int64)])
        self.lnglat_ = np.concatenate([self.lnglat_, np.full((new - cap, 2), np.nan)])

    def _new_slot(self, rec: R) -> int:
        slot = len(self.records_)
        self.records_.append(rec)
        self.slot_of_[rec.id] = slot
        self.alive_[slot] = True
        self.tier_[slot] = self._tier(rec)
        code = rec.region_code
        self.region_[slot] = int(code) if code and code.isdigit() and len(code) == 6 else -1
        centre = centre_of(code, self.region_centres or {})
        if centre is not None:
            self.lnglat_[slot] = centre
        if isinstance(rec, ProfileRecord):
            for c in rec.certifications:
                until = c.valid_until.toordinal() if c.valid_until else 10**9
                holders = self.certs_.setdefault(cert_key(c.standard), {})
                holders[slot] = max(holders.get(slot, -1), until)
        return slot

    def _term_best(self, term: str, weight: float, *, reverse: bool = False) -> tuple[I64, F32]:
        ids, sims = self.terms_.similar(term, reverse=reverse)
        rows, vals = self.postings_.gather(ids, sims)
        return rows, vals * np.float32(weight)

    def _region_bonus(
        self, slots: I64, ref_code: str | None, preferred: Sequence[str]
    ) -> tuple[F32, npt.NDArray[np.float64]]:
        soft = self.soft or SoftWeights()
        bonus = np.zeros(len(slots), np.float32)
        dist = np.full(len(slots), np.nan)
        reg = self.region_[slots]
        if ref_code and ref_code.isdigit() and len(ref_code) == 6:
            ref = int(ref_code)
            city = (reg // 100 == ref // 100) & (reg >= 0)
            prov = (reg // 10000 == ref // 10000) & (reg >= 0) & ~city
            bonus += np.where(city, soft.same_city, 0.0).astype(np.float32)
            bonus += np.where(prov, soft.same_province, 0.0).astype(np.float32)
            centre = centre_of(ref_code, self.region_centres or {})
            if centre is not None:
                dist = _haversine_vec(self.lnglat_[slots], centre)
                near = np.where(np.isnan(dist), 0.0, np.exp(-np.nan_to_num(dist) / soft.near_km))
                bonus += np.where(city | prov, 0.0, soft.near * near).astype(np.float32)
        for prefix in preferred:
            p = prefix.strip()
            if p.isdigit() and 0 < len(p) <= 6:
                hit = (reg >= 0) & (reg // 10 ** (6 - len(p)) == int(p))
                bonus += np.where(hit, soft.preferred_region, 0.0).astype(np.float32)
        return bonus, dist

    def _prefix_mask(self, cand: I64, prefix: str) -> npt.NDArray[np.bool_]:
        p = prefix.strip()
        if not p.isdigit() or len(p) > 6:
            return np.zeros(len(cand), bool)
        reg = self.region_[cand]
        mask: npt.NDArray[np.bool_] = (reg >= 0) & (reg // 10 ** (6 - len(p)) == int(p))
        return mask

    def _top(self, scores: F32, k: int) -> I64:
        if k <= 0 or not len(scores):
            return np.zeros(0, np.int64)
        part = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
        return part[np.argsort(-scores[part], kind="stable")].astype(np.int64)


class SupplierIndex(_BaseIndex[ProfileRecord]):
    """Rank SME profiles for a need.

    Parameters
    ----------
    region_centres : mapping, optional
        ``{adcode: (longitude, latitude)}`` for distances (see :mod:`matching.geo`).
    application_weight : float
        Weight of the need's purpose (application) as context; small on purpose, because
        firms making the application are the buyer's competitors, not its suppliers.
    unknown_weight : float
        Revenue share assumed for a product without one.
    weight_floor : float
        A product's factor is ``floor + (1 - floor) * sqrt(share)``.
    capability_factor : float
        Factor of technologies and processes, matched like products.
    similarity, soft : optional
        Similarity levels and soft-signal weights.

    Examples
    --------
    >>> from matching.records import ProductItem
    >>> idx = SupplierIndex().fit([
    ...     ProfileRecord(id=1, name="a", products=(ProductItem("锂电池", 0.9),)),
    ...     ProfileRecord(id=2, name="b", products=(ProductItem("电动工具", 0.9),)),
    ... ])
    >>> [m.id for m in idx.shortlist(NeedRecord(id=9, title="采购电池", application="电动工具"))]
    [1]
    """

    def __init__(
        self,
        region_centres: Mapping[str, tuple[float, float]] | None = None,
        *,
        application_weight: float = 0.0,
        unknown_weight: float = 0.05,
        weight_floor: float = 0.75,
        capability_factor: float = 0.5,
        similarity: SimilarityWeights | None = None,
        soft: SoftWeights | None = None,
    ) -> None:
        self.region_centres = region_centres
        self.application_weight = application_weight
        self.unknown_weight = unknown_weight
        self.weight_floor = weight_floor
        self.capability_factor = capability_factor
        self.similarity = similarity
        self.soft = soft

    def fit(self, records: Iterable[ProfileRecord]) -> SupplierIndex:
        """Index the profiles; returns ``self``."""
        super().fit(records)
        return self

    def _items(self, record: ProfileRecord) -> list[tuple[str, float]]:
        floor = self.weight_floor
        out = []
        for p in record.products:
            w = p.weight if p.weight is not None else self.unknown_weight
            out.append((p.name, floor + (1 - floor) * math.sqrt(min(max(w, 0.0), 1.0))))
        for t in (*record.technologies, *record.processes):
            out.append((t, self.capability_factor * floor))
        return out

    def _tier(self, record: ProfileRecord) -> int:
        return TIERS.get(record.tier or "", 0)

    def shortlist(
        self,
        need: NeedRecord,
        k: int = 20,
        *,
        region_prefix: str | None = None,
        tier: str | None = None,
        min_score: float | None = None,
        today: date | None = None,
    ) -> list[Match]:
        """The ``k`` best profiles for ``need``, best first.

        Parameters
        ----------
        need : NeedRecord
            Wanted products/title/description; ``application`` is context only.
        k : int
            How many results.
        region_prefix : str, optional
            Keep only profiles whose region code starts with it.
        tier : str, optional
            Keep only profiles of this tier.
        min_score : float, optional
            Drop results scoring below it.
        today : date, optional
            For certification expiry (default: ``date.today()``).

        Returns
        -------
        list of Match
            Profiles missing a required certification (or holding it expired) are left out.
        """
        check_is_fitted(self, "terms_")
        today = today or date.today()
        parsed = parse_need(need)
        n = len(self.records_)
        total = np.zeros(n, np.float32)
        wsum = sum(w for _, w in parsed.wanted) or 1.0
        for term, w in parsed.wanted:
            rows, vals = self._term_best(term, w / wsum)
            best = np.zeros(n, np.float32)
            np.maximum.at(best, rows, vals)
            total += best
        if self.application_weight and parsed.purpose:
            for term in parsed.purpose:
                rows, vals = self._term_best(term, self.application_weight)
                best = np.zeros(n, np.float32)
                np.maximum.at(best, rows, vals)
                total += best
        cand = np.flatnonzero((total > 0) & self.alive_[:n]).astype(np.int64)
        if tier is not None:
            cand = cand[self.tier_[cand] == TIERS.get(tier, -1)]
        if region_prefix:
            cand = cand[self._prefix_mask(cand, region_prefix)]
        required = tuple(dict.fromkeys(cert_key(c) for c in need.required_certifications if c))
        for key in required:
            holders = self.certs_.get(key, {})
            ok = np.asarray(
                [holders.get(int(s), -1) >= today.toordinal() for s in cand], bool
            ).reshape(-1)
            cand = cand[ok]
        bonus, dist = self._region_bonus(cand, need.region_code, need.preferred_regions)
        soft = self.soft or SoftWeights()
        scores = total[cand] + bonus + soft.tier * self.tier_[cand].astype(np.float32)
        if need.industry_codes:
            codes = set(need.industry_codes)
            pool = self._top(scores, max(4 * k, 100))
            for i in pool:
                rec = self.records_[int(cand[i])]
                if rec is not None and codes & set(rec.industry_codes):
                    scores[i] += soft.industry
        if min_score is not None:
            keep = scores >= min_score
            cand, scores, dist = cand[keep], scores[keep], dist[keep]
        out = []
        for i in self._top(scores, k):
            slot = int(cand[i])
            rec = self.records_[slot]
            assert rec is not None
            out.append(
                Match(
                    id=rec.id,
                    score=float(scores[i]),
                    reasons=self._reasons(need, parsed.wanted, rec, dist[i], required, today),
                )
            )
        return out

    def _reasons(
        self,
        need: NeedRecord,
        wanted: Sequence[tuple[str, float]],
        rec: ProfileRecord,
        dist: float,
        required: Sequence[str],
        today: date,
    ) -> Reasons:
        pairs = []
        offered = [p.name for p in rec.products] + list(rec.technologies) + list(rec.processes)
        for term, _ in wanted:
            scored = [(self.terms_.similarity(term, name), name) for name in offered]
            scored = [x for x in scored if x[0] > 0]
            if scored:
                pairs.append((term, max(scored)[1]))
        held = {
            cert_key(c.standard)
            for c in rec.certifications
            if c.valid_until is None or c.valid_until >= today
        }
        met = tuple(c for c in need.required_certifications if cert_key(c) in held)
        missing = tuple(c for c in need.required_certifications if cert_key(c) not in held)
        return _reasons(pairs, met, missing, dist, need.region_code, rec.region_code, rec.tier)


class NeedIndex(_BaseIndex[NeedRecord]):
    """Rank open needs for an SME profile (its opportunity feed).

    Parameters
    ----------
    region_centres : mapping, optional
        ``{adcode: (longitude, latitude)}`` for distances.
    unknown_weight, weight_floor : float
        How the profile's product revenue shares weigh (as in :class:`SupplierIndex`).
    similarity, soft : optional
        Similarity levels and soft-signal weights.

    Examples
    --------
    >>> from matching.records import ProductItem
    >>> idx = NeedIndex().fit([NeedRecord(id=5, title="采购电池"), NeedRecord(id=6, title="采购轮胎")])
    >>> p = ProfileRecord(id=1, name="a", products=(ProductItem("锂电池", 1.0),))
    >>> [m.id for m in idx.opportunities(p)]
    [5]
    """

    def __init__(
        self,
        region_centres: Mapping[str, tuple[float, float]] | None = None,
        *,
        unknown_weight: float = 0.05,
        weight_floor: float = 0.75,
        similarity: SimilarityWeights | None = None,
        soft: SoftWeights | None = None,
    ) -> None:
        self.region_centres = region_centres
        self.unknown_weight = unknown_weight
        self.weight_floor = weight_floor
        self.similarity = similarity
        self.soft = soft

    def fit(self, records: Iterable[NeedRecord]) -> NeedIndex:
        """Index the open needs; returns ``self``."""
        super().fit(records)
        return self

    def _items(self, record: NeedRecord) -> list[tuple[str, float]]:
        return list(parse_need(record).wanted)

    def opportunities(
        self,
        profile: ProfileRecord,
        k: int = 20,
        *,
        region_prefix: str | None = None,
        min_score: float | None = None,
        today: date | None = None,
    ) -> list[Match]:
        """The ``k`` best open needs for ``profile``, best first.

        Needs past their deadline, or requiring a certification the profile does not hold
        valid on ``today``, are left out. ``region_prefix`` filters on the buyer's region.
        """
        check_is_fitted(self, "terms_")
        today = today or date.today()
        n = len(self.records_)
        best = np.zeros(n, np.float32)
        floor = self.weight_floor
        for p in profile.products:
            w = p.weight if p.weight is not None else self.unknown_weight
            factor = floor + (1 - floor) * math.sqrt(min(max(w, 0.0), 1.0))
            rows, vals = self._term_best(p.name, factor, reverse=True)
            np.maximum.at(best, rows, vals)
        cand = np.flatnonzero((best > 0) & self.alive_[:n]).astype(np.int64)
        if region_prefix:
            cand = cand[self._prefix_mask(cand, region_prefix)]
        held = {
            cert_key(c.standard)
            for c in profile.certifications
            if c.valid_until is None or c.valid_until >= today
        }
        keep = []
        for s in cand:
            rec = self.records_[int(s)]
            if rec is None or (rec.deadline is not None and rec.deadline < today):
                keep.append(False)
                continue
            keep.append(all(cert_key(c) in held for c in rec.required_certifications))
        cand = cand[np.asarray(keep, bool).reshape(-1)]
        bonus, dist = self._region_bonus(cand, profile.region_code, ())
        scores = best[cand] + bonus
        if min_score is not None:
            m = scores >= min_score
            cand, scores, dist = cand[m], scores[m], dist[m]
        out = []
        for i in self._top(scores, k):
            rec = self.records_[int(cand[i])]
            assert rec is not None
            pairs = []
            for term, _ in parse_need(rec).wanted:
                scored = [
                    (self.terms_.similarity(pr.name, term, reverse=True), pr.name)
                    for pr in profile.products
                ]
                scored = [x for x in scored if x[0] > 0]
                if scored:
                    pairs.append((term, max(scored)[1]))
            met = tuple(c for c in rec.required_certifications if cert_key(c) in held)
            reasons = _reasons(
                pairs, met, (), dist[i], rec.region_code, profile.region_code, profile.tier
            )
            out.append(Match(id=rec.id, score=float(scores[i]), reasons=reasons))
        return out


def _reasons(
    pairs: Sequence[tuple[str, str]],
    met: tuple[str, ...],
    missing: tuple[str, ...],
    dist: float,
    a: str | None,
    b: str | None,
    tier: str | None,
) -> Reasons:
    same_city = bool(a and b and len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4])
    same_prov = bool(a and b and a[:2] == b[:2])
    return Reasons(
        matched_products=tuple(pairs),
        certifications_met=met,
        certifications_missing=missing,
        distance_km=None if math.isnan(dist) else round(float(dist), 1),
        same_city=same_city,
        same_province=same_prov,
        tier=tier,
    )


def _haversine_vec(
    lnglat: npt.NDArray[np.float64], centre: tuple[float, float]
) -> npt.NDArray[np.float64]:
    lng, lat = np.radians(lnglat[:, 0]), np.radians(lnglat[:, 1])
    lng0, lat0 = math.radians(centre[0]), math.radians(centre[1])
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat) * math.cos(lat0) * np.sin((lng - lng0) / 2) ** 2
    out: npt.NDArray[np.float64] = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


def _key(name: str) -> str:
    from matching.text import match_key

    return match_key(name)
