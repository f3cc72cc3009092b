"""The reading of a need: what the buyer means, as structured fields they can check.

A need typed as free text, a pasted tender notice or a chat message says what is wanted
(several products where there are several), what for, which certifications a supplier must
hold, which regions are preferred, how much and by when, among much that is none of these
(who buys, project numbers, qualification clauses, contacts). :func:`read_text` reads it into
a :class:`NeedReading`; :func:`read_need` lays the buyer's own structured fields over it (a
field the buyer filled wins), and :func:`resolve_need` hands the read certifications (a hard
filter), regions, application and deadline to ranking where the buyer left them empty.

When nothing that names goods is found the reading says so (``NO_PRODUCT``) rather than
guess: a shortlist of junk is worse than an empty one with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from matching.catalog import product_key
from matching.certifications import find_certifications
from matching.clauses import (
    SentenceReading,
    is_generic,
    is_product_like,
    read_sentences,
    spec_variants,
)
from matching.geo import city_of
from matching.grounding import ground_phrase, is_grounded, is_prose_word, title_names
from matching.lexicon import Lexicon
from matching.notice import Line, clean, parse_lines, strip_emoji
from matching.records import NeedRecord
from matching.regions import RegionMention, find_regions, region_name

__all__ = [
    "NO_PRODUCT",
    "NeedReading",
    "Quantity",
    "ReadProduct",
    "read_need",
    "read_text",
    "resolve_need",
]

NO_PRODUCT = "no wanted product found"
"""The warning of a reading that found nothing naming goods (the shortlist is empty)."""

UNCORROBORATED = 0.5
"""Weight of a product named once when another is named twice (or in a labelled field)."""
FALLBACK = 0.5
"""Weight of a product read without any cue (a bare title such as 锂电池隔膜)."""
LOCAL = "本地"
"""The region name of 本地/当地/就近: the buyer's own city, resolved from its region code."""


