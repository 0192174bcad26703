"""What each group robot expects: its JSON body, its markdown flavour (user text escaped), DingTalk's signature, its answers.

WeCom:    POST {"msgtype":"markdown","markdown":{"content":…}}; answers 200 {"errcode":0,"errmsg":"ok"}.
DingTalk: POST {"msgtype":"markdown","markdown":{"title":…,"text":…}} to the URL, plus `timestamp` and
          `sign` when the robot signs (加签: HMAC-SHA256 of "<timestamp ms>\\n<secret>" keyed by the secret,
          base64, URL-encoded); answers 200 {"errcode":0,"errmsg":"ok"}.
Slack:    POST {"text":…} (mrkdwn); answers 200 "ok", or a 4xx with a short reason (no_service, invalid_token…).
Both Chinese robots say "no" with HTTP 200 and a non-zero errcode, so the body decides, not the status.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote_plus


class Platform(StrEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    SLACK = "slack"


# Errcodes that mean "too fast / busy, try later": WeCom 45009 (API frequency), 45033 (concurrency),
# -1 (system busy); DingTalk 130101/130102 (more than 20 messages a minute), 410100 (throttled).
# Every other non-zero code (bad key or token, robot disabled, keyword or signature check failed,
# IP not allowed, bad message) will not heal by itself: the job is kept as failed.
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45033, 130101, 130102, 410100})

_WHITESPACE = re.compile(r"\s+")
# Inline markdown of WeCom's and DingTalk's renderers: emphasis, code, links, strike.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]()~])")


def escape(platform: Platform, text: str) -> str:
    """User text (a name, a customer) as literal text in the robot's markdown: never formatting, links or mentions.

    Lines are collapsed first, so nothing a person typed can start a heading, list or quote; our own lines
    always start with our own text.
    """
    flat = _WHITESPACE.sub(" ", text).strip()
    if platform is Platform.SLACK:
        # Slack's documented control characters; `<…>` would otherwise make links and @channel mentions.
        return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Backslash escapes for markdown; `<`/`>` as entities so WeCom's <font> (or any HTML) cannot be injected.
    return _MARKDOWN_INLINE.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def strong(platform: Platform, escaped: str) -> str:
    return f"*{escaped}*" if platform is Platform.SLACK else f"**{escaped}**"


def body(platform: Platform, title: str, text: str) -> dict[str, object]:
    """The robot's JSON for a titled message; `title` is ours (plain), `text` is already in the robot's markdown."""
    if platform is Platform.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{text}"}}
    if platform is Platform.DINGTALK:
        # `title` is what the conversation list shows; DingTalk's markdown needs a blank line to break one.
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{text}"}}
    return {"text": f"*{title}*\n{text}"}


def encode(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签, before URL encoding."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The URL to POST to: DingTalk with a secret gets `timestamp` and `sign`, made per attempt (valid for an hour)."""
    if not secret:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


@dataclass(frozen=True)
class Answer:
    """What the robot said, in terms of what to do next."""

    delivered: bool
    retryable: bool
    status: int | None  # HTTP status; None when nothing answered
    code: int | None = None  # WeCom's and DingTalk's errcode
    message: str = ""
    retry_after: float | None = None


def read_answer(platform: Platform, status: int, text: str, retry_after: str | None = None) -> Answer:
    after = _seconds(retry_after)
    if status == 429 or status >= 500:
        return Answer(False, True, status, message=text[:300], retry_after=after)
    if not 200 <= status < 300:
        return Answer(False, False, status, message=text[:300])
    if platform is Platform.SLACK:
        ok = text.strip() == "ok"
        return Answer(ok, False, status, message="" if ok else text[:300])
    try:
        data = json.loads(text)
        code = int(data.get("errcode", -1))
        message = str(data.get("errmsg", ""))[:300]
    except (ValueError, TypeError, AttributeError):
        return Answer(False, False, status, message=f"unexpected answer: {text[:200]}")
    if code == 0:
        return Answer(True, False, status, 0, message)
    return Answer(False, code in RETRYABLE_ERRCODES, status, code, message)


def _seconds(raw: str | None) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None
