"""Precision at the top: how the catalog uses a word decides how it ranks, a modifier alone
never makes a match, and a shortlist does not pad itself with noise."""

from matching import NeedRecord, SupplierIndex
from matching.lexicon import Lexicon
from matching.similarity import related_names, term_usage
from tests.matching.records import profile


def need(product: str) -> NeedRecord:
    return NeedRecord(id=1, title=f"采购{product}", products=(product,))


# 视频 is mostly a modifier in these names (视频监控, 视频会议 …), 电池 mostly a head
VIDEO = ["视频监控", "视频会议系统", "视频编码器", "视频服务器", "视频采集卡", "短视频"]
BATTERY = ["锂电池", "铅酸电池", "动力电池", "燃料电池", "储能电池", "电池隔膜"]


def test_usage_is_read_from_the_names() -> None:
    lex = Lexicon()
    for name in [*VIDEO, *BATTERY]:
        lex.add(name)
    video = term_usage("视频", lex.names, lex.containing("视频"))
    battery = term_usage("电池", lex.names, lex.containing("电池"))
    assert (video.starts, video.ends) == (5, 1)
    assert video.modifier
    assert not battery.modifier


def test_a_modifier_like_word_ranks_names_starting_with_it_first() -> None:
    index = SupplierIndex().fit([profile(i, n) for i, n in enumerate(VIDEO)])
    got = [m.id for m in index.shortlist(need("视频"))]
    assert got.index(5) > got.index(0)  # 短视频 below 视频监控


def test_a_head_word_still_ranks_its_sub_types_first() -> None:
    index = SupplierIndex().fit([profile(i, n) for i, n in enumerate(BATTERY)])
    got = [m.id for m in index.shortlist(need("电池"))]
    assert got.index(0) < got.index(5)  # 锂电池 above 电池隔膜


def test_a_modifier_alone_never_makes_a_match() -> None:
    names = ["高精度传感器", "高精度轴承", "高精度齿轮", "高精度模具", "高精度量具", "伺服电机"]
    index = SupplierIndex().fit([profile(i, n) for i, n in enumerate(names)])
    got = index.shortlist(need("高精度伺服电机"))
    assert [m.id for m in got] == [5]


def test_leading_words_that_name_a_thing_still_back_off() -> None:
    lex = Lexicon()
    for name in ("K金", "K金饰品"):
        lex.add(name)
    ids, _ = related_names("K金加工", lex, lambda _: False)
    assert sorted(ids) == [0, 1]


def test_default_minimum_score_drops_noise_and_is_configurable() -> None:
    profiles = [profile(1, "动力锂电池组件"), profile(2, "电池")]
    # 电池 is only a small part of what is wanted: a weak match, below the default minimum
    assert [m.id for m in SupplierIndex().fit(profiles).shortlist(need("动力锂电池组件"))] == [1]
    everything = SupplierIndex(min_score=0.0).fit(profiles)
    assert [m.id for m in everything.shortlist(need("动力锂电池组件"))] == [1, 2]
    assert [
        m.id for m in SupplierIndex().fit(profiles).shortlist(need("动力锂电池组件"), min_score=0)
    ] == [1, 2]
