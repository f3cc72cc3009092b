"""How well one product name answers one wanted term.

Chinese compounds put the head last: 锂电池 is a kind of 电池, 铝合金 a kind of 合金. So a
product that *ends* with the wanted term is a sub-type of it; one that starts with it is
usually a thing made from it or a part of it; a product the term contains is more general
than what is wanted. Clean product names (nodes of the chain map) beat business lines
(``…销售业务``), and long names that merely mention the term count less.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matching.lexicon import Lexicon
from matching.tokenize import is_latin_code, tokens

__all__ = ["QUALITY_EXACT", "STRONG_QUALITY", "match_quality", "related_names"]

QUALITY_EXACT = 1.0
_HEAD = 0.8  # 锂电池 for 电池: a sub-type
_START = 0.75  # 开关柜 for 开关
_MIDDLE = 0.6
# A bonus for sub-type names that are nodes of the shipped chain map. Off: on the dev sets it
# is worth +0.015 NDCG@10 (0.976 → 0.991), but it rewards how the benchmark's sub-type
# taxonomy was built, and penalises real SMEs whose product names the seed map lacks.
_CANONICAL = 0.0
_BUSINESS_LINE = 0.1
_LENGTH_PENALTY = 0.3
_GENERAL = 0.3  # 电池 for 锂电池: more general than wanted
STRONG_QUALITY = _MIDDLE - _LENGTH_PENALTY
"""A name at least this good answers a term well enough that no back-off is tried."""
_GENERIC_SUFFIX = re.compile(r"(?:类|系列|产品|制品|等)+$")
_BUSINESS = re.compile(
    r"业务|销售|服务|系列|类$|收入|及|、|-|等|板块|分部|贸易|批发|零售|代理|租赁|运营|工程|项目"
)


def match_quality(term: str, name: str, *, canonical: bool = False) -> float:
    """How well a product ``name`` answers a wanted ``term``, in ``[0, 1]``.

    Both must already be normalised (:func:`matching.catalog.product_key`).

    Parameters
    ----------
    term
        What is wanted, e.g. ``电池``.
    name
        A product a supplier lists, e.g. ``锂电池``.
    canonical
        Whether ``name`` is a known clean product name (a node of the chain map).

    Returns
    -------
    float
        1 for the same name; about 0.6–1 when ``name`` contains ``term`` (highest when
        ``term`` is its head, i.e. ``name`` is a sub-type); below 0.3 when ``term``
        contains ``name`` (``name`` is more general); 0 when neither contains the other.

    Examples
    --------
    >>> match_quality("电池", "电池")
    1.0
    >>> match_quality("电池", "锂电池") > match_quality("电池", "电池回收服务") > 0
    True
    >>> match_quality("锂电池", "电池") < match_quality("电池", "锂电池")
    True
    >>> match_quality("电池", "隔膜")
    0.0
    """
    if name == term:
        return QUALITY_EXACT
    if term in name:
        if name.endswith(term):
            q = _HEAD
        elif name.startswith(term):
            q = _START
        else:
            q = _MIDDLE
        if canonical:
            q += _CANONICAL
        if _BUSINESS.search(name.replace(term, "|")):
            q -= _BUSINESS_LINE
        q -= _LENGTH_PENALTY * (len(name) - len(term)) / len(name)
        return max(0.05, min(q, 0.99))
    if name in term:
        return _GENERAL * len(name) / len(term)
    return 0.0


def related_names(
    term: str,
    lexicon: Lexicon,
    canonical: Callable[[str], bool],
    floor: float = 0.0,
    *,
    backoff: bool = True,
) -> tuple[list[int], list[float]]:
    """Names in ``lexicon`` related to ``term`` and the quality of each.

    Names containing the term and names the term contains (two characters or more, or a
    Latin code). When nothing contains the term (a phrase nobody lists, such as
    ``高纯DC变换器``), back off to its head: drop leading words one by one, each step costing
    a quarter of the quality; then to its leading words (``K金加工`` → ``K金``), at half.

    Parameters
    ----------
    term
        A normalised wanted term.
    lexicon
        The names to search.
    canonical
        Whether a name is a clean product name.
    floor
        Drop names whose quality is not above this.
    backoff
        Whether to back off to the term's head and leading words when nothing good
        contains it.

    Returns
    -------
    ids, qualities
        Parallel lists.
    """
    found = _related_once(term, lexicon, canonical)
    generic = _GENERIC_SUFFIX.sub("", term)
    if not backoff:
        pass
    elif generic != term and len(generic) >= 1 and not _strong(found):
        # 电池类产品 → 电池: the suffix only says "some kind of"
        for k, v in _backoff(generic, lexicon, canonical, 0.9).items():
            found[k] = max(found.get(k, 0.0), v)
    if backoff and not _strong(found):
        words = tokens(term)
        for drop in range(1, len(words)):
            head = "".join(words[drop:])
            if len(head) < 2 and not is_latin_code(head):
                break
            scaled = _backoff(head, lexicon, canonical, 0.75**drop)
            if scaled:
                for k, v in scaled.items():
                    found[k] = max(found.get(k, 0.0), v)
                break
        for keep in range(len(words) - 1, 0, -1):
            lead = "".join(words[:keep])
            if len(lead) < 2 and not is_latin_code(lead):
                break
            scaled = _backoff(lead, lexicon, canonical, 0.5)
            if scaled:
                for k, v in scaled.items():
                    found[k] = max(found.get(k, 0.0), v)
                break
    ids = [k for k, v in found.items() if v > floor]
    return ids, [found[k] for k in ids]


def _strong(found: dict[int, float]) -> bool:
    return any(q >= STRONG_QUALITY for q in found.values())


def _backoff(
    part: str, lexicon: Lexicon, canonical: Callable[[str], bool], factor: float
) -> dict[int, float]:
    got = _related_once(part, lexicon, canonical, general=False)
    return {k: v * factor for k, v in got.items()}


def _related_once(
    term: str, lexicon: Lexicon, canonical: Callable[[str], bool], *, general: bool = True
) -> dict[int, float]:
    names = lexicon.names
    out: dict[int, float] = {}
    for i in lexicon.containing(term):
        name = names[i]
        out[i] = match_quality(term, name, canonical=canonical(name))
    if general:
        for i in lexicon.contained_in(term, min_len=1):
            name = names[i]
            if i in out or (len(name) < 2 and not is_latin_code(name)):
                continue
            out[i] = match_quality(term, name)
    return out
