"""Enumerations stored as short strings (a CHECK constraint keeps them honest)."""

from enum import StrEnum


class OrganizationKind(StrEnum):
    """What an organization is on Xieshou."""

    large_firm = "large_firm"  # 大企业 / 链主
    sme = "sme"  # 中小企业
    organizer = "organizer"  # 地方工信部门, 中小企业服务机构, 行业协会


class Tier(StrEnum):
    """SME tier as granted by MIIT or the province."""

    innovative = "innovative"  # 创新型中小企业
    specialized = "specialized"  # 专精特新中小企业
    little_giant = "little_giant"  # 专精特新"小巨人"


class NeedKind(StrEnum):
    """What sort of supply need a large firm posts."""

    supply = "supply"  # 配套需求
    chain_gap = "chain_gap"  # 补链需求
    tech_challenge = "tech_challenge"  # 技术攻关 (发榜)


class NeedStatus(StrEnum):
    """Life cycle of a supply need: draft → open → closed."""

    draft = "draft"
    open = "open"
    closed = "closed"


class Role(StrEnum):
    """What an API key may do."""

    admin = "admin"
    organizer = "organizer"
    large_firm = "large_firm"
    sme = "sme"
