"""What a need wants, and what for: reading need records and free text.

A need names what is wanted (``products``, or a phrase after 采购/需要/寻找 …) and what it is
for (``application``, or a phrase after 用于/应用于 …, or the buyer's own line in 我司××产线).
Matching what it is *for* as if it were wanted finds the buyer's competitors, so the
application never becomes a wanted term here.

The cues are general Chinese procurement phrasing, not templates of any benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.catalog import product_key
from matching.records import NeedRecord

__all__ = ["WantedTerm", "split_free_text", "wanted_terms"]

_STRONG_CUE = (
    r"(?:急需|亟需|需要|需求|所需|采购|求购|寻购|购买|购入|订购|选购|采买|收购|寻找|寻求|物色|"
    r"诚征|征求|征集|招募|招标|询价|询购|诚聘|拟购|欲购|想买|要买|想要|想找|要找|"
    r"寻源|引进|诚招|招引|遴选|甄选|征选|集采|采办|订货|进货|需配套|谁有|有没有|哪里有|哪有|"
    r"外购|外采|希望找到|想找到|哪家(?:能|可以|可)?(?:供应|提供|生产|供货|做)?|谁家|哪里能买到|"
    r"(?<![A-Z])(?:NEED|LOOKING ?FOR|SOURCING|PURCHASE|BUY)(?![A-Z]))"
)
_WEAK_CUE = (
    r"(?:(?<!必)需(?![方知提具符满通持])|(?<![主重只必还])要(?![求点素是用做])|(?<![要追需请])求(?![职助证])"
    r"|找(?!到)|征(?![求集询信])|缺(?![点陷少])|寻|买|招(?![标商生待呼牌收手股聘募引])|购(?!买|入))"
)
_WANT_CUE = rf"(?:{_STRONG_CUE}|{_WEAK_CUE})"
_FILLER = (
    r"(?:一批|大批|大量|批量|少量|若干|长期|稳定|持续|定期|优质|高品质|高质量|合格的?|正规|"
    r"现|拟|计划|公开|面向社会|面向全国|对外|"
    r"各类|各种|多种|一些|一点|点儿|相关|一款|一种|一套|一台|个|下|的|些|能够|能生产|可生产|能|可以|"
    r"生产|加工|做|提供|供应|供货|配套的?|进口|国产|原装|推荐|介绍|"
    r"(?:的)?(?:产品|物资|对象|内容|标的|东西)?(?:为|是|包括)(?![\u4e00-\u9fff]?$))"
)
_SUPPLIER = (
    r"(?:(?:的)?(?:合格|优质|正规|专业|可靠|稳定|长期|实力|有实力的|专精特新|中小|小巨人)*(?:配套)?"
    r"(?:供应商|配套商|SUPPLIERS?|VENDORS?|MANUFACTURERS?|供货商|供方|供应方|供货|供应|厂家|厂商|生产商|制造商|"
    r"生产企业|生产厂家|企业|公司|工厂|合作伙伴|合作方|伙伴|资源|货源|报价|合作))"
)
_APP_CUE = (
    r"(?:用于|应用于|应用在|运用于|适用于|用在|用作|用来|作为|服务于|供给|以供|为了|以便|配套于)"
)
_FIRM = r"(?:我司|本司|我公司|本公司|我们厂|我们公司|我厂|本厂|我们|我方|我单位|本单位|敝司|公司)"
_FIRM_LINE = re.compile(
    rf"{_FIRM}(?:是|为|系)?(?:一家)?(?:专业)?(?:生产|制造|主营|从事|经营|做)?"
    rf"(?P<app>(?:(?!{_STRONG_CUE}).)+?)"
    r"(?:的)?(?:产线|生产线|项目|工厂|车间|制造商|生产商|业务|产品线|装置)"
)
_FIRM_MAKES = re.compile(
    rf"{_FIRM}(?:是|为|系)?(?:一家)?(?:专业)?(?:生产|制造|主营|从事|经营|做)(?P<app>(?:(?!{_STRONG_CUE}).)+)$"
)
_APP = re.compile(
    rf"{_APP_CUE}(?P<app>.+?)(?:的)?(?:生产|制造|加工|项目|产线|生产线|使用|之用|所需)?$"
)
_LOOKING_FOR = re.compile(r"(?<![A-Z])LOOKING FOR(?![A-Z])")
_CUE_CHAIN = re.compile(rf"{_WANT_CUE}(?:{_WANT_CUE}|{_FILLER})*")
_OBJECT = re.compile(
    rf"(?P<obj>.+?)(?:{_SUPPLIER})*(?:的)?(?:联系方式|联系电话|联系人|信息)?"
    r"(?:参与|参加|报名|投标|合作|与我们?联系|联系)?$"
)
_WANT_AFTER = re.compile(
    rf"^(?:关于|兹有|现有|今有)?(?:{_FILLER})*(?P<obj>.+?)(?:的)?(?:采购|求购|询价|询购|招标|需求|寻源|征集|招募)"
    r"(?:需求|项目|公告|信息|计划)?$"
)
_FIND_SUPPLIER = re.compile(
    rf"^(?:现|欢迎|请|诚邀|邀请|各|有意|有|优质|合格)*(?P<obj>.+?){_SUPPLIER}+"
    r"(?:招募|征集|寻源|招标|请联系|联系我们|请?与我们?联系|来电洽谈|洽谈|参与|参加|报名|投标)?$"
)
_PROJECT = re.compile(r"^(?P<app>.+)(?:项目|产线|生产线|车间)(?:所需|用|的)?")
_WANT_LABEL = re.compile(
    rf"^(?:{_WANT_CUE}|采购|询价|需求|招标|RFQ|RFI|RFP)*"
    r"(?:内容|产品|物资|品名|名称|品类|标的|清单|信息|公告|合作|货源|供应商|厂家)?$"
)
# 需求描述：…, 项目说明：…: the label itself names nothing; its clause is read as usual
_TEXT_LABEL = re.compile(r"^(?:需求|采购|项目|产品)?(?:描述|说明|详情|概述|简介|背景|备注)$")
_APP_LABEL = re.compile(
    r"^(?:产品)?(?:用途|应用|应用领域|应用场景|使用场景|用于|适用于|下游|下游产品|终端应用|终端产品)$"
)
_GENERIC_OBJECTS = frozenset(
    {
        "物资",
        "材料",
        "原材料",
        "原料",
        "物料",
        "产品",
        "货物",
        "设备",
        "配件",
        "东西",
        "商品",
        "一批",
    }
)
_LIST = re.compile(r"、|和|及|以及|与|或|/|＋|\+")
_QUANTITY = re.compile(
    r"(?:(?:采购|需求|订货)?(?:数量|量)[:：]?)?(?:约|共|计|为|每月|每年|年|月)?"
    r"(?:\d[\d,]*(?:\.\d+)?|若干|几|多|数)(?:万|千|百)?"
    r"(?:吨|件|套|台|个|只|片|米|公斤|千克|KG|T|箱|批|PCS|卷|桶|袋|吨/月|吨/年)"
)
_LEAD = re.compile(rf"^(?:{_FILLER})+")
_TRAIL = re.compile(
    r"(?:等(?:原材料|原料|材料|物料|配件|零部件|产品|设备)?|等等|若干|一批|之类"
    r"|的?(?:公告|通知|公示|信息|邀请函|询价函|邀请|计划|招标|事宜))+$"
)
_PURPOSE = re.compile(
    rf"(?:{_FIRM})?(?:为了?|因|由于)(?:满足|配合|适应|保障|保证|支持)?(?P<app>.+?)"
    r"(?:的)?(?:配套|所需|生产需要|扩产需求|扩产需要|扩产|需要|需求|使用|之需)"
)
# Clause ends; a comma or point between digits (1,000套, 0.5mm) is part of a number
_CLAUSE_SPLIT = re.compile(
    r"(?:[，。；！？;!?\n\r\t（）()【】\[\]<>《》\"“”'‘’]|(?<!\d)[,.]|[,.](?!\d))+"
)
_STOP_WORDS = frozenset({"请", "联系", "有能力", "欢迎", "谢谢", "报价", "合作", "洽谈"})
# What a supplier must send or meet, never what is bought: 需提供样品, 年采购量 …
_NOT_WANTED = re.compile(
    r"^(?:样品|样件|样板|数量|资质|资料|证书|认证|发票|合同|方案|报价单?|价格|货款|付款|交期|"
    r"交货期?|账期|质保|.{0,3}量)$"
)
# Sentences about the buyer itself (我司成立于…, 公司主要产品包括Y…, 我们是Y领域的龙头企业):
# they may name the buyer's own products, which are what the need is for, never wanted.
_ABOUT_FIRM = re.compile(
    rf"^(?:(?:{_FIRM})(?:是|为|系|位于|成立|始建|创建|创立|拥有|已|通过|主要|主营|产品|年产|"
    r"占地|注册|专注|致力|隶属|属于|地处|坐落|总部|目前|现有|作为)"
    r"|位于|地处|坐落|成立于|始建于|创建于|注册资本|年产值|年销售|占地|是国家|是一家|系一家|"
    r"为一家|拥有|已通过|通过了)"
)
# Conditions on the supplier or the deal (优先考虑长三角地区供应商, 要求供应商具备…资质, 交货期…)
_CONDITION = re.compile(
    r"^(?:优先|仅限|限于|只限|要求|希望|须|必须|具备|具有|持有|符合|满足|交货|交期|到货|付款|"
    r"结算|报价截止|截止|联系|电话|手机|地址|邮箱|预计|预算"
    r"|(?:中标|投标|参选|报名|入围|所有)?(?:供应商|供货商|厂家|厂商|投标人|中标人|乙方|卖方|供方)"
    r"(?:需|须|应|必须|要|务必|均))"
)
_TITLE_NOISE = re.compile(r"^(?:急|加急|紧急|RFQ|RFI|RFP|NEW|新|热|置顶|推荐|公告|项目)$")
_THIS_DEAL = re.compile(r"^(?:本次|此次|该次|本)(?:采购|招标|询价|项目)(?:项目|活动)?")
# 就X开展采购, 对X进行公开询价: the object sits between the preposition and the verb
_DEAL_ON = re.compile(
    r"(?:就|对)(?P<obj>.+?)(?:开展|进行|组织|实施|启动)(?:公开)?"
    r"(?:采购|询价|招标|询比价|比选|寻源|竞价|谈判)"
)
_FIRM_FIELD = re.compile(
    r"(?:是|为|系|作为)(?:国内|全国|全球|行业)?(?P<app>[^是为系]+?)(?:领域|行业)"
)
_FIRM_PRODUCTS = re.compile(
    r"(?:主要产品|主导产品|主营产品|产品)(?:包括|包含|有|为|是)(?P<app>.+)$"
)
_FIRM_MAKES_TAIL = re.compile(r"的(?:[^的]*)(?:企业|公司|厂家|厂商|工厂|集团)?$")


UNCORROBORATED = 0.5
"""Factor for a term read from one sentence only when another term is named twice."""


@dataclass(frozen=True, slots=True)
class WantedTerm:
    """A term a need wants, how much it counts, and where it came from.

    ``source`` is ``"products"`` (the need's own list), ``"text"`` (read from the title or
    description by the cues) or ``"fallback"`` (no cue found: the title itself).
    """

    text: str
    weight: float
    source: str


# Y用X, Y生产用X (锂电池用铜箔, 正极材料车间用碳酸锂): X is wanted, for Y. Not when 用 is part
# of a word (专用, 通用, 使用, 家用 …) or the object is one character (汽车用钢 stays whole).
_FOR_USE = re.compile(
    r"^(?P<app>.{2,}?)(?:生产|制造|车间|产线|生产线|项目|工厂|工序)?"
    r"(?<![专通适使应采选试费信作功实家民军商公自备常耐耗日租借占启停调动引雇录任挪享饮食药])"
    r"用(?![于途量户品地工料作来在])(?P<obj>.{2,})$"
)


def _clean_object(obj: str) -> list[str]:
    obj = _QUANTITY.sub("", obj)
    out: list[str] = []
    for part in _LIST.split(obj):
        part = _TRAIL.sub("", _LEAD.sub("", part.strip())).strip(" 的")
        for_use = _FOR_USE.match(part)
        if for_use:
            part = for_use.group("obj")
        if "的" in part:  # X的Y: Y is the head, X a modifier (认证、用途、规格 …)
            head = part.rsplit("的", 1)[1]
            if len(head) >= 2:
                part = head
        if (
            len(part) >= 1
            and part not in _STOP_WORDS
            and not _NOT_WANTED.match(part)
            and not re.fullmatch(r"\d+", part)
        ):
            out.append(part)
    return out


def split_free_text(text: str) -> tuple[list[str], list[str]]:
    """Read what is wanted and what it is for from procurement text.

    Parameters
    ----------
    text
        A title or description, e.g. ``"我司光伏组件产线需要采购EVA胶膜，请联系"``.

    Returns
    -------
    wanted, applications : list of str
        Product phrases introduced by want cues (采购, 需要, 寻找 … or ``…供应商``), and
        phrases introduced by application cues (用于, 应用于 …, ``我司…产线``).

    Examples
    --------
    >>> split_free_text("我司光伏组件产线需要采购EVA胶膜，请有能力的企业联系。")
    (['EVA胶膜'], ['光伏组件'])
    >>> split_free_text("寻找锂电池隔膜供应商，用于储能电站生产。")
    (['锂电池隔膜'], ['储能电站'])
    """
    wanted: list[str] = []
    weak: list[str] = []  # "…供应商" without a want cue: used only if nothing else is found
    apps: list[str] = []
    label: str | None = None  # "询价：X", "用途：Y": the label's clause says what the next one is
    for clause in _CLAUSE_SPLIT.split(product_key(text)):
        for piece in clause.split(":"):
            piece = piece.strip()
            if not piece:
                continue
            if label is not None:
                (apps if label == "app" else wanted).extend(_clean_object(piece))
                label = None
                continue
            if _TEXT_LABEL.match(piece):
                continue
            if _APP_LABEL.match(piece):
                label = "app"
                continue
            if _WANT_LABEL.match(piece):
                label = "want"
                continue
            _read_clause(piece, wanted, weak, apps)
    found = [w for w in _dedupe(wanted) if w not in _GENERIC_OBJECTS]
    if not found:
        found = [w for w in _dedupe(weak) if w not in _GENERIC_OBJECTS]
    if not found:  # only generic words (采购货物): better than nothing
        found = _dedupe(wanted) or _dedupe(weak)
    return found, _dedupe([a for a in apps if a])


def _read_clause(clause: str, wanted: list[str], weak: list[str], apps: list[str]) -> None:
    clause = _THIS_DEAL.sub("", clause)  # 本次采购不接受联合体投标: the deal, not a want
    if not re.search(_STRONG_CUE, clause):
        if _ABOUT_FIRM.match(clause):
            _read_about_firm(clause, apps)
            return
        if _CONDITION.match(clause):
            return
    # 为Y配套…, 为满足Y扩产需求…, 因Y生产需要…: what it is for
    purpose = _PURPOSE.match(clause)
    if purpose:
        apps.append(purpose.group("app"))
        clause = clause[purpose.end() :]
    for m in _FIRM_LINE.finditer(clause):
        apps.append(m.group("app"))
    clause = _FIRM_LINE.sub(" ", clause)
    m2 = _FIRM_MAKES.search(clause)
    if m2:
        apps.append(m2.group("app"))
        clause = clause[: m2.start()]
    cue = re.search(_APP_CUE, clause)
    if cue:
        head, tail = clause[: cue.start()], clause[cue.start() :]
        found = _APP.match(tail)
        if found:
            app = found.group("app")
            # 采购用于Y的X: the wanted thing follows the last 的
            if "的" in app and re.search(rf"{_WANT_CUE}(?:{_FILLER})*$", head):
                app, after = app.rsplit("的", 1)
                head = head + after
            apps.append(app)
        clause = head
    clause = _LOOKING_FOR.sub("LOOKINGFOR", clause)  # one cue, not two words split apart
    for part in clause.split(" "):
        if not part:
            continue
        # Y项目需采购X / Y项目物资采购: what comes before 项目 is what it is for
        project = _PROJECT.match(part)
        if project and (_CUE_CHAIN.search(part[project.end() :]) or _WANT_AFTER.match(part)):
            apps.append(project.group("app"))
            part = part[project.end() :]
        obj = _want_object(part)
        if obj:
            wanted.extend(_clean_object(obj))
            continue
        supplier = _FIND_SUPPLIER.match(part)
        if supplier:
            weak.extend(_clean_object(supplier.group("obj")))


def _read_about_firm(clause: str, apps: list[str]) -> None:
    """A sentence about the buyer: its own products are applications, nothing is wanted."""
    for pattern in (_FIRM_PRODUCTS, _FIRM_FIELD, _FIRM_MAKES):
        m = pattern.search(clause)
        if m:
            app = _TRAIL.sub("", m.group("app"))
            if pattern is _FIRM_MAKES:
                app = _FIRM_MAKES_TAIL.sub("", app)
            apps.extend(a for a in _LIST.split(app) if a)
            return


_CUE_THEN_SUPPLIER = re.compile(rf"(?:{_WANT_CUE})+(?:{_FILLER})*?(?:{_SUPPLIER})+$")


def _want_object(part: str) -> str | None:
    """The object of a want cue in one clause part, if any."""
    m = _DEAL_ON.search(part)
    if m:
        return m.group("obj")
    m = _WANT_AFTER.match(part)
    if m:  # X供应商招募: the supplier words are not part of X
        bare = _OBJECT.match(m.group("obj"))
        return bare.group("obj") if bare else m.group("obj")
    chains = list(_CUE_CHAIN.finditer(part))
    strong = [c for c in chains if re.search(_STRONG_CUE, c.group())]
    chain = strong[-1] if strong else (chains[0] if chains else None)
    if chain is not None:
        m = _OBJECT.match(part, chain.end())
        if m and not _CUE_THEN_SUPPLIER.match(part, chain.start()):
            return m.group("obj")
        # X寻找供应商: nothing but supplier words after the cue, the object comes before it
        before = _LEAD.sub("", part[: chain.start()])
        return before or None
    return None


_SPEC = re.compile(r"^(?P<base>[^()]+)\((?P<spec>[^()]{1,10})\)$")


def _spec_variants(part: str) -> list[str]:
    """碳酸锂(电池级) → 电池级碳酸锂 and 碳酸锂: a bracketed grade or spec, folded in and left out."""
    m = _SPEC.match(part)
    if not m:
        return [part]
    return [m.group("spec") + m.group("base"), m.group("base")]


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def wanted_terms(need: NeedRecord) -> list[WantedTerm]:
    """The terms a need wants, weighted, never including what it is for.

    The need's own ``products`` count fully. Phrases read from the title and description by
    want cues count fully when the need lists no products, and less when it does. When no
    cue is found anywhere, the title itself (cleaned) stands in, weaker.

    Parameters
    ----------
    need
        The need.

    Returns
    -------
    list of WantedTerm
        Distinct terms (by normalised text), strongest first.

    Examples
    --------
    >>> from matching.records import NeedRecord
    >>> [t.text for t in wanted_terms(NeedRecord(1, "采购隔膜", "用于锂电池生产"))]
    ['隔膜']
    """
    terms: dict[str, WantedTerm] = {}

    def put(text: str, weight: float, source: str) -> None:
        key = product_key(text)
        if key and (key not in terms or terms[key].weight < weight):
            terms[key] = WantedTerm(key, weight, source)

    for product in need.products:
        put(product, 1.0, "products")
    application_keys = {product_key(need.application)} if need.application else set()
    text_weight = 0.6 if terms else 1.0
    groups = [list(terms)]  # products, then the title's and the description's terms
    for text in (need.title, need.description):
        wanted, _apps = split_free_text(text or "")
        groups.append([k for k in map(product_key, wanted) if k and k not in application_keys])
    found_any = any(groups[1:])
    if not groups[1] and need.title:
        # A title without cues (乳饮料（急）, 减速机项目) still names the item when the
        # description's wanted term says the same: 对减速机进行公开询价 → 减速机
        parts = [
            p
            for clause in _CLAUSE_SPLIT.split(product_key(need.title))
            for p in _clean_object(_LEAD.sub("", clause))
            if not _TITLE_NOISE.match(p)
        ]
        groups[1] = [p for p in parts if any(p in d for d in groups[2])]
    # A term named in two places (title and description, or text and products) is what the
    # need is about; when some term is, a term read from one sentence only is probably noise
    # (a sentence about the buyer, the delivery, the paperwork) and counts half.
    support = {
        w: sum(any(w in o or o in w for o in group) for group in groups)
        for group in groups[1:]
        for w in group
    }
    corroborated = max(support.values(), default=0) >= 2
    for w, n in support.items():
        put(w, text_weight * (UNCORROBORATED if corroborated and n < 2 else 1.0), "text")
    if not terms and not found_any and need.title:
        title = _LEAD.sub("", product_key(need.title))
        for part in _clean_object(title):
            for variant in _spec_variants(part):
                put(variant, 0.5, "fallback")
    return sorted(terms.values(), key=lambda t: -t.weight)
