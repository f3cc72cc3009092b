"""The structure of a procurement text: labelled fields, item lists and table rows.

Tender, inquiry and comparison notices (招标公告, 询价公告, 比选公告 …), requisition forms and
marketplace posts say what is bought in labelled fields (采购内容：…, 标的物：…, 货物名称：…),
in numbered item lists under such a label (三、采购需求：1. … 2. …) or in table rows
(``序号 | 货物名称 | 数量`` with the rows below, or ``货物名称：… | 数量：…``). Most of their
lines are boilerplate: who buys, project numbers, qualification clauses, registered capital,
dates, places and contacts. This module only sorts lines by what their label says; it knows
nothing about particular products or notice templates.

Every line becomes a :class:`Line` with a ``kind``:

``product``
    a field or list item naming what is bought;
``application``
    what it is for (用途：…);
``quantity``, ``deadline``, ``delivery``
    how much, by when offers are due, where and when goods go;
``qualification``
    conditions on the supplier (资格要求：…): read only for certifications;
``project``
    a project or need name (项目名称：…): may name the goods, weakly;
``boilerplate``
    everything that names no goods (编号, 采购人, 联系人, 电话, 预算 …);
``text``
    free text, read sentence by sentence like any need.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace

from matching.tokenize import simplified

__all__ = ["Line", "parse_lines", "strip_emoji"]

# Enumerators at the start of a line, by level: 一、 > （一） > 1. > (1) ① > • -
_ENUM_LEVELS = (
    (1, r"第?[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十\d]{1,3}[章篇]"),  # 第五章
    (2, r"[（(][一二三四五六七八九十]{1,3}[)）]"),
    (3, r"\d{1,2}(?:[、．]|\.(?!\d)|[)）])"),
    (4, r"[（(]\d{1,2}[)）]|[①-⑳]"),
    (5, r"[•·●■□◆▪\-*]+"),
)
_LEADING_ENUM = re.compile(
    r"^\s*(?:" + "|".join(f"(?P<l{level}>{p})" for level, p in _ENUM_LEVELS) + r")\s*"
)
# Where one line holds several: a new item after a sentence end, a label after a full stop
_INLINE_SPLIT = re.compile(
    r"(?<=[。；;！!？?])\s*(?=(?:[一二三四五六七八九十]{1,3}[、．]|[（(][一二三四五六七八九十\d]{1,2}[)）]"
    r"|\d{1,2}(?:[、．]|\.(?!\d))|[①-⑳]))"
    r"|(?<=[。])\s*(?=\S)"
    r"|(?<=[；;])\s*(?=[^，,。；;：:]{1,14}[：:])"
    # 征集以下品类：1.阀门 2.管件: an inline list after a colon, items parted by spaces
    r"|(?<=[：:])\s*(?=\d{1,2}(?:[、．]|\.(?!\d))\D)"
    r"|\s+(?=\d{1,2}(?:[、．]|\.(?!\d))[^\d\s])"
)
# Short lines that head a section (项目概况, 采购人信息, 投标人资格要求)
_HEADING_WORD = re.compile(
    r"(?:概况|信息|情况|要求|须知|说明|清单|一览表?|明细|内容|范围|事项|方式|资格|条件|需求|标的|"
    r"货物|物资|安排|联系方式|其他|其它|附件|名称|品名|用途|流程|记录)$"
)
_CELL_SPLIT = re.compile(r"\s*[|\t]\s*|\s{3,}")
_TABLE_RULE = re.compile(r"^[\s|:\-+=_—]*$")
_LABEL = re.compile(
    r"^(?P<label>[^：:，,。；;！!？?()（）\[\]【】]{1,14}?)\s*[：:]\s*(?P<value>.*)$"
)
_CIRCLED = re.compile(r"[①-⑳]")
_LIST_INTRO = re.compile(r"以下|如下|下列")
# 采购以下物资：, 征集如下品类：, not 具体要求如下： (a list of conditions)
_GOODS_INTRO = re.compile(r"物资|物品|产品|货物|设备|材料|品类|品种|清单|采购|征集|求购|需要")
_TERMS_INTRO = re.compile(r"要求|条件|资格|事项|须知|规定|标准|说明|流程|程序")
# 请采购部尽快落实, 以上物资…: a sentence after a list, not one of its items
# 招标物资用途 after the items of 招标物资名称: the next field's label on a line of its own
_NEXT_HEADING = re.compile(
    r"(?:名称|品名|用途|要求|须知|说明|条件|资格|方式|事项|时间|地点|数量|流程|记录)$"
)
_SENTENCE = re.compile(r"^(?:请|以上|上述)")
# 规格, 计量单位, 数量: a column header's word on a line of its own (a PDF table's header broken
# over lines), not an item of the list above it
_COLUMN_WORD = re.compile(
    r"^(?:规格|型号|规格型号|单位|计量|计量单位|数量|单价|金额|总价|备注|标准|材质|品牌|行号|序号|存货|"
    r"编码|物料编码|交期|税率|含税单价)$"
)
# 投标人名称：, 法定代表人（签字）：, 日期： a form's blank to fill in, not a section heading
_BLANK = re.compile(r"(?:名称|盖章|签字|签章|日期|电话)$|人$")
_SALUTATION = re.compile(r"^(?:致|尊敬的|各|各位|诸位|亲爱的|DEAR|HI|HELLO)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")

# Label words, checked in this order (the first class whose pattern the label matches wins)
_LABEL_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 需更换的易损件：X, 用于Y设备的备件：X: the value is the wanted part, whatever else the label says
    ("product", re.compile(r"(?:备品备件|备件|易损件|配件|零配件|易耗件)$")),
    # 主营产品：Y beside 需求产品：X: the buyer's own products are what the goods are for
    (
        "application",
        re.compile(r"^(?:主营|主导|主打)(?:产品|业务)?$|^(?:企业|公司|本企业|本公司)主要产品$"),
    ),
    ("qualification", re.compile(r"资格|资质|条件|要求|认证|证书")),
    ("deadline", re.compile(r"截止|截至")),
    ("delivery", re.compile(r"交货|交付|到货|送货|供货期|交期|收货|履约|地点|工期")),
    (
        "boilerplate",
        re.compile(
            r"编号|编码|代码|代号|序号|料号|货号|(?<!型)号$|人$|人信息|(?<=.)(?<!计量)单位$|(?<=.)价$|机构|代理|[需供采购甲乙买卖]方$|(?:企业|公司|厂家|厂商|供应商|买家|卖家|客户)$|(?:采购|招标|建设|需求|使用|申请|比选|询价|发布|主管|监督)单位|电话|手机|传真|邮箱|邮件|邮编|网址|"
            r"网站|微信|QQ|地址|账号|账户|开户|户名|保证金|预算|金额|限价|最高价|单价|总价|价格|"
            r"费用|报价|付款|结算|发票|税|方式|程序|流程|文件|平台|媒介|公告期|发布|开标|评标|"
            r"获取|递交|提交|投标|响应|磋商|须知|注意|声明|附件|品牌|包装|运输|质保|售后|"
            r"申请部门|部门|经办|审批|批准|单位名称|公司名称|企业名称|业主|甲方|乙方|"
            r"期限$|周期|有效期|日期$|时间$|^日期|^时间|来源|类型|方式|形式|组织"
        ),
    ),
    ("quantity", re.compile(r"数量|数目|需求量|采购量|用量|规模|^单位$|计量单位|^量$")),
    ("application", re.compile(r"用途|用于|应用|使用|适用|领域|场景|下游|终端")),
    ("spec", re.compile(r"规格|型号|参数|技术|标准|材质|质量|等级|指标|配置|^(?:材料|用料|面料)$")),
    ("text", re.compile(r"说明|描述|详情|概况|概述|简介")),
    ("text", re.compile(r"理由|原因|依据|目的|背景")),
    ("project", re.compile(r"项目|需求名称|采购名称|标题|主题|事由|^招标名称")),
    (
        "product",
        re.compile(
            r"内容|标的|名称|品名|品目|货物|物资|物料|材料|原料|产品|商品|设备|清单|需求|对象|"
            r"范围|一览|明细|目录|采购|求购|询价|招标|寻源|征集|需要|急需"
        ),
    ),
    ("text", re.compile(r"说明|描述|详情|备注|概况|概述|简介|背景|理由|情况|补充|其他|其它")),
)
# Headings of sections whose lines name the buyer or the procedure, never goods
_BOILERPLATE_HEADING = re.compile(
    r"(?:采购人|招标人|比选人|询价人|代理机构|联系|供应商资格|投标人资格|申请人|资格|获取|"
    r"提交|递交|开标|公告期|其他补充|监督|须知)"
)
# Unlabelled sentences about the procedure and the supplier's paperwork (资格、注册资本 …)
BOILERPLATE_CLAUSE = re.compile(
    r"注册资本|营业执照|法人资格|独立法人|违法记录|联合体|失信|被执行人|纳税人|增值税|专用发票|"
    r"专票|保证金|招标文件|投标文件|响应文件|谈判文件|磋商文件|比选文件|申请文件|采购文件|"
    r"递交|开标|评标|逾期|资格后审|资格预审|北京时间|公告期|不予受理|信用中国|黑名单|"
    r"电话|手机|微信|邮箱|联系人|传真|[0-9*]{7,}"
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a procurement text, sorted by what it says.

    ``label`` is the line's label (``采购内容``) or ``""``; ``value`` the text after it (the
    whole line when unlabelled); ``item`` whether the line is an item of a list or a table
    row; ``heading`` the label of the section it sits under (``""`` at the top level);
    ``row`` the number of the table row it is a cell of (``0`` when it is not a cell);
    ``principal`` whether that row's other cells mark its goods as the principal item (主材,
    主要原料).
    """

    kind: str
    label: str
    value: str
    item: bool = False
    heading: str = ""
    row: int = 0
    principal: bool = False


