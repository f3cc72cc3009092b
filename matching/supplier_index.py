"""Rank suppliers (SME profiles) for a need: the shortlist.

Text: each profile's products (weighted by revenue share), technologies and processes, and
(weakly) materials go into one sparse column store keyed by distinct product name. A need's
wanted terms are matched against the distinct names (:mod:`matching.similarity`), and the
profiles holding those names are gathered with numpy; a profile's text score is its best
(term, product) pair. Then the hard filters (certifications valid on the day, region prefix,
tier), the soft signals (region, tier, industry) and ``np.argpartition`` for the top k. A
query costs time in proportion to the profiles that match it, not to the catalog.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any, NamedTuple, Self

import numpy as np
import numpy.typing as npt

from matching.catalog import chain_links, is_noise_product, product_key, product_vocabulary
from matching.geo import RegionCentres
from matching.lexicon import Lexicon
from matching.postings import Postings
from matching.query import WantedTerm, split_free_text, wanted_terms
from matching.records import Match, NeedRecord, ProfileRecord, Reasons
from matching.row_index import REGION_COLUMNS, RowIndex
from matching.signals import (
    INDUSTRY_BONUS,
    MAX_BONUS,
    NO_EXPIRY,
    PREFERRED_REGION_BONUS,
    TIER_BONUS,
    TIER_NAMES,
    TIER_RANK,
    cert_key,
    in_regions,
    industry_major,
    region_bonus,
    significant_prefix,
    top_k,
)
from matching.similarity import STRONG_QUALITY, related_names
from matching.snapshot import SnapshotError, SnapshotReader, SnapshotWriter
from matching.table import RowIds
from matching.variants import NameVariant, NameVariants

__all__ = ["CONTEXT_WEIGHT", "SupplierIndex", "profile_terms"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_ROW_COLUMNS: dict[str, tuple[Any, Any]] = {
    **REGION_COLUMNS,
    "tier": (np.int8, 0),
    "certified": (np.bool_, False),  # lists any certification (else: unknown, not missing)
}
CONTEXT_WEIGHT = 0.15
"""Weight of the inputs of the need's application (from the chain map): a weak context."""
MULTI_TERM_SHARE = 0.25
"""How much the other wanted terms add to a profile's best one (averaged)."""
MAX_CONTEXT_TERMS = 12
"""At most this many application inputs are used as context."""
DENSE_SHARE = 8
"""Gather into a catalog-sized array once the hits exceed 1/DENSE_SHARE of the catalog."""
SORTED_GATHER_TERMS = 4
"""With more terms than this, combine the terms' hits by sorting or scattering them."""
BACKOFF_DAMPING = 0.5
"""When another way of writing a term (a variant) finds good names, the names its own head or
leading words found by backing off count this much: the variant is the better reading."""
DEFAULT_MIN_SCORE = 0.1
"""Results scoring below this are left out of a shortlist unless a caller asks otherwise:
what matches only the weak context, a long name merely mentioning a word, or a guess
several steps removed is noise at the bottom of a list of 20, not a candidate."""
LISTED_DAMPING = 0.65
"""When listed names contain a term itself, its variants' matches count this much more
weakly: a sub-type of what was asked for (红外探测器 for 探测器) beats a dictionary's guess."""


PURPOSE_ALIAS = 0.8
"""Factor of an input of what the need is for that a wanted term probably names
(:func:`purpose_aliases`): a guess from the chain map, as good as a short or long form."""
MAX_PURPOSE_ALIASES = 3
"""At most this many such inputs per wanted term."""
_HAN = re.compile(r"[\u3400-\u9fff]")

_CANONICAL_SOURCES = frozenset({"context", "chain"})


class TermNames(NamedTuple):
    """The names a wanted term matches: ids, their qualities, and for the names found through
    another way of writing the term, that variant."""

    ids: IntArray
    qualities: FloatArray
    via: dict[int, NameVariant]


class Evidence(NamedTuple):
    """What one wanted term contributes: matching rows, their scores, the name each matched,
    the term, and the variant a name was found through (by name id)."""

    rows: IntArray
    entry: FloatArray
    name_ids: IntArray
    term: WantedTerm
    via: dict[int, NameVariant]


