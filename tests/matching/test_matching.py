"""Paraphrase robustness: the same need written other ways reads the same wanted terms.

Cue words (求购, 拟采购, 寻源, 诚招, 谁有…), purposes (应用于, 配套于, 供…使用, 作为…原料),
titles without cues, and sentences about the buyer, the deal or the paperwork must neither lose
the wanted product nor add terms of their own.
"""

import pytest

from matching.query import split_free_text, wanted_terms
from matching.records import NeedRecord


@pytest.mark.parametrize(
    "text",
    [
        "求购乙烯，用于苯乙烯生产。",
        "拟采购乙烯，应用于苯乙烯。",
        "现公开寻源乙烯，配套于苯乙烯产线。",
        "诚招乙烯供应商，作为苯乙烯原料。",
        "征集乙烯供应商",
        "乙烯供应商招募",
        "乙烯寻源公告",
        "关于乙烯的采购公告",
        "寻源：乙烯",
        "寻合作：乙烯",
        "有乙烯货源的厂家请联系",
        "面向全国寻找乙烯优质厂商",
        "兹有乙烯采购需求",
        "本单位拟就乙烯开展采购",
        "现对乙烯进行公开询价",
        "谁有乙烯？",
        "乙烯寻找供应商",
        "我司苯乙烯产线需要现需乙烯。",
        "招募乙烯配套企业",
        "是生产苯乙烯的必需品，诚聘乙烯供货商",
        "我司因苯乙烯生产需要，现需外购乙烯",
        "我们需要采购的是乙烯",
        "希望找到能提供乙烯的企业",
        "寻求能够生产乙烯的专精特新企业合作",
        "现诚邀符合条件的乙烯供应商参与",
        "欢迎乙烯生产企业与我们联系",
        "求乙烯厂家联系方式",
        "Need 乙烯 supplier",
    ],
)
def test_other_cue_words_find_the_same_product(text: str) -> None:
    assert split_free_text(text)[0] == ["乙烯"]


@pytest.mark.parametrize(
    "sentence",
    [
        "数量：2000件，需提供样品。",
        "预计年采购量约500吨，分批交货。",
        "采购数量约1,000套。",
        "本公司成立于2008年，位于江苏省苏州市，是国家级专精特新小巨人企业。",
        "我们是苯乙烯领域的龙头企业。",
        "公司主要产品包括苯乙烯等，年产值超过10亿元。",
        "我司是一家专业生产苯乙烯的高新技术企业，产品远销海外。",
        "优先考虑长三角地区供应商。",
        "要求供应商具备IATF 16949资质，交货期30天内。",
        "中标供应商需签订框架协议。",
        "本次采购不接受联合体投标。",
        "苯乙烯制造中要用",
    ],
)
def test_noise_sentences_add_no_wanted_terms(sentence: str) -> None:
    assert split_free_text(sentence)[0] == []


def test_sentences_about_the_buyer_name_its_products_as_applications() -> None:
    assert split_free_text("我们是易慕能消毒液领域的龙头企业。")[1] == ["易慕能消毒液"]
    assert split_free_text("公司主要产品包括注射用水处理设备等")[1] == ["注射用水处理设备"]


def test_full_width_text_reads_like_half_width() -> None:
    assert split_free_text("求购ＰＣＢ板，数量：２０００件。")[0] == ["PCB板"]


def test_noise_around_the_need_keeps_the_wanted_term_first() -> None:
    need = NeedRecord(
        1,
        "征集乙烯供应商",
        "优先考虑长三角地区供应商。我们是苯乙烯领域的龙头企业。诚招乙烯供应商，作为苯乙烯原料。"
        "数量：2000件，需提供样品。",
    )
    assert [t.text for t in wanted_terms(need)] == ["乙烯"]


def test_a_term_named_once_counts_less_than_one_named_twice() -> None:
    need = NeedRecord(1, "求购乙烯", "采购乙烯。另需采购劳保手套。")
    weights = {t.text: t.weight for t in wanted_terms(need)}
    assert weights["乙烯"] == 1.0
    assert weights["劳保手套"] < weights["乙烯"]


def test_a_title_without_cues_names_the_item_the_description_asks_for() -> None:
    need = NeedRecord(1, "减速机（急）", "以供小型球磨机使用，现对减速机进行公开询价。")
    assert [(t.text, t.weight) for t in wanted_terms(need)] == [("减速机", 1.0)]
