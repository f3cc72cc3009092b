"""Deterministic, synthetic facts for the demo firms (the catalog has none of these).

- **Kind**: a firm listed on a main board (codes 600/601/603/605 in Shanghai, 000/001 in
  Shenzhen) before 2010 is a large firm (链主); every other firm (STAR 688, ChiNext 300/301,
  the former SME board 002/003, Beijing, later listings) is an SME.
- **Tier** of an SME, from the SHA-256 of its stock code: 0–3 of 10 little_giant, 4–7
  specialized, 8–9 innovative; the year 2019–2023 likewise.
- **USCC**: ``91`` + region code (inferred from the name; 100000 when none) + ``0`` + the six
  digits of the stock code + an exchange digit (SH 1, SZ 2, BJ 3) + ``0`` + check character.
  Valid checksums, unique, and not any real firm's code.
"""

import hashlib

from app.reference.uscc import uscc_check_char

_LARGE_PREFIXES = ("600", "601", "603", "605", "000", "001")
_EXCHANGE_DIGIT = {"SH": "1", "SZ": "2", "BJ": "3"}
_TIERS = ("little_giant",) * 4 + ("specialized",) * 4 + ("innovative",) * 2


def _hash(code: str) -> int:
    return int.from_bytes(hashlib.sha256(code.encode("utf-8")).digest()[:8], "big")


def firm_kind(code: str, list_date: str) -> str:
    """``large_firm`` or ``sme`` (see the module docstring)."""
    early = bool(list_date) and list_date < "2010-01-01"
    return "large_firm" if code.startswith(_LARGE_PREFIXES) and early else "sme"


def sme_tier(code: str) -> tuple[str, int]:
    """The synthetic tier and the year it was granted."""
    h = _hash(code)
    return _TIERS[h % 10], 2019 + (h // 10) % 5


def synthetic_uscc(code: str, region_code: str | None) -> str:
    """A valid, synthetic 统一社会信用代码 for a stock code such as ``600000.SH``."""
    digits, _, exchange = code.partition(".")
    body = f"91{region_code or '100000'}0{digits[:6]:0>6}{_EXCHANGE_DIGIT.get(exchange, '9')}0"
    return body + uscc_check_char(body)