def profile_terms(
    profile: ProfileRecord,
    *,
    weight_boost: float = 0.05,
    capability_factor: float = 0.7,
    material_factor: float = 0.3,
) -> dict[str, float]:
    """The names a profile offers and how much each stands for it.

    Products count fully, a little more with a larger revenue share (noise lines such as
    平衡项目 are dropped); technologies and processes count ``capability_factor``; materials
    (what it works with) only ``material_factor``.

    Returns
    -------
    dict
        Normalised name → factor in ``(0, 1 + weight_boost]``.

    Examples
    --------
    >>> from matching.records import ProductItem, ProfileRecord
    >>> profile_terms(ProfileRecord(1, "甲", (ProductItem("锂电池", 1.0), ProductItem("合计", 0.2))))
    {'锂电池': 1.05}
    """
    out: dict[str, float] = {}
    for item in profile.products:
        name = product_key(item.name)
        if is_noise_product(name):
            continue
        w = item.weight
        value = 1.0 + weight_boost * (min(w, 1.0) if w is not None and w > 0 else 0.0)
        if value > out.get(name, 0.0):
            out[name] = value
    extra = ((capability_factor, t) for t in (*profile.technologies, *profile.processes))
    materials = ((material_factor, t) for t in profile.materials)
    for factor, text in (*extra, *materials):
        name = product_key(text)
        if name and factor > out.get(name, 0.0):
            out[name] = factor
    return out


