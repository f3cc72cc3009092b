"""The columns of each import kind: English key, Chinese header (the template's), aliases."""

from dataclasses import dataclass
from enum import StrEnum


class ImportKind(StrEnum):
    """What a file holds: firms (organizations), capability profiles or supply needs."""

    firms = "firms"
    profiles = "profiles"
    needs = "needs"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, its header in the templates, other accepted headers, an example."""

    key: str
    header: str
    example: str
    aliases: tuple[str, ...] = ()
    required: bool = False


_KEYS = (
    Column("uscc", "统一社会信用代码", "91440300MA5FXXXX0U", ("信用代码", "社会信用代码")),
    Column("external_id", "外部编号", "600000.SH", ("外部ID", "编号", "股票代码")),
)

FIRM_COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", "深圳市精研传感科技有限公司", ("名称", "公司名称"), required=True),
    Column(
        "uscc",
        "统一社会信用代码",
        "91440300MA5FXXXX0U",
        ("信用代码", "社会信用代码"),
        required=True,
    ),
    Column("external_id", "外部编号", "SZ-0001", ("外部ID", "编号", "股票代码")),
    Column("kind", "企业类型", "中小企业", ("类型",), required=True),
    Column("region_code", "行政区划代码", "440300", ("区划代码", "地区代码")),
    Column("industry_codes", "行业代码", "3983、3972", ("国民经济行业代码", "行业")),
    Column("products", "主营产品", "动力电池系统:0.7、储能系统:0.15", ("主营业务",)),
    Column("tier", "梯度", "专精特新小巨人", ("企业梯度", "资质等级")),
    Column("tier_year", "梯度年份", "2023", ("认定年份",)),
    Column("description", "简介", "MEMS 压力传感器研发与制造", ("企业简介", "描述")),
    Column("website", "网址", "https://example.cn", ("网站", "官网")),
    Column("contact_person", "联系人", "王经理"),
    Column("contact_phone", "联系电话", "0755-88880000", ("电话", "手机")),
    Column("contact_email", "电子邮箱", "wang@example.cn", ("邮箱", "email")),
)

PROFILE_COLUMNS: tuple[Column, ...] = (
    *_KEYS,
    Column("products", "主要产品", "压力传感器:0.6、MEMS芯片:0.3", ("产品",)),
    Column("technologies", "核心技术", "MEMS工艺；晶圆级封装", ("技术",)),
    Column("processes", "工艺", "精密注塑", ("生产工艺",)),
    Column("materials", "材料", "单晶硅", ("原材料",)),
    Column(
        "certifications",
        "资质认证",
        "IATF 16949:2027-06-30、ISO 9001",
        ("认证", "资质"),
    ),
    Column("capacity", "产能", "年产 200 万只", ("生产能力",)),
    Column("minimum_order", "起订量", "1,000 件起订", ("最小起订量",)),
    Column("regions_served", "服务区域", "440000、320000", ("服务地区",)),
    Column("description", "画像简介", "车规级压力传感器", ("能力简介", "简介", "描述")),
)

NEED_COLUMNS: tuple[Column, ...] = (
    *_KEYS,
    Column("title", "需求标题", "采购车规级压力传感器", ("标题",), required=True),
    Column("kind", "需求类型", "配套需求", ("类型",)),
    Column("status", "状态", "发布", ("需求状态",)),
    Column("description", "需求描述", "用于新能源汽车热管理系统", ("描述", "简介")),
    Column("products", "需求产品", "压力传感器", ("产品",)),
    Column("application", "用途", "新能源汽车热管理系统", ("应用",)),
    Column("quantity", "数量", "200000", ("需求数量",)),
    Column("quantity_unit", "单位", "只/年", ("数量单位",)),
    Column("required_certifications", "资质要求", "IATF 16949", ("认证要求",)),
    Column("preferred_regions", "优先地区", "440000", ("地区偏好",)),
    Column("deadline", "截止日期", "2027-03-31", ("截止时间",)),
)

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.firms: FIRM_COLUMNS,
    ImportKind.profiles: PROFILE_COLUMNS,
    ImportKind.needs: NEED_COLUMNS,
}


def header_map(kind: ImportKind) -> dict[str, str]:
    """Every accepted header (Chinese, English key, aliases; case-folded) → the column key."""
    out: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.key, column.header, *column.aliases):
            out.setdefault(_fold(name), column.key)
    return out


def _fold(name: str) -> str:
    return "".join(name.split()).casefold().lstrip("\ufeff").rstrip("*")


def resolve_headers(kind: ImportKind, headers: list[str]) -> tuple[list[str | None], list[str]]:
    """Column keys for the headers of a file (None for unknown ones) and the unknown headers."""
    known = header_map(kind)
    keys: list[str | None] = []
    unknown: list[str] = []
    for header in headers:
        key = known.get(_fold(str(header or "")))
        keys.append(key)
        if key is None and str(header or "").strip():
            unknown.append(str(header))
    return keys, unknown
