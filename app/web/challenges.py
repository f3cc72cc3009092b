"""揭榜挂帅 / 询价 in the console, for both sides. The buyer publishes a need as a challenge,
reads the responses, scores them, asks, compares (and exports) and selects; an SME reads the
terms, accepts them, responds with files, revises, answers and learns the result. Every read
and write goes through :mod:`app.challenges` with the viewer's principal, as the API does."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select

from app.auth.dependencies import SessionDep
from app.challenges import access, attachments, exports, review, service
from app.challenges.router import storage_of
from app.challenges.schemas import (
    ChallengeCreate,
    ClarificationWrite,
    ResponseWrite,
    ScoresWrite,
    SelectionWrite,
)
from app.errors import InvalidInput, ProblemError
from app.fields import IdParam
from app.matches.turns import in_turn, shortlist_call
from app.models import (
    Challenge,
    ChallengeKind,
    NeedStatus,
    Organization,
    ResponseStatus,
    SupplyNeed,
)
from app.models.base import utcnow
from app.needs import service as needs
from app.pagination import PageParams
from app.web.pages import TEMPLATES, FormViewerDep, PageRoute, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: 北京时间: what the console's deadline field means.
CST = dt.timezone(dt.timedelta(hours=8))


def beijing(moment: dt.datetime) -> str:
    """``2027-01-31 16:00``: a time as the console shows it (北京时间)."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


TEMPLATES.env.globals["bj"] = beijing


def _parse(model: Any, data: dict[str, Any]) -> Any:
    """The form as ``model``; the first invalid field as a 422 page naming it."""
    try:
        return model.model_validate(data, strict=False)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(
            "body." + ".".join(str(p) for p in err["loc"]), str(err.get("msg", ""))
        ) from exc


def _pairs(text: str, second: str) -> list[dict[str, str]]:
    """Lines ``名称：值`` (or ``名称=值``) as ``[{"name", second}]``."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for sep in ("：", ":", "="):
            if sep in line:
                name, _, value = line.partition(sep)
                out.append({"name": name.strip(), second: value.strip()})
                break
        else:
            out.append({"name": line, second: ""})
    return out


def _blank(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None)}


@router.get("/challenges", response_class=HTMLResponse)
def challenge_list(
    request: Request, session: SessionDep, viewer: ViewerDep, page: int = 1
) -> HTMLResponse:
    """The challenges the viewer may see (an SME: the open ones and its invitations)."""
    paging = PageParams(page=max(page, 1), page_size=50)
    listed = service.list_page(session, viewer.principal, paging, utcnow())
    postable: list[SupplyNeed] = []
    if viewer.org_id is not None and viewer.org_kind == "large_firm":
        taken = select(Challenge.need_id)
        postable = list(
            session.scalars(
                select(SupplyNeed)
                .where(
                    SupplyNeed.organization_id == viewer.org_id,
                    SupplyNeed.status == NeedStatus.open.value,
                    SupplyNeed.id.not_in(taken),
                )
                .order_by(SupplyNeed.id.desc())
                .limit(50)
            )
        )
    return render(request, "challenges.html", viewer, page=listed, postable=postable)


@router.get("/needs/{need_id:int}/challenge", response_class=HTMLResponse)
def challenge_form(
    request: Request, session: SessionDep, viewer: ViewerDep, need_id: IdParam
) -> HTMLResponse:
    """The form to publish the need as a challenge (or a request for quotation)."""
    need = needs.get_visible(session, viewer.principal, need_id)
    quotation = service.KIND_OF_NEED[need.kind] is ChallengeKind.quotation
    deadline = (dt.datetime.now(CST) + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    try:  # the need's shortlist, to invite from (a firm that may not see it invites by id)
        ranked = in_turn(
            request,
            shortlist_call(
                request,
                session,
                viewer.principal,
                need_id,
                limit=20,
                region=None,
                tier=None,
                min_score=None,
                log_views=False,
            ),
        ).items
    except ProblemError:
        ranked = []
    candidates = [(e.organization.id, e.organization.name, e.score) for e in ranked]
    return render(
        request,
        "challenge_form.html",
        viewer,
        need=need,
        quotation=quotation,
        deadline=deadline,
        candidates=candidates,
    )


@router.post("/needs/{need_id:int}/challenge")
def challenge_publish(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    need_id: IdParam,
    response_deadline: Annotated[str, Form()],
    goals: Annotated[str, Form()] = "",
    indicators: Annotated[str, Form()] = "",
    criteria: Annotated[str, Form()] = "",
    budget_min_wan: Annotated[str, Form()] = "",
    budget_max_wan: Annotated[str, Form()] = "",
    access_kind: Annotated[str, Form(alias="access")] = "open",
    invited: Annotated[str, Form()] = "",
    invite: Annotated[list[str] | None, Form()] = None,
    terms_text: Annotated[str, Form()] = "",
) -> Response:
    """Publish the need as a challenge; the fitting SMEs are told."""
    try:
        deadline = dt.datetime.fromisoformat(response_deadline)
    except ValueError:
        raise InvalidInput("body.response_deadline", "请填写截止时间") from None
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=CST)
    weights = [
        {"name": c["name"], "weight": c["weight"].rstrip("%％ ")}
        for c in _pairs(criteria, "weight")
    ]
    typed = [x.strip() for x in invited.replace("，", ",").split(",")]
    ids = [int(x) for x in [*typed, *(invite or [])] if x.isdigit() and len(x) < 10]
    data = _parse(
        ChallengeCreate,
        _blank(
            {
                "goals": goals,
                "indicators": _pairs(indicators, "target"),
                "criteria": weights,
                "budget_min_wan": budget_min_wan,
                "budget_max_wan": budget_max_wan,
                "response_deadline": deadline,
                "access": access_kind,
                "invited_organization_ids": ids,
                "terms_text": terms_text,
            }
        ),
    )
    now = utcnow()
    challenge = service.publish(session, viewer.principal, need_id, data, now)
    settings = request.app.state.settings
    service.announce(
        session,
        challenge,
        request.app.state.matching,
        min_score=settings.digest_min_score,
        today=dt.date.today(),
    )
    return redirect(f"/challenges/{challenge.id}?done=published")


@router.get("/challenges/{challenge_id:int}", response_class=HTMLResponse)
def challenge_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    challenge_id: IdParam,
    done: str = "",
) -> HTMLResponse:
    """The challenge: for the buyer's side its responses and the comparison; for an SME the
    terms, its response and the form."""
    now = utcnow()
    row = access.get_challenge(session, viewer.principal, challenge_id)
    challenge = service.read(session, viewer.principal, challenge_id, now)
    need = session.get(SupplyNeed, row.need_id)
    buyer = session.get(Organization, row.organization_id)
    inside = buyer is not None and access.buyer_side(viewer.principal, row, buyer)
    context: dict[str, Any] = {
        "challenge": challenge,
        "need": need,
        "inside": inside,
        "is_buyer": access.is_buyer(viewer.principal, row),
        "done": done,
        "now": now,
    }
    if inside:
        table = review.comparison(session, viewer.principal, challenge_id)
        context["table"] = table
        context["header"] = exports.header(table)
        context["rows"] = exports.rows(table)
        context["selectable"] = [r for r in table.rows if r.status is ResponseStatus.submitted]
    else:
        mine = None
        if challenge.my_response_id is not None:
            mine = service.detail(
                session,
                viewer.principal,
                access.get_response(session, viewer.principal, challenge.my_response_id),
            )
        context["mine"] = mine
        context["thread"] = (
            review.thread(session, viewer.principal, mine.id) if mine is not None else []
        )
    return render(request, "challenge.html", viewer, **context)


@router.post("/challenges/{challenge_id:int}/terms")
def terms_accept(
    session: SessionDep,
    viewer: FormViewerDep,
    challenge_id: IdParam,
    terms_version: Annotated[int, Form()],
) -> Response:
    """The SME's click-through of the confidentiality terms."""
    service.accept_terms(session, viewer.principal, challenge_id, terms_version)
    return redirect(f"/challenges/{challenge_id}?done=terms#respond")