class SupplierIndex(RowIndex):
    """Index supplier profiles; rank them for a need.

    Parameters
    ----------
    region_centres
        ``{adcode: (longitude, latitude)}`` for distances (see
        :func:`matching.geo.load_region_centres`); ``None`` disables distances.
    weight_boost
        How much a product's revenue share adds to its match (at most this fraction).
    capability_factor, material_factor
        How much a technology/process, and a material, count against a product.
    application_context
        Whether the inputs of the need's application (per the shipped chain map) count as
        weak wanted terms. The application itself never does.
    name_variants
        Whether a wanted term also matches the other ways of writing it that the catalog
        confirms (synonyms, English, short and long forms, typos; :mod:`matching.variants`),
        each scoring below an exact match and named in the reasons.
    min_score
        The lowest score a shortlist keeps when :meth:`shortlist` is not given one
        (default :data:`DEFAULT_MIN_SCORE`; 0 keeps everything that matched at all).

    Attributes
    ----------
    n_profiles_ : int
        Profiles indexed now.
    lexicon_ : Lexicon
        Distinct offered names.

    Examples
    --------
    >>> from matching.records import NeedRecord, ProductItem, ProfileRecord
    >>> index = SupplierIndex().fit([
    ...     ProfileRecord(1, "甲", products=(ProductItem("锂电池", 0.9),)),
    ...     ProfileRecord(2, "乙", products=(ProductItem("储能电站", 0.9),)),
    ... ])
    >>> [m.id for m in index.shortlist(NeedRecord(9, "采购锂电池", application="储能电站"))]
    [1]
    """

    ROW_COLUMNS = _ROW_COLUMNS
    COUNT = "n_profiles_"

    def __init__(
        self,
        region_centres: RegionCentres | None = None,
        *,
        weight_boost: float = 0.05,
        capability_factor: float = 0.7,
        material_factor: float = 0.3,
        application_context: bool = True,
        name_variants: bool = True,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        self.region_centres = region_centres
        self.weight_boost = weight_boost
        self.capability_factor = capability_factor
        self.material_factor = material_factor
        self.application_context = application_context
        self.name_variants = name_variants
        self.min_score = min_score

    # -- building --------------------------------------------------------------------------

    def fit(self, profiles: Iterable[ProfileRecord], y: None = None) -> Self:
        """Index ``profiles``, replacing anything indexed before.

        Parameters
        ----------
        profiles
            The supplier profiles; ids must be distinct.
        y
            Ignored (scikit-learn convention).

        Returns
        -------
        SupplierIndex
            ``self``.

        Raises
        ------
        ValueError
            If two profiles share an id.
        """
        self.lexicon_ = Lexicon()
        self.canonical_ = product_vocabulary()
        self.products_ = Postings()
        self.certs_ = Postings()
        self.industries_ = Postings()
        self.cert_ids_: dict[str, int] = {}
        self.industry_ids_: dict[str, int] = {}
        self._start_rows()
        self.variants_ = NameVariants(self.lexicon_)
        self._term_cache: dict[str, TermNames] = {}
        self._cache_size = -1
        self._ingest(profiles)
        self.row_of_ = RowIds.of_column(self.rows_["id"])
        for postings in (self.products_, self.certs_, self.industries_):
            postings.build()
        if self.name_variants:
            self.variants_.prepare()
        self.n_profiles_ = len(self.row_of_)
        return self

    def _ingest(self, profiles: Iterable[ProfileRecord]) -> None:
        """Append profiles as new rows (the postings take them into their delta)."""
        columns: dict[str, list[Any]] = {name: [] for name in self.ROW_COLUMNS}
        p_cols: list[int] = []
        p_rows: list[int] = []
        p_vals: list[float] = []
        row = len(self.rows_)
        add_name = self.lexicon_.add
        seen: set[int] = set()
        for profile in profiles:
            if profile.id in self.row_of_ or profile.id in seen:
                raise ValueError(f"profile {profile.id} is already indexed; use update()")
            seen.add(profile.id)
            point = self._region(profile.region_code)
            columns["id"].append(profile.id)
            columns["alive"].append(True)
            columns["region"].append(point.code)
            columns["city"].append(point.city)
            columns["province"].append(point.province)
            columns["lng"].append(point.lng)
            columns["lat"].append(point.lat)
            columns["tier"].append(TIER_RANK.get(profile.tier or "", 0))
            columns["certified"].append(bool(profile.certifications))
            terms = profile_terms(
                profile,
                weight_boost=self.weight_boost,
                capability_factor=self.capability_factor,
                material_factor=self.material_factor,
            )
            p_cols.extend([add_name(n) for n in terms])
            p_rows.extend([row] * len(terms))
            p_vals.extend(terms.values())
            for cert in profile.certifications:
                col = self.cert_ids_.setdefault(cert_key(cert.standard), len(self.cert_ids_))
                expiry = cert.valid_until.toordinal() if cert.valid_until else NO_EXPIRY
                self.certs_.extend([col], [row], [float(expiry)])
            for code in industry_major(profile.industry_codes):
                col = self.industry_ids_.setdefault(code, len(self.industry_ids_))
                self.industries_.extend([col], [row], [1.0])
            row += 1
        self.rows_.extend(**columns)
        self.products_.extend(p_cols, p_rows, p_vals)
        first = row - len(columns["id"])
        self.row_of_.update(zip(columns["id"], range(first, row), strict=True))

    # -- querying --------------------------------------------------------------------------

    def _names_for(
        self,
        term: str,
        floor: float = 0.0,
        *,
        variants: bool = True,
        aliases: tuple[str, ...] = (),
    ) -> TermNames:
        if self._cache_size != len(self.lexicon_):
            self._term_cache.clear()
            self._cache_size = len(self.lexicon_)
        variants = variants and self.name_variants
        aliases = aliases if variants else ()
        key = (term if variants else "\x00" + term) + "".join("\x01" + a for a in aliases)
        hit = self._term_cache.get(key)
        if hit is None:
            hit = self._related(term, variants=variants, aliases=aliases)
            if len(self._term_cache) > 10_000:
                self._term_cache.clear()
            self._term_cache[key] = hit
        if floor > 0:
            keep = hit.qualities >= floor
            return TermNames(hit.ids[keep], hit.qualities[keep], hit.via)
        return hit

    def _related(self, term: str, *, variants: bool, aliases: tuple[str, ...] = ()) -> TermNames:
        """The names matching ``term``, directly or through its variants (best quality each)."""
        canonical = self.canonical_.__contains__
        ids, qualities = related_names(term, self.lexicon_, canonical)
        best = dict(zip(ids, qualities, strict=True))
        via: dict[int, NameVariant] = {}
        if variants:
            damping = LISTED_DAMPING if self.variants_.evidence(term) >= 1 else 1.0
            found = self.variants_.of(term)
            have = {v.text for v in found}
            element = self.variants_.dictionary.is_element
            # a variant that the need's purpose names too is the term's own (two sources agree)
            found = [
                replace(v, exact=True, confirmed=True) if v.text in aliases else v for v in found
            ]
            found += [
                NameVariant(
                    term, a, PURPOSE_ALIAS, "purpose", exact=names_the_term(term, a, element)
                )
                for a in aliases
                if a not in have
            ]
            for variant in found:
                v_ids, v_qualities = related_names(variant.text, self.lexicon_, canonical)
                for i, q in zip(v_ids, v_qualities, strict=True):
                    q *= variant.factor * (1.0 if variant.exact else damping)
                    if q > best.get(i, 0.0):
                        best[i] = q
                        via[i] = variant
            if via and max(best[i] for i in via) >= STRONG_QUALITY:
                d_ids, d_qualities = related_names(term, self.lexicon_, canonical, backoff=False)
                direct = dict(zip(d_ids, d_qualities, strict=True))
                for i, q in best.items():
                    if i not in via:
                        best[i] = max(direct.get(i, 0.0), q * BACKOFF_DAMPING)
        keys = list(best)
        return TermNames(
            np.asarray(keys, dtype=np.int64),
            np.asarray([best[i] for i in keys], dtype=np.float64),
            via,
        )

    def query_terms(self, need: NeedRecord) -> list[WantedTerm]:
        """The weighted terms a need is matched on: what it wants, plus weak context.

        The context is the inputs of the need's application in the shipped chain map (never
        the application itself), at weight ``CONTEXT_WEIGHT``. A wanted term the map does
        not list among them carries the ones it may name as its ``aliases``
        (:func:`purpose_aliases`).
        """
        terms = wanted_terms(need, self.lexicon_)
        if not terms or not self.application_context:
            return terms  # nothing wanted (the need's reading says so): no context either
        apps = [need.application] if need.application else []
        if not apps:
            for text in (need.title, need.description):
                apps.extend(split_free_text(text or "")[1])
        have = {t.text for t in terms}
        inputs = _inputs_of(tuple(product_key(a) for a in apps))
        terms = [replace(t, aliases=purpose_aliases(t.text, inputs)) for t in terms]
        context = [i for i in inputs if i not in have][:MAX_CONTEXT_TERMS]
        terms.extend(WantedTerm(i, CONTEXT_WEIGHT, "context") for i in context)
        return terms

    def shortlist(
        self,
        need: NeedRecord,
        k: int = 20,
        *,
        region_prefix: str | None = None,
        tier: str | None = None,
        min_score: float | None = None,
        today: date | None = None,
        only: Iterable[int] | None = None,
        terms: Sequence[WantedTerm] | None = None,
        exclude: Collection[int] = (),
        min_quality: float = 0.0,
        multi_term_share: float = MULTI_TERM_SHARE,
    ) -> list[Match]:
        """The ``k`` best suppliers for ``need``, best first, with reasons.

        Parameters
        ----------
        need
            What is wanted.
        k
            How many to return at most.
        region_prefix
            Only suppliers whose region code starts with this (``"44"``, ``"4403"``; a
            6-digit code such as ``"440000"`` means its significant prefix).
        tier
            Only suppliers of this tier.
        min_score
            Only results scoring at least this (scores are in ``[0, 1]``); default the
            index's ``min_score``.
        today
            The day required certifications must be valid on (default: today).
        only
            Only these profile ids (e.g. the SMEs registered for a matchmaking session).
        terms
            Rank on these weighted terms instead of the need's own (:meth:`query_terms`);
            the need then only supplies the filters and the buyer's region and industry.
            Chain discovery passes the predicted inputs of a buyer's products here.
        exclude
            Profile ids never to return (e.g. the buyer's own).
        min_quality
            Match a term only to product names at least this good
            (:func:`matching.similarity.match_quality`): with many terms, dropping the names
            that merely mention a term keeps the query cheap.
        multi_term_share
            How much the other terms a supplier matches add to its best one (their mean
            score times this; the text score stays at most 1).

        Returns
        -------
        list of Match
            Profile ids, scores and reasons; ties broken by id. Suppliers lacking a required
            certification, or holding it expired before ``today``, are never returned;
            neither are suppliers matching none of the wanted terms.
        """
        self._check_is_fitted()
        today = today or date.today()
        terms = self.query_terms(need) if terms is None else list(terms)
        if not terms or len(self.rows_) == 0 or k <= 0:
            return []
        hits = self._gather(terms, min_quality, multi_term_share)
        if hits is None:
            return []
        rows, text, evidence = hits
        r = self.rows_
        keep = r.take("alive", rows)
        if exclude:
            keep &= ~np.isin(r.take("id", rows), np.fromiter(exclude, dtype=np.int64))
        if region_prefix:
            keep &= in_regions(r.take("region", rows), (significant_prefix(region_prefix),))
        if tier is not None:
            keep &= r.take("tier", rows) == TIER_RANK.get(tier, -1)
        if only is not None:
            keep &= np.isin(r.take("id", rows), np.fromiter(only, dtype=np.int64))
        required = tuple(dict.fromkeys(cert_key(c) for c in need.required_certifications if c))
        for cert in required:
            keep &= np.isin(rows, self._holders(cert, today))
        expected = {
            key: self._holders(key, today)
            for key in dict.fromkeys(cert_key(c) for c in need.expected_certifications if c)
            if key not in required
        }
        for holders in expected.values():
            keep &= np.isin(rows, holders) | ~r.take("certified", rows)
        rows, text = rows[keep], text[keep]
        if rows.size == 0:
            return []
        bonus, dist = self._soft_signals(need, rows)
        score = text * (1.0 + bonus) / (1.0 + MAX_BONUS)
        floor = self.min_score if min_score is None else min_score
        if floor > 0:
            ok = score >= floor
            rows, score, dist = rows[ok], score[ok], dist[ok]
        order = top_k(score, r.take("id", rows), k)
        return self._matches(
            need, rows[order], score[order], dist[order], evidence, required, expected
        )

    def _gather(
        self,
        terms: list[WantedTerm],
        min_quality: float = 0.0,
        multi_term_share: float = MULTI_TERM_SHARE,
    ) -> tuple[IntArray, FloatArray, list[Evidence]] | None:
        """Rows matching any term, their text scores, and per-term evidence for reasons."""
        evidence: list[Evidence] = []
        for term in terms:
            # the buyer's own words may be written many ways; names from the chain map not
            ids, qualities, via = self._names_for(
                term.text,
                min_quality,
                variants=term.source not in _CANONICAL_SOURCES,
                aliases=term.aliases,
            )
            if ids.size == 0:
                continue
            rows, vals, which = self.products_.gather(ids)
            if rows.size:
                entry = term.weight * qualities[which] * vals
                evidence.append(Evidence(rows, entry, ids[which], term, via))
        if not evidence:
            return None
        if len(evidence) > SORTED_GATHER_TERMS:
            n = len(self.rows_)
            if sum(e[0].size for e in evidence) * DENSE_SHARE > n:
                uniq, top, both = _best_per_row_scattered(evidence, n)
            else:
                uniq, top, both = _best_per_row_sorted(evidence)
        else:
            uniq, top, both = self._best_per_row_dense(evidence)
        text = top
        if len(evidence) > 1:
            text = top + multi_term_share * (both - top) / (len(evidence) - 1)
        return uniq, np.minimum(text, 1.0), evidence

    def _best_per_row_dense(
        self, evidence: list[Evidence]
    ) -> tuple[IntArray, FloatArray, FloatArray]:
        """Per row: the best term's score, and the sum of every term's best score."""
        total = sum(e[0].size for e in evidence)
        n = len(self.rows_)
        uniq: IntArray | None
        if total * DENSE_SHARE > n:
            # many hits: one pass over a catalog-sized array beats sorting the hits
            slots, positions = n, [e[0] for e in evidence]
            uniq = None
        else:
            uniq, inverse = np.unique(np.concatenate([e[0] for e in evidence]), return_inverse=True)
            slots = uniq.size
            bounds = np.cumsum([0] + [e[0].size for e in evidence])
            positions = [inverse[bounds[t] : bounds[t + 1]] for t in range(len(evidence))]
        top = np.zeros(slots, dtype=np.float64)
        both = np.zeros(slots, dtype=np.float64)
        for pos, ev in zip(positions, evidence, strict=True):
            entry = ev[1]
            best = np.zeros(slots, dtype=np.float64)
            np.maximum.at(best, pos, entry)
            np.maximum(top, best, out=top)
            both += best
        if uniq is None:
            uniq = np.flatnonzero(top > 0)
            top, both = top[uniq], both[uniq]
        return uniq, top, both

    def _holders(self, cert: str, today: date) -> IntArray:
        """Rows holding ``cert`` valid on ``today``."""
        col = self.cert_ids_.get(cert)
        if col is None:
            return np.zeros(0, dtype=np.int64)
        rows, expiry, _ = self.certs_.gather(np.array([col]))
        return rows[expiry >= today.toordinal()]

    def _soft_signals(self, need: NeedRecord, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        r = self.rows_
        here = self._region(need.region_code)
        bonus, dist = region_bonus(
            here,
            r.take("city", rows),
            r.take("province", rows),
            r.take("lng", rows),
            r.take("lat", rows),
        )
        if need.preferred_regions:
            prefixes = tuple(significant_prefix(p) for p in need.preferred_regions)
            bonus = bonus + PREFERRED_REGION_BONUS * in_regions(r.take("region", rows), prefixes)
        bonus = bonus + TIER_BONUS[r.take("tier", rows)]
        cols = [
            self.industry_ids_[c]
            for c in industry_major(need.industry_codes)
            if c in self.industry_ids_
        ]
        if cols:
            shared, _, _ = self.industries_.gather(np.array(cols))
            bonus = bonus + INDUSTRY_BONUS * np.isin(rows, shared)
        return bonus, dist

    def _matches(
        self,
        need: NeedRecord,
        rows: IntArray,
        scores: FloatArray,
        dist: FloatArray,
        evidence: list[Evidence],
        required: tuple[str, ...],
        expected: dict[str, IntArray] | None = None,
    ) -> list[Match]:
        if rows.size == 0:
            return []
        expected_names = {cert_key(c): c for c in need.expected_certifications if c}
        held = {key: set(holders.tolist()) for key, holders in (expected or {}).items()}
        r = self.rows_
        here = self._region(need.region_code)
        names = self.lexicon_.names
        pairs: dict[int, dict[tuple[str, str], float]] = {int(x): {} for x in rows.tolist()}
        context: dict[int, dict[tuple[str, str], float]] = {int(x): {} for x in rows.tolist()}
        chosen = np.sort(rows)
        read_as: dict[tuple[str, str], tuple[str, str, str]] = {}
        for ev_rows, entry, name_ids, term, via in evidence:
            into = context if term.source == "context" else pairs
            at = np.minimum(np.searchsorted(chosen, ev_rows), chosen.size - 1)
            for i in np.flatnonzero(chosen[at] == ev_rows).tolist():
                got = into[int(ev_rows[i])]
                name_id = int(name_ids[i])
                pair = (term.text, names[name_id])
                got[pair] = max(got.get(pair, 0.0), float(entry[i]))
                variant = via.get(name_id)
                if variant is not None:
                    read_as[pair] = (term.text, variant.text, variant.kind)
        prefixes = tuple(significant_prefix(p) for p in need.preferred_regions)
        shared_by_row: dict[int, list[str]] = {}
        for code in industry_major(need.industry_codes):
            col = self.industry_ids_.get(code)
            if col is not None:
                hit, _, _ = self.industries_.gather(np.array([col]))
                for row in set(hit.tolist()) & pairs.keys():
                    shared_by_row.setdefault(row, []).append(code)
        met = tuple(
            c for c in dict.fromkeys(need.required_certifications) if cert_key(c) in required
        )
        out: list[Match] = []
        for row, score, d in zip(rows.tolist(), scores.tolist(), dist.tolist(), strict=True):
            expected_met = tuple(expected_names[k] for k, rows_ in held.items() if row in rows_)
            unverified = tuple(expected_names[k] for k, rows_ in held.items() if row not in rows_)
            ranked = sorted(pairs[row].items(), key=lambda kv: -kv[1])[:5]
            weak = sorted(context[row].items(), key=lambda kv: -kv[1])[:3]
            reasons = Reasons(
                matched_products=tuple(pair for pair, _ in ranked),
                context_products=tuple(pair for pair, _ in weak),
                certifications_met=met + expected_met,
                certifications_missing=(),
                certifications_unverified=unverified,
                distance_km=None if math.isnan(d) else float(d),
                same_city=here.city >= 0 and int(r.value("city", row)) == here.city,
                same_province=here.province >= 0 and int(r.value("province", row)) == here.province,
                in_preferred_region=(
                    bool(in_regions(r.take("region", np.array([row])), prefixes)[0])
                    if prefixes
                    else None
                ),
                tier=TIER_NAMES.get(int(r.value("tier", row))),
                shared_industry_codes=tuple(shared_by_row.get(row, ())),
                name_variants=tuple(dict.fromkeys(read_as[p] for p, _ in ranked if p in read_as)),
            )
            out.append(Match(id=int(r.value("id", row)), score=float(score), reasons=reasons))
        return out

    # -- snapshots -------------------------------------------------------------------------

    def _snapshot_params(self) -> dict[str, Any]:
        return {
            "weight_boost": self.weight_boost,
            "capability_factor": self.capability_factor,
            "material_factor": self.material_factor,
        }

    def save(self, writer: SnapshotWriter, prefix: str = "suppliers") -> None:
        """Write the index into a snapshot (arrays as ``.npy``; names and small maps as JSON).

        Removed rows are written too (marked dead), so row numbers stay as they are.
        """
        self._check_is_fitted()
        self._save_arrays(writer, prefix)
        writer.json(
            f"{prefix}.meta",
            {
                "params": self._snapshot_params(),
                "names": self.lexicon_.names,
                "cert_ids": self.cert_ids_,
                "industry_ids": self.industry_ids_,
            },
        )

    def load(self, reader: SnapshotReader, prefix: str = "suppliers") -> Self:
        """Take the index written by :meth:`save`, its arrays memory-mapped (shared, read-only).

        Raises
        ------
        SnapshotError
            If the snapshot was written with other parameters, or does not hold an index.
        """
        meta = reader.json(f"{prefix}.meta")
        if meta.get("params") != self._snapshot_params():
            raise SnapshotError("the snapshot's supplier index has other parameters")
        self.lexicon_ = Lexicon()
        for name in meta["names"]:
            self.lexicon_.add(name)
        self.canonical_ = product_vocabulary()
        p = self._load_arrays(reader, prefix, ("products", "certs", "industries"))
        self.products_, self.certs_, self.industries_ = p["products"], p["certs"], p["industries"]
        self.cert_ids_ = {str(k): int(v) for k, v in meta["cert_ids"].items()}
        self.industry_ids_ = {str(k): int(v) for k, v in meta["industry_ids"].items()}
        self.variants_ = NameVariants(self.lexicon_)
        self._term_cache = {}
        self._cache_size = -1
        if self.name_variants:
            self.variants_.prepare()
        self._count()
        return self

    def _postings(self) -> dict[str, Postings]:
        return {"products": self.products_, "certs": self.certs_, "industries": self.industries_}


def _best_per_row_sorted(
    evidence: list[Evidence],
) -> tuple[IntArray, FloatArray, FloatArray]:
    """As :meth:`SupplierIndex._best_per_row_dense`, by sorting the hits (few hits, many
    terms: the cost follows the hits, not terms × catalog)."""
    n_terms = len(evidence)
    rows = np.concatenate([e[0] for e in evidence])
    vals = np.concatenate([e[1] for e in evidence])
    term = np.repeat(np.arange(n_terms, dtype=np.int64), [e[0].size for e in evidence])
    key = rows * n_terms + term
    order = np.argsort(key)
    key, vals = key[order], vals[order]
    group = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    best = np.maximum.reduceat(vals, group)  # each term's best per row
    best_rows = key[group] // n_terms
    starts = np.flatnonzero(np.r_[True, best_rows[1:] != best_rows[:-1]])
    uniq: IntArray = best_rows[starts]
    top: FloatArray = np.maximum.reduceat(best, starts)
    both: FloatArray = np.add.reduceat(best, starts)
    return uniq, top, both


def _best_per_row_scattered(
    evidence: list[Evidence], n_rows: int
) -> tuple[IntArray, FloatArray, FloatArray]:
    """As :meth:`SupplierIndex._best_per_row_dense`, touching only each term's hits: for many
    terms (chain discovery ranks on dozens) its cost follows the hits, not terms × catalog."""
    top = np.zeros(n_rows, dtype=np.float64)
    both = np.zeros(n_rows, dtype=np.float64)
    best = np.zeros(n_rows, dtype=np.float64)  # scratch: one term's best per row
    for ev in evidence:
        rows, entry = ev[0], ev[1]
        np.maximum.at(best, rows, entry)
        got = best[rows]
        # a row listed twice gets the same value twice: fancy assignment applies it once
        top[rows] = np.maximum(top[rows], got)
        both[rows] += got
        best[rows] = 0.0
    uniq: IntArray = np.flatnonzero(top > 0)
    return uniq, top[uniq], both[uniq]


def purpose_aliases(term: str, inputs: Sequence[str]) -> tuple[str, ...]:
    """The inputs of what a need is for (per the chain map) that a wanted ``term`` may name.

    A buyer who wants 强化玻璃 for a 淋浴房 most likely means the 钢化玻璃 the chain map says a
    淋浴房 takes. When the map does not list the term itself among the inputs, the inputs
    sharing at least two of its characters, or its last character (the head: what kind of
    thing it is), are matched as variants of the term (kind ``"purpose"``, factor
    :data:`PURPOSE_ALIAS`, named in the reasons), in the map's order, at most
    :data:`MAX_PURPOSE_ALIASES`.

    Examples
    --------
    >>> purpose_aliases("强化玻璃", ["铝型材", "钢化玻璃", "密封条"])
    ('钢化玻璃',)
    >>> purpose_aliases("钢化玻璃", ["钢化玻璃", "夹胶玻璃"])
    ()
    """
    if term in inputs or len(term) < 2 or not _HAN.search(term):
        return ()
    chars = set(term)
    out = [
        i
        for i in inputs
        if len(i) >= 2 and i != term and (len(chars & set(i)) >= 2 or i[-1] == term[-1])
    ]
    return tuple(out[:MAX_PURPOSE_ALIASES])


@cache
def _inputs_by_product() -> dict[str, tuple[str, ...]]:
    """The shipped chain map as product → its inputs, in link order (built once)."""
    inputs: dict[str, list[str]] = {}
    for link in chain_links():
        inputs.setdefault(link.product, []).append(link.input)
    return {product: tuple(dict.fromkeys(found)) for product, found in inputs.items()}


def _inputs_of(applications: tuple[str, ...]) -> list[str]:
    """Inputs of the given products in the shipped chain map."""
    by_product = _inputs_by_product()
    return list(
        dict.fromkeys(i for a in dict.fromkeys(applications) if a for i in by_product.get(a, ()))
    )


def names_the_term(term: str, alias: str, is_element: Callable[[str], bool] | None = None) -> bool:
    """Whether an input of what the need is for (a purpose alias, :func:`purpose_aliases`)
    is written as another form of the wanted ``term``, not as a sibling of it: it holds all
    the term's characters in order (液化气 → 液化石油气, 密度板 → 中密度纤维板), or it is the
    term with another last character (铁精矿 → 铁精粉, three characters at least). The chain
    map says the application takes it, and the buyer's word is that name, so it counts as
    the term's own (undamped, still :data:`PURPOSE_ALIAS` × an exact match). An input that
    shares only the head, with another modifier (丙烯 → 乙烯, 铜管 → 钢管), is another kind of
    the same class and stays a damped guess; so is one chemical element swapped for another
    (氯化钠 → 氯化钾, with ``is_element``: another compound).

    Examples
    --------
    >>> names_the_term("液化气", "液化石油气"), names_the_term("铁精矿", "铁精粉")
    (True, True)
    >>> names_the_term("丙烯", "乙烯"), names_the_term("数据采集", "数据通讯")
    (False, False)
    >>> names_the_term("氯化钠", "氯化钾", is_element=lambda c: c in "钠钾")
    False
    """
    if len(alias) > len(term):
        rest = iter(alias)
        return all(c in rest for c in term)
    if len(alias) != len(term) or len(term) < 3 or alias[:-1] != term[:-1] or alias == term:
        return False
    return not (is_element and is_element(term[-1]) and is_element(alias[-1]))
