"""Chinese-first text normalisation and tokenisation.

Chinese has no word boundaries, product names mix Chinese with Latin codes (``IATF 16949``,
``PCB``, ``MTBE``, ``5G``), and people type full-width characters. Everything that compares
text goes through :func:`normalize` first.
"""

from __future__ import annotations

import gzip
import re
import threading
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from matching.segment import Segmenter

_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-/]*[A-Za-z0-9+]|[A-Za-z0-9]")
_LATIN_CODE = re.compile(r"([A-Z]+)\s+(\d)")
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_SEGMENTER_LOCK = threading.Lock()
_segmenter: Segmenter | None = None


VARIANT_CHARS: dict[str, str] = {"黏": "粘", "硷": "碱"}
"""Simplified characters that are another written form of a more common one, in every word
they occur in (胶黏剂 = 胶粘剂, 黏度 = 粘度; 硷 = 碱): folded to that one like traditional
characters, so either spelling finds the other. The 2013 通用规范汉字表 keeps 黏 apart from
粘 only as the written norm for *nián*; goods names use both (胶黏剂 and 胶粘剂 for the same
adhesive), and 粘 covers every sense of 黏. A character standing for two different words in
some names (钮 for 纽 in 钮扣, but 按钮 is a push button of its own) is not listed."""


@cache
def _simplified() -> dict[int, str]:
    """Traditional → simplified characters (``matching/data/traditional_chars.tsv.gz``: the
    unambiguous single-character mappings of CC-CEDICT, none of whose traditional characters
    is ever written in simplified text), and the variant forms of :data:`VARIANT_CHARS`."""
    blob = resources.files("matching.data").joinpath("traditional_chars.tsv.gz").read_bytes()
    table: dict[int, str] = {}
    for line in gzip.decompress(blob).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[ord(trad)] = simp
    for variant, common in VARIANT_CHARS.items():
        table[ord(variant)] = common
    return {k: VARIANT_CHARS.get(v, v) for k, v in table.items()}


def simplified(text: str) -> str:
    """``text`` with its traditional Chinese characters simplified where the mapping is
    unambiguous (the table of :func:`normalize`), and variant forms folded
    (:data:`VARIANT_CHARS`); other simplified text is returned as it is.

    >>> simplified("採購伺服器"), simplified("胶黏剂")
    ('采购伺服器', '胶粘剂')
    """
    return text if text.isascii() else text.translate(_simplified())


def normalize(text: str) -> str:
    """Return ``text`` in the one form every comparison uses.

    NFKC (full-width letters, digits and punctuation become half-width), traditional Chinese
    characters simplified where the mapping is unambiguous (鋰電池 → 锂电池: a buyer pasting
    from a Hong Kong or Taiwan document writes the same word; catalog names and needs pass
    through here alike, and simplified text is left as it is), Latin letters upper case, runs
    of white space collapsed, and the space inside codes such as ``IATF 16949`` removed so that
    ``IATF16949`` and ``IATF 16949`` are the same token.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalize("ＰＣＢ  板")
    'PCB 板'
    >>> normalize("iatf 16949")
    'IATF16949'
    >>> normalize("鋰電池 變壓器")
    '锂电池 变压器'
    """
    text = simplified(unicodedata.normalize("NFKC", text)).upper().strip()
    text = _SPACES.sub(" ", text)
    return _LATIN_CODE.sub(r"\1\2", text)


def segmenter() -> Segmenter:
    """The word segmenter of :func:`tokens`: jieba's dictionary and rules, the dictionary
    compiled into a trie (``matching.segment``), loaded once per process (~50 ms)."""
    global _segmenter
    if _segmenter is None:
        with _SEGMENTER_LOCK:  # two threads asking at once load it once
            if _segmenter is None:
                _segmenter = Segmenter.shipped()
    return _segmenter


@lru_cache(maxsize=200_000)
def _cut(chunk: str) -> tuple[str, ...]:
    return tuple(w for w in segmenter().cut(chunk) if w.strip())


def tokens(text: str) -> list[str]:
    """Split text into words: Chinese as jieba cuts it (without its HMM), Latin codes kept
    whole.

    Parameters
    ----------
    text
        Any text; it is normalised first.

    Returns
    -------
    list of str
        Words in order. Latin runs such as ``IATF16949``, ``PCB``, ``MTBE``, ``5G`` are single
        tokens; punctuation is dropped.

    Examples
    --------
    >>> tokens("需要 IATF 16949 认证的PCB")
    ['需要', 'IATF16949', '认证', '的', 'PCB']
    """
    text = normalize(text)
    out: list[str] = []
    pos = 0
    for m in _LATIN.finditer(text):
        out.extend(_han_words(text[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.extend(_han_words(text[pos:]))
    return out


def _han_words(chunk: str) -> list[str]:
    if not _HAN.search(chunk):
        return []
    return [w for w in _cut(chunk) if _HAN.search(w)]


def char_ngrams(text: str, n_min: int = 1, n_max: int = 2) -> list[str]:
    """Character n-grams of the normalised text, Latin codes kept as single units.

    Parameters
    ----------
    text
        Any text.
    n_min, n_max
        Smallest and largest n.

    Returns
    -------
    list of str
        The n-grams, Latin codes counted as one character each.

    Examples
    --------
    >>> char_ngrams("PCB板材", 2, 2)
    ['PCB板', '板材']
    """
    units = _units(normalize(text))
    out: list[str] = []
    for n in range(n_min, n_max + 1):
        out.extend("".join(units[i : i + n]) for i in range(len(units) - n + 1))
    return out


def _units(text: str) -> list[str]:
    units: list[str] = []
    pos = 0
    for m in _LATIN.finditer(text):
        units.extend(c for c in text[pos : m.start()] if _HAN.match(c))
        units.append(m.group())
        pos = m.end()
    units.extend(c for c in text[pos:] if _HAN.match(c))
    return units


def is_latin_code(word: str) -> bool:
    """Whether ``word`` is a Latin product or standard code such as ``PCB`` or ``5G``."""
    return bool(_LATIN.fullmatch(word))
