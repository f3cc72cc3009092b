"""List the goods names that the curated alias table (``matching/data/trade_aliases.csv``) was
written for: the names most listed by the firms whose shipped data gives no synonym.

Usage::

    .venv/bin/python scripts/build_alias_candidates.py [--catalog ../shared/data/firms.jsonl]
        [--limit 500] > /tmp/alias_candidates.tsv

The rule (the table's provenance in ``matching/data/README.md`` quotes it):

1. Candidate names: the product names of the firms of the catalog and the names of the chain
   map (``matching/data/product_chain_links.csv.gz``), normalised (``product_key``), of two to
   eight characters, all Chinese.
2. Weight: how many firms list a product name equal to the candidate or ending with it (a
   kind of it: 片碱 is no kind of 烧碱, but 工业烧碱 is). Firms in finance and real estate are
   not counted; names of services (…业务, …服务, …工程 …) and category names (…设备, …系统,
   …材料, …制品, …类 …) are no candidates: they have no other name of the same extent.
3. Kept only where the engine's shipped data knows no other name: no CC-CEDICT synonym or
   pivot (``NameDictionary.synonyms`` / ``pivots``) and no mate in the cnsyn groups
   (``synonym_groups.tsv.gz`` read alone, without the curated table).
4. The ``--limit`` names of highest weight (ties: the shorter, then by code point), at least
   two firms each.

The table was written by hand from this list, a name skipped where its other names are not
certain; the list is not shipped.
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

from matching.catalog import chain_links, product_key  # noqa: E402
from matching.variants import SynonymGroups, _folded_lines, name_dictionary  # noqa: E402

_HAN = re.compile(r"^[\u3400-\u9fff]{2,8}$")
FINANCE = re.compile(r"银行|证券|保险|信托|地产|住宅开发|物业|金融|资产管理|租赁|多元金融")
SERVICE = re.compile(
    r"(业务|服务|工程|施工|开发|销售|租赁|咨询|代理|贸易|运输|物流|管理|收入|其他|运营|"
    r"设计|加工费|维修|安装|广告|培训|教育|医疗|旅游|酒店|餐饮|利息|手续费|佣金|项目|"
    r"分部|行业|板块|产品|商品|合计|软件|系统集成|解决方案|抵销|抵消|费|业|承包|总包|出租|房租|"
    r"维护|运维|维保|检修|监理|勘察|托管|经纪|策划|营销|支付|贷款|保理|投资|授权|转让|"
    r"合同|零售|批发|商贸|配送|客运|收费|治理|处置|处理|绿化|游戏|影视|影视剧|信息|劳务)$"
)
GENERIC = re.compile(
    r"(设备|系统|材料|制品|类|制造|装备|装置|配件|零部件|部件|用品|器材|原料|化学品|化工|加工|"
    r"研发|建设|电子|智能化|新材料|成套|成品|整机|平台|业态|器件|元器件|产业|新能源)$|^其"
)


def firm_names(path: Path) -> list[set[str]]:
    """Each firm's normalised product names (firms in finance and real estate left out)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            firm = json.loads(line)
            industry = (firm.get("sw_industry") or {}).get("name") or ""
            if FINANCE.search(industry):
                continue
            names = {product_key(str(p["name"])) for p in firm.get("products") or ()}
            out.append({n for n in names if n})
    return out


def candidates(path: Path, limit: int) -> list[tuple[str, int]]:
    firms = firm_names(path)
    pool = {n for names in firms for n in names}
    for link in chain_links():
        pool.update((link.product, link.input))
    pool = {n for n in pool if _HAN.match(n) and not SERVICE.search(n) and not GENERIC.search(n)}
    weight: Counter[str] = Counter()
    for names in firms:
        hit = set()
        for name in names:
            for start in range(len(name) - 1):
                if name[start:] in pool:
                    hit.add(name[start:])
        weight.update(hit)
    dictionary = name_dictionary()
    groups = SynonymGroups(_folded_lines("synonym_groups.tsv.gz"))
    out = []
    for name, n in sorted(weight.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        if n < 2:
            break
        if dictionary.synonyms(name) or dictionary.pivots(name) or groups.mates(name):
            continue
        out.append((name, n))
        if len(out) >= limit:
            break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=ROOT.parent / "shared/data/firms.jsonl")
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    for name, n in candidates(args.catalog, args.limit):
        print(f"{name}\t{n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
