"""Infer a firm's region (GB/T 2260 code) from its registered name.

Chinese firm names usually start with where they were registered: 深圳市…, 江苏恒瑞…,
广东省深圳市…. The rules, chosen to be right rather than complete:

- Only the **start** of the name counts. A place inside the name is not where the firm is
  (中国平安… is not in 平安区, 中国宝安… is not in 宝安区), so those get no region.
- At the start, a province or prefecture-level city matches by its full name (``深圳市``,
  ``广西壮族自治区``) or its short form (``深圳``, ``广西``, ``内蒙古``, ``延边``); a county
  matches only by its full name (``昆山市``, ``萧山区``) and only when that name is unique.
- After a match, a region inside it may follow: a city of the province by full or short name
  (``浙江杭州…`` → 330100), a county of the province or city by full name only
  (``深圳市宝安区…`` → 440306; ``广州白云山…`` stays 440100).
- The longest match wins; when a short form names both a province and a city (``吉林``,
  ``海南``), the province wins — the city is written ``吉林市``.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from app.reference.tables import Region, regions

#: Placeholder names in the city table (municipalities' districts, directly governed counties).
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
#: Short forms that are much more often a brand word than the place at the start of a name.
_NOT_PLACES = frozenset({"阿里"})
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "盟")
_ETHNIC_NAMES = (
    "蒙古|维吾尔|哈萨克|柯尔克孜|塔吉克|乌孜别克|塔塔尔|俄罗斯|达斡尔|鄂温克|鄂伦春|"
    "朝鲜|土家|布依|哈尼|傈僳|拉祜|纳西|景颇|仫佬|毛南|仡佬|锡伯|阿昌|普米|德昂|裕固|"
    "独龙|赫哲|门巴|珞巴|基诺|东乡|撒拉|保安|高山|布朗|回|藏|壮|苗|彝|侗|瑶|白|傣|黎|佤|"
    "畲|水|土|羌|怒|京|满|各"
)
_ETHNIC = re.compile(f"(?:{_ETHNIC_NAMES})族?$")
_MAX_TOKEN = 12


@dataclass(frozen=True, slots=True)
class _Candidate:
    code: str
    level: int
    full: bool


def short_forms(name: str) -> set[str]:
    """Short forms of a region name: 深圳市 → 深圳, 广西壮族自治区 → 广西, 锡林郭勒盟 → 锡林郭勒.

    Forms shorter than two characters are dropped (萧县 has none).
    """
    out: set[str] = set()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if "自治" in suffix:
                # 宁夏回族 → 宁夏, 黔东南苗族侗族 → 黔东南; but 内蒙古 stays (内 is too short).
                while True:
                    shorter = _ETHNIC.sub("", stem)
                    if shorter == stem or len(shorter) < 2:
                        break
                    stem = shorter
            if len(stem) >= 2:
                out.add(stem)
            break
    return out


def _add(index: dict[str, list[_Candidate]], token: str, region: Region, full: bool) -> None:
    if token in _NOT_PLACES:
        return
    index.setdefault(token, []).append(_Candidate(region.code, region.level, full))


@cache
def _top_level() -> dict[str, list[_Candidate]]:
    """Tokens that may start a name: provinces and cities (full or short), unique counties."""
    index: dict[str, list[_Candidate]] = {}
    county_names: dict[str, list[Region]] = {}
    for region in regions().values():
        if region.name in _PLACEHOLDERS:
            continue
        if region.level <= 2:
            _add(index, region.name, region, True)
            for short in short_forms(region.name):
                _add(index, short, region, False)
        else:
            county_names.setdefault(region.name, []).append(region)
    for name, found in county_names.items():
        if len(found) == 1 and name not in index:
            _add(index, name, found[0], True)
    return index


@cache
def _children() -> dict[str, dict[str, list[_Candidate]]]:
    """Per province or city code: the tokens of the regions inside it that may follow it."""
    out: dict[str, dict[str, list[_Candidate]]] = {}
    for region in regions().values():
        if region.level == 1 or region.name in _PLACEHOLDERS:
            continue
        parents = [region.province_code]
        if region.level == 3 and region.city_code:
            parents.append(region.city_code)
        for parent in parents:
            index = out.setdefault(parent, {})
            _add(index, region.name, region, True)
            if region.level == 2:
                for short in short_forms(region.name):
                    _add(index, short, region, False)
    return out


def _best(index: dict[str, list[_Candidate]], text: str) -> tuple[_Candidate, int] | None:
    """The longest token of ``index`` that ``text`` starts with, and its length."""
    for length in range(min(_MAX_TOKEN, len(text)), 1, -1):
        found = index.get(text[:length])
        if not found:
            continue
        ranked = sorted(found, key=lambda c: (not c.full, c.level))
        first = ranked[0]
        rivals = [c for c in ranked if (c.full, c.level) == (first.full, first.level)]
        if len({c.code for c in rivals}) > 1:
            return None  # the same name for two places of the same kind: ambiguous
        return first, length
    return None


def infer_region(name: str) -> str | None:
    """The region code the firm name ``name`` starts with, or ``None``.

    >>> infer_region("江苏恒瑞医药股份有限公司")
    '320000'
    >>> infer_region("深圳市宝安区某某科技有限公司")
    '440306'
    >>> infer_region("中国平安保险(集团)股份有限公司") is None
    True
    """
    text = unicodedata.normalize("NFKC", name).strip()
    match = _best(_top_level(), text)
    if match is None:
        return None
    found, used = match
    code = found.code
    children = _children()
    while code in children:
        nxt = _best(children[code], text[used:])
        if nxt is None:
            break
        code, used = nxt[0].code, used + nxt[1]
    return code
