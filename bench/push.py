"""Web Push throughput from one worker: our sender against the library used the naive way.

A fake push service (raw asyncio HTTP/1.1 on 127.0.0.1, keep-alive, answers 201 to every POST)
and N = 5,000 subscriptions, each with its own P-256 key and auth secret, as browsers make them.
Both cases run in this process, one after the other, against the same service:

- **ours**: `podium.push.sender.PushSender`: the key loaded once, one VAPID token per push-service
  origin reused until near expiry, `webpush`'s encryption per message, one pooled httpx client
  (--concurrency connections), at most --concurrency sends in flight;
- **naive**: `WebPush(pem, pem).get(message, subscription)` per message (the PEM key parsed and a JWT
  signed each time, per-call settings written onto the shared object), and a new httpx client per
  request (a new TCP connection every time), with the same bound on sends in flight.

The payload is a real celebration push (≈ 260 bytes of JSON). Reported: pushes/s (wall), CPU µs per
push, connections the push service saw; then the ratio. Target: ≥ 500 pushes/s from one worker.

    .venv/bin/python bench/push.py [--pushes 5000] [--concurrency 64] [--rounds 1]

Writes bench/results/push.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushSubscription

from podium.push.sender import PushSender, Target, VapidKeys, b64url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.push.fake_push_service import FakePushService  # noqa: E402  (the tests' fake, at the HTTP boundary)

RESULTS = Path(__file__).resolve().parent / "results"
SUBJECT = "mailto:bench@podium.example"
PAYLOAD = json.dumps(
    {
        "title": "达成里程碑",
        "body": "你本月积分已达 500 分，继续加油！",
        "url": "/board",
        "tag": "celebration-123456",
        "image": "/api/celebrations/123456/card.png?lang=zh-CN&sig=0123456789abcdef0123456789abcdef",
        "kind": "milestone",
    },
    ensure_ascii=False,
).encode()


def make_targets(service: FakePushService, n: int) -> list[Target]:
    targets = []
    for i in range(n):
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        targets.append(Target(service.endpoint(f"s{i}"), b64url(public), b64url(i.to_bytes(16, "big"))))
    return targets


async def ours(keys: VapidKeys, targets: list[Target], concurrency: int) -> None:
    sender = PushSender(keys, SUBJECT, concurrency=concurrency)
    try:
        outcomes = await asyncio.gather(*(sender.send(t, PAYLOAD, ttl=86400, topic="celebration-123456") for t in targets))
    finally:
        await sender.aclose()
    assert all(o.delivered for o in outcomes), [o for o in outcomes if not o.delivered][:3]


async def naive(keys: VapidKeys, targets: list[Target], concurrency: int) -> None:
    private_pem, public_pem = keys.pem_pair()
    webpush = WebPush(private_key=private_pem, public_key=public_pem, subscriber="bench@podium.example", ttl=86400)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(t: Target) -> int:
        async with semaphore:
            message = webpush.get(PAYLOAD, WebPushSubscription(endpoint=t.endpoint, keys={"p256dh": t.p256dh, "auth": t.auth}))  # type: ignore[arg-type]
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(t.endpoint, content=message.encrypted, headers=dict(message.headers))
            return response.status_code

    statuses = await asyncio.gather(*(one(t) for t in targets))
    assert set(statuses) == {201}, set(statuses)


async def measure(name: str, run, service: FakePushService, keys: VapidKeys, targets: list[Target], concurrency: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    before_count, before_conns = service.count, service.connections
    wall, cpu = time.perf_counter(), time.process_time()
    await run(keys, targets, concurrency)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sent = service.count - before_count
    assert sent == len(targets), (name, sent)
    return {"pushes": sent, "seconds": wall, "per_second": sent / wall, "cpu_us_per_push": cpu / sent * 1e6, "connections": service.connections - before_conns}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two cases this many times; best round reported")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    keys = VapidKeys.generate()
    async with FakePushService(record=False) as service:
        targets = make_targets(service, args.pushes)
        # Warm-up outside the measurement: imports, first connections, the first token.
        await ours(keys, targets[:50], args.concurrency)
        await naive(keys, targets[:50], args.concurrency)
        results: dict[str, list[dict[str, float]]] = {"ours": [], "naive": []}
        for _ in range(args.rounds):
            results["ours"].append(await measure("ours", ours, service, keys, targets, args.concurrency))
            results["naive"].append(await measure("naive", naive, service, keys, targets, args.concurrency))
    best = {name: max(runs, key=lambda r: r["per_second"]) for name, runs in results.items()}
    print(f"{args.pushes} pushes to a local push service, concurrency {args.concurrency}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{'case':8} {'pushes/s':>10} {'seconds':>9} {'CPU µs/push':>12} {'connections':>12}")
    for name in ("ours", "naive"):
        r = best[name]
        print(f"{name:8} {r['per_second']:10.0f} {r['seconds']:9.2f} {r['cpu_us_per_push']:12.0f} {r['connections']:12.0f}")
    ratio = best["ours"]["per_second"] / best["naive"]["per_second"]
    print(f"ours / naive: {ratio:.2f}× pushes/s; target ≥ 500 pushes/s: {'met' if best['ours']['per_second'] >= 500 else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "push.json").write_text(json.dumps({"args": vars(args), "runs": results, "ratio": ratio}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
