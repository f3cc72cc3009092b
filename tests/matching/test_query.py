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


def test_listed_products_outweigh_terms_read_from_text() -> None:
    need = NeedRecord(1, "采购高纯石英砂", "", ("石英砂",))
    by_text = {t.text: t for t in wanted_terms(need)}
    assert by_text["石英砂"].weight > by_text["高纯石英砂"].weight


def test_title_without_cues_is_a_weak_fallback() -> None:
    terms = wanted_terms(NeedRecord(1, "锂电池隔膜"))
    assert [(t.text, t.source) for t in terms] == [("锂电池隔膜", "fallback")]
    assert terms[0].weight < 1.0
