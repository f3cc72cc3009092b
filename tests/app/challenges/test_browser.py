"""The whole 揭榜挂帅 flow in headless Chromium: the buyer posts a challenge, three SMEs
accept the terms and respond with files, the buyer compares, asks, selects, and the others
are told. Runs on SQLite and on PostgreSQL (``XIESHOU_TEST_DATABASE_URL``)."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from app.models import Deal, OutboxMessage
from app.platform.db import make_sessionmaker
from tests.app.challenges import files
from tests.app.challenges.helpers import close, need, profile, third_sme
from tests.app.factories import Actor, World
from tests.app.servers import serving_in_thread
from tests.app.web.test_browser import _sign_in, chromium  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    """The app over real HTTP."""
    with serving_in_thread(app) as base:
        yield base


def _page(chromium: Any, base: str, actor: Actor) -> tuple[Any, Any]:  # noqa: F811
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, base, actor.key)
    return context, page


def test_a_buyer_posts_three_smes_respond_with_files_and_the_buyer_selects(
    chromium: Any,  # noqa: F811
    live: str,
    client: TestClient,
    world: World,
    engine: Engine,
    tmp_path: Path,
) -> None:
    base = live
    sme_c = third_sme(client, world, engine)
    smes = [world.sme_a, world.sme_b, sme_c]
    for actor in smes:
        profile(client, actor, ["谐波减速器"])
    need_id = need(client, world.firm_a)

    # the buyer posts
    context, page = _page(chromium, base, world.firm_a)
    page.click("header nav a:has-text('揭榜')")
    page.click(f"a[href='/needs/{need_id}/challenge']")
    page.fill("textarea[name=goals]", "谐波减速器寿命提升到 2 万小时")
    page.fill("textarea[name=indicators]", "寿命：2万小时")
    page.fill("input[name=budget_max_wan]", "200")
    page.click("#challenge-form button[type=submit]")
    page.wait_for_url("**/challenges/*?done=published")
    challenge_id = int(page.url.split("/challenges/")[1].split("?")[0])
    assert "征集中" in page.inner_text("#challenge-status")
    context.close()

    # three SMEs accept the terms and respond, each with a file
    uploads = [
        ("攻关方案（甲）.pdf", files.pdf()),
        ("团队介绍.docx", files.docx()),
        ("样品照片.png", files.png()),
    ]
    for i, actor in enumerate(smes):
        context, page = _page(chromium, base, actor)
        page.goto(f"{base}/challenges/{challenge_id}")
        page.click("#terms button[type=submit]")
        page.wait_for_url("**?done=terms#respond")
        page.fill("textarea[name=summary]", f"方案 {i + 1}：新型柔轮材料")
        page.fill("textarea[name=commitments]", "寿命：2.2万小时")
        page.fill("input[name=price_min_wan]", str(80 + 10 * i))
        page.fill("input[name=price_max_wan]", str(120 + 10 * i))
        page.click("#response-form button[type=submit]")
        page.wait_for_url("**?done=responded#mine")
        name, data = uploads[i]
        path = tmp_path / name
        path.write_bytes(data)
        page.set_input_files("#attach input[type=file]", str(path))
        page.click("#attach button[type=submit]")
        page.wait_for_url("**?done=attached#mine")
        assert name in page.inner_text("ul.attachments")
        context.close()

    # the buyer compares, scores, asks and downloads
    context, page = _page(chromium, base, world.firm_a)
    page.goto(f"{base}/challenges/{challenge_id}")
    rows = page.locator("table.comparison tbody tr")
    assert rows.count() == 3
    response_ids = [int(rows.nth(i).get_attribute("data-response")) for i in range(3)]
    for rid, (tech, price) in zip(response_ids, ((90, 70), (60, 80), (70, 50)), strict=True):
        page.goto(f"{base}/responses/{rid}")
        page.fill("input[name=score_0]", str(tech))
        page.fill("input[name=score_1]", str(price))
        page.click("#scores button[type=submit]")
        page.wait_for_url("**?done=scored")
    page.fill("#ask textarea[name=body]", "寿命试验按什么标准？")
    page.click("#ask button[type=submit]")
    page.wait_for_url("**?done=asked#thread")
    with page.expect_download() as download:
        page.click("ul.attachments a")
    assert Path(download.value.path()).read_bytes() == files.png()
    assert download.value.suggested_filename == "样品照片.png"

    page.goto(f"{base}/challenges/{challenge_id}")
    first = page.locator("table.comparison tbody tr").nth(0)
    assert first.get_attribute("data-response") == str(response_ids[0])  # 90×.6 + 70×.4 = 82
    assert "82" in first.inner_text()
    with page.expect_download() as download:
        page.click("#comparison-xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    assert [r[0] for r in list(sheet.iter_rows(values_only=True))[1:]] == [
        response_ids[0],
        response_ids[1],
        response_ids[2],
    ]
    context.close()

    # the third SME answers the question
    context, page = _page(chromium, base, sme_c)
    page.goto(f"{base}/challenges/{challenge_id}")
    assert "寿命试验按什么标准？" in page.inner_text("ul.thread")
    page.fill("#reply textarea[name=body]", "按 GB/T 35089")
    page.click("#reply button[type=submit]")
    page.wait_for_url("**?done=asked#thread")
    context.close()

    # after the deadline the buyer selects the first; the others are told
    close(engine, challenge_id)
    context, page = _page(chromium, base, world.firm_a)
    page.goto(f"{base}/challenges/{challenge_id}")
    page.check(f"#selection input[value='{response_ids[0]}']")
    page.fill("#selection input[name=note]", "请于两周内联系")
    page.click("#selection button[type=submit]")
    page.wait_for_url("**?done=selected")
    assert "已遴选" in page.inner_text("#challenge-status")
    context.close()

    with make_sessionmaker(engine)() as session:
        told = dict(
            session.execute(
                select(OutboxMessage.organization_id, OutboxMessage.subject).where(
                    OutboxMessage.topic == "challenge.result"
                )
            ).all()
        )
        deals = session.scalars(select(Deal)).all()
    winner = client.get(f"/api/v1/responses/{response_ids[0]}", headers=world.firm_a.headers)
    winner_org = winner.json()["organization_id"]
    assert set(told) == {a.org_id for a in smes}
    assert "入选" in told[winner_org]
    assert [(d.sme_organization_id, d.stage) for d in deals] == [(winner_org, "intent")]

    # a losing SME sees the polite result on its page
    loser = next(a for a in smes if a.org_id != winner_org)
    context, page = _page(chromium, base, loser)
    page.goto(f"{base}/challenges/{challenge_id}")
    assert "未入选" in page.inner_text("#my-status")
    context.close()
