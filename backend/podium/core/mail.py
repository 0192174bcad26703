"""Email through SMTP (PODIUM_SMTP_*), with the standard library, off the event loop. Off when not configured."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage

from podium.settings import MailSettings

log = logging.getLogger(__name__)


def _send(settings: MailSettings, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds, context=context)
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
    with client:
        if settings.smtp_starttls and not settings.smtp_ssl:
            client.starttls(context=context)
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        client.send_message(message)


async def send(settings: MailSettings, *, to: str, subject: str, body: str) -> bool:
    """Send one plain-text email; False when mail is off or the server refused (the caller shows the link instead)."""
    if not settings.enabled:
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        await asyncio.to_thread(_send, settings, message)
    except (OSError, smtplib.SMTPException):
        log.exception("sending an email failed")
        return False
    return True
