"""Region names in text: provinces, prefecture-level cities and the usual groups (长三角 …).

Names and codes come from the shipped region table (统计用区划代码 2023, provinces and
prefecture-level units) and the group table ``data/region_groups.csv`` (each group with its
member codes and the document that defines it); see ``data/README.md``.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "RegionGroup",
    "RegionMention",
    "find_regions",
    "region_groups",
    "region_name",
    "strip_region",
]

_ETHNIC = (
    "朝鲜族|土家族|苗族|藏族|羌族|彝族|布依族|侗族|哈尼族|壮族|傣族|白族|景颇族|傈僳族|回族|"
    "蒙古族|蒙古|柯尔克孜|哈萨克|维吾尔"
)
_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC})*(?:自治区|自治州)|特别行政区|省|市|盟|地区)$")


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """A named group of regions (长三角 = 上海、江苏、浙江、安徽) and where it is defined."""

    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A region named in text: as written, its display name and its 6-digit codes."""

    text: str
    name: str
    codes: tuple[str, ...]


def _data(name: str) -> str:
    raw = resources.files("matching.data").joinpath(name).read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


@cache
def region_groups() -> tuple[RegionGroup, ...]:
    """The published region groups (``data/region_groups.csv``)."""
    return tuple(
        RegionGroup(
            row["group"],
            tuple(a for a in row["aliases"].split("|") if a),
            tuple(row["members"].split()),
            row["source"],
        )
        for row in csv.DictReader(io.StringIO(_data("region_groups.csv")))
    )


@cache
def _surfaces() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every way a region is written → (display name, codes)."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    provinces: set[str] = set()
    for row in csv.DictReader(io.StringIO(_data("region_names.csv.gz"))):
        code, name = row["code"], row["name"]
        is_province = code.endswith("0000")
        short = _SUFFIX.sub("", name)
        for surface in (name, short):
            if len(surface) < 2 or (surface in provinces and not is_province):
                continue  # 吉林 the province, not 吉林市; 海南 the province, not 海南州
            out.setdefault(surface, (name, (code,)))
        if is_province:
            provinces.add(short)
    for group in region_groups():
        for surface in (group.name, *group.aliases):
            out[surface] = (group.name, group.members)
    return out


@cache
def _names_by_code() -> dict[str, str]:
    return {
        row["code"]: row["name"]
        for row in csv.DictReader(io.StringIO(_data("region_names.csv.gz")))
    }


def region_name(code: str) -> str:
    """The name of a province or prefecture-level code (``440300`` → 深圳市); else the code.

    Examples
    --------
    >>> region_name("440300"), region_name("440305")
    ('深圳市', '440305')
    """
    return _names_by_code().get(code, code)


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_surfaces(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def find_regions(text: str) -> list[RegionMention]:
    """The regions named in ``text``, longest name first at each place, in text order.

    Examples
    --------
    >>> [(m.name, len(m.codes)) for m in find_regions("长三角或广东省深圳优先")]
    [('长三角', 4), ('广东省', 1), ('深圳市', 1)]
    """
    out: list[RegionMention] = []
    surfaces = _surfaces()
    for m in _pattern().finditer(text):
        name, codes = surfaces[m.group()]
        out.append(RegionMention(m.group(), name, codes))
    return out


_BOUNDARY = re.compile(r"^(?:地区|区域|省内|市内|省|市|本地|产地|产|周边|附近|范围内|的)+")


def strip_region(term: str) -> str:
    """``term`` without a leading region that is set off (江苏省伺服电机, 长三角地区的伺服电机).

    A short name glued to the word is kept (大理石板材 stays), since it may be part of it.

    Examples
    --------
    >>> strip_region("长三角地区的伺服电机"), strip_region("江苏省电机"), strip_region("大理石板材")
    ('伺服电机', '电机', '大理石板材')
    """
    m = _pattern().match(term)
    if not m:
        return term
    rest = term[m.end() :]
    name, _codes = _surfaces()[m.group()]
    bounded = _BOUNDARY.match(rest)
    if bounded:
        rest = rest[bounded.end() :]
    elif m.group() != name and m.group() not in {g.name for g in region_groups()}:
        return term
    return rest if len(rest) >= 2 else term
