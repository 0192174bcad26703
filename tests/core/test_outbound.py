"""What the server may POST to (push services, robots' webhooks) and how long it waits to try again."""

from __future__ import annotations

import pytest

from podium.core.outbound import MAX_BACKOFF_SECONDS, backoff_seconds, is_public_url


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://93.184.216.34/hook", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://user:pw@example.com/hook", False),
        ("https://127.0.0.1/hook", False),
        ("https://10.1.2.3/hook", False),
        ("https://[::1]/hook", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://localhost/hook", False),
        ("https://printer.local/hook", False),
        ("https://db.internal/hook", False),
        ("ftp://example.com/x", False),
        ("https:///nohost", False),
    ],
)
def test_only_https_on_a_public_address(url: str, public: bool) -> None:
    assert is_public_url(url, insecure=False) is public


def test_insecure_lets_local_fakes_through_but_not_other_schemes() -> None:
    assert is_public_url("http://127.0.0.1:9/push/x", insecure=True)
    assert not is_public_url("ftp://127.0.0.1/x", insecure=True)


def test_backoff_doubles_with_jitter_is_capped_and_yields_to_a_longer_retry_after() -> None:
    for attempts, middle in ((1, 2.0), (2, 4.0), (4, 16.0)):
        assert middle * 0.8 <= backoff_seconds(2.0, attempts) <= middle * 1.2
    assert backoff_seconds(2.0, 40) <= MAX_BACKOFF_SECONDS * 1.2
    assert backoff_seconds(2.0, 1, retry_after=120.0) == 120.0
    assert backoff_seconds(2.0, 1, retry_after=10 * MAX_BACKOFF_SECONDS) == MAX_BACKOFF_SECONDS
