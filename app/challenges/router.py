"""HTTP routes for challenges (榜单 / 询价), responses, attachments, review and selection
(thin: parse, call, shape)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from app.attachments import service as attachments
from app.attachments.storage import Storage, from_settings
from app.auth.dependencies import CallerDep, SessionDep
from app.challenges import access, exports, review, service
from app.challenges.schemas import (
    AttachmentRead,
    ChallengeCreate,
    ChallengeRead,
    ClarificationRead,
    ClarificationWrite,
    Comparison,
    ResponseDetail,
    ResponseRead,
    ResponseWrite,
    ScoreRead,
    ScoresWrite,
    SelectionRead,
    SelectionWrite,
    ShortlistWrite,
    TermsAccept,
    TermsAcceptanceRead,
)
from app.errors import problem_responses
from app.fields import IdParam
from app.models import ChallengeStatus
from app.models.base import utcnow
from app.pagination import Page, PageDep

router = APIRouter(tags=["challenges"], responses=problem_responses(401, 422))


def storage_of(request: Request) -> Storage:
    """The app's attachment backend (made on first use from its settings)."""
    state = request.app.state
    backend: Storage | None = getattr(state, "attachment_storage", None)
    if backend is None:
        backend = from_settings(state.settings)
        state.attachment_storage = backend
    return backend


