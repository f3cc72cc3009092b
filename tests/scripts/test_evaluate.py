"""scripts/evaluate.py on a tiny catalog: need lines and buyer lines in one file."""

import json
from pathlib import Path

import pytest

from tests.scripts.loading import load_script


def _firm(code: str, *products: str) -> dict[str, object]:
    return {
        "code": code,
        "short_name": code,
        "products": [{"name": p, "weight": 0.5} for p in products],
    }


def test_a_mixed_file_scores_needs_and_buyers_separately(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "firms.jsonl"
    firms = [
        _firm("BUYER", "汽车"),  # 玻璃 and 镀锌板 are inputs of 汽车 in the shipped chain map
        _firm("STEEL", "钢材", "镀锌板"),
        _firm("GLASS", "玻璃"),
        _firm("RIVAL", "汽车"),
        _firm("BANK", "零售金融业务"),
    ]
    catalog.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in firms) + "\n")
    queries = tmp_path / "mixed.jsonl"
    lines = [
        {"id": "n1", "need": {"title": "采购钢材", "products": ["钢材"]}, "relevant": ["STEEL"]},
        {"id": "c1", "buyer": "BUYER", "relevant": ["STEEL", "GLASS"]},
        {"id": "c2", "buyer": "NOT-IN-CATALOG", "relevant": ["STEEL"]},
    ]
    queries.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in lines) + "\n")

    assert load_script("evaluate").main(["--catalog", str(catalog), "--queries", str(queries)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_task = {(o["method"], o["task"]): o for o in out}
    assert set(by_task) == {("xieshou", "need_supplier"), ("xieshou", "chain_discovery")}
    assert by_task["xieshou", "need_supplier"]["ndcg@10"] == 1.0
    chain = by_task["xieshou", "chain_discovery"]
    assert chain["n"] == 1, "the buyer missing from the catalog is skipped"
    assert chain["ndcg@10"] == 1.0
    assert chain["recall@50"] == 1.0


def test_the_buyer_never_ranks_itself_and_the_baseline_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "firms.jsonl"
    firms = [_firm("BUYER", "汽车", "玻璃"), _firm("GLASS", "玻璃"), _firm("RIVAL", "汽车")]
    catalog.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in firms) + "\n")
    queries = tmp_path / "chain.jsonl"
    queries.write_text(json.dumps({"id": "c1", "buyer": "BUYER", "relevant": ["GLASS"]}) + "\n")
    module = load_script("evaluate")
    profiles, codes = module.load_catalog(catalog)
    for build in (module.xieshou_buyer_ranker, module.tfidf_products_ranker):
        assert codes.index("BUYER") not in build(profiles)(codes.index("BUYER"))

    assert module.main(["--catalog", str(catalog), "--queries", str(queries), "--baselines"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["method"] for o in out] == ["xieshou", "tfidf_products"]
    assert all(o["task"] == "chain_discovery" for o in out)
