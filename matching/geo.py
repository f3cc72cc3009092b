"""Region codes (GB/T 2260) and distances between region centres.

The coordinate table is plain data, ``{adcode: (longitude, latitude)}``; the service ships the
file and passes the mapping (or the path) in.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path
from typing import IO

EARTH_RADIUS_KM = 6371.0088

RegionCentres = Mapping[str, tuple[float, float]]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(longitude, latitude)`` points.

    Examples
    --------
    >>> round(haversine_km((116.405285, 39.904989), (121.472644, 31.231706)))
    1067
    """
    lng1, lat1 = map(math.radians, a)
    lng2, lat2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def read_region_centres(path_or_file: str | Path | IO[str]) -> dict[str, tuple[float, float]]:
    """Read region centres from a CSV in the amap format.

    Parameters
    ----------
    path_or_file
        A path or an open text file: a CSV with at least the columns ``adcode``,
        ``center_lng`` and ``center_lat`` (as in ``regions_centers_amap.csv``).

    Returns
    -------
    dict
        ``{adcode: (longitude, latitude)}``; rows without a centre are left out.

    Examples
    --------
    >>> import io
    >>> read_region_centres(io.StringIO("adcode,center_lng,center_lat\\n320500,120.6,31.3\\n"))
    {'320500': (120.6, 31.3)}
    """
    if isinstance(path_or_file, str | Path):
        with Path(path_or_file).open(encoding="utf-8", newline="") as fh:
            return read_region_centres(fh)
    return {
        row["adcode"].strip(): (float(row["center_lng"]), float(row["center_lat"]))
        for row in csv.DictReader(path_or_file)
        if row.get("adcode") and row.get("center_lng") and row.get("center_lat")
    }


load_region_centres = read_region_centres


def province_of(code: str) -> str:
    """The province code of a region code: ``440305`` → ``440000``."""
    return code[:2] + "0000"


def city_of(code: str) -> str | None:
    """The prefecture-level code of a region code (``None`` for a province code).

    Municipalities (北京 110000 …) are their own city.
    """
    if code[2:] == "0000":
        return code if code[:2] in {"11", "12", "31", "50"} else None
    return code[:4] + "00"


def region_prefix(code: str) -> str:
    """The significant prefix of a region code: ``440000`` → ``44``, ``440300`` → ``4403``."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def centre_of(code: str | None, centres: RegionCentres) -> tuple[float, float] | None:
    """The centre of a region, falling back to its city and then its province."""
    if not code:
        return None
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        found = centres.get(candidate)
        if found is not None:
            return found
    return None
