"""Turn raw cells into the API's own schemas (``OrganizationCreate``, ``ProfileFields``,
``NeedCreate``), so an imported record obeys exactly the rules of one posted to the API.

Empty cells mean "not given": a new record gets the schema's default, an existing one keeps
its value. Multi-valued cells are split on 、；;,，| and line breaks; a product may carry its
revenue share (``压力传感器:0.6`` or ``60%``), a certification its expiry
(``IATF 16949:2027-06-30``).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from app.imports.columns import ImportKind
from app.messages import validation_text
from app.models import NeedKind, NeedStatus, OrganizationKind, Tier
from app.needs.schemas import NeedCreate
from app.organizations import rules as organization_rules
from app.organizations.schemas import OrganizationCreate
from app.profiles.schemas import ProfileFields
from app.reference.uscc import normalize_code, uscc_issue
from app.rules import RuleProblem

_SPLIT = re.compile(r"[、；;,，|\n]")
_SHARE = re.compile(r"^(.*\S)\s*[:：]\s*([0-9.]+)\s*(%?)$")
_EXPIRY = re.compile(r"^(.*\S)\s*[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」 ")

FIRM_KINDS = {
    "sme": OrganizationKind.sme,
    "中小企业": OrganizationKind.sme,
    "中小": OrganizationKind.sme,
    "专精特新": OrganizationKind.sme,
    "专精特新中小企业": OrganizationKind.sme,
    "large_firm": OrganizationKind.large_firm,
    "大企业": OrganizationKind.large_firm,
    "大型企业": OrganizationKind.large_firm,
    "链主": OrganizationKind.large_firm,
    "链主企业": OrganizationKind.large_firm,
}
TIERS = {
    "innovative": Tier.innovative,
    "创新型": Tier.innovative,
    "创新型中小企业": Tier.innovative,
    "specialized": Tier.specialized,
    "专精特新": Tier.specialized,
    "专精特新中小企业": Tier.specialized,
    "little_giant": Tier.little_giant,
    "小巨人": Tier.little_giant,
    "专精特新小巨人": Tier.little_giant,
    "专精特新小巨人企业": Tier.little_giant,
}
NEED_KINDS = {
    "supply": NeedKind.supply,
    "配套": NeedKind.supply,
    "配套需求": NeedKind.supply,
    "chain_gap": NeedKind.chain_gap,
    "补链": NeedKind.chain_gap,
    "补链需求": NeedKind.chain_gap,
    "tech_challenge": NeedKind.tech_challenge,
    "技术攻关": NeedKind.tech_challenge,
    "发榜": NeedKind.tech_challenge,
    "揭榜挂帅": NeedKind.tech_challenge,
}
NEED_STATUSES = {
    "draft": NeedStatus.draft,
    "草稿": NeedStatus.draft,
    "open": NeedStatus.open,
    "发布": NeedStatus.open,
    "已发布": NeedStatus.open,
    "开放": NeedStatus.open,
    "closed": NeedStatus.closed,
    "关闭": NeedStatus.closed,
    "已关闭": NeedStatus.closed,
}

_CONTACT_KEYS = {"person": "contact_person", "phone": "contact_phone", "email": "contact_email"}


@dataclass(slots=True)
class RowProblem:
    """Why (part of) a row was rejected: the row number, the column key and the reason."""

    row: int
    field: str
    reason: str


@dataclass(slots=True)
class ParsedRow:
    """A row that passed the schema: the key it is identified by and its validated content."""

    row: int
    uscc: str | None
    external_id: str | None
    data: BaseModel
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def key(self) -> str:
        """How the report names the record."""
        return self.uscc or self.external_id or ""


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def split_cell(value: Any) -> list[Any]:
    """The items of a multi-valued cell (lists from JSONL are taken as they are)."""
    if isinstance(value, list):
        return value
    if _empty(value):
        return []
    return [part.strip() for part in _SPLIT.split(str(value)) if part.strip()]


def code(value: Any) -> Any:
    """A code with full-width characters folded and spaces dropped."""
    return normalize_code(value) if isinstance(value, str) else value


def external_id(value: Any) -> str | None:
    """An external id, NFKC-folded (full-width ``６０００００．ＳＨ`` → ``600000.SH``)."""
    if _empty(value):
        return None
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def product(value: Any) -> Any:
    """``压力传感器:0.6`` → ``{"name": "压力传感器", "share": 0.6}`` (``60%`` works too)."""
    if not isinstance(value, str):
        return value
    folded = unicodedata.normalize("NFKC", value).strip()
    match = _SHARE.match(folded)
    if match is None:
        return {"name": value.strip()}
    share = float(match.group(2))
    return {"name": match.group(1), "share": share / 100 if match.group(3) else share}


def certification(value: Any) -> Any:
    """``IATF 16949:2027-06-30`` → standard and expiry; ``ISO 9001:2015`` stays a standard."""
    if not isinstance(value, str):
        return value
    folded = unicodedata.normalize("NFKC", value).strip()
    match = _EXPIRY.match(folded)
    if match is None:
        return {"standard": folded}
    year, month, day = (int(match.group(i)) for i in (2, 3, 4))
    return {"standard": match.group(1), "valid_until": f"{year:04d}-{month:02d}-{day:02d}"}


def _choice(value: Any, table: dict[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    folded = unicodedata.normalize("NFKC", value).translate(_QUOTES).casefold()
    return table.get(folded, value.strip())


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")


def _date(value: Any) -> Any:
    """``2027/3/31``, ``2027.03.31``, ``2027年3月31日`` → ``2027-03-31``."""
    if not isinstance(value, str):
        return value
    match = _DATE.match(unicodedata.normalize("NFKC", value).strip())
    if match is None:
        return value.strip()
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).replace(",", "").strip()
    return value


#: Import-specific wording for a choice column filled with something else.
_CHOICES = {
    "kind": "企业类型应为 大企业 或 中小企业（需求类型：配套需求、补链需求 或 技术攻关）",
    "tier": "梯度应为 创新型、专精特新 或 专精特新小巨人",
    "status": "状态应为 草稿、发布 或 关闭",
}


def rule_problem(row: int, broken: RuleProblem, field: str | None = None) -> RowProblem:
    """A domain rule's verdict on a row, in the API's words (Chinese, like the report)."""
    return RowProblem(row, field or broken.field, broken.message.zh)


def _problems(row: int, exc: ValidationError, names: dict[str, str]) -> list[RowProblem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc", ())
        head = str(loc[0]) if loc else "row"
        if head == "contacts" and len(loc) > 1:
            head = _CONTACT_KEYS.get(str(loc[1]), head)
        column = names.get(head, head)
        given = err.get("input")
        reason = _CHOICES.get(column) if err.get("type") == "enum" else None
        reason = reason or validation_text(err).zh
        if isinstance(given, str | int | float) and not isinstance(given, bool):
            reason += f"（填写的是：{str(given)[:60]}）"
        out.append(RowProblem(row, column, reason))
    return out


def _keys(row: int, values: dict[str, Any]) -> tuple[str | None, str | None, list[RowProblem]]:
    uscc = code(values.get("uscc")) or None
    ext = external_id(values.get("external_id"))
    problems = []
    if uscc is not None:
        issue = uscc_issue(uscc)
        if issue:
            problems.append(RowProblem(row, "uscc", f"统一社会信用代码无效：{issue.zh}"))
    if ext is not None and len(ext) > 64:
        problems.append(RowProblem(row, "external_id", "外部编号最多 64 个字符"))
    if uscc is None and ext is None:
        problems.append(RowProblem(row, "uscc", "请填写统一社会信用代码或外部编号"))
    return uscc, ext, problems


def parse_firm(row: int, values: dict[str, Any]) -> ParsedRow | list[RowProblem]:
    """A firm row → ``OrganizationCreate`` (only the given fields are set)."""
    given = {k: v for k, v in values.items() if not _empty(v)}
    body: dict[str, Any] = {}
    contacts: dict[str, Any] = {}
    for key, value in given.items():
        if key == "kind":
            body["kind"] = _choice(value, FIRM_KINDS)
        elif key == "tier":
            body["tier"] = _choice(value, TIERS)
        elif key == "industry_codes":
            body["industry_codes"] = [code(c) for c in split_cell(value)]
        elif key == "products":
            body["products"] = [product(p) for p in split_cell(value)]
        elif key == "external_id":
            body["external_id"] = external_id(value)
        elif key == "tier_year":
            body["tier_year"] = _number(value)
        elif key.startswith("contact_"):
            contacts[key.removeprefix("contact_")] = value
        else:
            body[key] = value
    if contacts:
        body["contacts"] = contacts
    try:
        data = OrganizationCreate.model_validate(body, strict=False)
    except ValidationError as exc:
        return _problems(row, exc, {})
    problems = []
    if data.kind == OrganizationKind.organizer:
        problems.append(RowProblem(row, "kind", "只能导入大企业和中小企业"))
    for broken in (
        organization_rules.tier_problem(data.kind, data.tier, data.tier_year),
        organization_rules.products_problem(data.kind, data.products),
    ):
        if broken is not None:
            problems.append(rule_problem(row, broken))
    if problems:
        return problems
    return ParsedRow(row, data.uscc, data.external_id, data)


def parse_profile(row: int, values: dict[str, Any]) -> ParsedRow | list[RowProblem]:
    """A profile row → the SME's key and ``ProfileFields`` (only the given fields are set)."""
    uscc, ext, problems = _keys(row, values)
    body: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("uscc", "external_id") or _empty(value):
            continue
        if key == "products":
            body[key] = [product(p) for p in split_cell(value)]
        elif key == "certifications":
            body[key] = [certification(c) for c in split_cell(value)]
        elif key == "regions_served":
            body[key] = [code(c) for c in split_cell(value)]
        elif key in ("technologies", "processes", "materials"):
            body[key] = split_cell(value)
        else:
            body[key] = value
    try:
        data = ProfileFields.model_validate(body, strict=False)
    except ValidationError as exc:
        problems.extend(_problems(row, exc, {}))
        return problems
    if problems:
        return problems
    return ParsedRow(row, uscc, ext, data)


def parse_need(row: int, values: dict[str, Any]) -> ParsedRow | list[RowProblem]:
    """A need row → the large firm's key and ``NeedCreate`` (only the given fields are set)."""
    uscc, ext, problems = _keys(row, values)
    body: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("uscc", "external_id") or _empty(value):
            continue
        if key == "kind":
            body[key] = _choice(value, NEED_KINDS)
        elif key == "status":
            body[key] = _choice(value, NEED_STATUSES)
        elif key == "preferred_regions":
            body[key] = [code(c) for c in split_cell(value)]
        elif key in ("products", "required_certifications"):
            body[key] = split_cell(value)
        elif key == "quantity":
            body[key] = _number(value)
        elif key == "deadline":
            body[key] = _date(value)
        else:
            body[key] = value
    try:
        data = NeedCreate.model_validate(body, strict=False)
    except ValidationError as exc:
        problems.extend(_problems(row, exc, {}))
        return problems
    if problems:
        return problems
    return ParsedRow(row, uscc, ext, data)


PARSERS = {
    ImportKind.firms: parse_firm,
    ImportKind.profiles: parse_profile,
    ImportKind.needs: parse_need,
}