@dataclass(frozen=True, slots=True)
class ReadProduct:
    """A product the need wants, how much it counts, and where it was read.

    ``where`` is ``"buyer"`` (the need's own products), ``"field"`` (a labelled field, item
    list or table row of a notice), ``"text"`` (a sentence with a want cue, or the title),
    or ``"fallback"`` (no cue anywhere: a bare phrase).
    """

    text: str
    weight: float
    where: str


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity as written (``"约500吨/月"``), with its number and unit when plain."""

    text: str
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class NeedReading:
    """What a need asks for, read from its text, with the buyer's own fields laid over it.

    Attributes
    ----------
    products
        Wanted products, strongest first.
    applications
        What it is for (never wanted).
    certifications
        Certifications a supplier must hold (a hard filter).
    regions
        Preferred regions, with their codes (a group such as 长三角 has several).
    quantity, deadline
        How much, and by when offers are due, where stated.
    notes
        What else was read and not used for ranking (preferred certifications, where goods go).
    warnings
        What the buyer should check, e.g. :data:`NO_PRODUCT`.
    from_buyer
        The fields that are the buyer's own (they win over the text).
    """

    products: tuple[ReadProduct, ...] = ()
    applications: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    regions: tuple[RegionMention, ...] = ()
    quantity: Quantity | None = None
    deadline: date | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    from_buyer: frozenset[str] = frozenset()

    @property
    def region_codes(self) -> tuple[str, ...]:
        """The codes of the preferred regions, in order, without repeats."""
        return tuple(dict.fromkeys(c for r in self.regions for c in r.codes))

    def sentence(self) -> str:
        """The reading as one Chinese sentence the buyer can check.

        Examples
        --------
        >>> read_text("采购伺服电机", "用于数控机床，需通过ISO 9001认证，长三角优先").sentence()
        '我们理解您需要：伺服电机；用于：数控机床；资质：ISO 9001；地区：长三角'
        >>> read_text("招标公告", "联系人：王工").sentence()
        '我们没有读出您需要的产品（no wanted product found），请在“所需产品”中填写。'
        """
        if not self.products:
            return f"我们没有读出您需要的产品（{NO_PRODUCT}），请在“所需产品”中填写。"
        parts = [f"我们理解您需要：{'、'.join(p.text for p in self.products)}"]
        if self.applications:
            parts.append(f"用于：{'、'.join(self.applications)}")
        if self.certifications:
            parts.append(f"资质：{'、'.join(self.certifications)}")
        if self.regions:
            parts.append(f"地区：{'、'.join(r.name for r in self.regions)}")
        if self.quantity:
            parts.append(f"数量：{self.quantity.text}")
        if self.deadline:
            parts.append(f"截止：{self.deadline.isoformat()}")
        return "；".join(parts)


# -- the title ------------------------------------------------------------------------------

_TITLE_DATE = re.compile(
    r"^(?:关于)?(?:开展|组织|实施|启动|进行)?(?:\d{2,4}\s*年度?)?(?:第?[一二三四1-4]季度|[上下]半年|\d{1,2}月份?)?"
    r"(?:第[一二三四五六七八九十\d]+批次?)?"
)
_TITLE_DOC = re.compile(
    r"(?:[(（]?(?:(?:\d{2,4}年度?)?第[一二三四五六七八九十\d]+[批次包号]|\S{0,6}编号\S*)[)）]?"
    r"|[(（][A-Z]{1,6}[\-_]?\d{2,}[\w\-]*[)）]"  # X寻源（XY-2027-0153）: the notice's number
    r"|(?:的)?(?:公告|公示|通知|邀请函|邀请书|文件|结果|信息|函|更正|变更|请示|报告|申请|签报|呈批|咨询|问询|启事|榜单|发布|澄清|答疑|补遗|延期|终止|废标|流标|说明|情况说明|(?:成交|中标)(?:[(（](?:成交|中标)[)）])?(?:候选人|结果)?|候选人))+$"
)


def _title_text(title: str) -> str:
    """A title without its date and document words (2024年…采购比选公告 → …采购比选)."""
    title = re.sub(r"\s{2,}", "，", strip_emoji(title).strip())  # 碳酸锂  月需求量2吨: two parts
    # 寻源公告｜X寻源, SRM寻源单 - X: a platform's separator between two parts
    title = re.sub(r"\s*[|｜]\s*|\s+[-—–]+\s+", "，", title)
    text = re.sub(r"[【】\[\]]", "", product_key(title))
    text = re.sub(
        r"^(?:(?:RE|FW|FWD|AW|回复|答复|转发)\s*[:：]\s*)+", "", text
    )  # a reply's subject
    text = re.sub(
        r"^(?:RFQ|RFI|RFP|(?:PURCHASE |PRICE )?(?:INQUIRY|ENQUIRY)|REQUEST FOR QUOTATION|"
        r"QUOTATION REQUEST|PURCHASE REQUEST)(?![A-Z])\W*",
        "",
        text,
    )
    text = re.sub(r"(?<![A-Z])NO\.?\s*\d[\w\-]*$", "", text).strip()  # 询价单 No. 2027-015
    for _ in range(3):
        text = _TITLE_DOC.sub("", _TITLE_DATE.sub("", text, count=1)).strip()
    return text


# -- conditions: certifications, regions, quantity, deadline --------------------------------

_CLAUSE = re.compile(r"[，。；！？;!?\n]|(?<!\d)[,.]|[,.](?!\d)")
_ABOUT_BUYER = re.compile(
    r"(?:我司|我公司|本公司|公司|我们|我厂|本厂|我单位|本单位|集团)(?:已|均|现已|目前)?"
    r"(?:通过|获得|取得|拥有|持有|具有|是|为|位于|地处|坐落|成立)"
)
_NEGATED = re.compile(r"无需|无须|不需要?|不要求|不必|不用|免于|不限|除.{1,10}(?:以)?外|以外")
_SOFT = re.compile(r"优先|加分|为佳|更佳|最好|择优|者优")
_PREFER = re.compile(
    r"优先|仅限|限于|只限|限定|限|最好|就近|本地|当地|周边|附近|区域内|省内|市内|范围内|辖区"
)
_LOCAL = re.compile(r"本地|当地|就近|同城|周边")
_REGION_SUPPLIER = re.compile(
    r"(?:地区|区域|省内|市内|范围内|境内|本地)?(?:的)?(?:企业|供应商|厂家|厂商|工厂|公司|供方|生产商)"
)
_DELIVERY = re.compile(r"交货|送货|到货|运至|送至|发往|收货|交付|交至|地址|地点")
_QTY = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>万|千|百)?\s*"
    r"(?P<unit>吨|件|套|台|个|只|片|米|公斤|千克|KG|箱|批|PCS|卷|桶|袋|瓶|支|根|块|张|平方米|㎡|"
    r"立方米|立方|升|辆|组|对|副|条|盒|包|粒|颗|T(?![A-Z]))(?!工作日|小时|自然日|月|星期|季度|日内|天内)"
    r"(?:\s*/\s*(?P<per>年|月|周|天|日))?"
)
_MULTIPLIER = {"万": 10_000.0, "千": 1_000.0, "百": 100.0}
_DATE = re.compile(r"(?P<y>20\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})")
_DUE = re.compile(r"截止|截至|之前|以前|前(?:回复|提交|反馈|报价|报名|递交|发送)|DEADLINE")


def _quantity(text: str) -> Quantity | None:
    m = _QTY.search(text.upper())
    if not m:
        return None
    value = float(m["num"].replace(",", "")) * _MULTIPLIER.get(m["mult"] or "", 1.0)
    unit = m["unit"] + (f"/{m['per']}" if m["per"] else "")
    return Quantity(m.group().replace(" ", ""), value, unit)


def _date(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


@dataclass(slots=True)
class _Conditions:
    required: list[str]
    preferred: list[str]
    regions: list[RegionMention]
    quantity: Quantity | None = None
    deadline: date | None = None

    def read(self, text: str, *, certifications_only: bool = False) -> None:
        """Certifications, preferred regions and a due date in one line of text."""
        for clause in _CLAUSE.split(product_key(text)):
            if not clause:
                continue
            about_buyer = bool(_ABOUT_BUYER.search(clause)) and not _PREFER.search(clause)
            if _NEGATED.search(clause):
                continue  # 无需3C认证, 地区不限, 除新疆外
            if not about_buyer:
                for cert in find_certifications(clause):
                    (self.preferred if _SOFT.search(clause) else self.required).append(
                        cert.standard
                    )
            if certifications_only or about_buyer:
                continue
            if _DELIVERY.search(clause) and not _PREFER.search(clause):
                continue
            mentions = find_regions(clause)
            if _PREFER.search(clause):
                self.regions.extend(mentions)
                if not mentions and _LOCAL.search(clause):
                    self.regions.append(RegionMention(LOCAL, LOCAL, ()))
            else:  # 长三角地区的供应商, 江苏企业: a region qualifying the supplier
                self.regions.extend(
                    m
                    for m in mentions
                    if _REGION_SUPPLIER.match(clause, clause.find(m.text) + len(m.text))
                )
            if self.deadline is None and _DUE.search(clause):
                self.deadline = _date(clause)


# -- putting it together --------------------------------------------------------------------

# Clauses of a field value that say something about the goods, not what they are
_VALUE_SKIP = re.compile(
    r"^(?:含税|含运|含安装|包括|包含|另行|另需|并且|并需|需要|需提供|须|要求|详见|具体|按照|按图|按需|"
    r"同(?:首次|上次|前次|第一次|原|上)|"
    r"按实际|以实际|以甲方|以招标|执行标准|符合|满足|见附|如需|每月|每年|共计|共\d|约为|交货|数量|单位|"
    r"(?:材质|品牌|颜色|尺寸|包装|标准|等级|精度|规格|型号|参数|技术参数|技术要求|质量要求)"
    r"(?:[:为是≥≤<>]|\d|[A-Z]))"
)
_BRACKET = re.compile(r"[(（\[【](?P<inner>[^()（）\[\]【】]*)[)）\]】]")
_DETAIL = re.compile(
    r"详见|见|附件|规格|型号|数量|参数|要求|标准|为准|文件|图纸|清单|等|另行|^(?:含|包含|包括|不含)"
)
_APP_START = re.compile(
    r"^(?:主要|均|将|拟|全部|该批?|本批|此批|产品|物资|货物)*(?:用于|应用于|用在|用作|作为|服务于|配套于|适用于)"
)
_SERVICE = re.compile(r"服务$|运输|安装|调试|培训|维保|维修|施工|卸货|搬运|技术支持|售后")
# X等设备采购及安装: the works that come with the goods
_WORKS_TAIL = re.compile(
    r"(?<=.{2})(?:及|和|与|并|以及|、)(?:其)?(?:安装|调试|运输|培训|维保|施工|技术服务|售后服务|服务)"
    r"(?:(?:、|及|和|与)?(?:安装|调试|运输|培训|维保|施工|服务))*(?:服务|工作|工程)?$"
)
_CATALOGUE_CODE = re.compile(r"^[A-Z]{0,3}\d[\d.\-]{3,}\s*(?=[^\d\s.\-])")
_SCOPE_TAIL = re.compile(
    r"的(?:(?:、|,|及|和|与|并|以及)?(?:设计|制造|生产|加工|供货|供应|运输|安装|调试|验收|培训|"
    r"技术服务|售后服务|服务|销售|研发|维修|维保|质保|包装|卸车|交付))+$"
)


def _bracket(m: re.Match[str]) -> str:
    """X（用于Y）: a clause of its own; X（详见附件）: dropped; X（电池级）: kept."""
    inner = m["inner"]
    if _APP_START.match(inner):
        return f"，{inner}，"
    return "" if _DETAIL.search(inner) or len(inner) > 10 else m.group()


# 生产性物资（X、Z等Y用原辅材料）: a category word, then the goods it means in brackets
_CATEGORY_NAMED = re.compile(
    r"(?P<gen>[^()（）、,，;；:：]{2,12})[(（](?P<inner>[^()（）]{2,40})[)）]"
)


def _category_goods(m: re.Match[str]) -> str:
    """生产性物资（X、Z等…）→ X、Z; anything else as it was."""
    if not is_generic(_GENERIC_LEAD.sub("", m["gen"])):
        return m.group()
    inner = m["inner"]
    goods = inner.split("等", 1)[0] if "等" in inner[2:] else inner
    if _DETAIL.search(goods) or _APP_START.match(goods) or re.match(r"第|\d", goods):
        return m.group()  # not 物资（第一批）, 设备（详见附件）: a round or a detail, not goods
    return goods


def _read_value(value: str) -> tuple[list[str], list[str]]:
    """Products and applications in the value of a product field or an item line."""
    value = _CATEGORY_NAMED.sub(_category_goods, value)
    value = _BRACKET.sub(_bracket, value)
    products: list[str] = []
    apps: list[str] = []
    for clause in _CLAUSE.split(product_key(value)):
        clause = clause.strip()
        clause = _CATALOGUE_CODE.sub("", clause)  # A02010104 台式计算机: a catalogue code
        scope = _SCOPE_TAIL.sub("", _WORKS_TAIL.sub("", clause))  # X的设计、制造、供货及技术服务: X
        clause = scope if len(scope) >= 2 else clause
        if not clause or _VALUE_SKIP.match(clause) or _SERVICE.search(clause):
            continue
        if products and not _APP_START.match(clause):
            continue  # 不锈钢法兰，200套，材质304: the goods come first, then their details
        if _APP_START.match(clause):
            apps.extend(read_sentences(clause).applications)
            continue
        sentences = read_sentences(clause)
        apps.extend(sentences.applications)
        if sentences.wanted:  # 购置X: a cue inside the field
            products.extend(sentences.wanted)
        elif not sentences.applications:  # the field's label is the cue
            products.extend(read_sentences(f"采购：{clause}").wanted)
    return products, apps


_GENERIC_LEAD = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}性)(?=[\u4e00-\u9fff]{2})")
# 需求描述：X, 采购说明：X, 物资描述：X: a label that names nothing, with one bare phrase as its value
_NEED_TEXT_LABEL = re.compile(
    r"^(?:需求|采购|求购|询价|物资|物料|货物|商品|产品)(?:描述|说明|详情|简述)$"
)


_SERVICE_NAME = re.compile(r"服务$")
# A table row's goods cell naming works or a service (配套土建工程, 基础及厂房改造, 安装服务)
_WORKS = re.compile(r"(?:工程|施工|改造|装修|修缮|服务|安装|调试)$|土建")
_BRACKETED = re.compile(r"(?P<base>[^()]{2,})\((?P<spec>[^()]{1,10})\)")


def _overlaps(a: str, b: str) -> bool:
    return a in b or b in a


@lru_cache(maxsize=4096)
def read_text(title: str, description: str = "") -> NeedReading:
    """Read a need's title and description.

    Parameters
    ----------
    title, description
        As typed or pasted: free text, a tender or inquiry notice, a chat message.

    Returns
    -------
    NeedReading
        Products are weighted: those in a notice's labelled fields, or named twice (title
        and description), count fully; when such exist, a product named once counts
        :data:`UNCORROBORATED`; a bare phrase without any cue counts :data:`FALLBACK`.

    Examples
    --------
    >>> r = read_text("伺服电机采购", "高精度伺服电机，需要ISO9001认证，长三角优先。")
    >>> [p.text for p in r.products], r.certifications, [g.name for g in r.regions]
    (['伺服电机'], ('ISO 9001',), ['长三角'])
    """
    conditions = _Conditions([], [], [])
    fields: list[str] = []
    apps: list[str] = []
    notes: list[str] = []
    free: list[str] = []
    project: list[str] = []
    lines = parse_lines(description)
    principal = {line.row for line in lines if line.principal}
    goods_rows: dict[int, bool] = {}
    for line in lines:
        if line.row and line.kind == "product":
            goods_rows[line.row] = goods_rows.get(line.row, False) or not _WORKS.search(
                clean(line.value)
            )
    # 第二标段：配套土建工程 beside a row of goods: building works are another lot, not the need
    works_rows = (
        {r for r, goods in goods_rows.items() if not goods} if any(goods_rows.values()) else set()
    )
    for line in lines:
        if principal and line.row and line.row not in principal:
            continue  # a list whose remarks mark the principal item: the other rows are extras
        if line.row in works_rows:
            continue
        _read_line(line, conditions, fields, apps, notes, free, project)
    title_text = _title_text(title)
    conditions.read(title_text)
    conditions.quantity = conditions.quantity or _quantity(title_text)
    in_title = read_sentences(title_text)
    in_text = read_sentences("\n".join(free))
    apps.extend(in_title.applications)
    apps.extend(in_text.applications)
    app_keys = {product_key(a) for a in apps}

    def keep(wanted: tuple[str, ...], weak: tuple[str, ...]) -> list[str]:
        # a phrase a want cue names is wanted even if it is also named as what it is for;
        # a phrase before supplier words only (Y厂家) is not when it is the application
        return list(wanted) if wanted else [w for w in weak if w not in app_keys]

    field_terms = list(dict.fromkeys(fields))
    title_terms = keep(in_title.wanted, in_title.weak)
    text_terms = keep(in_text.wanted, in_text.weak)
    project_terms = list(dict.fromkeys(project))
    products = _weigh(field_terms, title_terms, text_terms, project_terms, in_title, in_text)
    if not products:  # no cue anywhere: a bare phrase (锂电池隔膜, 碳酸锂（电池级）), weakly
        bracketed = _BRACKETED.fullmatch(title_text)
        if bracketed and bracketed["spec"].endswith("用"):  # 正极材料（镁二次电池用）
            bare = [bracketed["base"]] if is_product_like(bracketed["base"]) else []
            apps.append(bracketed["spec"].removesuffix("用"))
        elif bracketed and is_product_like(bracketed["base"]):
            bare = spec_variants(title_text)
        else:
            bare = [b for b in in_title.bare + in_text.bare if is_product_like(b)][:1]
        products = [ReadProduct(b, FALLBACK, "fallback") for b in bare]
    products = [p for p in products if not is_generic(p.text)]
    if any(p.weight == 1.0 and not _SERVICE_NAME.search(p.text) for p in products):
        # 办公楼物业管理服务 beside the goods of an intention list: a service named once is
        # another item of the list, not what the need is for
        products = [p for p in products if p.weight == 1.0 or not _SERVICE_NAME.search(p.text)]
    warnings = [] if products else [NO_PRODUCT]
    notes.extend(f"{c}（优先，非必须）" for c in dict.fromkeys(conditions.preferred))
    return NeedReading(
        products=tuple(products),
        applications=tuple(a for a in dict.fromkeys(apps) if a and is_product_like(a)),
        certifications=tuple(dict.fromkeys(conditions.required)),
        regions=tuple({r.name: r for r in conditions.regions}.values()),
        quantity=conditions.quantity,
        deadline=conditions.deadline,
        notes=tuple(dict.fromkeys(notes)),
        warnings=tuple(warnings),
    )


def _read_line(
    line: Line,
    conditions: _Conditions,
    fields: list[str],
    apps: list[str],
    notes: list[str],
    free: list[str],
    project: list[str],
) -> None:
    kind, value = line.kind, line.value
    # regions only where a preference can be said; certifications in any clause (须知, 资格 …)
    conditions.read(value, certifications_only=kind in {"boilerplate", "delivery"})
    if kind == "product":
        found, used_for = _read_value(value)
        fields.extend(found)
        apps.extend(used_for)
    elif kind == "application":
        apps.extend(read_sentences(f"用途：{value}").applications)
    elif kind == "quantity":
        conditions.quantity = conditions.quantity or _quantity(clean(value))
    elif kind == "deadline":
        conditions.deadline = conditions.deadline or _date(clean(value))
    elif kind == "delivery":
        notes.append(f"{line.label}：{value}" if line.label else value)
    elif kind == "project":  # 拟采购项目：X, 项目名称：X采购: X when it names goods
        named = read_sentences(_title_text(value))
        project.extend(named.wanted or named.bare[:1])
    elif kind == "text" and _NEED_TEXT_LABEL.match(line.label) and _one_phrase(value):
        fields.extend(_read_value(value)[0])  # 需求描述：X: the form's one field naming the goods
    elif kind == "text":
        free.append(f"{line.label}：{value}" if line.label else value)
        if conditions.quantity is None:
            conditions.quantity = _quantity(clean(value))


def _one_phrase(value: str) -> bool:
    """Whether a field's value is one short phrase without a clause or a cue (X, not 需要X，用于Y)."""
    value = clean(value).strip()
    if not 2 <= len(value) <= 15 or re.search(r"[，。；,;:：!?！？\s]", value):
        return False
    found = read_sentences(value)
    return not (found.wanted or found.weak or found.applications) and found.bare == (
        product_key(value),
    )


