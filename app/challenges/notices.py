"""What a challenge tells people, through the outbox in the transaction of its cause.

Published: the fitting SMEs (the matching index's shortlist for the need; for an invited
challenge, the invited ones). A response filed: the buyer. A question or answer: the other
side. The result: every responder, the unsuccessful ones politely.
"""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.models import Challenge, Organization, SupplyNeed
from app.notifications.triggers import notify_organization


def published(
    session: Session,
    challenge: Challenge,
    need: SupplyNeed,
    buyer: Organization,
    smes: Iterable[int],
) -> int:
    """Tell each fitting (or invited) SME of a new challenge; the number of messages queued."""
    kind = "揭榜挂帅" if challenge.kind == "proposal" else "询价"
    deadline = challenge.response_deadline.strftime("%Y-%m-%d %H:%M UTC")
    queued = 0
    for org_id in smes:
        queued += len(
            notify_organization(
                session,
                org_id,
                topic="challenge.published",
                subject=f"新{kind}：{need.title}",
                text=f"{buyer.name}发布了{kind}“{need.title}”，与您的能力画像相符。\n"
                f"截止时间：{deadline}\n请登录平台查看榜单并揭榜。",
                dedupe=f"challenge.published:{challenge.id}:{org_id}",
            )
        )
    return queued


def response_filed(session: Session, challenge: Challenge, sme: Organization) -> None:
    """Tell the buyer that an SME responded."""
    notify_organization(
        session,
        challenge.organization_id,
        topic="challenge.response",
        subject=f"新的揭榜响应：{sme.name}",
        text=f"{sme.name}响应了您的榜单（编号 {challenge.id}）。\n请登录平台查看并评审。",
        dedupe=f"challenge.response:{challenge.id}:{sme.id}",
    )


def clarification(session: Session, challenge: Challenge, to_org: int, asked: bool) -> None:
    """Tell the other side of a response thread that a question (or an answer) is waiting."""
    what = "澄清问题" if asked else "澄清回复"
    notify_organization(
        session,
        to_org,
        topic="challenge.clarification",
        subject=f"榜单 {challenge.id} 有新的{what}",
        text=f"榜单（编号 {challenge.id}）有新的{what}，请登录平台查看并回复。",
    )


def result(
    session: Session,
    challenge: Challenge,
    need: SupplyNeed,
    buyer: Organization,
    selected: Iterable[int],
    not_selected: Iterable[int],
    note: str,
) -> None:
    """Announce the selection: congratulations to the selected, thanks to the others."""
    extra = f"\n{note}" if note else ""
    for org_id in selected:
        notify_organization(
            session,
            org_id,
            topic="challenge.result",
            subject=f"揭榜结果：您已入选“{need.title}”",
            text=f"恭喜！{buyer.name}在“{need.title}”的遴选中选择了您的方案。{extra}\n"
            "双方已建立意向对接，请登录平台跟进。",
            dedupe=f"challenge.result:{challenge.id}:{org_id}",
        )
    for org_id in not_selected:
        notify_organization(
            session,
            org_id,
            topic="challenge.result",
            subject=f"揭榜结果：“{need.title}”",
            text=f"感谢您参与{buyer.name}“{need.title}”的揭榜。经综合评审，本次未能入选。"
            "您的方案给我们留下了印象，期待今后继续合作。",
            dedupe=f"challenge.result:{challenge.id}:{org_id}",
        )
