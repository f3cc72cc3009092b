"""Attachments of responses: upload (limits, type from content), download (audited), removal.

An upload is read in chunks into the request's temporary file (never whole into memory),
measured and hashed, its type read from its bytes (:mod:`app.attachments.content`), then
stored in the backend (:mod:`app.attachments.storage`) and recorded. Adding or removing a
file makes a new revision of the response, so earlier revisions keep the files they had
(and those files stay downloadable). Only the responding SME adds or removes, before the
deadline; whoever may read the response may download, and each download is audited.
"""

import datetime as dt
import hashlib
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

from sqlalchemy.orm import Session

from app import audit
from app.attachments.content import ContentLimits, Refused, identify
from app.attachments.storage import Storage
from app.auth.principal import Principal
from app.challenges import access, service
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound, ProblemError
from app.messages import as_text, tr
from app.models import Attachment, ChallengeResponse, ResponseStatus
from app.models.base import utcnow

_CHUNK = 64 << 10
MAX_NAME = 200


class TooLarge(ProblemError):
    """An attachment over a limit (size, pixels, unpacked bytes)."""

    status = 413


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as the client sent it: its name and a readable stream."""

    filename: str
    stream: IO[bytes]


def clean_name(filename: str) -> str:
    """The name without folders or control characters, at most 200 characters; Chinese kept."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    name = name.strip().strip(".") or "附件"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_NAME - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else name[:MAX_NAME]
        )
    return name


def _measure(stream: IO[bytes], limit: int) -> tuple[int, str]:
    stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(
                tr("the file is larger than {limit} bytes", limit=limit),
                errors=[
                    FieldText("body.file", tr("the file is larger than {limit} bytes", limit=limit))
                ],
            )
        digest.update(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def add(
    session: Session,
    caller: Principal,
    response_id: int,
    upload: Upload,
    storage: Storage,
    *,
    max_bytes: int,
    max_count: int,
    now: dt.datetime,
    limits: ContentLimits | None = None,
) -> Attachment:
    """Attach a file to the SME's own response (a new revision); refuse what is not accepted."""
    response = _own_open(session, caller, response_id, now)
    current = service.current_revision(session, response)
    if len(current.attachment_ids) >= max_count:
        raise Conflict(
            tr("a response carries at most {n} files", n=max_count),
            errors=[
                FieldText("body.file", tr("a response carries at most {n} files", n=max_count))
            ],
        )
    size, sha256 = _measure(upload.stream, max_bytes)
    if size == 0:
        raise InvalidInput("body.file", tr("the file is empty"))
    try:
        media_type = identify(upload.stream, size, limits or ContentLimits())
    except Refused as refused:
        kind = TooLarge if refused.too_large else None
        if kind is not None:
            raise TooLarge(
                refused.reason, errors=[FieldText("body.file", as_text(refused.reason))]
            ) from None
        raise InvalidInput("body.file", refused.reason) from None
    key = f"responses/{response.id}/{uuid.uuid4().hex}"
    storage.put(key, upload.stream, media_type)
    row = Attachment(
        response_id=response.id,
        organization_id=response.organization_id,
        filename=clean_name(upload.filename),
        media_type=media_type,
        size_bytes=size,
        sha256=sha256,
        backend=storage.name,
        storage_key=key,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    service.change_attachments(session, caller, response, add=row.id, note=f"附件：{row.filename}")
    audit.record(session, caller, "attachment.add", "attachment", row.id, response_id=response.id)
    return row


def _own_open(
    session: Session, caller: Principal, response_id: int, now: dt.datetime
) -> ChallengeResponse:
    response = access.get_response(session, caller, response_id)
    if not caller.is_admin and caller.organization_id != response.organization_id:
        raise Forbidden(tr("only the responding SME changes its response"))
    challenge = service.get_challenge_of(session, response)
    if not service.accepting(challenge, now):
        raise Conflict(
            tr("the challenge no longer takes responses"),
            errors=[FieldText("path.response_id", tr("the challenge no longer takes responses"))],
        )
    if response.status != ResponseStatus.submitted.value:
        raise Conflict(
            tr("the response was withdrawn"),
            errors=[FieldText("path.response_id", tr("the response was withdrawn"))],
        )
    return response


def remove(
    session: Session, caller: Principal, attachment_id: int, now: dt.datetime
) -> ChallengeResponse:
    """Take a file off the SME's response (a new revision; earlier ones keep it)."""
    row = readable(session, caller, attachment_id)
    response = _own_open(session, caller, row.response_id, now)
    if row.id not in service.current_revision(session, response).attachment_ids:
        raise Conflict(
            tr("the file is not on the current revision"),
            errors=[FieldText("path.attachment_id", tr("the file is not on the current revision"))],
        )
    service.change_attachments(
        session, caller, response, remove=row.id, note=f"移除附件：{row.filename}"
    )
    audit.record(session, caller, "attachment.remove", "attachment", row.id)
    return response


def readable(session: Session, caller: Principal, attachment_id: int) -> Attachment:
    """The attachment if ``caller`` may read its response; 404 otherwise."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound(tr("attachment {id} not found", id=attachment_id))
    try:
        access.get_response(session, caller, row.response_id)
    except NotFound:
        raise NotFound(tr("attachment {id} not found", id=attachment_id)) from None
    return row


def download(
    session: Session, caller: Principal, attachment_id: int, storage: Storage
) -> tuple[Attachment, Iterator[bytes]]:
    """The attachment and its bytes; the download is audited."""
    row = readable(session, caller, attachment_id)
    audit.record(
        session, caller, "attachment.download", "attachment", row.id, response_id=row.response_id
    )
    return row, storage.chunks(row.storage_key)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the real name in RFC 5987 ``filename*``."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
