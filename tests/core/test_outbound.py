"""What the server may POST to (push services, robots, webhooks) and how long it waits to try again."""

from __future__ import annotations

import pytest

from podium.core import outbound
from podium.core.outbound import MAX_BACKOFF_SECONDS, NotPublic, backoff_seconds, is_public_address, is_public_url, pinned_client


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


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False),
     ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
     ("::1", False), ("::", False), ("fe80::1", False), ("fd00::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
     ("64:ff9b::a00:1", False), ("2002:a00:1::", False), ("ff02::1", False)],
)
def test_only_public_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_the_pinned_client_refuses_a_name_that_resolves_inside_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Robots and webhooks post through it: the check is made on the addresses it connects to, at every request."""
    answers = {"hooks.example.test": ["93.184.216.34", "10.0.0.9"], "six.example.test": ["::ffff:169.254.169.254"]}

    async def resolve(host: str, port: int) -> list[str]:
        return answers[host]

    monkeypatch.setattr(outbound, "resolve_host", resolve)
    async with pinned_client(5.0, insecure=False) as client:
        for url in ("https://hooks.example.test/x", "https://six.example.test/x", "https://10.1.2.3/x", "http://93.184.216.34/x"):
            with pytest.raises(NotPublic):
                await client.post(url, content=b"{}")
