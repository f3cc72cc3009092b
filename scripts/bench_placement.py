"""Placement speed and coverage on the demo catalog (4,586 listed firms) with the seed map.

Usage::

    .venv/bin/python scripts/bench_placement.py [--repeat 3]

Fits :class:`matching.placement.ChainPlacer` on the shipped seed chain map and places every
firm of ``app/demo/data/catalog.jsonl.gz`` by its products (weighted by revenue share, as the
service does), in one batch and one firm at a time (as a profile write does). Prints one JSON
object per line: fit time, batch and single-firm throughput, how many firms got a node, and
how often a firm whose Shenwan industry plainly belongs to a seed chain (``SHENWAN_CHAIN``, a
proxy) is placed on that chain.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

from tqdm import tqdm

from app.chains.placing import profile_terms
from app.chains.seed import seed_document
from app.demo.loader import catalog
from matching.placement import ChainPlacer, NodeDoc, PlacedNode

#: A proxy truth for chain-level agreement: Shenwan 2021 industries (of the firm, not of a
#: product) that clearly belong to one seed chain. Not used by the placer.
SHENWAN_CHAIN = {
    "底盘与发动机系统": "新能源汽车",
    "其他汽车零部件": "新能源汽车",
    "车身附件及饰件": "新能源汽车",
    "汽车电子电气系统": "新能源汽车",
    "电池化学品": "新能源汽车",
    "锂电池": "新能源汽车",
    "综合乘用车": "新能源汽车",
    "电动乘用车": "新能源汽车",
    "面板": "集成电路与电子",
    "印制电路板": "集成电路与电子",
    "数字芯片设计": "集成电路与电子",
    "模拟芯片设计": "集成电路与电子",
    "被动元件": "集成电路与电子",
    "半导体材料": "集成电路与电子",
    "半导体设备": "集成电路与电子",
    "集成电路封测": "集成电路与电子",
    "集成电路制造": "集成电路与电子",
    "光伏辅材": "光伏",
    "光伏发电": "光伏",
    "光伏电池组件": "光伏",
    "光伏加工设备": "光伏",
    "硅料硅片": "光伏",
    "工控设备": "工业机器人与智能装备",
    "机器人": "工业机器人与智能装备",
    "其他自动化设备": "工业机器人与智能装备",
    "农药": "石油化工与化工新材料",
    "其他塑料制品": "石油化工与化工新材料",
    "氯碱": "石油化工与化工新材料",
    "涂料油墨": "石油化工与化工新材料",
    "改性塑料": "石油化工与化工新材料",
    "有机硅": "石油化工与化工新材料",
    "氟化工": "石油化工与化工新材料",
    "炼油化工": "石油化工与化工新材料",
    "煤化工": "石油化工与化工新材料",
    "钛白粉": "石油化工与化工新材料",
    "纯碱": "石油化工与化工新材料",
    "动力煤": "石油化工与化工新材料",
    "焦煤": "石油化工与化工新材料",
    "中药Ⅲ": "中医药",
}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="batch runs (best is reported)")
    args = parser.parse_args(argv)
    doc = seed_document()
    nodes: list[NodeDoc] = []
    chain_of: dict[int, str] = {}
    for ci, chain in enumerate(doc.chains):
        for node in chain.nodes:
            nid = len(nodes) + 1
            nodes.append(NodeDoc(nid, ci, node.name, tuple(node.products), tuple(node.keywords)))
            chain_of[nid] = chain.name
    firms = catalog()
    subjects = [
        profile_terms([{"name": n, "share": s} for n, s in firm["products"]], []) for firm in firms
    ]
    started = time.perf_counter()
    placer = ChainPlacer().fit(nodes)
    fit_s = time.perf_counter() - started
    print(json.dumps({"nodes": len(nodes), "chains": len(doc.chains), "fit_s": round(fit_s, 3)}))
    best = float("inf")
    placed: list[list[PlacedNode]] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        placed = list(placer.place_many(subjects))
        best = min(best, time.perf_counter() - started)
    print(
        json.dumps(
            {
                "mode": "batch",
                "firms": len(firms),
                "terms": sum(len(s) for s in subjects),
                "seconds": round(best, 3),
                "firms_per_s": round(len(firms) / best),
            }
        )
    )
    started = time.perf_counter()
    for terms in tqdm(subjects, desc="one at a time", unit=" firms", file=sys.stderr):
        placer.place(terms)
    single = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": "one_at_a_time",
                "firms": len(firms),
                "seconds": round(single, 3),
                "ms_per_firm": round(1000 * single / len(firms), 3),
            }
        )
    )
    by_chain: Counter[str] = Counter()
    agree = labelled = top_agree = 0
    for firm, result in zip(firms, placed, strict=True):
        chains = [chain_of[p.node_id] for p in result]
        for name in set(chains):
            by_chain[name] += 1
        truth = SHENWAN_CHAIN.get(firm["sw_industry"] or "")
        if truth is not None:
            labelled += 1
            agree += truth in chains
            top_agree += bool(chains) and chains[0] == truth
    print(
        json.dumps(
            {
                "proxy": "chain of the firm's Shenwan industry",
                "firms_labelled": labelled,
                "recall_any_node": round(agree / labelled, 3),
                "top_node_in_chain": round(top_agree / labelled, 3),
            }
        )
    )
    print(
        json.dumps(
            {
                "firms_placed": sum(1 for r in placed if r),
                "share_placed": round(sum(1 for r in placed if r) / len(firms), 3),
                "by_chain": dict(by_chain.most_common()),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