def _weigh(
    field_terms: list[str],
    title_terms: list[str],
    text_terms: list[str],
    project_terms: list[str],
    in_title: SentenceReading,
    in_text: SentenceReading,
) -> list[ReadProduct]:
    """Weigh what each part named: a field, or two parts naming the same, counts fully."""
    out: dict[str, ReadProduct] = {}

    def put(text: str, weight: float, where: str) -> None:
        if text not in out or out[text].weight < weight:
            out[text] = ReadProduct(text, weight, where)

    groups = [field_terms, title_terms, text_terms, project_terms]
    if not title_terms and (field_terms or text_terms):
        # A title without cues (砂轮片（加急）) still names the item when a cue elsewhere does
        # (a project name repeating the title's is one naming, not two: Y项目 in both)
        named = field_terms + text_terms
        groups[1] = [b for b in in_title.bare if any(_overlaps(b, n) for n in named)]
    support = {
        w: sum(any(_overlaps(w, o) for o in group) for group in groups)
        for group in groups
        for w in group
    }
    strong = max(support.values(), default=0) >= 2
    for w in field_terms:
        put(w, 1.0, "field")
    for w in groups[1] + text_terms + project_terms:
        if field_terms and support[w] < 2:
            continue  # a notice's fields say what is bought; a title or sentence only adds to them
        weight = 1.0 if not strong or support[w] >= 2 else UNCORROBORATED
        put(w, weight, "text")
    return sorted(out.values(), key=lambda p: -p.weight)


