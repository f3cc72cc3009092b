"""List the goods names that ``matching/data/trade_glossary.csv`` should give English for.

Usage::

    .venv/bin/python scripts/build_trade_glossary_candidates.py \
        --catalog ../shared/data/firms.jsonl [--min-firms 3] [--limit 600]

The rule (the English itself is written by hand, not by this script): a product name of the
catalog (``firms.jsonl``, normalised by :func:`matching.catalog.product_key`, noise dropped by
:func:`matching.catalog.clean_products`) that at least ``--min-firms`` firms of a goods
industry list, or a name of the shipped chain map (``product_chain_links.csv.gz``) that one
firm fewer list; not a service, business line or project (names with
:data:`NOT_GOODS` words); and that the shipped dictionary gives no English for as a whole (not
a headword of :func:`matching.variants.name_dictionary`). The most listed first, at most
``--limit``. Goods industries: every Shenwan 2021 first-level industry but
:data:`SERVICE_INDUSTRIES` (utilities, transport, real estate, trade and retail, social
services, banks, other finance, conglomerates, media, computers: their names are businesses,
not goods); a name with no Chinese (LED, PVC: its own English) or starting with 其 (a
fragment cut from "…及其制品") is left out. Prints ``name<TAB>firms<TAB>in chain map`` lines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.catalog import chain_links, clean_products, product_key  # noqa: E402
from matching.variants import name_dictionary  # noqa: E402

SERVICE_INDUSTRIES = frozenset({"41", "42", "43", "45", "46", "48", "49", "51", "71", "72"})
"""Shenwan 2021 first-level codes (two first digits) whose product names are businesses."""
NOT_GOODS = (
    "服务", "业务", "工程", "其他", "其它", "租赁", "销售", "贸易", "咨询", "施工", "运营",
    "代理", "设计", "开发", "物业", "收入", "加工费", "技术", "软件", "系统集成", "解决方案",
    "管理", "维修", "运输", "物流", "检测", "广告", "项目", "主营", "合计", "分部",
    "房", "租", "劳务", "保理", "零售", "批发", "流通", "商业", "地产", "装修", "装饰",
    "园林", "绿化", "养护", "经营", "加盟", "合同", "总包", "费", "游戏", "智慧", "外购",
    "自产", "代加工", "受托", "来料", "仓储", "运维", "售电", "供电", "发电", "制造",
)  # fmt: skip
NOT_GOODS_ENDS = ("处理", "处置", "修复", "治理", "养殖", "生产", "业")
"""…and so does one ending with one of these (污水处理, 生猪养殖, 医药制造业)."""
"""A name holding one of these names a service or an accounting line, not goods."""
HAN = re.compile(r"[\u4e00-\u9fff]")


def candidates(catalog: Path, min_firms: int, limit: int) -> list[tuple[str, int, bool]]:
    """``(name, firms listing it, in the chain map)``, the most listed first."""
    firms: Counter[str] = Counter()
    with catalog.open(encoding="utf-8") as fh:
        for line in fh:
            firm = json.loads(line)
            industry = (firm.get("sw_industry") or {}).get("code") or ""
            if not industry or industry[:2] in SERVICE_INDUSTRIES:
                continue
            names = {product_key(p.name) for p in clean_products(firm.get("products") or ())}
            firms.update(n for n in names if n)
    chain = {n for link in chain_links() for n in (link.product, link.input)}
    senses = name_dictionary().senses
    out = []
    for name, n in firms.items():
        if n < (min_firms - 1 if name in chain else min_firms) or len(name) < 2:
            continue
        if not HAN.search(name) or name.startswith("其") or name in senses:
            continue  # an English code (LED, PVC) is its own English; 其制品 is a fragment
        if any(w in name for w in NOT_GOODS) or name.endswith(NOT_GOODS_ENDS):
            continue
        out.append((name, n, name in chain))
    out.sort(key=lambda t: (-t[1], not t[2], t[0]))
    return out[:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=ROOT.parent / "shared/data/firms.jsonl")
    parser.add_argument("--min-firms", type=int, default=3)
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    for name, n, in_chain in candidates(args.catalog, args.min_firms, args.limit):
        print(f"{name}\t{n}\t{int(in_chain)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
