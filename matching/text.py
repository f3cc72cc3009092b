"""Chinese-first text handling: normalisation, Latin-code-aware units, n-gram features.

Latin product codes (``IATF 16949``, ``PCB``, ``MTBE``, ``5G``) are kept whole as one unit;
each CJK character is one unit. jieba is loaded lazily and quietly (no log lines).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "NGRAM_WEIGHTS",
    "cert_key",
    "features",
    "match_key",
    "normalize",
    "tokenize",
    "units",
    "words",
]

_SPACES = re.compile(r"\s+")
# A Latin code: letters/digits joined by . - + / ; a following digit group joins after one space
# ("IATF 16949", "ISO 9001:2015").
_LATIN = re.compile(r"[A-Z0-9]+(?:[.\-+/·][A-Z0-9]+)*(?: ?\d+(?:[.\-:]\d+)*)?")
_UNIT = re.compile(_LATIN.pattern + r"|[\u3400-\u9fff\uf900-\ufaff]")
NGRAM_WEIGHTS: dict[int, float] = {1: 0.3, 2: 1.0, 3: 1.0}


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), upper-case Latin, single spaces, stripped.

    Examples
    --------
    >>> normalize("  ＰＣＢ　板 ")
    'PCB 板'
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().upper()


def match_key(text: str) -> str:
    """The form names are compared in: normalised, spaces and brackets' content kept, no spaces.

    Examples
    --------
    >>> match_key("IATF 16949 认证")
    'IATF16949认证'
    """
    return normalize(text).replace(" ", "")


def units(text: str) -> list[str]:
    """Split into units: Latin codes whole (spaces removed), CJK characters one by one.

    Examples
    --------
    >>> units("通过IATF 16949的PCB板")
    ['通', '过', 'IATF16949', '的', 'PCB', '板']
    """
    return [u.replace(" ", "") for u in _UNIT.findall(normalize(text))]


def tokenize(text: str) -> list[str]:
    """Word tokens: jieba for Chinese, Latin codes kept whole (with their space).

    Examples
    --------
    >>> tokenize("IATF 16949认证的PCB板")[:1]
    ['IATF 16949']
    """
    norm = normalize(text)
    out: list[str] = []
    pos = 0
    for m in _LATIN.finditer(norm):
        out.extend(_cjk_words(norm[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.extend(_cjk_words(norm[pos:]))
    return out


def words(text: str) -> list[str]:
    """Like :func:`tokenize` but only tokens with a CJK character or a Latin code."""
    return [t for t in tokenize(text) if _UNIT.search(t)]


def features(text: str) -> dict[str, float]:
    """Weighted unit n-grams (n = 1, 2, 3) of a short name; not normalised.

    Examples
    --------
    >>> sorted(features("电池"))[:2]
    ['1:池', '1:电']
    """
    us = units(text)
    out: dict[str, float] = {}
    for n, w in NGRAM_WEIGHTS.items():
        for i in range(len(us) - n + 1):
            key = f"{n}:" + "\x1f".join(us[i : i + n])
            out[key] = out.get(key, 0.0) + w
    # a lone Latin code ("PCB") is a whole-unit feature of full weight
    for u in us:
        if len(u) > 1:
            out["1:" + u] = out.get("1:" + u, 0.0) + 1.0 - NGRAM_WEIGHTS[1]
    return out


def cert_key(standard: str) -> str:
    """Comparable form of a certification: no spaces/hyphens, no ``:year`` edition suffix.

    Examples
    --------
    >>> cert_key("IATF 16949:2016") == cert_key("iatf16949")
    True
    """
    key = re.sub(r"[\s\-_]", "", normalize(standard))
    key = re.sub(r"[:/]\d{4}$", "", key)
    return key.removesuffix("认证").removesuffix("体系")


_jieba_lock = threading.Lock()
_jieba: Any = None


def _cjk_words(text: str) -> Iterable[str]:
    text = text.strip()
    if not text:
        return []
    return [w.strip() for w in _tokenizer().lcut(text) if w.strip()]


def _tokenizer() -> Any:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                _jieba = tk
    return _jieba
