"""Chinese text with Latin product codes."""

import pytest

from matching.tokenize import char_ngrams, is_latin_code, normalize, tokens


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("需要通过IATF 16949认证", "IATF16949"),
        ("多层PCB板", "PCB"),
        ("采购MTBE", "MTBE"),
        ("5G基站天线", "5G"),
        ("ＩＳＯ９００１体系", "ISO9001"),
    ],
)
def test_latin_codes_are_single_tokens(text: str, code: str) -> None:
    assert code in tokens(text)


def test_chinese_is_segmented_into_words() -> None:
    words = tokens("我司需要采购锂电池")
    assert "采购" in words
    assert "锂电池" in words


def test_normalize_full_width_case_and_code_spaces() -> None:
    assert normalize("  ｐｃｂ　板 ") == "PCB 板"
    assert normalize("iatf 16949") == "IATF16949"


def test_char_ngrams_count_a_latin_code_as_one_unit() -> None:
    assert char_ngrams("PCB板材", 2, 2) == ["PCB板", "板材"]
    assert char_ngrams("电池", 1, 2) == ["电", "池", "电池"]


def test_is_latin_code() -> None:
    assert is_latin_code("5G")
    assert is_latin_code("PCB")
    assert not is_latin_code("电池")
