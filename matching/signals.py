"""Structured signals beside text: certifications, region, tier, industry.

Certifications are a hard filter; region, tier and industry are soft signals that re-rank
among candidates of similar text score (their total effect is bounded by ``MAX_BONUS``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.geo import RegionCentres, centre_of
from matching.tokenize import normalize

__all__ = [
    "MAX_BONUS",
    "TIER_RANK",
    "RegionPoint",
    "cert_key",
    "region_point",
]

TIER_RANK = {"innovative": 1, "specialized": 2, "little_giant": 3}
TIER_NAMES = {v: k for k, v in TIER_RANK.items()}
TIER_BONUS = np.array([0.0, 0.01, 0.02, 0.04], dtype=np.float32)  # none … 小巨人
SAME_CITY_BONUS = 0.05
SAME_PROVINCE_BONUS = 0.035
NEAR_BONUS = 0.025  # times exp(-distance / NEAR_KM)
NEAR_KM = 400.0
PREFERRED_REGION_BONUS = 0.04
INDUSTRY_BONUS = 0.02
MAX_BONUS = SAME_CITY_BONUS + PREFERRED_REGION_BONUS + float(TIER_BONUS[-1]) + INDUSTRY_BONUS
NO_EXPIRY = 10**7  # an ordinal later than any date


def cert_key(standard: str) -> str:
    """The comparable form of a certification name.

    Case, width, spaces and hyphens do not matter, nor an edition year suffix, nor a trailing
    认证/体系/证书.

    Examples
    --------
    >>> cert_key("IATF 16949:2016") == cert_key("iatf16949") == cert_key("IATF16949认证")
    True
    >>> cert_key("ISO 9001") == cert_key("ISO 14001")
    False
    """
    key = re.sub(r"[\s\-_·]", "", normalize(standard))
    key = re.sub(r"[:：/]\d{4}$", "", key)
    for suffix in ("认证", "证书", "体系"):
        key = key.removesuffix(suffix)
    return key


@dataclass(frozen=True, slots=True)
class RegionPoint:
    """A region code split into the parts ranking compares, with its centre if known."""

    code: int  # 6-digit code as an integer, -1 if unknown
    city: int  # first 4 digits, -1 if unknown (a province-level code has no city)
    province: int  # first 2 digits, -1 if unknown
    lng: float
    lat: float


def region_point(code: str | None, centres: RegionCentres) -> RegionPoint:
    """Parse a region code (any level) and look up its centre.

    Examples
    --------
    >>> region_point("440305", {"440300": (114.06, 22.54)})
    RegionPoint(code=440305, city=4403, province=44, lng=114.06, lat=22.54)
    """
    if not code or not re.fullmatch(r"\d{6}", code):
        return RegionPoint(-1, -1, -1, math.nan, math.nan)
    centre = centre_of(code, centres)
    lng, lat = centre if centre else (math.nan, math.nan)
    municipality = code[:2] in {"11", "12", "31", "50"}
    city = int(code[:4]) if code[2:4] != "00" or municipality else -1
    if municipality:
        city = int(code[:2]) * 100
    return RegionPoint(int(code), city, int(code[:2]), lng, lat)


def distances_km(
    lng: npt.NDArray[np.float32], lat: npt.NDArray[np.float32], lng0: float, lat0: float
) -> npt.NDArray[np.float64]:
    """Haversine distances from one point to many (NaN where a coordinate is unknown)."""
    la1, lo1 = math.radians(lat0), math.radians(lng0)
    la2 = np.radians(lat.astype(np.float64))
    lo2 = np.radians(lng.astype(np.float64))
    h = np.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    out: npt.NDArray[np.float64] = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def region_bonus(
    here: RegionPoint,
    city: npt.NDArray[np.int32],
    province: npt.NDArray[np.int32],
    lng: npt.NDArray[np.float32],
    lat: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bonus for nearness to ``here``: same city > same province > distance; and distances."""
    n = city.size
    bonus = np.zeros(n, dtype=np.float64)
    dist = np.full(n, np.nan)
    if here.province < 0:
        return bonus, dist
    if not math.isnan(here.lng):
        dist = distances_km(lng, lat, here.lng, here.lat)
        near = np.nan_to_num(np.exp(-dist / NEAR_KM), nan=0.0)
        bonus = NEAR_BONUS * near
    same_province = province == here.province
    bonus = np.where(same_province, SAME_PROVINCE_BONUS, bonus)
    if here.city >= 0:
        bonus = np.where(city == here.city, SAME_CITY_BONUS, bonus)
    return bonus, dist


def in_regions(code: npt.NDArray[np.int32], prefixes: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Whether each 6-digit code (``-1`` unknown) lies in any of the region prefixes."""
    out = np.zeros(code.size, dtype=bool)
    for prefix in prefixes:
        if not prefix.isdigit() or not 1 <= len(prefix) <= 6:
            continue
        scale = 10 ** (6 - len(prefix))
        out |= (code >= 0) & (code // scale == int(prefix))
    return out


def significant_prefix(code: str) -> str:
    """``440000`` → ``44``, ``440300`` → ``4403``, other strings unchanged."""
    if re.fullmatch(r"\d{6}", code):
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def industry_major(codes: tuple[str, ...]) -> tuple[str, ...]:
    """GB/T 4754 大类 (two digits) of each code, distinct, in order."""
    out = [c.strip()[:2] for c in codes if len(c.strip()) >= 2 and c.strip()[:2].isdigit()]
    return tuple(dict.fromkeys(out))


def top_k(
    scores: npt.NDArray[np.float64], ids: npt.NDArray[np.int64], k: int
) -> npt.NDArray[np.int64]:
    """Positions of the ``k`` best scores, best first, ties broken by smaller id.

    ``np.argpartition`` finds the k-th best score; every position scoring at least that is
    kept (so ties at the cut are all seen) and ordered by (score desc, id asc).

    Examples
    --------
    >>> top_k(np.array([0.5, 0.9, 0.5, 0.5]), np.array([7, 1, 3, 5]), 2).tolist()
    [1, 2]
    """
    if scores.size > k:
        kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
        pos = np.flatnonzero(scores >= kth)
    else:
        pos = np.arange(scores.size)
    return pos[np.lexsort((ids[pos], -scores[pos]))][:k]
