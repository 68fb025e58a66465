"""Outgoing e-mail through the SMTP server of the ``[mail]`` settings, and the notifications' outbox.

One connection serves a whole batch. A failure is recorded on the notification it concerns (its
``email_error``) and never raised: the in-app notification stays, the other e-mails still go out,
and the next run of a job retries it up to ``mail.max_attempts`` times.
"""
from __future__ import annotations

import html
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Notification, User
from core.models.base import utcnow
from core.services import ServiceError
from core.settings import Settings

log = logging.getLogger("cchc.mail")
FOOTER = "Thư gửi tự động từ CCHC Suite; vui lòng không trả lời thư này."


@dataclass(frozen=True)
class MailConfig:
    enabled: bool
    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    from_address: str
    timeout: int
    max_attempts: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "MailConfig":
        config = cls(**{name: settings[f"mail.{name}"] for name in cls.__dataclass_fields__})
        if config.use_tls and config.use_ssl:
            raise ServiceError("Chỉ bật một trong mail.use_tls (STARTTLS) và mail.use_ssl (SSL) (both set)")
        if config.enabled and (not config.host or "@" not in config.from_address):
            raise ServiceError("Cấu hình thư thiếu mail.host hoặc mail.from_address hợp lệ (mail settings incomplete)")
        return config

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None


def build_message(config: MailConfig, mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.from_address
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())  # no line breaks: they would end the header
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config.from_address.rpartition("@")[2] or None)
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def describe_error(exc: BaseException, config: MailConfig) -> str:
    """A message an operator can act on, in Vietnamese with an English gloss."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"Máy chủ thư {config.server} từ chối đăng nhập của {config.username!r} (SMTP authentication failed)"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Máy chủ thư {config.server} từ chối địa chỉ nhận {', '.join(exc.recipients)} (recipient refused)"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"Máy chủ thư {config.server} từ chối địa chỉ gửi {exc.sender} (sender refused)"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"Máy chủ thư {config.server} không hỗ trợ: {exc} (e.g. STARTTLS; check mail.use_tls)"
    # SMTP errors are OSErrors too; only the ones that are not a server's answer mean "no connection".
    unreachable = isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPResponseException)
    if unreachable or isinstance(exc, smtplib.SMTPConnectError):
        return f"Không kết nối được máy chủ thư {config.server}: {exc} (SMTP server unreachable)"
    if isinstance(exc, ValueError):
        return f"Thư không hợp lệ: {exc} (malformed message)"
    return f"Lỗi gửi thư qua {config.server}: {exc} (SMTP error)"


class _Connection:
    """An open, authenticated SMTP session for one batch."""

    def __init__(self, config: MailConfig):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "_Connection":
        c = self.config
        if c.use_ssl:
            self.smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=ssl.create_default_context())
        else:
            self.smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        try:
            if c.use_tls:
                self.smtp.starttls(context=ssl.create_default_context())
            if c.username:
                self.smtp.login(c.username, c.password)
        except BaseException:
            self.smtp.close()
            raise
        return self

    def send(self, message: EmailMessage) -> None:
        self.smtp.send_message(message)

    def __exit__(self, *exc: Any) -> None:
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()  # the server went away; nothing left to tell it


# Errors that concern one message; anything else means the connection itself is gone.
_PER_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError)


def send_mails(config: MailConfig, mails: Iterable[OutgoingMail]) -> list[str | None]:
    """Send each mail over one connection; return, per mail, None when sent or the error message."""
    mails = list(mails)
    results: list[str | None] = [None] * len(mails)
    if not mails:
        return results
    try:
        with _Connection(config) as connection:
            for index, mail in enumerate(mails):
                try:
                    connection.send(build_message(config, mail))
                except _PER_MESSAGE as exc:
                    results[index] = describe_error(exc, config)
                except (smtplib.SMTPException, OSError) as exc:
                    # The connection broke: this mail and the rest of the batch wait for the next run.
                    message = describe_error(exc, config)
                    results[index:] = [message] * (len(mails) - index)
                    break
    except (smtplib.SMTPException, OSError) as exc:  # connecting or logging in failed: nothing was sent
        results = [describe_error(exc, config)] * len(mails)
    return results


def absolute_url(settings: Settings, link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings["app.base_url"].rstrip("/") + "/" + link.lstrip("/")


def notification_mail(settings: Settings, notification: Notification, address: str) -> OutgoingMail:
    url = absolute_url(settings, notification.link)
    text = notification.body + (f"\n\nXem chi tiết: {url}" if url else "") + f"\n\n-- \n{FOOTER}\n"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notification.body.split("\n\n") if p.strip())
    link_html = f'<p><a href="{html.escape(url)}">Xem chi tiết</a></p>' if url else ""
    page = (f'<html><body style="font-family: sans-serif"><h3>{html.escape(notification.title)}</h3>{paragraphs}'
            f'{link_html}<hr><p style="color:#6b7280; font-size: small">{FOOTER}</p></body></html>')
    return OutgoingMail(to=address, subject=f"[CCHC] {notification.title}", text=text, html=page)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_pending(session: Session, settings: Settings, limit: int = 500) -> DeliveryReport:
    """E-mail the notifications waiting in the outbox; record on each row whether it went out.

    The rows are locked with ``SKIP LOCKED`` so that two runners never send the same e-mail. The
    sending happens inside the caller's transaction: should that transaction roll back afterwards,
    the e-mails would be sent again by a later run (at least once, never silently lost).
    """
    config = MailConfig.from_settings(settings)
    report = DeliveryReport()
    if not config.enabled:
        return report
    rows = session.execute(
        select(Notification, User.email).join(User, User.id == Notification.user_id)
        .where(Notification.email_pending.is_(True)).order_by(Notification.id).limit(limit)
        .with_for_update(skip_locked=True, of=Notification)
    ).all()
    results = send_mails(config, [notification_mail(settings, n, email or "") for n, email in rows])
    now = utcnow()
    for (notification, _), error in zip(rows, results):
        notification.email_attempts = (notification.email_attempts or 0) + 1
        if error is None:
            notification.emailed, notification.emailed_at = True, now
            notification.email_pending, notification.email_error = False, ""
            report.sent += 1
        else:
            notification.email_error = error[:2000]
            notification.email_pending = notification.email_attempts < config.max_attempts
            report.failed += 1
            if error not in report.errors:
                report.errors.append(error)
    for error in report.errors:
        log.warning("e-mail not sent: %s", error)
    session.flush()
    return report
