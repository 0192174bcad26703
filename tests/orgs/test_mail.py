"""Email through SMTP: off unless configured; sent with the standard library, off the event loop; a refusal is no crash."""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage

import pytest

from podium.core import mail
from podium.settings import MailSettings

ON = MailSettings(smtp_host="smtp.example.test", smtp_port=2525, smtp_username="podium", smtp_password="pw", smtp_sender="Podium <no-reply@example.test>")


class FakeSMTP:
    sent: list[tuple[EmailMessage, str]] = []
    refuse = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.steps = [("connect", host, port)]

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self, context: object) -> None:
        self.steps.append(("starttls",))

    def login(self, user: str, password: str) -> None:
        if FakeSMTP.refuse:
            raise smtplib.SMTPAuthenticationError(535, b"no")
        self.steps.append(("login", user))

    def send_message(self, message: EmailMessage) -> None:
        FakeSMTP.sent.append((message, threading.current_thread().name))


async def test_mail_is_off_without_a_server_and_sent_off_the_loop_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent.clear()
    assert await mail.send(MailSettings(), to="a@example.test", subject="s", body="b") is False
    assert FakeSMTP.sent == []

    assert await mail.send(ON, to="ivy@acme.test", subject="邀请 Invitation", body="https://podium.example/join/x") is True
    ((message, thread),) = FakeSMTP.sent
    assert message["To"] == "ivy@acme.test" and message["From"] == ON.smtp_sender and "join/x" in message.get_content()
    assert thread != threading.main_thread().name  # smtplib blocks: it ran in a worker thread

    FakeSMTP.refuse = True
    try:
        assert await mail.send(ON, to="ivy@acme.test", subject="s", body="b") is False
    finally:
        FakeSMTP.refuse = False
