"""USCC check characters, region and industry tables."""

import pytest

from app.listing import region_prefix
from app.reference.tables import industries, regions
from app.reference.uscc import normalize_code, uscc_check_char, uscc_problem

# The example code printed in GB 32100-2015 itself.
VALID = ["91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_known_codes_are_valid(code: str) -> None:
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code", VALID)
def test_any_single_changed_character_is_caught(code: str) -> None:
    for i in range(18):
        for replacement in "0A":
            if code[i] == replacement:
                continue
            mutated = code[:i] + replacement + code[i + 1 :]
            assert uscc_problem(mutated) is not None, mutated


def test_check_char_can_be_zero() -> None:
    body = next(
        f"9144030000000{n:04d}"
        for n in range(10_000)
        if uscc_check_char(f"9144030000000{n:04d}") == "0"
    )
    assert uscc_problem(body + "0") is None


def test_normalize_folds_full_width_and_spaces() -> None:
    assert normalize_code(" ９１３５ 0100m000100y43 ") == "913501 00M000100Y43".replace(" ", "")


def test_region_levels() -> None:
    table = regions()
    assert table["440000"].level == 1
    assert table["440300"].name == "深圳市"
    assert table["440305"].city_code == "440300"
    assert table["440305"].province_code == "440000"
    assert len([r for r in table.values() if r.level == 1]) == 31


def test_industry_levels() -> None:
    table = industries()
    assert table["C"].level == 1
    assert table["39"].name == "计算机、通信和其他电子设备制造业"
    assert table["3962"].level == 4


@pytest.mark.parametrize(
    ("given", "prefix"),
    [("44", "44"), ("440000", "44"), ("440300", "4403"), ("440305", "440305"), ("4403", "4403")],
)
def test_region_prefix(given: str, prefix: str) -> None:
    assert region_prefix(given) == prefix