def _response_body(kind: str, form: dict[str, str]) -> dict[str, Any]:
    if kind == ChallengeKind.quotation.value:
        keys: tuple[str, ...] = (
            "unit_price_yuan",
            "price_unit",
            "moq",
            "lead_time_days",
            "valid_until",
            "payment_term_days",
            "delivery_terms",
            "note",
        )
        return {"quotation": _blank({k: form.get(k, "") for k in keys})}
    keys = (
        "summary",
        "technical_route",
        "duration_days",
        "price_min_wan",
        "price_max_wan",
        "team",
        "prior_cases",
    )
    body = _blank({k: form.get(k, "") for k in keys})
    body["commitments"] = [
        {"indicator": p["name"], "value": p["value"]}
        for p in _pairs(form.get("commitments", ""), "value")
    ]
    return {"proposal": body}


@router.post("/challenges/{challenge_id:int}/respond")
async def respond(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    challenge_id: IdParam,
) -> Response:
    """File or revise the SME's response (揭榜对接表 or 报价)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    now = utcnow()
    row = access.get_challenge(session, viewer.principal, challenge_id)
    data = _parse(
        ResponseWrite,
        _response_body(row.kind, form) | _blank({"note": form.get("revision_note", "")}),
    )
    mine = service.read(session, viewer.principal, challenge_id, now).my_response_id
    if mine is not None and form.get("action") != "refile":
        response = access.get_response(session, viewer.principal, mine)
        if response.status == ResponseStatus.submitted.value:
            service.revise(session, viewer.principal, mine, data, now)
            return redirect(f"/challenges/{challenge_id}?done=revised#mine")
    service.respond(session, viewer.principal, challenge_id, data, now)
    return redirect(f"/challenges/{challenge_id}?done=responded#mine")


@router.post("/responses/{response_id:int}/withdraw")
def withdraw(session: SessionDep, viewer: FormViewerDep, response_id: IdParam) -> Response:
    """Withdraw the SME's response."""
    row = service.withdraw(session, viewer.principal, response_id, utcnow())
    return redirect(f"/challenges/{row.challenge_id}?done=withdrawn#mine")


