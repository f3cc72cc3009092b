"""Rank open needs for a supplier: the opportunity feed (the reverse of the shortlist).

Needs are indexed by their wanted terms (:func:`matching.query.wanted_terms`, so free-text
needs work too; applications are never indexed as wanted). A profile's products are matched
against the distinct terms with the same quality function as the shortlist, and needs holding
those terms are gathered with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from matching.catalog import product_vocabulary
from matching.geo import RegionCentres
from matching.lexicon import Lexicon
from matching.postings import Postings
from matching.query import wanted_terms
from matching.records import Match, NeedRecord, ProfileRecord, Reasons
from matching.row_index import REGION_COLUMNS, RowIndex
from matching.signals import (
    INDUSTRY_BONUS,
    MAX_BONUS,
    NO_EXPIRY,
    PREFERRED_REGION_BONUS,
    TIER_BONUS,
    TIER_RANK,
    cert_key,
    in_regions,
    industry_major,
    region_bonus,
    region_point,
    significant_prefix,
    top_k,
)
from matching.similarity import match_quality
from matching.supplier_index import profile_terms

__all__ = ["NeedIndex"]

_ROW_COLUMNS: dict[str, tuple[Any, Any]] = {
    **REGION_COLUMNS,
    "deadline": (np.int64, NO_EXPIRY),
}


class NeedIndex(RowIndex):
    """Index open needs; rank them for a supplier profile.

    Parameters
    ----------
    region_centres
        ``{adcode: (longitude, latitude)}`` for distances; ``None`` disables distances.

    Attributes
    ----------
    n_needs_ : int
        Needs indexed now.

    Examples
    --------
    >>> from matching.records import NeedRecord, ProductItem, ProfileRecord
    >>> index = NeedIndex().fit([NeedRecord(1, "采购锂电池"), NeedRecord(2, "采购轮胎")])
    >>> [m.id for m in index.opportunities(ProfileRecord(5, "甲", (ProductItem("锂电池"),)))]
    [1]
    """

    ROW_COLUMNS = _ROW_COLUMNS
    COUNT = "n_needs_"

    def __init__(self, region_centres: RegionCentres | None = None) -> None:
        self.region_centres = region_centres

    def fit(self, needs: Iterable[NeedRecord], y: None = None) -> Self:
        """Index ``needs`` (replacing anything indexed before); returns ``self``."""
        self.lexicon_ = Lexicon()
        self.canonical_ = product_vocabulary()
        self.terms_ = Postings()
        self.industries_ = Postings()
        self.industry_ids_: dict[str, int] = {}
        self._start_rows()
        self.required_: dict[int, tuple[tuple[str, str], ...]] = {}
        self.expected_: dict[int, tuple[tuple[str, str], ...]] = {}
        self.preferred_: dict[int, tuple[str, ...]] = {}
        self._ingest(needs)
        self.terms_.build()
        self.industries_.build()
        self.n_needs_ = len(self.row_of_)
        return self

    def _ingest(self, needs: Iterable[NeedRecord]) -> None:
        for need in needs:
            self._append(need)

    def _postings(self) -> dict[str, Postings]:
        return {"terms": self.terms_, "industries": self.industries_}

    def _append(self, need: NeedRecord) -> None:
        if need.id in self.row_of_:
            raise ValueError(f"need {need.id} is already indexed; use update()")
        point = self._region(need.region_code)
        row = self.rows_.append(
            id=need.id,
            alive=True,
            region=point.code,
            city=point.city,
            province=point.province,
            lng=point.lng,
            lat=point.lat,
            deadline=need.deadline.toordinal() if need.deadline else NO_EXPIRY,
        )
        self.row_of_[need.id] = row
        for term in wanted_terms(need):
            self.terms_.extend([self.lexicon_.add(term.text)], [row], [term.weight])
        if need.required_certifications:
            self.required_[row] = tuple((c, cert_key(c)) for c in need.required_certifications)
        if need.expected_certifications:
            self.expected_[row] = tuple((c, cert_key(c)) for c in need.expected_certifications)
        if need.preferred_regions:
            self.preferred_[row] = tuple(significant_prefix(p) for p in need.preferred_regions)
        for code in industry_major(need.industry_codes):
            col = self.industry_ids_.setdefault(code, len(self.industry_ids_))
            self.industries_.extend([col], [row], [1.0])

    def _renumber(self, row_map: npt.NDArray[np.int64]) -> None:
        self.required_ = {int(row_map[r]): v for r, v in self.required_.items()}
        self.expected_ = {int(row_map[r]): v for r, v in self.expected_.items()}
        self.preferred_ = {int(row_map[r]): v for r, v in self.preferred_.items()}

    def _forget(self, row: int) -> None:
        self.required_.pop(row, None)
        self.expected_.pop(row, None)
        self.preferred_.pop(row, None)

    def opportunities(
        self,
        profile: ProfileRecord,
        k: int = 20,
        *,
        region_prefix: str | None = None,
        min_score: float | None = None,
        today: date | None = None,
    ) -> list[Match]:
        """The ``k`` open needs ``profile`` could best supply, best first, with reasons.

        Parameters
        ----------
        profile
            The supplier.
        k
            How many to return at most.
        region_prefix
            Only needs of buyers whose region code starts with this.
        min_score
            Only results scoring at least this (scores are in ``[0, 1]``).
        today
            Needs whose deadline is before this day are left out, and the profile's
            certifications must be valid on it (default: today).

        Returns
        -------
        list of Match
            Need ids, scores and reasons. A need requiring a certification the profile lacks
            (or holds expired) is left out.
        """
        self._check_is_fitted()
        today = today or date.today()
        n = len(self.rows_)
        offered = profile_terms(profile)
        if not offered or n == 0 or k <= 0:
            return []
        lex = self.lexicon_
        term_ids: dict[int, tuple[float, str]] = {}  # term id → (best quality·factor, product)
        for name, factor in offered.items():
            canonical = name in self.canonical_
            for i in {*lex.contained_in(name), *lex.containing(name)}:
                q = match_quality(lex.names[i], name, canonical=canonical) * factor
                if q > term_ids.get(i, (0.0, ""))[0]:
                    term_ids[i] = (q, name)
        if not term_ids:
            return []
        ids = np.fromiter(term_ids, dtype=np.int64, count=len(term_ids))
        quality = np.array([term_ids[i][0] for i in ids.tolist()])
        rows, weights, which = self.terms_.gather(ids)
        entry = quality[which] * weights.astype(np.float64)
        text = np.zeros(n, dtype=np.float64)
        np.maximum.at(text, rows, entry)
        text = np.minimum(text, 1.0)
        keep = (text > 0) & self.rows_["alive"] & (self.rows_["deadline"] >= today.toordinal())
        if region_prefix:
            keep &= in_regions(self.rows_["region"], (significant_prefix(region_prefix),))
        held = {
            cert_key(c.standard)
            for c in profile.certifications
            if c.valid_until is None or c.valid_until >= today
        }
        for row, required in self.required_.items():
            if keep[row] and any(key not in held for _, key in required):
                keep[row] = False
        if profile.certifications:  # read from a need's text: only a listed lack counts
            for row, expected in self.expected_.items():
                if keep[row] and any(key not in held for _, key in expected):
                    keep[row] = False
        cand = np.flatnonzero(keep)
        if cand.size == 0:
            return []
        r = self.rows_
        here = region_point(profile.region_code, self.region_centres or {})
        bonus, dist = region_bonus(
            here, r["city"][cand], r["province"][cand], r["lng"][cand], r["lat"][cand]
        )
        preferred = np.array(
            [
                bool(in_regions(np.array([here.code]), self.preferred_[row])[0])
                if row in self.preferred_
                else False
                for row in cand.tolist()
            ],
            dtype=bool,
        )
        bonus = bonus + PREFERRED_REGION_BONUS * preferred
        bonus = bonus + TIER_BONUS[TIER_RANK.get(profile.tier or "", 0)]
        majors = industry_major(profile.industry_codes)
        cols = [self.industry_ids_[c] for c in majors if c in self.industry_ids_]
        shared_codes: dict[int, list[str]] = {}
        if cols:
            for code in majors:
                if code in self.industry_ids_:
                    hit, _, _ = self.industries_.gather(np.array([self.industry_ids_[code]]))
                    for row in hit.tolist():
                        shared_codes.setdefault(row, []).append(code)
            bonus = bonus + INDUSTRY_BONUS * np.array(
                [row in shared_codes for row in cand.tolist()]
            )
        score = text[cand] * (1.0 + bonus) / (1.0 + MAX_BONUS)
        if min_score is not None:
            ok = score >= min_score
            cand, score, dist, preferred = cand[ok], score[ok], dist[ok], preferred[ok]
        order = top_k(score, r["id"][cand], k)
        return [
            self._match(
                int(cand[i]),
                float(score[i]),
                float(dist[i]),
                bool(preferred[i]),
                here.city,
                here.province,
                profile,
                rows,
                entry,
                which,
                ids,
                term_ids,
                shared_codes,
            )
            for i in order.tolist()
        ]

    def _match(
        self,
        row: int,
        score: float,
        dist: float,
        preferred: bool,
        city: int,
        province: int,
        profile: ProfileRecord,
        rows: npt.NDArray[np.int64],
        entry: npt.NDArray[np.float64],
        which: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int64],
        term_ids: dict[int, tuple[float, str]],
        shared_codes: dict[int, list[str]],
    ) -> Match:
        r = self.rows_
        mine = np.flatnonzero(rows == row)
        best = mine[np.argsort(-entry[mine], kind="stable")][:5]
        matched = tuple(
            (self.lexicon_.names[int(ids[which[i]])], term_ids[int(ids[which[i]])][1])
            for i in best.tolist()
        )
        required = self.required_.get(row, ())
        expected = self.expected_.get(row, ())
        return Match(
            id=int(r["id"][row]),
            score=score,
            reasons=Reasons(
                matched_products=matched,
                certifications_met=tuple(name for name, _ in required)
                + tuple(name for name, _ in expected if profile.certifications),
                certifications_missing=(),
                certifications_unverified=tuple(
                    name for name, _ in expected if not profile.certifications
                ),
                distance_km=None if math.isnan(dist) else dist,
                same_city=city >= 0 and int(r["city"][row]) == city,
                same_province=province >= 0 and int(r["province"][row]) == province,
                in_preferred_region=preferred if row in self.preferred_ else None,
                tier=profile.tier,
                shared_industry_codes=tuple(shared_codes.get(row, ())),
            ),
        )
