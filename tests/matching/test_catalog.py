"""Catalog cleaning: accounting lines are not products; firms.jsonl lines become profiles."""

import pytest

from matching.catalog import clean_products, is_noise_product, product_key, profile_from_firm
from matching.records import ProductItem


@pytest.mark.parametrize(
    "name",
    [
        "平衡项目",
        "分部间抵销",
        "其他",
        "其它",
        "合计",
        "补充",
        "其他(补充)",
        "其他（补充）",
        "内部抵销数",
        "公司内各业务分部相互抵销",
        "未分配项目",
        "调整项目",
        "其他业务",
        "后端小计",
        " ",
    ],
)
def test_accounting_lines_are_noise(name: str) -> None:
    assert is_noise_product(name)


@pytest.mark.parametrize("name", ["铜", "锂电池", "其他电子设备", "平衡块", "补充能量饮品", "PCB"])
def test_real_products_are_not_noise(name: str) -> None:
    assert not is_noise_product(name)


def test_clean_products_drops_noise_normalises_and_merges_duplicates() -> None:
    cleaned = clean_products(
        [
            {"name": "锂电池", "weight": 0.2},
            {"name": "平衡项目", "weight": 0.5},
            ProductItem("锂电池 ", 0.6),
            {"name": "ＰＣＢ", "weight": None},
            {"name": "分部间抵销", "weight": -0.3},
            {"name": "隔膜", "weight": -1},
        ]
    )
    assert cleaned == (
        ProductItem("锂电池", 0.6),
        ProductItem("PCB", None),
        ProductItem("隔膜", None),
    )


def test_product_key_keeps_spaces_only_inside_latin_codes() -> None:
    assert product_key(" ＬＥＤ 显示屏 ") == "LED显示屏"
    assert product_key("IATF 16949 认证") == "IATF16949认证"


def test_profile_from_firm_reads_a_firms_jsonl_line() -> None:
    firm = {
        "code": "300001.SZ",
        "short_name": "特锐德",
        "full_name": "青岛特锐德电气股份有限公司",
        "sw_industry": {"code": "630301", "name": "输变电设备"},
        "products": [
            {"name": "箱式变电站", "weight": 0.61},
            {"name": "分部间抵销", "weight": -0.02},
            {"name": "充电桩", "weight": 0.3},
        ],
    }
    profile = profile_from_firm(firm, 42)
    assert profile.id == 42
    assert profile.name == "特锐德"
    assert [p.name for p in profile.products] == ["箱式变电站", "充电桩"]
    assert profile.products[0].weight == pytest.approx(0.61)
    assert profile.region_code is None
    assert profile.certifications == ()


def test_profile_from_firm_without_products() -> None:
    assert profile_from_firm({"code": "000002.SZ", "products": []}, 1).products == ()
