"""Certifications named in text (ISO 9001, IATF 16949, CCC …), in their standard names.

The names and their aliases are data (``data/certifications.csv``, each with the standard or
rule that defines it); any other ``ISO nnnn``-style code is read as written. Short marks (CE,
UL, GMP …) count only where the text speaks of certification (认证, 证书, 资质 …), so a CE in
a model number is not one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["CertificationMention", "find_certifications"]

_CODE = re.compile(
    r"(?<![A-Z0-9])(?P<body>ISO/TS|ISO/IEC|ISO|IATF|OHSAS|AS|EN|IEC|GJB|GB/T|SA|TS|API)"
    r" ?(?P<num>\d{3,5}[A-Z]?)(?:[-:]\d{1,4})?(?![0-9])"
)
_CONTEXT = re.compile(r"认证|证书|资质|标志|体系|注册|具备|持有|通过|取得|获得|符合")
# Every name and alias in the table has a Latin letter or digit or one of these words; most
# clauses have neither, and this test is much cheaper than the alternation of all names
_MAYBE = re.compile(r"[A-Z0-9]|体系|认证|规范|危害分析|铁路行业|国军标")
_SHORT_MARK = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{1,5}$")


@dataclass(frozen=True, slots=True)
class CertificationMention:
    """A certification named in text: its standard name and where it was written."""

    standard: str
    start: int
    end: int


@cache
def _aliases() -> tuple[tuple[str, str], ...]:
    """(written form, standard), longest written form first."""
    raw = resources.files("matching.data").joinpath("certifications.csv").read_text("utf-8")
    pairs: list[tuple[str, str]] = []
    for row in csv.DictReader(io.StringIO(raw)):
        for alias in (row["standard"], *row["aliases"].split("|")):
            if alias:
                pairs.append((alias.upper(), row["standard"]))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = []
    for alias, _ in _aliases():
        escaped = re.escape(alias).replace(r"\ ", " ?")
        if re.match(r"[A-Z0-9]", alias):
            escaped = rf"(?<![A-Z0-9]){escaped}(?![A-Z0-9])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives))


def _standard_of(written: str) -> str:
    key = written.replace(" ", "")
    for alias, standard in _aliases():
        if alias.replace(" ", "") == key:
            return standard
    return written


def find_certifications(text: str) -> list[CertificationMention]:
    """The certifications named in ``text`` (upper-case, half-width), in text order.

    Examples
    --------
    >>> [m.standard for m in find_certifications("须通过ISO9001及IATF16949认证，有CE认证优先")]
    ['ISO 9001', 'IATF 16949', 'CE']
    >>> find_certifications("型号CE-200的阀门")
    []
    """
    if not _MAYBE.search(text):
        return []
    found: list[CertificationMention] = []
    taken: list[tuple[int, int]] = []
    context = bool(_CONTEXT.search(text))
    for m in _pattern().finditer(text):
        standard = _standard_of(m.group())
        after = text[m.end() : m.end() + 1]
        if _SHORT_MARK.match(m.group()) and (not context or after == "-" or after.isdigit()):
            continue  # CE-200, a 3C in 3C数码: a model or a trade word, not a certification
        found.append(CertificationMention(standard, m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _CODE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        written = f"{m['body']} {m['num']}"
        found.append(CertificationMention(_standard_of(written), m.start(), m.end()))
    return sorted(found, key=lambda c: c.start)
