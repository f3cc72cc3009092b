"""Grounding read products in the names firms list.

The reader (:mod:`matching.reading`) finds what a need wants with phrase rules: a phrase
between a want cue and the end of a clause. Prose it was not written for leaves words around
the goods (只是二氧化硫, 仪表谁家实惠就用) or reads a phrase naming no goods at all (一半以上,
有稳定产能). Where the names firms list are at hand (a :class:`~matching.lexicon.Lexicon`, as
the supplier index holds), a read phrase is checked against them:

* a phrase that is a listed name, or whose every part is (锂电池隔膜), is kept as read;
* a phrase holding a listed name whose leftover on each side is found in no listed name at
  all, and whose leftover before it is everyday prose (只是 + 二氧化硫), is trimmed to the name, widened by whatever around it still runs
  inside some listed name (高纯 stays in 高纯二氧化硫 when listed names hold 高纯二氧化硫);
* a phrase holding no listed name (of two characters or more) is dropped when another
  phrase is grounded; when none is, the listed names the title holds stand for the goods.

Phrases in Latin letters or digits (English names, grades, models) are kept as read: they
are matched through their variants, not the listed Chinese names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from matching.lexicon import Lexicon
from matching.tokenize import segmenter

__all__ = ["ground_phrase", "is_grounded", "is_prose_word", "title_names"]

Skip = Callable[[str], bool]
"""Listed names not to count as goods (generic words such as 产品, the need's application)."""


def _never(_: str) -> bool:
    return False


MIN_NAME = 2
"""A listed name counts as naming goods from this many characters (钢, 水 are too short to
tell goods from words)."""
PROSE_FREQUENCY = 3000
"""From this frequency in jieba's dictionary a listed name is a word of prose (see
:func:`is_prose_word`)."""
MAX_PHRASE = 40
"""Longer phrases are not searched (a sentence read as one phrase is left as read)."""

_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def _is_name(lexicon: Lexicon, text: str) -> bool:
    return lexicon.get(text) is not None


def _occurs(lexicon: Lexicon, text: str) -> bool:
    """Whether ``text`` is part of any listed name."""
    return next(lexicon.store.occurrences(text), None) is not None


def _spans(lexicon: Lexicon, text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the listed names (``MIN_NAME`` characters or more) in ``text``."""
    n = len(text)
    return [
        (i, j) for i in range(n) for j in range(i + MIN_NAME, n + 1) if _is_name(lexicon, text[i:j])
    ]


def _names_in(lexicon: Lexicon, text: str, skip: Skip) -> list[tuple[int, int]]:
    """The spans of the listed names in ``text`` that ``skip`` does not rule out."""
    return [(i, j) for i, j in _spans(lexicon, text) if not skip(text[i:j])]


def is_prose_word(name: str) -> bool:
    """Whether a listed name is also an everyday word of prose (企业, 成本, 说明, 技术): one
    jieba's dictionary counts :data:`PROSE_FREQUENCY` times or more. Grounding alone does
    not take such a name for the goods."""
    return segmenter().frequency(name) >= PROSE_FREQUENCY


def is_grounded(phrase: str, lexicon: Lexicon, skip: Skip = _never) -> bool:
    """Whether a phrase names listed goods: it is a listed name or holds one.

    Examples
    --------
    >>> lex = Lexicon()
    >>> _ = [lex.add(n) for n in ("二氧化硫", "仪表")]
    >>> is_grounded("只是二氧化硫", lex), is_grounded("一半以上", lex)
    (True, False)
    """
    if not _CJK_ONLY.fullmatch(phrase) or len(phrase) > MAX_PHRASE:
        return True  # not judged: English, models, long leftovers
    return _occurs(lexicon, phrase) or bool(_names_in(lexicon, phrase, skip))


def ground_phrase(phrase: str, lexicon: Lexicon, skip: Skip = _never) -> str:
    """The phrase trimmed to the listed name it holds, when what is around it names no goods.

    Examples
    --------
    >>> lex = Lexicon()
    >>> _ = [lex.add(n) for n in ("二氧化硫", "高纯二氧化硫", "锂电池", "隔膜")]
    >>> ground_phrase("只是二氧化硫", lex), ground_phrase("锂电池隔膜", lex)
    ('二氧化硫', '锂电池隔膜')
    >>> ground_phrase("只是高纯二氧化硫", lex)
    '高纯二氧化硫'
    """
    if (
        not _CJK_ONLY.fullmatch(phrase)
        or len(phrase) > MAX_PHRASE
        or _is_name(lexicon, phrase)
        or _occurs(lexicon, phrase)
    ):
        return phrase
    every = _spans(lexicon, phrase)
    spans = [(a, b) for a, b in every if not skip(phrase[a:b])]
    if not spans:
        return phrase
    # the longest name (the last of equals: the head of a compound)
    i, j = max(spans, key=lambda s: (s[1] - s[0], s[0]))
    while i > 0 and _occurs(lexicon, phrase[i - 1 : j]):
        i -= 1
    while j < len(phrase) and _occurs(lexicon, phrase[i : j + 1]):
        j += 1
    if any(a < i or b > j for a, b in every):
        return phrase  # another listed name beside it: a compound of goods, left as read
    left, right = phrase[:i], phrase[j:]
    if _goods_words(lexicon, right) or _goods_words(lexicon, left):
        return phrase  # the leftover has words of listed names (a grade, a form)
    if left and all(_occurs(lexicon, c) for c in left):
        return phrase  # before the name, words of no listed name may still qualify it (客家)
    if left and not _prose(left):
        return phrase  # a rare word before the name qualifies it (曳引机制动器), listed or not
    return phrase[i:j]


def _prose(text: str) -> bool:
    """Whether ``text`` holds a word of everyday prose (只是, 其实就是, 知道哪里能定做): a word of
    two characters or more that jieba's dictionary counts :data:`PROSE_FREQUENCY` times or
    more. A qualifier of goods is a rarer word or single characters (曳引机, 伺服, 高纯), which a
    catalog too small to list it must not cut away."""
    return any(
        len(word) >= 2 and segmenter().frequency(word) >= PROSE_FREQUENCY
        for word in segmenter().cut(text)
    )


def _goods_words(lexicon: Lexicon, text: str) -> bool:
    """Whether ``text`` may name goods: two characters of it run in a listed name, or it is one
    character that some listed name holds."""
    if len(text) == 1:
        return _occurs(lexicon, text)
    return any(_occurs(lexicon, text[k : k + 2]) for k in range(len(text) - 1))


def title_names(title: str, lexicon: Lexicon, skip: Skip = _never) -> Sequence[str]:
    """The listed names a title holds, longest first, none inside another.

    Examples
    --------
    >>> lex = Lexicon()
    >>> _ = [lex.add(n) for n in ("碳纤维", "纤维", "说明")]
    >>> list(title_names("碳纤维供应商招募令", lex))
    ['碳纤维']
    """
    runs = _CJK_ONLY.findall(title)
    found: list[str] = []
    for run in runs:
        if len(run) > MAX_PHRASE:
            continue
        # longest first; a name ruled out still covers the names inside it (配套产品: not 配套)
        spans = sorted(_spans(lexicon, run), key=lambda s: (s[0] - s[1], s[0]))
        taken: list[tuple[int, int]] = []
        for a, b in spans:
            if all(b <= x or a >= y for x, y in taken):
                taken.append((a, b))
        found.extend(run[a:b] for a, b in sorted(taken) if not skip(run[a:b]))
    return list(dict.fromkeys(found))