# Emoji and pictographs (🔥 ✅ 📞 ☎ ★): decoration of a chat message, never part of a name
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")


def strip_emoji(text: str) -> str:
    """The text with emoji and pictographs replaced by a space.

    Examples
    --------
    >>> strip_emoji("🔥求购🔥 ✅现货")
    ' 求购   现货'
    """
    return _EMOJI.sub(" ", text)


# Markup of a notice copied from a web page's source: block tags end lines, others go
_BLOCK_TAG = re.compile(
    r"<\s*(?:br|/?p|/?div|/?li|/?tr|/?h\d|/?table|/?ul|/?ol)\b[^>]*>", re.IGNORECASE
)
_CELL_TAG = re.compile(r"<\s*/?t[dh]\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<\s*/?[A-Za-z][^<>]{0,200}>")


def strip_markup(text: str) -> str:
    """HTML tags out (block tags become line breaks, cells tabs) and entities decoded."""
    if "<" not in text and "&" not in text:
        return text
    text = _TAG.sub("", _CELL_TAG.sub("\t", _BLOCK_TAG.sub("\n", text)))
    return html.unescape(text).replace("\xa0", " ")


def clean(text: str) -> str:
    """NFKC, traditional characters simplified, and no markup, URLs, e-mail addresses or emoji;
    line breaks are kept (they are structure). A notice pasted from a Hong Kong or Taiwan
    document then shows the reader the cue words it knows (採購 → 采购, 用於 → 用于)."""
    text = strip_markup(text)
    text = _CIRCLED.sub(lambda m: f"({ord(m.group()) - 0x245F}) ", text)  # NFKC makes ① a bare 1
    text = simplified(unicodedata.normalize("NFKC", text))
    # 於 is also a surname that simplified text keeps, so the shared table leaves it alone; in
    # a need it is the preposition (用於, 適用於, 於…前)
    text = _URL.sub(" ", strip_emoji(text.replace("於", "于")))
    text = _CANTONESE.sub(lambda m: _CANTONESE_WORDS[m.group()], text)
    text = _CONTENTS_PAGE.sub("", text)
    text = _WANT_IN_BRACKETS.sub(r"\g<label>：\g<value>", text)
    tags = [m["tag"] for m in _HASHTAG.finditer(text)]
    if not tags:
        return text
    # #求购# #Y# 收X: the tags are topics; the post's own words come first, the tags after them
    return "。".join([_HASHTAG.sub(" ", text).strip(), *tags])


