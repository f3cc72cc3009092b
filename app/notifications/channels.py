"""The channels: e-mail over SMTP, and a signed JSON webhook for SMS / WeChat gateways."""

import hashlib
import hmac
import json
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from app.models.notification import OutboxMessage

#: Seconds a channel waits for its server before the attempt counts as failed.
TIMEOUT_S = 30.0
SIGNATURE_HEADER = "X-Xieshou-Signature"
TIMESTAMP_HEADER = "X-Xieshou-Timestamp"
DELIVERY_HEADER = "X-Xieshou-Delivery"


class DeliveryError(Exception):
    """A channel did not take a message (the sender retries later)."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where e-mail goes, from ``XIESHOU_SMTP_URL``."""

    host: str
    port: int
    tls: bool  # TLS from the first byte (smtps://)
    starttls: bool
    username: str | None
    password: str | None
    sender: str
    cafile: str | None

    @classmethod
    def parse(cls, url: str) -> "SmtpConfig":
        """Read ``smtp://user:pass@host:587?starttls=1`` (or ``smtps://…``; ``from=``, ``cafile=``).

        Raises :class:`ValueError` naming what is wrong (never echoing the password).
        """
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("XIESHOU_SMTP_URL must look like smtp://user:pass@host:587")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        tls = parts.scheme == "smtps"
        starttls = not tls and query.get("starttls", "0").lower() in ("1", "true", "yes")
        port = parts.port or (465 if tls else 587 if starttls else 25)
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        sender = query.get("from") or f"noreply@{parts.hostname}"
        return cls(
            parts.hostname, port, tls, starttls, username, password, sender, query.get("cafile")
        )

    def tls_context(self) -> ssl.SSLContext:
        """Certificates checked against the system's roots, or ``cafile`` when given."""
        return ssl.create_default_context(cafile=self.cafile)


def build_email(
    row: OutboxMessage, *, sender: str, unsubscribe_url: str | None, host: str
) -> EmailMessage:
    """The e-mail for an outbox row: plain Chinese text, the .ics attached, one-click unsubscribe.

    ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` follow RFC 8058, so mail apps offer a
    退订 button that works without signing in. The Message-ID is the row's, so a server that
    sees the same message again can tell.
    """
    assert row.to_email is not None
    mail = EmailMessage()
    mail["From"] = formataddr(("携手平台", sender))
    mail["To"] = row.to_email
    mail["Subject"] = row.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = f"<outbox-{row.id}@{host}>"
    text = row.text
    if unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text += f"\n\n退订此类通知：{unsubscribe_url}"
    mail.set_content(text, subtype="plain", charset="utf-8")
    if row.ics:
        method = "CANCEL" if "METHOD:CANCEL" in row.ics else "REQUEST"
        mail.add_attachment(
            row.ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="meeting.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return mail


class Mailer:
    """One SMTP connection kept for a sender's pass (STARTTLS and AUTH done once), opened on
    the first message and re-opened if the server dropped it."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=TIMEOUT_S, context=config.tls_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S)
        try:
            client.ehlo()
            if config.starttls:
                client.starttls(context=config.tls_context())
                client.ehlo()
            if config.username:
                client.login(config.username, config.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, mail: EmailMessage) -> None:
        """Hand ``mail`` to the server; :class:`DeliveryError` if it did not take it."""
        config = self.config
        try:
            if self._client is not None:
                try:
                    self._client.send_message(mail)
                    return
                except smtplib.SMTPServerDisconnected:
                    self._client = None  # the server closed an idle connection: open anew
            self._client = self._connect()
            self._client.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(f"SMTP {config.host}:{config.port}: {type(exc).__name__}") from exc

    def close(self) -> None:
        """Say QUIT (if connected)."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def send_email(config: SmtpConfig, mail: EmailMessage) -> None:
    """Hand ``mail`` to the SMTP server on a connection of its own."""
    mailer = Mailer(config)
    try:
        mailer.send(mail)
    finally:
        mailer.close()


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The webhook signature: ``sha256=`` and the hex HMAC-SHA256 of ``timestamp.body``."""
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: bytes,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    tolerance_s: float = 300,
    now: float | None = None,
) -> bool:
    """True if a webhook request is genuine and fresh (what a gateway should check).

    The timestamp must be within ``tolerance_s`` of now, so a captured request cannot be
    replayed later; the signature covers the timestamp and the body.
    """
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def webhook_payload(row: OutboxMessage) -> dict[str, object]:
    """What a gateway gets: who, what, and the short Chinese text to send."""
    return {
        "id": row.id,
        "topic": row.topic,
        "to_phone": row.to_phone,
        "to_email": row.to_email,
        "organization_id": row.organization_id,
        "user_id": row.user_id,
        "subject": row.subject,
        "text": row.text,
    }


def send_webhook(url: str, secret: bytes, row: OutboxMessage) -> None:
    """POST the row as signed JSON; anything but a 2xx answer is a failed attempt."""
    body = json.dumps(webhook_payload(row), ensure_ascii=False).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: str(row.id),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook: {type(exc).__name__}") from exc
    if not response.is_success:
        raise DeliveryError(f"webhook answered {response.status_code}")
