"""Validated field types shared by the API schemas (codes are normalised, then checked)."""

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from app.reference.tables import industries, regions
from app.reference.uscc import normalize_code, uscc_problem


def _normalize(value: object) -> object:
    return normalize_code(value) if isinstance(value, str) else value


def _check_uscc(code: str) -> str:
    problem = uscc_problem(code)
    if problem:
        raise ValueError(f"not a valid 统一社会信用代码: {problem}")
    return code


def _check_region(code: str) -> str:
    if code not in regions():
        raise ValueError(f"unknown GB/T 2260 region code {code!r}")
    return code


def _check_industry(code: str) -> str:
    if code not in industries():
        raise ValueError(f"unknown GB/T 4754-2017 industry code {code!r}")
    return code


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Uscc = Annotated[
    str,
    BeforeValidator(_normalize),
    AfterValidator(_check_uscc),
    Field(examples=["91350100M000100Y43"], description="统一社会信用代码 (GB 32100-2015)"),
]
RegionCode = Annotated[
    str,
    BeforeValidator(_normalize),
    StringConstraints(pattern=r"^\d{6}$"),
    AfterValidator(_check_region),
    Field(examples=["440300"], description="行政区划代码 (GB/T 2260), 6 digits"),
]
IndustryCode = Annotated[
    str,
    BeforeValidator(_normalize),
    StringConstraints(pattern=r"^([A-T]|\d{2,4})$"),
    AfterValidator(_check_industry),
    Field(examples=["3962"], description="国民经济行业分类 (GB/T 4754-2017) code"),
]


#: A short name-like text (product, technology, certification standard …).
ShortText = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=100)]

#: A name or title: 1 to 200 characters.
Name = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=200)]
#: A line of free text, up to 500 characters (may be empty).
Line = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=500)]
#: A long free-text description, up to 5,000 characters (may be empty).
LongText = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=5000)]
