"""Catalog loading: clean the noisy product lists of firms.jsonl into profile records."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from matching.records import ProductItem, ProfileRecord

__all__ = ["clean_product_name", "clean_products", "is_noise_product", "profile_from_firm"]

_NOISE_EXACT = frozenset(
    {
        "平衡项目",
        "调整项目",
        "调整",
        "其他",
        "其它",
        "补充",
        "合计",
        "总计",
        "小计",
        "主营业务",
        "主营业务收入",
        "其他业务",
        "其他业务收入",
        "其他收入",
        "其他产品",
        "其他主营业务",
        "其他行业",
        "其他地区",
        "其他项目",
        "其他类",
        "营业收入",
        "收入",
        "减",
        "未分配",
        "未分配项目",
    }
)
_NOISE_RE = re.compile(
    r"抵[销消减減銷]"  # 分部间抵销, 内部抵消, 合并抵减 …
    r"|(小计|合计|总计)$"
    r"|^(其他|其它)(业务|收入|产品|项目|类|行业|地区|主营业务)*(\(.*\))?$"
    r"|^(补充|调整)(\(.*\)|说明|信息|资料)?$"
    r"|^[\d\s.%()\-]*$"
)
_SPACES = re.compile(r"\s+")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def clean_product_name(name: str) -> str:
    """Normalise one product name: NFKC (full-width → half-width), single spaces.

    Spaces next to CJK characters are dropped; the one inside a Latin code is kept.

    Examples
    --------
    >>> clean_product_name(" ＩＡＴＦ　16949 认证 服务 ")
    'IATF 16949认证服务'
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", name or "")).strip()
    return _CJK_SPACE.sub("", text)


def is_noise_product(name: str) -> bool:
    """Whether a cleaned name is an accounting line rather than a product.

    Examples
    --------
    >>> [is_noise_product(n) for n in ["平衡项目", "分部间抵销", "其他(补充)", "其他电子设备"]]
    [True, True, True, False]
    """
    return not name or name in _NOISE_EXACT or bool(_NOISE_RE.search(name))


def clean_products(products: Iterable[Mapping[str, Any] | ProductItem]) -> list[ProductItem]:
    """Clean a raw product list: drop accounting lines, normalise names, merge duplicates.

    Parameters
    ----------
    products : iterable of dict or ProductItem
        Items with ``name`` and an optional ``weight`` (revenue share).

    Returns
    -------
    list of ProductItem
        In first-seen order; a duplicate name keeps the largest weight. Weights that are not
        positive numbers become ``None``.

    Examples
    --------
    >>> clean_products([{"name": "锂电池", "weight": 0.8}, {"name": "平衡项目", "weight": 0.1}])
    [ProductItem(name='锂电池', weight=0.8)]
    """
    out: dict[str, float | None] = {}
    for item in products:
        if isinstance(item, ProductItem):
            raw_name, raw_weight = item.name, item.weight
        else:
            raw_name, raw_weight = str(item.get("name") or ""), item.get("weight")
        name = clean_product_name(raw_name)
        if is_noise_product(name):
            continue
        weight = _weight(raw_weight)
        if name in out:
            old = out[name]
            if weight is not None and (old is None or weight > old):
                out[name] = weight
        else:
            out[name] = weight
    return [ProductItem(name=n, weight=w) for n, w in out.items()]


def profile_from_firm(firm: Mapping[str, Any], id: int) -> ProfileRecord:
    """Convert one firms.jsonl line to a :class:`ProfileRecord`.

    Parameters
    ----------
    firm : dict
        A parsed line with ``short_name``/``full_name`` and ``products``.
    id : int
        The profile id to give it.

    Returns
    -------
    ProfileRecord
        Cleaned products; the Shenwan industry is not a GB/T 4754 code, so ``industry_codes``
        stays empty. Region and tier are unknown in this data.

    Examples
    --------
    >>> p = profile_from_firm({"short_name": "甲", "products": [{"name": "PCB", "weight": 1}]}, 7)
    >>> (p.id, p.name, p.products[0].name)
    (7, '甲', 'PCB')
    """
    name = str(firm.get("short_name") or firm.get("full_name") or firm.get("code") or id)
    return ProfileRecord(
        id=id, name=name, products=tuple(clean_products(firm.get("products") or ()))
    )


def _weight(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    w = float(value)
    return w if w > 0 and w == w else None
