"""matching.segment cuts as jieba does (without its HMM), from the shipped compiled dictionary."""

from __future__ import annotations

import gzip
import logging
import random
from importlib import resources

import jieba
import pytest

from app.demo.loader import catalog
from matching.segment import SHIPPED, Segmenter
from matching.tokenize import segmenter, tokens

#: The catalog the project ships for its demo (4,586 listed firms and their products).


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    """jieba's own tokenizer over its default dictionary."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_the_shipped_dictionary_is_jiebas(reference: jieba.Tokenizer) -> None:
    """Same words, same frequencies, same total: the file was compiled from this jieba."""
    shipped = Segmenter.shipped()
    words = {w: f for w, f in reference.FREQ.items() if f > 0}
    assert len(shipped) == len(words)
    assert shipped._total == reference.total
    for word, word_id in shipped._trie.iteritems():
        assert shipped._counts[word_id] == words[word]


def test_catalog_names_are_cut_as_jieba_cuts_them(reference: jieba.Tokenizer) -> None:
    firms = catalog()
    texts = [t for f in firms for t in (f["full_name"], f["short_name"], f["sw_industry"])]
    texts += [name for f in firms for name, _ in f["products"]]
    seg = segmenter()
    differ = [t for t in texts if seg.cut(t) != reference.lcut(t, HMM=False)]
    assert len(texts) > 10_000
    assert differ == []


def test_random_text_is_cut_as_jieba_cuts_it(reference: jieba.Tokenizer) -> None:
    """Mixed scripts, digits, punctuation, spaces and line breaks, drawn at random."""
    rng = random.Random(20261204)
    pool = "钢铁铝合金精密齿轮加工轴承电机控制器传感器光伏组件的了和与及采购需求一批台套吨"
    pool += "ABCxyz0123.+-#&_%，。、；：（）【】 \t\r\n/@!"
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 60))) for _ in range(3_000)]
    seg = segmenter()
    assert [seg.cut(t) for t in texts] == [reference.lcut(t, HMM=False) for t in texts]


def test_the_best_path_wins_and_ties_go_to_the_longer_last_word() -> None:
    # 长江大桥 as one word (frequency 1) loses to 长江 + 大桥 (10 × 10 against a total of 22)
    seg = Segmenter.from_entries([("长江", 10), ("大桥", 10), ("长江大桥", 1), ("长", 1)])
    assert seg.cut("长江大桥") == ["长江", "大桥"]
    seg = Segmenter.from_entries([("长江", 1), ("大桥", 1), ("长江大桥", 100)])
    assert seg.cut("长江大桥") == ["长江大桥"]


def test_lone_latin_characters_are_joined_and_unknown_characters_stand_alone() -> None:
    seg = Segmenter.from_entries([("电缆", 5), ("X光", 3)])
    assert seg.cut("YJV电缆") == ["YJV", "电缆"]
    assert seg.cut("X光机") == ["X光", "机"]
    assert seg.cut("电缆，电缆") == ["电缆", "，", "电缆"]


def test_a_word_listed_with_frequency_zero_is_never_cut_out() -> None:
    seg = Segmenter.from_entries([("齿轮", 0), ("齿", 2), ("轮", 2)])
    assert seg.cut("齿轮") == ["齿", "轮"]


def test_the_file_format_round_trips_and_refuses_other_bytes() -> None:
    seg = Segmenter.from_entries([("齿轮", 7), ("加工", 3), ("齿轮", 9)])
    again = Segmenter.frombytes(seg.tobytes())
    assert again.cut("齿轮加工") == seg.cut("齿轮加工") == ["齿轮", "加工"]
    assert again._total == 19  # a word listed twice counts twice, as in jieba
    with pytest.raises(ValueError, match="not a segmenter"):
        Segmenter.frombytes(b"PK\x03\x04")


def test_the_shipped_file_is_gzip_of_the_compiled_dictionary() -> None:
    blob = resources.files("matching.data").joinpath(SHIPPED).read_bytes()
    assert Segmenter.frombytes(gzip.decompress(blob)).cut("精密齿轮") == ["精密", "齿轮"]


def test_tokens_keep_latin_codes_whole_around_chinese_words() -> None:
    assert tokens("采购 IATF 16949 认证的PCB电路板") == [
        "采购",
        "IATF16949",
        "认证",
        "的",
        "PCB",
        "电路板",
    ]
