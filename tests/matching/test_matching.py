"""Paraphrase robustness: the same need written other ways reads the same wanted terms.

Cue words, purposes, titles without cues, and sentences about the buyer, the deal or the
paperwork must neither lose the wanted product nor add terms of their own. The sentences are
written for these tests; none is a template of ``scripts/evaluate.py --perturb`` (whose
figures would otherwise measure the reader against phrasings it was written for) or of the
shared dev probes.
"""

import pytest

from matching.query import split_free_text, wanted_terms
from matching.records import NeedRecord


@pytest.mark.parametrize(
    "text",
    [
        "急需乙烯，做苯乙烯用。",
        "本厂长期需要乙烯",
        "乙烯求购信息",
        "拟订购乙烯一批",
        "寻觅乙烯稳定货源",
        "现向社会公开征集乙烯供货单位",
        "哪里可以买到乙烯",
        "有没有厂家能供乙烯",
        "需向外采购乙烯",
        "乙烯询价函",
        "乙烯比价采购",
        "想买些乙烯",
        "我们在找乙烯的供货渠道",
        "寻求乙烯合作供应商",
        "就乙烯组织询比价",
        "乙烯集中采购入围公告",
        "有人做乙烯吗",
        "乙烯谁家有货",
        "长期收乙烯",
        "Sourcing 乙烯",
    ],
)
def test_other_cue_words_find_the_same_product(text: str) -> None:
    assert split_free_text(text)[0] == ["乙烯"]


@pytest.mark.parametrize(
    "sentence",
    [
        "我们厂成立于1998年，坐落在山东省淄博市。",
        "本集团是苯乙烯行业的骨干企业。",
        "投标人须在2025年5月1日前提交资料。",
        "需随货提供质检报告。",
        "付款条件：货到验收合格后90天。",
        "联系电话：0533-1234567，联系人：李女士。",
        "月用量约80吨。",
        "江浙沪企业优先考虑。",
        "报名截止日期：2025年6月30日。",
        "请于三个工作日内回复。",
        "以上需求长期有效。",
        "响应人须具有有效的安全生产许可证。",
        "本次招标谢绝代理商。",
    ],
)
def test_noise_sentences_add_no_wanted_terms(sentence: str) -> None:
    assert split_free_text(sentence)[0] == []


def test_sentences_about_the_buyer_name_its_products_as_applications() -> None:
    assert split_free_text("本公司是国内光伏玻璃行业的领军企业。")[1] == ["光伏玻璃"]
    assert split_free_text("公司主导产品有汽车座椅、门板等")[1] == ["汽车座椅", "门板"]


def test_full_width_text_reads_like_half_width() -> None:
    assert split_free_text("急需ＦＰＣ软板，用量：５０００片。")[0] == ["FPC软板"]


def test_noise_around_the_need_keeps_the_wanted_term_first() -> None:
    need = NeedRecord(
        1,
        "乙烯求购信息",
        "江浙沪企业优先考虑。本集团是苯乙烯行业的骨干企业。急需乙烯，做苯乙烯用。"
        "月用量约80吨，需随货提供质检报告。",
    )
    assert [t.text for t in wanted_terms(need)] == ["乙烯"]


def test_a_term_named_once_counts_less_than_one_named_twice() -> None:
    need = NeedRecord(1, "求购乙烯", "采购乙烯。另需采购劳保手套。")
    weights = {t.text: t.weight for t in wanted_terms(need)}
    assert weights["乙烯"] == 1.0
    assert weights["劳保手套"] < weights["乙烯"]


def test_a_title_without_cues_names_the_item_the_description_asks_for() -> None:
    need = NeedRecord(1, "砂轮片（加急）", "供打磨车间使用，就砂轮片组织询比价。")
    assert [(t.text, t.weight) for t in wanted_terms(need)] == [("砂轮片", 1.0)]
