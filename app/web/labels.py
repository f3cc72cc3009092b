"""Chinese words for the codes the API uses, as Jinja filters."""

import datetime as dt
from typing import Any

import jinja2

from app.reference.tables import regions

ROLE = {"admin": "平台管理员", "organizer": "组织方", "large_firm": "大企业", "sme": "中小企业"}
KIND = {"large_firm": "大企业", "sme": "中小企业", "organizer": "组织方"}
TIER = {
    "innovative": "创新型中小企业",
    "specialized": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”",
}
NEED_KIND = {"supply": "配套需求", "chain_gap": "补链需求", "tech_challenge": "技术攻关"}
NEED_STATUS = {"draft": "草稿", "open": "征集中", "closed": "已关闭"}
EVENT_STATUS = {
    "draft": "草稿",
    "registration": "报名中",
    "scheduled": "已排程",
    "published": "已发布",
    "closed": "已结束",
}
PARTICIPANT_STATUS = {
    "invited": "已邀请，待企业接受",
    "pending": "待审核",
    "approved": "已通过",
    "rejected": "未通过",
    "standby": "候补",
    "walk_in": "现场加入",
}
PRESENCE = {"checked_in": "已签到", "absent": "缺席"}
ATTENDANCE = {"both_present": "双方到场", "buyer_absent": "采购方缺席", "sme_absent": "企业缺席"}
SIDE = {"buyer": "采购方（大企业）", "sme": "中小企业"}
WISH = {"must": "必须洽谈", "would": "愿意洽谈", "no": "不洽谈"}
OUTCOME = {
    "not_held": "未举行",
    "no_interest": "无合作意向",
    "informative": "交流了解",
    "intent": "达成意向",
    "signed": "已签约",
}


def _value(value: Any) -> str:
    return str(getattr(value, "value", value)) if value is not None else ""


def _lookup(table: dict[str, str]) -> Any:
    def label(value: Any) -> str:
        key = _value(value)
        return table.get(key, key)

    return label


_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def region_name(code: str | None) -> str:
    """``440300`` → ``广东省深圳市``; a county with its province and city."""
    if not code:
        return ""
    region = regions().get(code)
    if region is None:
        return code
    if region.level == 1:
        return region.name
    province = regions().get(region.province_code)
    city = regions().get(region.city_code) if region.level == 3 and region.city_code else None
    parts = [province.name if province else "", city.name if city else "", region.name]
    # 北京市市辖区 is 北京市: a municipality's 市辖区/县 add nothing to the name.
    return "".join(dict.fromkeys(p for p in parts if p and p not in _PLACEHOLDERS))


def percent(value: float | None) -> str:
    """``0.4`` → ``40%``."""
    return "" if value is None else f"{value * 100:.0f}%"


def hhmm(value: dt.time | str) -> str:
    """A time as ``09:20``."""
    return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)


def expired(valid_until: str | dt.date | None) -> bool:
    """Has a certificate's validity ended (before today)?"""
    if not valid_until:
        return False
    day = valid_until if isinstance(valid_until, dt.date) else dt.date.fromisoformat(valid_until)
    return day < dt.date.today()


def install(env: jinja2.Environment) -> None:
    """Register the filters on a Jinja environment."""
    env.filters.update(
        role=_lookup(ROLE),
        org_kind=_lookup(KIND),
        tier=_lookup(TIER),
        need_kind=_lookup(NEED_KIND),
        need_status=_lookup(NEED_STATUS),
        event_status=_lookup(EVENT_STATUS),
        participant_status=_lookup(PARTICIPANT_STATUS),
        side=_lookup(SIDE),
        wish=_lookup(WISH),
        outcome=_lookup(OUTCOME),
        presence=_lookup(PRESENCE),
        attendance=_lookup(ATTENDANCE),
        region=region_name,
        percent=percent,
        hhmm=hhmm,
    )
    env.tests["expired"] = expired
    env.globals.update(
        TIER=TIER,
        NEED_KIND=NEED_KIND,
        NEED_STATUS=NEED_STATUS,
        WISH=WISH,
        OUTCOME=OUTCOME,
        ATTENDANCE=ATTENDANCE,
    )
