"""Robot messages without a stack: user text stays text in each markdown flavour; answers decide retries."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from podium.celebrations.service import CelebrationView, Kind
from podium.core.i18n import Locale
from podium.core.policies import Role
from podium.orgs.service import PublicUser
from podium.robots.formats import Platform, dingtalk_sign, escape, read_answer, signed_url
from podium.robots.service import message, url_hint

NASTY = "<!channel> *Big* _Co_ [click](https://evil.example) `x`\n# Heading & more"


def test_slack_escapes_its_control_characters_so_no_mention_or_link_is_made() -> None:
    assert escape(Platform.SLACK, NASTY) == "&lt;!channel&gt; *Big* _Co_ [click](https://evil.example) `x` # Heading &amp; more"


@pytest.mark.parametrize("platform", [Platform.WECOM, Platform.DINGTALK])
def test_markdown_robots_get_inline_markdown_and_html_escaped_on_one_line(platform: Platform) -> None:
    assert escape(platform, NASTY) == r"&lt;!channel&gt; \*Big\* \_Co\_ \[click\]\(https://evil.example\) \`x\` # Heading & more"


def test_a_won_deal_with_a_nasty_customer_name_stays_literal() -> None:
    person = PublicUser(id=1, name="Rita *R*", role=Role.REP, team_id=None, team_name=None)
    view = CelebrationView(
        id=9, kind=Kind.DEAL_WON, user=person, other_user=None, threshold=None, points=0,
        created_at=datetime.now(UTC), amount=Decimal("1234.5"), subject="<@U123> Co",
    )

    assert message(Platform.SLACK, Locale.EN, view) == '{"text":"*💰 Deal won*\\n🎉 *Rita *R** won a deal with &lt;@U123&gt; Co: 1,234.50!"}'
    assert "**Rita \\\\*R\\\\***" in message(Platform.WECOM, Locale.ZH_CN, view)


def test_dingtalk_signature_matches_its_documented_algorithm() -> None:
    # HMAC-SHA256("<ts>\n<secret>", key=secret), base64, then URL-encoded into the query.
    sign = dingtalk_sign("this is secret", 1577262236757)
    url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "this is secret", 1577262236757)

    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign=")
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1] and "=" not in url.split("sign=")[1]
    assert len(sign) == 44 and sign.endswith("=")
    assert signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "", 1) == "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.mark.parametrize(
    ("platform", "status", "text", "delivered", "retryable"),
    [
        (Platform.WECOM, 200, '{"errcode":0,"errmsg":"ok"}', True, False),
        (Platform.WECOM, 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', False, True),
        (Platform.WECOM, 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', False, False),
        (Platform.DINGTALK, 200, '{"errcode":130101,"errmsg":"send too fast"}', False, True),
        (Platform.DINGTALK, 200, '{"errcode":310000,"errmsg":"sign not match"}', False, False),
        (Platform.DINGTALK, 200, "<html>proxy</html>", False, False),
        (Platform.SLACK, 200, "ok", True, False),
        (Platform.SLACK, 404, "no_service", False, False),
        (Platform.SLACK, 429, "rate_limited", False, True),
        (Platform.SLACK, 503, "", False, True),
    ],
)
def test_answers_decide_delivered_retry_or_failed(platform: Platform, status: int, text: str, delivered: bool, retryable: bool) -> None:
    answer = read_answer(platform, status, text)
    assert (answer.delivered, answer.retryable) == (delivered, retryable)


def test_the_url_hint_shows_the_host_and_last_four_only() -> None:
    assert url_hint("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef") == "oapi.dingtalk.com …cdef"
