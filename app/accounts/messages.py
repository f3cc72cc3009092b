"""The Chinese messages accounts send (through the outbox, never directly)."""

from app.notifications.messages import Message

_SIGN = "\n\n—— 携手 大中小企业融通平台"


def verify(email: str, link: str) -> Message:
    """The sign-up's e-mail verification link."""
    return Message(
        topic="account.verify",
        to_email=email,
        subject="请验证您的邮箱",
        text=(
            "您好！\n\n您正在携手平台注册企业账户。请打开下面的链接验证邮箱（48 小时内有效）：\n"
            f"{link}\n\n验证后，您所在地区的组织方审核通过即可登录。"
            "如果不是您本人操作，请忽略本邮件。" + _SIGN
        ),
    )


def already_registered(email: str, login_link: str, reset_link: str) -> Message:
    """To an address that signed up again although it already has an account."""
    return Message(
        topic="account.verify",
        to_email=email,
        subject="您已有携手账户",
        text=(
            "您好！\n\n有人（可能是您）用本邮箱在携手平台注册，但本邮箱已有账户。\n"
            f"直接登录：{login_link}\n忘记密码：{reset_link}\n\n"
            "如果不是您本人操作，请忽略本邮件。" + _SIGN
        ),
    )


def already_pending(email: str) -> Message:
    """To an address whose sign-up awaits approval already."""
    return Message(
        topic="account.verify",
        to_email=email,
        subject="您的入驻申请正在审核",
        text=("您好！\n\n本邮箱的入驻申请已验证，正在等待组织方审核，审核通过后会通知您。" + _SIGN),
    )


def reset(email: str, user_id: int, link: str) -> Message:
    """A password-reset link."""
    return Message(
        topic="account.reset",
        to_email=email,
        user_id=user_id,
        subject="重置您的携手密码",
        text=(
            "您好！\n\n请打开下面的链接设置新密码（1 小时内有效，仅可使用一次）：\n"
            f"{link}\n\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。" + _SIGN
        ),
    )


def code(email: str | None, phone: str | None, user_id: int, value: str) -> Message:
    """A one-time sign-in code, by e-mail or (``phone``) through the SMS gateway."""
    return Message(
        topic="account.code",
        to_email=email,
        to_phone=phone,
        user_id=user_id,
        subject="携手登录验证码",
        text=f"您的携手登录验证码：{value}，10 分钟内有效。请勿告诉他人。",
    )


def invitation(email: str, org_name: str, inviter: str, link: str, days: int) -> Message:
    """An invitation to claim an organization's record."""
    return Message(
        topic="account.invitation",
        to_email=email,
        subject=f"邀请您入驻携手平台：{org_name}",
        text=(
            f"您好！\n\n{inviter}邀请「{org_name}」在携手平台开通账户，"
            "查看匹配的需求与供应商、参加百场万企洽谈会。\n\n"
            f"请打开下面的链接，填写贵单位的统一社会信用代码并设置密码（{days} 天内有效，"
            f"仅可使用一次）：\n{link}" + _SIGN
        ),
    )


def approval_waiting(email: str, user_id: int, firm: str, link: str) -> Message:
    """To an organizer's user: a firm of its region awaits approval."""
    return Message(
        topic="account.approval",
        to_email=email,
        user_id=user_id,
        subject=f"待审核：{firm}",
        text=f"您好！\n\n「{firm}」申请入驻携手平台，等待您审核：\n{link}" + _SIGN,
    )


def decided(email: str, user_id: int | None, firm: str, approved: bool, link: str) -> Message:
    """To a firm: its sign-up was approved (with the sign-in link) or turned down."""
    if approved:
        subject, body = "入驻申请已通过", f"「{firm}」的入驻申请已通过。请登录：\n{link}"
    else:
        subject, body = (
            "入驻申请未通过",
            f"「{firm}」的入驻申请未通过。如有疑问，请联系当地组织方。",
        )
    return Message(
        topic="account.approval",
        to_email=email,
        user_id=user_id,
        subject=subject,
        text="您好！\n\n" + body + _SIGN,
    )
