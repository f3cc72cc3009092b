"""地区选择: the console's region pickers, by name (province → city), never typed codes.

Without JavaScript a picker is a plain ``<select>`` grouped by province (the province itself,
then its cities); ``console.js`` adds a province list that narrows it and, for a single
region, a district list read from ``/regions/{city}/districts``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.reference.tables import Region, regions
from app.web.labels import region_name

router = APIRouter(include_in_schema=False)
#: 北京、天津、上海、重庆: the province is the city.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


@dataclass(frozen=True, slots=True)
class Option:
    """One choice in a picker."""

    code: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class Group:
    """A province's choices: the whole province, then its cities (and any chosen district)."""

    code: str
    name: str
    options: list[Option]


@cache
def _provinces() -> list[tuple[Region, list[Region]]]:
    table = regions()
    cities: dict[str, list[Region]] = {}
    for r in table.values():
        if r.level == 2:
            cities.setdefault(r.province_code, []).append(r)
    return [
        (p, sorted(cities.get(p.code, []), key=lambda c: c.code))
        for p in sorted((r for r in table.values() if r.level == 1), key=lambda r: r.code)
    ]


def groups(selected: Iterable[str] = ()) -> list[Group]:
    """The picker's groups with ``selected`` codes marked; a chosen district (or a code the
    lists do not hold) is added to its province so that saving keeps it."""
    chosen = {c for c in selected if c}
    known: set[str] = set()
    out: list[Group] = []
    for province, cities in _provinces():
        whole = "全市" if province.code in MUNICIPALITIES else "全省"
        options = [Option(province.code, f"{province.name}（{whole}）", province.code in chosen)]
        # A municipality's 市辖区 and 县 are the city itself: its districts come from the JS list.
        options += [
            Option(c.code, c.name, c.code in chosen)
            for c in cities
            if province.code not in MUNICIPALITIES
        ]
        known.update(o.code for o in options)
        out.append(Group(province.code, province.name, options))
    table = regions()
    for code in sorted(chosen - known):
        region = table.get(code)
        group = next((g for g in out if region and g.code == region.province_code), None)
        if group is None:
            out.append(Group("", "其他", [Option(code, region_name(code), True)]))
        else:
            group.options.append(Option(code, region_name(code), True))
    return out


@router.get("/regions/{code}/districts")
def districts(code: str) -> JSONResponse:
    """A city's (or a municipality's) districts and counties (区/县), for the picker's third
    list."""
    city = regions().get(code)
    if code in MUNICIPALITIES:  # 上海市 → its districts (under 市辖区 and 县)
        return JSONResponse(
            [
                {"code": r.code, "name": r.name}
                for r in sorted(regions().values(), key=lambda r: r.code)
                if r.level == 3 and r.province_code == code
            ],
            headers={"Cache-Control": "public, max-age=86400"},
        )
    items = (
        []
        if city is None or city.level != 2
        else [
            {"code": r.code, "name": r.name}
            for r in sorted(regions().values(), key=lambda r: r.code)
            if r.level == 3 and r.city_code == code
        ]
    )
    return JSONResponse(items, headers={"Cache-Control": "public, max-age=86400"})
