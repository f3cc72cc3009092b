"""What a need wants versus what it is for.

A need names the products it wants (``products``, the title) and the product they go into
(``application``). Matching the application as if it were wanted finds the buyer's competitors,
so free text is split by general cues: wanting (需要/采购/寻找/求购 …) versus purpose
(用于/应用于/为了/… 产线/项目). Purpose text becomes weak context only.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from matching.records import NeedRecord
from matching.text import normalize

__all__ = ["ParsedNeed", "parse_need", "split_text"]

_CLAUSE = re.compile(r"[，,。；;！!？?\n\r、：:（）()【】\[\]“”\"'/|]+")
_PURPOSE_CUE = re.compile(
    r"(?:用于|应用于|适用于|运用于|用在|用作|用来|作为|为了|以便|以满足|满足|配套于?|供应给|服务于|面向)"
)
_SITE = re.compile(
    r"^(?:我司|我们|我方|本公司|我公司|我厂|本厂|公司|集团|我单位|本单位)?(?:的|在)?"
    r"(.{1,24}?)(?:产线|生产线|产品线|项目|车间|工厂|工程|装置|基地)"
)
_WANT_CUE = re.compile(
    r"(?:长期|现|现在|急|大量|批量|拟|计划|准备|正在|诚意|诚心|持续|定期|每月|每年|年度)*"
    r"(?:采购|求购|寻找|寻求|寻购|需要|需求|急需|急求|征集|征求|招募|招标|询价|购买|订购|收购"
    r"|欲购|求|寻|找|要|需|购|买|进货|订货|采买|物色)"
)
_GENERIC = re.compile(
    r"(?:我司|我们|我方|本公司|我公司|我厂|本厂|有能力的?|有资质的?|有实力的?|优质的?|合格的?|可靠的?"
    r"|供应商|供货商|厂家|厂商|生产商|制造商|生产企业|企业|公司|合作伙伴|伙伴|货源|供应|供货|合作"
    r"|一批|一些|若干|批量|大量|长期|稳定|相关|各类|各种|多种|优质|高品质|高质量|产品|原料|物料"
    r"|的|等|及其|以及|和|与|或|及|为主|一级|二级|请|联系|报价|欢迎|洽谈|来电|咨询)"
)
_NOISE_CLAUSE = re.compile(r"^(?:请|欢迎|有意|联系|电话|邮箱|价格|报价|如有|敬请|期待|谢谢|详情)")
_PURPOSE_TAIL = re.compile(
    r"(?:的)?(?:生产|制造|加工|使用|研发|领域|行业|业务|需要|需求|之用|用)+$"
)


class ParsedNeed(NamedTuple):
    """Wanted terms with weights, and purpose terms (context only)."""

    wanted: tuple[tuple[str, float], ...]
    purpose: tuple[str, ...]


def split_text(text: str) -> tuple[list[tuple[str, float]], list[str]]:
    """Split free text into wanted chunks (with a confidence) and purpose chunks.

    Parameters
    ----------
    text : str
        A title or a description.

    Returns
    -------
    wanted : list of (str, float)
        1.0 for chunks after a wanting cue, 0.4 for cue-less chunks.
    purpose : list of str
        What the wanted products are for.

    Examples
    --------
    >>> split_text("我司光伏逆变器产线需要采购IGBT模块，请有能力的企业联系。")
    ([('IGBT模块', 1.0)], ['光伏逆变器'])
    >>> split_text("寻找锂电池供应商，用于电动工具生产。")
    ([('锂电池', 1.0)], ['电动工具'])
    """
    wanted: list[tuple[str, float]] = []
    purpose: list[str] = []
    for clause in _CLAUSE.split(normalize(text)):
        clause = clause.strip()
        if not clause or _NOISE_CLAUSE.match(clause):
            continue
        cue = _PURPOSE_CUE.search(clause)
        if cue:
            tail = _PURPOSE_TAIL.sub("", clause[cue.end() :]).strip()
            if tail:
                purpose.append(tail)
            clause = clause[: cue.start()]
        site = _SITE.match(clause)
        if site and _WANT_CUE.search(clause[site.end() :]):
            name = _GENERIC.sub(" ", site.group(1)).strip()
            if name:
                purpose.append(name)
            clause = clause[site.end() :]
        cues = list(_WANT_CUE.finditer(clause))
        want = cues[-1] if cues else None
        weight = 1.0 if want else 0.4
        body = clause[want.end() :] if want else clause
        if want and not _GENERIC.sub("", body).strip():
            body = clause[: want.start()]  # "X采购" / "X需求"
        for chunk in _GENERIC.sub(" ", body).split():
            chunk = chunk.strip()
            if chunk and not _WANT_CUE.fullmatch(chunk):
                wanted.append((chunk, weight))
    return wanted, purpose


def parse_need(need: NeedRecord) -> ParsedNeed:
    """Wanted terms and purpose terms of a need.

    Structured ``products`` weigh 1; the title's chunks 1 when there are no products (else 0.5);
    the description's chunks 0.5 (0.25 when products are given). ``application`` is purpose.

    Examples
    --------
    >>> parse_need(NeedRecord(id=1, title="采购轴承", application="风电齿轮箱"))
    ParsedNeed(wanted=(('轴承', 1.0),), purpose=('风电齿轮箱',))
    """
    terms: dict[str, float] = {}

    def put(term: str, weight: float) -> None:
        term = term.strip()
        if term:
            terms[term] = max(terms.get(term, 0.0), weight)

    has_products = any(p.strip() for p in need.products)
    for p in need.products:
        put(normalize(p), 1.0)
    title_wanted, title_purpose = split_text(need.title)
    desc_wanted, desc_purpose = split_text(need.description)
    for term, w in title_wanted:
        put(term, w * (0.5 if has_products else 1.0))
    for term, w in desc_wanted:
        put(term, w * (0.25 if has_products else 0.5))
    purpose = [normalize(need.application)] if need.application.strip() else []
    purpose += title_purpose + desc_purpose
    purpose_set = set(purpose)
    # a purpose term is never wanted unless the buyer listed it as a product
    wanted = tuple(
        (t, w) for t, w in terms.items() if t not in purpose_set or t in set(need.products)
    )
    if not wanted and (need.title or need.description):
        wanted = ((normalize(need.title or need.description), 0.4),)
    return ParsedNeed(wanted=wanted, purpose=tuple(dict.fromkeys(p for p in purpose if p)))
