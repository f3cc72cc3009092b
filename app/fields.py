"""Validated field types shared by the API schemas (codes are normalised, then checked).

Every incoming text passes :func:`text_problem`: no NUL, no lone surrogates, no control
characters (tabs and line breaks only in multi-line texts). The databases cannot store some of
these (PostgreSQL refuses NUL, UTF-8 cannot encode a surrogate) and the rest hide in names.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, AllowInfNan, BeforeValidator, Field, Strict, StringConstraints

from app.messages import Text, TextError, tr
from app.reference.tables import industries, regions
from app.reference.uscc import normalize_code, uscc_issue

_SINGLE_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """What makes ``value`` unacceptable as incoming text (in English), or ``None``.

    >>> text_problem("a\\x00b")
    'contains U+0000 (NUL), which is not allowed'
    """
    issue = text_issue(value, multiline=multiline)
    return issue.en if issue else None


def text_issue(value: str, *, multiline: bool = False) -> Text | None:
    """What makes ``value`` unacceptable as incoming text, or ``None`` when it is fine.

    Refused everywhere: NUL, lone surrogates (``"\\ud800"`` in JSON is not Unicode text) and
    control characters. Tabs and line breaks (``\\t``, ``\\n``, ``\\r``) pass only when
    ``multiline``. Pure, so importers can check cells with the same rule.

    >>> text_issue("华为 Mate")
    >>> text_issue("a\\x00b").en
    'contains U+0000 (NUL), which is not allowed'
    >>> text_issue("line\\nbreak").zh
    '含有换行或制表符（U+000A），只有多行文本允许'
    >>> text_issue("line\\nbreak", multiline=True)
    """
    found = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value)
    if found is None:
        return None
    char = found.group()
    point = f"U+{ord(char):04X}"
    if char == "\x00":
        return tr("contains {point} (NUL), which is not allowed", point=point)
    if "\ud800" <= char <= "\udfff":
        return tr("contains a lone surrogate {point}, which is not valid Unicode", point=point)
    if char in "\t\n\r\u2028\u2029":
        return tr(
            "contains a line break or tab ({point}), allowed only in multi-line texts", point=point
        )
    return tr("contains the control character {point}, which is not allowed", point=point)


def single_line(value: str) -> str:
    """Validator: ``value`` passes :func:`text_problem` as a one-line text."""
    problem = text_issue(value)
    if problem:
        raise TextError(problem)
    return value


def multi_line(value: str) -> str:
    """Validator: ``value`` passes :func:`text_problem` as a multi-line text."""
    problem = text_issue(value, multiline=True)
    if problem:
        raise TextError(problem)
    return value


#: Every id is an INTEGER column (32-bit on PostgreSQL), so no larger id can name a record.
MAX_ID = 2**31 - 1
#: The largest whole number a request may carry: INTEGER columns are 32-bit on PostgreSQL.
MAX_INT = 2**31 - 1

#: A record id in a path, query string or form field (text on the wire, read as a number).
IdParam = Annotated[int, Field(ge=1, le=MAX_ID, json_schema_extra={"format": "int32"})]
#: A record id in a JSON body: a JSON integer (``true`` or ``"3"`` are refused).
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID, json_schema_extra={"format": "int32"})]
#: A whole number in a JSON body (``false`` is not 0). Bound it with ``Field(ge=…, le=…)`` on
#: the field (at most :data:`MAX_INT`): bounds inside an alias would override the field's.
Integer = Annotated[int, Strict()]
#: A number in a JSON body: finite, and not a boolean (a JSON integer is fine).
Number = Annotated[float, Strict(), AllowInfNan(False)]

#: (Console forms and importers read numbers from text: they validate the API's schemas with
#: ``model_validate(data, strict=False)``, so ``"3"`` passes there, never in a JSON body.)


def _normalize(value: object) -> object:
    return normalize_code(value) if isinstance(value, str) else value


def _check_uscc(code: str) -> str:
    problem = uscc_issue(code)
    if problem:
        raise TextError(tr("not a valid 统一社会信用代码: {problem}", problem=problem))
    return code


def _check_region(code: str) -> str:
    if code not in regions():
        raise TextError(tr("unknown GB/T 2260 region code {code}", code=repr(code)))
    return code


def _check_industry(code: str) -> str:
    if code not in industries():
        raise TextError(tr("unknown GB/T 4754-2017 industry code {code}", code=repr(code)))
    return code


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Uscc = Annotated[
    str,
    BeforeValidator(_normalize),
    AfterValidator(single_line),
    AfterValidator(_check_uscc),
    Field(examples=["91350100M000100Y43"], description="统一社会信用代码 (GB 32100-2015)"),
]
RegionCode = Annotated[
    str,
    BeforeValidator(_normalize),
    AfterValidator(single_line),
    StringConstraints(pattern=r"^\d{6}$"),
    AfterValidator(_check_region),
    Field(examples=["440300"], description="行政区划代码 (GB/T 2260), 6 digits"),
]
IndustryCode = Annotated[
    str,
    BeforeValidator(_normalize),
    AfterValidator(single_line),
    StringConstraints(pattern=r"^([A-T]|\d{2,4})$"),
    AfterValidator(_check_industry),
    Field(examples=["3962"], description="国民经济行业分类 (GB/T 4754-2017) code"),
]


#: A short name-like text (product, technology, certification standard …).
ShortText = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(single_line),
]
#: A name or title: 1 to 200 characters.
Name = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(single_line),
]
#: A line of free text, up to 500 characters (may be empty).
Line = Annotated[
    str, BeforeValidator(_strip), StringConstraints(max_length=500), AfterValidator(single_line)
]
#: A long free-text description, up to 5,000 characters (may be empty; tabs and line breaks).
LongText = Annotated[
    str, BeforeValidator(_strip), StringConstraints(max_length=5000), AfterValidator(multi_line)
]


#: A telephone number as people write it (digits, spaces, +, -, parentheses).
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9+\-() ]{5,30}$"),
    AfterValidator(single_line),
]
#: An e-mail address (one @, a dot in the domain).
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(single_line),
]
#: A person's name (联系人).
PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(single_line),
]
