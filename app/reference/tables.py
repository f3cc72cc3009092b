"""GB/T 2260 region codes and GB/T 4754-2017 industry codes, loaded once from the shipped tables."""

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _rows(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("app.reference").joinpath("data", name).read_bytes()
    yield from csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")))


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative division: province (``440000``), city (``440300``) or county."""

    code: str
    name: str
    level: int  # 1 province, 2 city, 3 county
    province_code: str
    city_code: str | None


@cache
def regions() -> dict[str, Region]:
    """All regions by 6-digit code (统计用区划代码 2023)."""
    out: dict[str, Region] = {}
    for row in _rows("regions_provinces.csv.gz"):
        code = row["code"] + "0000"
        out[code] = Region(code, row["name"], 1, code, None)
    for row in _rows("regions_cities.csv.gz"):
        code = row["code"] + "00"
        out[code] = Region(code, row["name"], 2, row["provinceCode"] + "0000", code)
    for row in _rows("regions_areas.csv.gz"):
        code = row["code"]
        out[code] = Region(
            code, row["name"], 3, row["provinceCode"] + "0000", row["cityCode"] + "00"
        )
    return out


@cache
def region_centres() -> dict[str, tuple[float, float]]:
    """Centre (longitude, latitude) by adcode for provinces and prefecture-level units."""
    return {
        row["adcode"]: (float(row["center_lng"]), float(row["center_lat"]))
        for row in _rows("regions_centers_amap.csv.gz")
        if row["center_lng"] and row["center_lat"]
    }


@dataclass(frozen=True, slots=True)
class Industry:
    """One GB/T 4754-2017 class: 门类 (letter), 大类 (2 digits), 中类 (3) or 小类 (4)."""

    code: str
    name: str
    level: int
    remark: str


@cache
def industries() -> dict[str, Industry]:
    """All GB/T 4754-2017 classes by code."""
    return {
        row["code"]: Industry(row["code"], row["name"], int(row["level"]), row["remark"])
        for row in _rows("gbt4754_2017.csv.gz")
    }