# Written Cantonese (a Hong Kong buyer's 我哋想問X有冇貨): its function words in standard Chinese,
# so that the cue words are seen; none of these characters is used in standard Chinese goods names
_CANTONESE_WORDS = {
    "有冇": "有没有",
    "冇": "没有",
    "哋": "们",
    "嘅": "的",
    "咗": "了",
    "啲": "些",
    "唔该": "谢谢",
    "唔": "不",
    "揾": "找",
    "喺": "在",
    "而家": "现在",
}
_CANTONESE = re.compile("|".join(sorted(_CANTONESE_WORDS, key=len, reverse=True)))
# 第五章 采购需求……36: a table of contents' leader and page number
_CONTENTS_PAGE = re.compile(r"\s*(?:…{2,}|\.{4,}|·{4,})\s*\d*[ \t]*$", re.MULTILINE)
# 采购需求（X，用于Y）: a chapter or heading that names its goods in brackets
_WANT_IN_BRACKETS = re.compile(
    r"(?P<label>采购需求|采购内容|采购标的|采购清单|需求内容)[（(](?P<value>[^（）()\n]{2,60})[）)]"
)
# #求购# #Y#: a post's hashtags, each a phrase of its own (0#柴油 has one sign, not a pair)
_HASHTAG = re.compile(r"(?<![0-9A-Za-z])#(?P<tag>[^#\s\d，,。；;][^#\n，,。；;]{0,19}?)(?<!\d)#")


