"""Catalog import: cleaning product lists and turning listed-firm lines into profiles.

Used by the evaluation scripts and by the service's catalog/demo import, so both see the same
products. Also the shipped product chain map (see ``data/README.md`` for its provenance).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from matching.records import ProductItem, ProfileRecord
from matching.tokenize import normalize

__all__ = [
    "ChainLink",
    "chain_links",
    "clean_products",
    "is_noise_product",
    "product_key",
    "product_vocabulary",
    "profile_from_firm",
]

_NOISE_EXACT = frozenset(
    {
        "平衡项目",
        "调整项目",
        "调整",
        "其他",
        "其它",
        "其他类",
        "其他项目",
        "其他地区",
        "其他业务",
        "其它业务",
        "其他收入",
        "其他业务收入",
        "其他主营业务",
        "其他产品",
        "其他行业",
        "合计",
        "小计",
        "总计",
        "补充",
        "补充信息",
        "补充资料",
        "未分配",
        "主营业务",
        "主营业务收入",
        "营业收入",
        "收入",
    }
)
_NOISE_PATTERN = re.compile(
    r"抵[销消减減銷]"  # 分部间抵销, 内部抵消, 分部间相互抵减 …
    r"|冲减|未分配|分部间|内部交易|内部关联"
    r"|(?:合|小|总)计$"
    r"|^其[他它](?:业务|收入|项目|产品|类)*(?:\(补充\))?$"
    r"|^[\d\s.%()\-+/]*$"
)
_STRAY_SPACE = re.compile(r"(?<![A-Z0-9]) | (?![A-Z0-9])")


@lru_cache(maxsize=1 << 18)
def product_key(name: str) -> str:
    """The normalised form of a product name, the form every comparison uses.

    NFKC, upper-case Latin, and spaces kept only between two Latin letters/digits.

    Examples
    --------
    >>> product_key(" ＬＥＤ 显示屏 ")
    'LED显示屏'
    """
    return _STRAY_SPACE.sub("", normalize(name))


@lru_cache(maxsize=1 << 18)
def is_noise_product(name: str) -> bool:
    """Whether a "product" line is really an accounting line (平衡项目, 分部间抵销, 其他 …).

    Parameters
    ----------
    name
        The product name as listed.

    Returns
    -------
    bool
        ``True`` for accounting and residual lines that say nothing about what a firm makes.

    Examples
    --------
    >>> [is_noise_product(n) for n in ["分部间抵销", "其他(补充)", "合计", "其他电子设备", "铜"]]
    [True, True, True, False, False]
    """
    key = product_key(name)
    return not key or key in _NOISE_EXACT or bool(_NOISE_PATTERN.search(key))


def clean_products(
    items: Iterable[ProductItem | Mapping[str, Any]],
) -> tuple[ProductItem, ...]:
    """Drop accounting lines, normalise names and merge duplicates (keeping the larger weight).

    Parameters
    ----------
    items
        Products as listed: :class:`ProductItem` or mappings with ``name`` and an optional
        ``weight`` (revenue share).

    Returns
    -------
    tuple of ProductItem
        Clean products in the order first seen. Weights that are not non-negative numbers
        become ``None`` (unknown).

    Examples
    --------
    >>> clean_products([{"name": "锂电池", "weight": 0.6}, {"name": "平衡项目", "weight": 0.1},
    ...                 ProductItem("锂电池 ", 0.2)])
    (ProductItem(name='锂电池', weight=0.6),)
    """
    merged: dict[str, float | None] = {}
    for item in items:
        if isinstance(item, ProductItem):
            raw_name, raw_weight = item.name, item.weight
        else:
            raw_name, raw_weight = str(item.get("name") or ""), item.get("weight")
        name = product_key(raw_name)
        if is_noise_product(name):
            continue
        weight = _weight(raw_weight)
        if name not in merged or (
            weight is not None and (merged[name] is None or weight > (merged[name] or 0.0))
        ):
            merged[name] = weight
    return tuple(ProductItem(name, weight) for name, weight in merged.items())


def _weight(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    w = float(value)
    return w if w >= 0 and w == w else None


def profile_from_firm(firm: Mapping[str, Any], id: int) -> ProfileRecord:
    """Convert one line of ``firms.jsonl`` (a listed firm) into a profile.

    Parameters
    ----------
    firm
        A parsed line: ``code``, ``short_name``, ``full_name``, ``sw_industry`` and
        ``products`` (``[{"name": …, "weight": …}]`` with revenue weights).
    id
        The profile id to give it.

    Returns
    -------
    ProfileRecord
        With cleaned products. The file has no region, tier or certifications, and its
        Shenwan industry is not a GB/T 4754 code, so those stay empty; the Shenwan industry
        name becomes the description.

    Examples
    --------
    >>> p = profile_from_firm({"code": "1", "short_name": "甲", "products": [
    ...     {"name": "锂电池", "weight": 0.7}, {"name": "分部间抵销", "weight": -0.1}]}, 7)
    >>> p.id, p.name, [x.name for x in p.products]
    (7, '甲', ['锂电池'])
    """
    industry = firm.get("sw_industry") or {}
    return ProfileRecord(
        id=id,
        name=str(firm.get("short_name") or firm.get("full_name") or firm.get("code") or id),
        products=clean_products(firm.get("products") or ()),
        description=str(industry.get("name") or ""),
    )


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One edge of the product chain map: ``input`` goes into making ``product``.

    ``stated_by`` says which side's row of the map states it: ``"product"`` (an ``upstream``
    row: the product lists the input) or ``"input"`` (a ``downstream`` row: the input lists
    the product among its uses). The same edge can be stated by both.
    """

    product: str
    input: str
    stated_by: Literal["product", "input"] = "product"


def _links_rows() -> Iterator[dict[str, str]]:
    data = resources.files("matching.data").joinpath("product_chain_links.csv.gz").read_bytes()
    yield from csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")))


@cache
def chain_links() -> tuple[ChainLink, ...]:
    """The shipped sample of the product chain map, as ``input → product`` edges."""
    out: list[ChainLink] = []
    for row in _links_rows():
        a, b = product_key(row["product"]), product_key(row["related_product"])
        if not a or not b or a == b:
            continue
        if row["relation"] == "upstream":
            out.append(ChainLink(product=a, input=b))
        elif row["relation"] == "downstream":
            out.append(ChainLink(product=b, input=a, stated_by="input"))
    return tuple(out)


@cache
def product_vocabulary() -> frozenset[str]:
    """Canonical product names: every product named in the shipped chain map.

    A listed product that is also a node of the chain map is a clean product name (``锂电池``)
    rather than a business line (``锂电池销售业务``); ranking prefers it.
    """
    names: set[str] = set()
    for link in chain_links():
        names.add(link.product)
        names.add(link.input)
    return frozenset(names)
