"""The topics a message can have, with the Chinese name a recipient chooses channels by."""

#: topic → what the settings page calls it
TOPICS: dict[str, str] = {
    "account.verify": "邮箱验证",
    "account.code": "登录验证码",
    "account.reset": "重置密码",
    "account.invitation": "入驻邀请",
    "account.approval": "入驻审核",
    "interest.mutual": "双方有意向",
    "interest.candidate": "新的意向供应商",
    "event.invitation": "洽谈会邀请",
    "event.agenda_published": "洽谈日程发布",
    "event.agenda_changed": "洽谈日程变更",
    "event.agenda_cancelled": "洽谈取消",
    "event.reminder": "洽谈提醒",
    "import.finished": "导入完成",
    "needs.digest": "每日需求推荐",
    "deal.payment_term": "账期超过约定上限",
    "deal.follow_up": "交易跟进提醒",
    "challenge.published": "新的揭榜/询价",
    "challenge.response": "新的揭榜响应",
    "challenge.clarification": "揭榜澄清",
    "challenge.result": "揭榜结果",
}

#: Topics a person cannot turn off: without them nobody could sign in or reset a password.
ESSENTIAL_PREFIX = "account."


def is_essential(topic: str) -> bool:
    """True for account messages, which go out whatever the recipient chose."""
    return topic.startswith(ESSENTIAL_PREFIX)
