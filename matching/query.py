"""What a need wants, weighted: the terms a shortlist is matched on.

The terms come from the need's reading (:func:`matching.reading.read_need`): the buyer's own
``products`` count fully, what the title and description name is weighed by where it was read
(a notice's labelled field, a want cue, a bare phrase). What the need is *for* never becomes a
wanted term, and a need whose text names no goods has no terms (an empty shortlist), never
junk.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.clauses import split_free_text
from matching.lexicon import Lexicon
from matching.reading import UNCORROBORATED, read_need
from matching.records import NeedRecord

__all__ = ["UNCORROBORATED", "WantedTerm", "split_free_text", "wanted_terms"]


@dataclass(frozen=True, slots=True)
class WantedTerm:
    """A term a need wants, how much it counts, and where it came from.

    ``source`` is ``"products"`` (the need's own list), ``"text"`` (read from the title or
    description: a want cue or a notice's field), ``"fallback"`` (no cue found: a bare
    phrase) or ``"context"`` (an input of the application, added by the ranking).
    """

    text: str
    weight: float
    source: str
    aliases: tuple[str, ...] = ()
    """Inputs of what the need is for (per the chain map) that this term probably names
    (:func:`matching.supplier_index.purpose_aliases`): matched as its variants."""


_SOURCE = {"buyer": "products", "field": "text", "text": "text", "fallback": "fallback"}


def wanted_terms(need: NeedRecord, lexicon: Lexicon | None = None) -> list[WantedTerm]:
    """The terms a need wants, weighted, never including what it is for.

    Parameters
    ----------
    need
        The need.
    lexicon
        The names firms list, to ground the read products in (see
        :func:`matching.reading.read_need`); ``None`` reads without them.

    Returns
    -------
    list of WantedTerm
        Distinct terms (by normalised text), strongest first; empty when nothing naming goods
        was found (the reading then warns :data:`matching.reading.NO_PRODUCT`).

    Examples
    --------
    >>> from matching.records import NeedRecord
    >>> [t.text for t in wanted_terms(NeedRecord(1, "采购隔膜", "用于锂电池生产"))]
    ['隔膜']
    >>> wanted_terms(NeedRecord(2, "招标公告", "项目编号：ZB-01\\n联系人：王工"))
    []
    """
    return [
        WantedTerm(p.text, p.weight, _SOURCE[p.where]) for p in read_need(need, lexicon).products
    ]