@router.post("/console/responses/{response_id:int}/attachments")
def attach(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    response_id: IdParam,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Attach a file to the SME's response."""
    settings = request.app.state.settings
    row = attachments.add(
        session,
        viewer.principal,
        response_id,
        attachments.Upload(file.filename or "附件", file.file),
        storage_of(request),
        max_bytes=settings.max_attachment_bytes,
        max_count=settings.max_attachments,
        now=utcnow(),
    )
    response = access.get_response(session, viewer.principal, row.response_id)
    return redirect(f"/challenges/{response.challenge_id}?done=attached#mine")


@router.get("/attachments/{attachment_id:int}")
def download(
    request: Request, session: SessionDep, viewer: ViewerDep, attachment_id: IdParam
) -> StreamingResponse:
    """Download an attachment (audited)."""
    row, chunks = attachments.download(
        session, viewer.principal, attachment_id, storage_of(request)
    )
    session.commit()
    return StreamingResponse(
        chunks,
        media_type=row.media_type,
        headers={
            "Content-Disposition": attachments.content_disposition(row.filename),
            "Content-Length": str(row.size_bytes),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/responses/{response_id:int}", response_class=HTMLResponse)
def response_page(
    request: Request, session: SessionDep, viewer: ViewerDep, response_id: IdParam, done: str = ""
) -> HTMLResponse:
    """One response for the buyer's side: content, files, revisions, scores and the thread."""
    row = access.get_response(session, viewer.principal, response_id)
    challenge = service.read(session, viewer.principal, row.challenge_id, utcnow())
    detail = service.detail(session, viewer.principal, row)
    buyer = service.get_challenge_of(session, row)
    is_buyer = access.is_buyer(viewer.principal, buyer)
    scores = (
        review.scores_of(session, viewer.principal, response_id)
        if detail.shortlisted is not None
        else []
    )
    return render(
        request,
        "challenge_response.html",
        viewer,
        challenge=challenge,
        response=detail,
        scores=scores,
        thread=review.thread(session, viewer.principal, response_id),
        is_buyer=is_buyer,
        done=done,
    )


@router.post("/responses/{response_id:int}/scores")
async def score(
    request: Request, session: SessionDep, viewer: FormViewerDep, response_id: IdParam
) -> Response:
    """The reviewer's scores (one per criterion; blank ones left out)."""
    form = await request.form()
    items = []
    for key, value in form.items():
        if key.startswith("score_") and isinstance(value, str) and value.strip():
            items.append({"criterion": key.removeprefix("score_"), "score": value.strip()})
    data = _parse(ScoresWrite, {"scores": items})
    review.score(session, viewer.principal, response_id, data)
    return redirect(f"/responses/{response_id}?done=scored")


@router.post("/responses/{response_id:int}/shortlist")
def shortlist(
    session: SessionDep,
    viewer: FormViewerDep,
    response_id: IdParam,
    on: Annotated[str, Form()] = "",
) -> Response:
    """Put the response on the shortlist (入围) or take it off."""
    row = review.shortlist(session, viewer.principal, response_id, on == "1")
    return redirect(f"/challenges/{row.challenge_id}?done=shortlisted#comparison")


@router.post("/responses/{response_id:int}/clarifications")
def clarify(
    session: SessionDep,
    viewer: FormViewerDep,
    response_id: IdParam,
    body: Annotated[str, Form()],
    parent_id: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Ask or answer on the response's thread."""
    data = _parse(ClarificationWrite, _blank({"body": body, "parent_id": parent_id}))
    review.clarify(session, viewer.principal, response_id, data)
    row = access.get_response(session, viewer.principal, response_id)
    if back == "challenge":
        return redirect(f"/challenges/{row.challenge_id}?done=asked#thread")
    return redirect(f"/responses/{response_id}?done=asked#thread")


@router.post("/challenges/{challenge_id:int}/selection")
async def selection(
    request: Request, session: SessionDep, viewer: FormViewerDep, challenge_id: IdParam
) -> Response:
    """Select the ticked responses; every responder is told."""
    form = await request.form()
    ids = [v for k, v in form.multi_items() if k == "response_id" and isinstance(v, str)]
    note = form.get("note", "")
    data = _parse(
        SelectionWrite, {"response_ids": ids, "note": note if isinstance(note, str) else ""}
    )
    review.select_responses(session, viewer.principal, challenge_id, data, utcnow())
    return redirect(f"/challenges/{challenge_id}?done=selected")


@router.get("/challenges/{challenge_id:int}/comparison.xlsx")
def comparison_xlsx(session: SessionDep, viewer: ViewerDep, challenge_id: IdParam) -> Response:
    """The comparison table as XLSX."""
    table = review.comparison(session, viewer.principal, challenge_id)
    return Response(
        exports.comparison_xlsx(table),
        media_type=exports.XLSX_TYPE,
        headers={
            "Content-Disposition": attachments.content_disposition(f"比选表-{challenge_id}.xlsx")
        },
    )