# 序号1：X, 第二包：X, 品目3：X: an item numbered in its label
_ITEM_LABEL = re.compile(
    r"^(?:序号|品目|标段|包号?|第)\s*[\d一二三四五六七八九十]+(?:包|项|标段|批)?$"
    r"|^(?:[A-Z]\d{0,2}|第?[\d一二三四五六七八九十]{1,3})类$"  # A类：X, 第二类：X (征集类别)
)
# 主材, 主要原料, 核心部件: a remark or use cell that marks its row's goods as the principal item
_PRINCIPAL = re.compile(
    r"主材|主料|主原料|主要(?:原料|原材料|材料|物资|设备|产品|部件)|核心(?:部件|设备|材料)"
)
# Description 品名, Qty 数量: a bilingual column header; the Chinese words say what it is
_LATIN_WORDS = re.compile(r"[A-Za-z][A-Za-z./&\-]*(?:\s+[A-Za-z][A-Za-z./&\-]*)*")
# 品名/规格, 货物名称及数量: a label that starts by naming the goods is about the goods
_GOODS_LABEL = re.compile(
    r"^(?:品名|名称|货物|物资名称|物料|材料名称|产品名称|商品名称|标的|采购内容|"
    r"(?:投标|报价|响应|所投)(?:货物|产品|设备))"  # 投标货物: the goods a bid offers
)
_NOT_GOODS_LABEL = re.compile(r"用途|用于|应用|数量|单位|金额|价|预算|地点|时间|编号|编码|方式")
# 物料：X 数量：1000 用途：Y: several fields on one line, parted by spaces
_SPACED_FIELD = re.compile(r"\s+(?=[^\s:：，,。；;]{1,8}[:：])")
# 1. X技术规格书V2.pdf: an attached file, named after what it describes
_FILE_NAME = re.compile(
    r"^[《<]?(?P<stem>[^\s/\\:：《》<>]{2,60}?)\.(?:PDF|DOCX?|XLSX?|WPS|ET|DWG|DXF|ZIP|RAR|7Z|STEP|STP|"
    r"IGS|JPE?G|PNG|TXT|CSV)[》>]?$",
    re.IGNORECASE,
)
# the file of a specification, drawing or list of the goods: what comes before names them
_FILE_OF_GOODS = re.compile(
    r"^(?P<goods>.{2,}?)的?(?:技术规格书|规格书|技术规范书?|技术要求|技术参数表?|参数表|技术协议|技术条件|"
    r"图纸|采购清单|需求清单|询价清单|询价单|需求表)$"
)
_FILE_VERSION = re.compile(
    r"(?:[\s_\-]*(?:V|VER|REV)\.?\d+(?:\.\d+)*|[\s_\-]*(?:定稿|终稿|最终版|修订版|盖章版|[(（]\d+[)）]))+$",
    re.IGNORECASE,
)
_FILE_LEAD = re.compile(r"^(?:附件|附表)?[\d一二三四五六七八九十]*[\s_\-—:：、.]*")