def read_need(need: NeedRecord, lexicon: Lexicon | None = None) -> NeedReading:
    """The reading of a need with the buyer's own fields laid over it.

    A structured field the buyer filled (products, application, required certifications,
    preferred regions, deadline) wins over the text: that is how a buyer corrects a reading.
    Given the names firms list (``lexicon``, as :class:`~matching.supplier_index.SupplierIndex`
    holds them), the products read from the text are grounded in them
    (:mod:`matching.grounding`): words around a listed name that no listed name holds are
    trimmed, and a phrase holding no listed name gives way to one that does, or to the
    listed names of the title.

    Examples
    --------
    >>> need = NeedRecord(1, "采购伺服电机", "需要ISO9001认证", products=("伺服驱动器",))
    >>> r = read_need(need)
    >>> [(p.text, p.weight, p.where) for p in r.products], r.certifications
    ([('伺服驱动器', 1.0, 'buyer')], ('ISO 9001',))
    """
    read = read_text(need.title or "", need.description or "")
    own: set[str] = set()
    products = read.products
    if need.products:
        own.add("products")
        buyer = [
            ReadProduct(k, 1.0, "buyer")
            for k in dict.fromkeys(map(product_key, need.products))
            if k
        ]
        products = tuple(buyer)
    applications = read.applications
    if lexicon is not None and not need.products:
        products = _ground(products, need.title or "", applications, lexicon)
    key = product_key(need.application)
    if key and key not in {product_key(a) for a in read.applications}:
        own.add("application")  # the buyer's own: it wins, and is never wanted
        applications = (need.application,)
        products = tuple(p for p in products if p.where == "buyer" or p.text != key)
    certifications = read.certifications
    if need.required_certifications:
        own.add("certifications")
        certifications = tuple(need.required_certifications)
    regions = read.regions
    if need.preferred_regions:
        own.add("regions")
        regions = tuple(RegionMention(c, region_name(c), (c,)) for c in need.preferred_regions)
    elif need.region_code:
        regions = tuple(_local(r, need.region_code) for r in regions)
    deadline = read.deadline
    if need.deadline:
        own.add("deadline")
        deadline = need.deadline
    return replace(
        read,
        products=products,
        applications=applications,
        certifications=certifications,
        regions=tuple(r for r in regions if r.codes or r.name != LOCAL or not need.region_code),
        deadline=deadline,
        warnings=() if products else read.warnings or (NO_PRODUCT,),
        from_buyer=frozenset(own),
    )