@router.post(
    "/needs/{need_id:int}/challenge",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409),
    summary="发榜: publish an open need as a challenge (技术攻关/补链) or a request for quotation "
    "(配套); the fitting SMEs are told",
)
def publish(
    need_id: IdParam,
    body: ChallengeCreate,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ChallengeRead:
    now = utcnow()
    challenge = service.publish(session, caller, need_id, body, now)
    settings = request.app.state.settings
    service.announce(
        session,
        challenge,
        request.app.state.matching,
        min_score=settings.digest_min_score,
        today=date.today(),
    )
    response.headers["Location"] = f"/api/v1/challenges/{challenge.id}"
    return service.read(session, caller, challenge.id, now)


@router.get("/challenges", summary="Challenges you may see (SMEs: open ones and invitations)")
def list_challenges(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    status: ChallengeStatus | None = None,
    mine: bool = False,
) -> Page[ChallengeRead]:
    return service.list_page(session, caller, paging, utcnow(), status=status, mine=mine)


@router.get(
    "/challenges/{challenge_id:int}", responses=problem_responses(404), summary="A challenge"
)
def read_challenge(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> ChallengeRead:
    return service.read(session, caller, challenge_id, utcnow())


@router.post(
    "/challenges/{challenge_id:int}/terms-acceptance",
    responses=problem_responses(403, 404, 409),
    summary="Accept the challenge's confidentiality terms (that version); recorded with the time",
)
def accept_terms(
    challenge_id: IdParam, body: TermsAccept, session: SessionDep, caller: CallerDep
) -> TermsAcceptanceRead:
    return service.accept_terms(session, caller, challenge_id, body.terms_version)


@router.post(
    "/challenges/{challenge_id:int}/responses",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409),
    summary="揭榜: respond with a proposal (or a quotation) before the deadline",
)
def respond(
    challenge_id: IdParam,
    body: ResponseWrite,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ResponseDetail:
    row = service.respond(session, caller, challenge_id, body, utcnow())
    response.headers["Location"] = f"/api/v1/responses/{row.id}"
    return service.detail(session, caller, row)


@router.get(
    "/challenges/{challenge_id:int}/responses",
    responses=problem_responses(404),
    summary="The responses you may see (the buyer's side: all; an SME: its own)",
)
def list_responses(
    challenge_id: IdParam, session: SessionDep, caller: CallerDep, paging: PageDep
) -> Page[ResponseRead]:
    return service.responses_page(session, caller, challenge_id, paging)


@router.get(
    "/responses/{response_id:int}",
    responses=problem_responses(404),
    summary="A response with all its kept revisions",
)
def read_response(response_id: IdParam, session: SessionDep, caller: CallerDep) -> ResponseDetail:
    return service.detail(session, caller, access.get_response(session, caller, response_id))


@router.put(
    "/responses/{response_id:int}",
    responses=problem_responses(403, 404, 409),
    summary="Revise your response before the deadline (a new revision; the old ones are kept)",
)
def revise(
    response_id: IdParam, body: ResponseWrite, session: SessionDep, caller: CallerDep
) -> ResponseDetail:
    row = service.revise(session, caller, response_id, body, utcnow())
    return service.detail(session, caller, row)


@router.post(
    "/responses/{response_id:int}/withdrawal",
    responses=problem_responses(403, 404, 409),
    summary="Withdraw your response before the deadline",
)
def withdraw(response_id: IdParam, session: SessionDep, caller: CallerDep) -> ResponseDetail:
    row = service.withdraw(session, caller, response_id, utcnow())
    return service.detail(session, caller, row)


@router.post(
    "/responses/{response_id:int}/attachments",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409, 413),
    summary="Attach a file (PDF, DOCX, XLSX, PNG, JPEG: judged by its content) to your response",
)
def add_attachment(
    response_id: IdParam,
    file: Annotated[UploadFile, File(description="PDF, DOCX, XLSX, PNG or JPEG")],
    request: Request,
    session: SessionDep,
    caller: CallerDep,
) -> AttachmentRead:
    settings = request.app.state.settings
    row = attachments.add(
        session,
        caller,
        response_id,
        attachments.Upload(file.filename or "附件", file.file),
        storage_of(request),
        max_bytes=settings.max_attachment_bytes,
        max_count=settings.max_attachments,
        now=utcnow(),
    )
    return service.attachment_reads(session, [row.id])[row.id]


@router.get(
    "/attachments/{attachment_id:int}",
    responses=problem_responses(404),
    summary="Download an attachment (audited); the name survives in RFC 5987 filename*",
    response_class=StreamingResponse,
)
def download_attachment(
    attachment_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> StreamingResponse:
    row, chunks = attachments.download(session, caller, attachment_id, storage_of(request))
    session.commit()  # the audit entry stands even if the client stops reading
    return StreamingResponse(
        chunks,
        media_type=row.media_type,
        headers={
            "Content-Disposition": attachments.content_disposition(row.filename),
            "Content-Length": str(row.size_bytes),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    "/attachments/{attachment_id:int}",
    responses=problem_responses(403, 404, 409),
    summary="Take a file off your response (a new revision; earlier revisions keep it)",
)
def remove_attachment(
    attachment_id: IdParam, session: SessionDep, caller: CallerDep
) -> ResponseDetail:
    row = attachments.remove(session, caller, attachment_id, utcnow())
    return service.detail(session, caller, row)


@router.put(
    "/responses/{response_id:int}/scores",
    responses=problem_responses(403, 404, 409),
    summary="Score a response against the criteria (the buyer's reviewers; one score each)",
)
def score(
    response_id: IdParam, body: ScoresWrite, session: SessionDep, caller: CallerDep
) -> list[ScoreRead]:
    return review.score(session, caller, response_id, body)


@router.get(
    "/responses/{response_id:int}/scores",
    responses=problem_responses(403, 404),
    summary="The reviewers' scores of a response (the buyer's side)",
)
def scores(response_id: IdParam, session: SessionDep, caller: CallerDep) -> list[ScoreRead]:
    return review.scores_of(session, caller, response_id)


@router.put(
    "/responses/{response_id:int}/shortlist",
    responses=problem_responses(403, 404),
    summary="Put a response on the buyer's shortlist (入围) or take it off",
)
def set_shortlist(
    response_id: IdParam, body: ShortlistWrite, session: SessionDep, caller: CallerDep
) -> ResponseRead:
    row = review.shortlist(session, caller, response_id, body.shortlisted)
    return service.response_reads(session, caller, [row])[0]


@router.post(
    "/responses/{response_id:int}/clarifications",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404),
    summary="Ask (buyer) or answer (the SME) on the response's clarification thread",
)
def clarify(
    response_id: IdParam, body: ClarificationWrite, session: SessionDep, caller: CallerDep
) -> ClarificationRead:
    return review.clarify(session, caller, response_id, body)


@router.get(
    "/responses/{response_id:int}/clarifications",
    responses=problem_responses(404),
    summary="The response's clarification thread",
)
def clarifications(
    response_id: IdParam, session: SessionDep, caller: CallerDep
) -> list[ClarificationRead]:
    return review.thread(session, caller, response_id)


@router.get(
    "/challenges/{challenge_id:int}/comparison",
    responses=problem_responses(403, 404),
    summary="Responses × criteria with weighted totals, quotes side by side (the buyer's side)",
)
def comparison(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> Comparison:
    return review.comparison(session, caller, challenge_id)


@router.get(
    "/challenges/{challenge_id:int}/comparison.xlsx",
    responses=problem_responses(403, 404),
    summary="The comparison table as an XLSX workbook",
    response_class=Response,
)
def comparison_xlsx(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> Response:
    table = review.comparison(session, caller, challenge_id)
    return Response(
        exports.comparison_xlsx(table),
        media_type=exports.XLSX_TYPE,
        headers={
            "Content-Disposition": attachments.content_disposition(f"比选表-{challenge_id}.xlsx")
        },
    )


@router.post(
    "/challenges/{challenge_id:int}/selection",
    responses=problem_responses(403, 404, 409),
    summary="遴选: select responses after the deadline; deals at 意向, every responder told",
)
def select(
    challenge_id: IdParam, body: SelectionWrite, session: SessionDep, caller: CallerDep
) -> SelectionRead:
    now = utcnow()
    challenge, chosen, others = review.select_responses(session, caller, challenge_id, body, now)
    return SelectionRead(
        challenge=service.read(session, caller, challenge.id, now),
        selected=service.response_reads(session, caller, chosen),
        not_selected=others,
    )