def label_kind(label: str) -> str:
    """The class of a field label (``"product"``, ``"boilerplate"`` … see the module doc).

    Examples
    --------
    >>> [label_kind(x) for x in ["货物名称", "项目编号", "用途", "投标截止时间", "联系人"]]
    ['product', 'boilerplate', 'application', 'deadline', 'boilerplate']
    """
    label = re.sub(r"\s+", "", label)
    if _ITEM_LABEL.match(label) or (
        _GOODS_LABEL.match(label) and not _NOT_GOODS_LABEL.search(label)
    ):
        return "product"
    for kind, pattern in _LABEL_CLASSES:
        if pattern.search(label):
            return kind
    return "text"


def _raw_lines(text: str) -> Iterator[str]:
    for line in re.split(r"[\r\n]+", clean(text)):
        for part in _INLINE_SPLIT.split(line):
            if part.strip():
                yield part.strip()


def _level(line: str) -> int:
    """The level of the line's enumerator (1 for 一、 … 5 for a bullet), 0 for none."""
    m = _LEADING_ENUM.match(line)
    if not m:
        return 0
    return next(level for level, _ in _ENUM_LEVELS if m.group(f"l{level}"))


def parse_lines(text: str) -> list[Line]:
    """The lines of a procurement text with their kinds.

    Parameters
    ----------
    text
        A description as typed or pasted (line breaks matter).

    Returns
    -------
    list of Line
        In text order. A table's header row is consumed: the rows below it become one line
        per cell, labelled by the column header.

    Examples
    --------
    >>> [(x.kind, x.value) for x in parse_lines("项目编号：A-1\\n标的：乙烯，用于苯乙烯")]
    [('boilerplate', 'A-1'), ('product', '乙烯,用于苯乙烯')]
    >>> rows = parse_lines("序号 | 品名 | 数量\\n1 | 丙烯 | 20吨")
    >>> [(x.kind, x.label, x.value) for x in rows]
    [('boilerplate', '序号', '1'), ('product', '品名', '丙烯'), ('quantity', '数量', '20吨')]
    """
    out: list[Line] = []
    header: list[str] | None = None
    by_spaces = ""  # what parts the header's columns when no cell split does: " " or ","
    unread: Line | None = None  # the header line until a row follows it
    heading, heading_kind, heading_level = "", "", 0
    rows = 0
    for raw in _raw_lines(text):
        if _TABLE_RULE.match(raw):
            continue
        level = _level(raw)
        line = _LEADING_ENUM.sub("", raw, count=1).strip()
        if not line:
            continue
        if heading and level and (level <= heading_level or (not heading_level and level <= 2)):
            heading, heading_kind, heading_level = "", "", 0  # a sibling ends the section
        attached = _file("", line, bool(level), heading)
        if attached is not None:  # X技术规格书.pdf: an attached file's name
            out.append(attached)
            continue
        cells = [c for c in _CELL_SPLIT.split(line.strip(" |")) if c]
        if len(cells) == 1 and len(re.findall(r"[:：]", line)) >= 2:
            spaced = [c for c in _SPACED_FIELD.split(line) if c]
            if len(spaced) >= 2 and all(_LABEL.match(c) for c in spaced):
                cells = spaced
        row = _row(line, cells, header, by_spaces)
        if row is not None:
            rows += 1
            cells_of_row = [_labelled(h, c, True, heading) for h, c in row]
            principal = any(  # in a remark or use cell, not a spec (主材Q235 is a material)
                x.kind in {"text", "application"} and _PRINCIPAL.search(x.value)
                for x in cells_of_row
            )
            out.extend(replace(x, row=rows, principal=principal) for x in cells_of_row)
            unread = None
            continue
        if unread is not None:  # a "header" no row followed: 采购X\t数量若干\t用于Y is text
            out.append(unread)
            unread, header = None, None
        if header is None and len(cells) == 1 and not re.search(r"[:：]", line):
            words = line.split()  # 序号 物资名称 数量 备注: columns parted by single spaces
            sep = " "
            if len(words) < 3:
                words, sep = line.split(","), ","  # 序号,名称,数量: a pasted CSV
            if len(words) >= 3 and _is_header(words) and all(map(_is_label_word, words)):
                header, by_spaces = words, sep
                unread = Line("text", "", line, bool(level), heading)
                continue
        if len(cells) >= 2:
            if all(_LABEL.match(c) for c in cells):
                for c in cells:
                    m = _LABEL.match(c)
                    assert m is not None
                    out.append(_labelled(m["label"], m["value"], True, heading))
                continue
            names = [_header_name(c) for c in cells]
            if _is_header(names):
                header, by_spaces = names, ""
                unread = Line("text", "", "，".join(cells), bool(level), heading)
                continue
        header = None
        if (
            re.search(r"[：:]$", line)
            and _LIST_INTRO.search(line)
            and _GOODS_INTRO.search(line)
            and not _TERMS_INTRO.search(line)
        ):
            # 现采购以下物资：/ 征集如下品类：the items follow; what it says before is text
            out.append(Line("text", "", line[:-1], bool(level), heading))
            heading, heading_kind, heading_level = line[:-1], "product", level
            continue
        m = _LABEL.match(line) or _compound_label(line)
        if m and _SALUTATION.match(m["label"]):  # 各供应商：… a letter's greeting, not a field
            line, m = m["value"].strip(), None
            if not line:
                continue
        if m and not re.match(r"^\d+$", m["label"]):
            label, value = m["label"].strip(), m["value"].strip()
            attached = _file(label, value, bool(level), heading)
            if attached is not None:  # 附件：X技术要求.docx
                out.append(attached)
                continue
            if (
                not value
                and not level
                and _BLANK.search(label)
                and label_kind(label) == "boilerplate"
            ):
                out.append(Line("boilerplate", label, "", False, heading))  # 投标人名称： a blank
                continue
            if not value:  # 三、采购需求： the items follow
                heading, heading_kind, heading_level = label, _heading_kind(label), level
                if re.match(
                    r"(?:本次|此次|该次|本项目)\w{6,}", label
                ):  # 本次采购的X须满足以下要求：
                    out.append(Line("text", "", label, bool(level), ""))
                continue
            out.append(_labelled(label, value, bool(level), heading))
            continue
        if (
            heading_kind == "product"
            and (level > heading_level or not level)
            and len(line) <= 40
            and not _SENTENCE.search(line)
            and not (_is_heading(line, level) and _NEXT_HEADING.search(line))
            and not _COLUMN_WORD.match(line)
        ):
            out.append(Line("product", "", line, True, heading))  # an item of the list
            continue
        if _is_heading(line, level):
            heading, heading_kind, heading_level = line, _heading_kind(line), level
            continue
        kind = heading_kind if heading_kind in {"boilerplate", "qualification"} else "text"
        out.append(Line(kind, "", line, bool(level), heading))
    if unread is not None:
        out.append(unread)
    return out