def _ground(
    products: tuple[ReadProduct, ...],
    title: str,
    applications: tuple[str, ...],
    lexicon: Lexicon,
) -> tuple[ReadProduct, ...]:
    """Read products grounded in the listed names (see :func:`read_need`)."""
    if not products:
        return products  # nothing read: the reading says so rather than guess from the title
    apps = {product_key(a) for a in applications}

    def skip(name: str) -> bool:
        return is_generic(name) or name in apps or is_prose_word(name)

    out: dict[str, ReadProduct] = {}
    for p in products:
        text = ground_phrase(p.text, lexicon, skip)
        if text not in out or out[text].weight < p.weight:
            out[text] = replace(p, text=text)
    grounded = [p for p in out.values() if is_grounded(p.text, lexicon, skip)]
    if grounded:
        return tuple(grounded)
    named = title_names(_title_text(title), lexicon, skip)
    if named:  # nothing read names listed goods: the title's listed names do
        return tuple(ReadProduct(n, 1.0, "text") for n in named)
    return tuple(out.values())


def _local(mention: RegionMention, region_code: str) -> RegionMention:
    if mention.name != LOCAL:
        return mention
    city = city_of(region_code)
    return RegionMention(mention.text, LOCAL, (city or region_code[:2] + "0000",))


def resolve_need(need: NeedRecord) -> NeedRecord:
    """The need as ranking should see it: empty structured fields filled from its reading.

    Read certifications become ``expected_certifications`` (they remove suppliers whose
    profiles list certifications without them; the buyer confirms one into
    ``required_certifications`` to make it the hard filter: a misreading must not empty a
    shortlist, and most profiles list no certifications at all), read regions
    ``preferred_regions`` and the first read application ``application`` (whose inputs are
    the shortlist's weak context); a field the buyer filled is left as it is. Products are not
    filled in: :func:`matching.query.wanted_terms` weighs what the text names itself. A read
    due date is shown, not applied: a notice's past 截止时间 must not hide a need the buyer
    keeps open.

    Examples
    --------
    >>> need = resolve_need(NeedRecord(1, "采购伺服电机", "需要ISO9001认证，长三角优先"))
    >>> need.expected_certifications, need.preferred_regions
    (('ISO 9001',), ('310000', '320000', '330000', '340000'))
    """
    if not (need.title or need.description):
        return need
    reading = read_need(need)
    changes: dict[str, object] = {}
    if not need.required_certifications and reading.certifications:
        changes["expected_certifications"] = reading.certifications
    if not need.preferred_regions and reading.region_codes:
        changes["preferred_regions"] = reading.region_codes
    if not need.application and reading.applications:
        changes["application"] = reading.applications[0]
    return replace(need, **changes) if changes else need  # type: ignore[arg-type]
