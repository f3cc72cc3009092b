"""Reading what a need wants, and what it is for, from records and free text."""

import pytest

from matching.query import split_free_text, wanted_terms
from matching.records import NeedRecord


@pytest.mark.parametrize(
    ("text", "wanted", "application"),
    [
        ("我司光伏组件产线需要采购EVA胶膜，请有能力的企业联系。", ["EVA胶膜"], ["光伏组件"]),
        ("寻找锂电池隔膜供应商，用于储能电站生产。", ["锂电池隔膜"], ["储能电站"]),
        ("求购用于锂电池生产的隔膜 约100吨", ["隔膜"], ["锂电池生产"]),
        ("本公司主营汽车座椅，现需长期采购优质海绵、皮革等原材料", ["海绵", "皮革"], ["汽车座椅"]),
        ("为满足电源适配器扩产需求，寻求稳定的PCB板供应。", ["PCB板"], ["电源适配器"]),
        ("采购内容：铜箔；用途：动力电池", ["铜箔"], ["动力电池"]),
        ("DC变换器采购需求", ["DC变换器"], []),
        ("急需一批IATF 16949认证的PCB供应商", ["PCB"], []),
    ],
)
def test_split_free_text(text: str, wanted: list[str], application: list[str]) -> None:
    assert split_free_text(text) == (wanted, application)


def test_the_application_is_never_a_wanted_term() -> None:
    need = NeedRecord(1, "采购乙烯", "寻找乙烯供应商，用于苯乙烯生产。", ("乙烯",), "苯乙烯")
    assert [t.text for t in wanted_terms(need)] == ["乙烯"]


def test_free_text_need_without_products_reads_the_cues() -> None:
    need = NeedRecord(1, "采购隔膜", "我司锂电池产线需要采购隔膜，请有能力的企业联系。")
    terms = wanted_terms(need)
    assert [t.text for t in terms] == ["隔膜"]
    assert terms[0].weight == 1.0


def test_listed_products_win_over_terms_read_from_text() -> None:
    # the buyer's own list is how a reading is corrected: the text no longer adds terms
    need = NeedRecord(1, "采购高纯石英砂", "另需劳保手套", ("石英砂",))
    assert [(t.text, t.weight, t.source) for t in wanted_terms(need)] == [
        ("石英砂", 1.0, "products")
    ]


def test_title_without_cues_is_a_weak_fallback() -> None:
    terms = wanted_terms(NeedRecord(1, "锂电池隔膜"))
    assert [(t.text, t.source) for t in terms] == [("锂电池隔膜", "fallback")]
    assert terms[0].weight < 1.0


@pytest.mark.parametrize(
    ("title", "description", "wanted"),
    [
        # Y用X: what is wanted comes after 用, what it is for before it
        ("采购锂电池用铜箔", "", ["铜箔"]),
        ("锂电池生产用电解液采购", "", ["电解液"]),
        ("求购光伏用银浆", "", ["银浆"]),
        # 用 inside a word, or a one-character object: the term stays whole
        ("采购医用口罩", "", ["医用口罩"]),
        ("采购通用机械", "", ["通用机械"]),
        ("汽车用钢采购", "", ["汽车用钢"]),
        # other cue words and labels
        ("哪家能供应高纯石英砂？", "用于单晶硅生产", ["高纯石英砂"]),
        ("求推荐MEMS传感器企业", "求推荐做MEMS传感器的企业，我们做智能手机", ["MEMS传感器"]),
        ("需求名称：高纯石英砂", "需求描述：我司单晶硅项目扩产，需要高纯石英砂", ["高纯石英砂"]),
        ("碳酸锂货源", "寻求碳酸锂稳定货源，我公司是正极材料生产企业", ["碳酸锂"]),
        ("Looking for 光伏玻璃", "", ["光伏玻璃"]),
        # a bracketed grade: folded into the name, and the plain name
        ("碳酸锂（电池级）", "", ["电池级碳酸锂", "碳酸锂"]),
    ],
)
def test_other_phrasings_find_what_is_wanted(
    title: str, description: str, wanted: list[str]
) -> None:
    assert [t.text for t in wanted_terms(NeedRecord(1, title, description))] == wanted