# 招标货物名称、数量及主要技术规格：X，1套: a label of several label words, longer than most
_COMPOUND_LABEL = re.compile(
    r"^(?P<label>[^：:，,。；;！!？?()（）]{9,24}?)\s*[：:]\s*(?P<value>.+)$"
)


def _compound_label(line: str) -> re.Match[str] | None:
    """A line whose label joins label words with 、/及/和 (each a label word); the label is
    classed by its first word, the rest say what else the value gives."""
    m = _COMPOUND_LABEL.match(line)
    if not m:
        return None
    parts = [p for p in re.split(r"[、及和与/]", m["label"]) if p]
    if len(parts) < 2 or not all(len(p) <= 8 and _is_label_word(p) for p in parts):
        return None
    return _LABEL.match(f"{parts[0]}：{m['value']}")


def _file(label: str, value: str, item: bool, heading: str) -> Line | None:
    """An attached file's line: its goods when it specifies or lists them, else boilerplate."""
    m = _FILE_NAME.match(value)
    if not m:
        return None
    stem = _FILE_VERSION.sub("", _FILE_LEAD.sub("", m["stem"]))
    goods = _FILE_OF_GOODS.match(stem)
    if goods:
        return Line("product", label or "附件", goods["goods"], item, heading)
    return Line("boilerplate", label or "附件", value, item, heading)


def _row(
    line: str, cells: list[str], header: list[str] | None, by_spaces: str
) -> list[tuple[str, str]] | None:
    """The (column, cell) pairs of a table row under ``header``, or None for no row.

    A row pasted from a spreadsheet keeps its empty cells between tabs (a blank 规格型号
    must not shift the columns after it); trailing empty cells may be missing.
    """
    if header is None:
        return None
    for sep in ("\t", "|"):
        if sep in line:  # 2|标签|100×70|卷|50|: an empty last cell is still a cell
            inner = line.strip(" ")
            inner = inner.removeprefix("|").removesuffix("|") if sep == "|" else inner.strip(" |")
            cells = [c.strip() for c in inner.split(sep)]
            if 2 <= len(cells) <= len(header):
                return [(h, c) for h, c in zip(header, cells, strict=False) if c]
            return None
    if len(cells) >= 2:
        return list(zip(header, cells, strict=True)) if len(cells) == len(header) else None
    words = line.split(",") if by_spaces == "," else line.split()
    if by_spaces and 2 <= len(words) <= len(header):
        return list(zip(header, words, strict=False))
    return None


# 单价（元）, 最高投标限价（万元）: a column's unit in brackets after its name
_HEADER_UNIT = re.compile(r"\s*[(（][^()（）]{1,6}[)）]$")


def _header_name(cell: str) -> str:
    """A column header without its English words when it also has Chinese ones
    (``Description 品名`` → ``品名``) and without a bracketed unit (``最高限价（万元）``)."""
    cell = _HEADER_UNIT.sub("", cell) or cell
    if not re.search(r"[\u4e00-\u9fff]", cell):
        return cell
    return _LATIN_WORDS.sub("", cell).strip(" /") or cell


def _is_label_word(word: str) -> bool:
    """Whether a word is one a field label is made of (名称, 数量, 备注 …), not free text."""
    return bool(
        _ITEM_LABEL.match(word)
        or _GOODS_LABEL.match(word)
        or any(p.search(word) for _, p in _LABEL_CLASSES)
    )


def _labelled(label: str, value: str, item: bool, heading: str) -> Line:
    kind = label_kind(label)
    if kind == "text" and heading and _heading_kind(heading) in {"boilerplate", "qualification"}:
        kind = _heading_kind(heading)
    if kind == "product" and heading and _BOILERPLATE_HEADING.search(heading):
        kind = "boilerplate"  # 采购人信息 → 名称：某某公司
    return Line(kind, label.strip(), value.strip(), item, heading)


def _heading_kind(label: str) -> str:
    if _LIST_INTRO.search(label) and not (_GOODS_INTRO.search(label) or _TERMS_INTRO.search(label)):
        return "text"  # 现将投标人提出的问题答复如下： what follows is neither goods nor terms
    if _BOILERPLATE_HEADING.search(label):
        return "qualification" if re.search(r"资格|资质|条件|要求", label) else "boilerplate"
    return label_kind(label)


def _is_heading(line: str, level: int) -> bool:
    """A short line heading a section: 项目概况, 采购人信息, 一、项目基本情况."""
    if len(line) > 12 or re.search(r"[，。,；;！!？?]", line):
        return False
    return bool(_HEADING_WORD.search(line)) or 0 < level <= 2


def _is_header(cells: list[str]) -> bool:
    """A table header: short cells, one of them naming the goods."""
    return all(len(c) <= 8 and not re.search(r"\d", c) for c in cells) and any(
        label_kind(c) in {"product", "project"} for c in cells
    )
