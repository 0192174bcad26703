"""Fan-out of one live board to N WebSocket subscribers on one instance.

For N in (1,000, 5,000) it runs the same scenario twice in this process: the shared
fan-out (one GraphQL execution per board and document per change, the same bytes to
every socket) and, as the baseline, strawberry executing per subscriber
(PODIUM_SHARED_FANOUT=false). The server runs in its own process on the embedded stack;
the subscribers live in two client processes. Each change is a verified visit logged
through the GraphQL API; latency runs from the moment the mutation is sent to the
moment each subscriber holds a frame whose version includes it.

    .venv/bin/python bench/fanout.py [--sizes 1000,5000] [--visits 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUBSCRIPTION = (
    "subscription { leaderboardChanged(period: TODAY, scope: ORG) { version changedUserIds "
    "entries(first: 20) { rank points user { id name initials avatarColor team { name } } } } }"
)
LOG_VISIT = "mutation($i: LogVisitInput!) { logVisit(input: $i) { __typename ... on OperationError { errors { field code } } } }"
LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }'
VERSION = re.compile(r'"version":(\d+)')
CLIENT_PROCESSES = 2
# `podium serve` uses websockets-sansio; PODIUM_BENCH_WS=websockets measures uvicorn's other protocol.
WS_IMPL = os.environ.get("PODIUM_BENCH_WS", "websockets-sansio")


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _seed(database: Path) -> dict:  # type: ignore[type-arg]
    from podium.app import build_runtime
    from podium.db.migrate import upgrade
    from podium.settings import load_settings
    from tests.support import PASSWORD, make_world

    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{database}")
    runtime = build_runtime(load_settings())
    await runtime.bus.start()
    try:
        world = await make_world(runtime.env)
    finally:
        await runtime.bus.stop()
    return {
        "password": PASSWORD,
        "reps": [world.rep.email, world.rep2.email, world.rep3.email],
        "customer": world.customer_id,
        "position": world.customer_position,
    }


def _client_process(url: str, cookie: str, count: int, ready: mp.Queue, results: mp.Queue, stop: mp.Event) -> None:  # type: ignore[type-arg]
    """Holds `count` subscribers; reports, per version, when each subscriber first held it."""
    import websockets

    _raise_fd_limit()
    arrivals: dict[int, list[float]] = {}
    missed: dict[int, int] = {}

    failures: list[str] = []

    async def subscriber(index: int, started: asyncio.Event, counter: list[int]) -> None:
        try:
            await _subscribe(started, counter)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # counted and reported: a refused socket is a result too
            failures.append(repr(exc)[:120])
            counter[0] += 1
            if counter[0] == count:
                started.set()

    async def _subscribe(started: asyncio.Event, counter: list[int]) -> None:
        async with websockets.connect(
            url, subprotocols=["graphql-transport-ws"], additional_headers={"Cookie": f"podium_session={cookie}"},
            compression=None, max_size=2**22, open_timeout=60, ping_interval=None,
        ) as ws:
            await ws.send('{"type":"connection_init"}')
            await ws.recv()
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
            seen = -1
            while True:
                frame = await ws.recv()
                now = time.time()
                match = VERSION.search(frame)
                if not match:
                    continue
                version = int(match.group(1))
                if seen < 0:
                    counter[0] += 1
                    if counter[0] == count:
                        started.set()
                for v in range(max(seen + 1, 1) if seen >= 0 else version + 1, version + 1):
                    arrivals.setdefault(v, []).append(now)
                seen = max(seen, version)

    async def main() -> None:
        started = asyncio.Event()
        counter = [0]
        tasks = []
        for i in range(count):
            tasks.append(asyncio.create_task(subscriber(i, started, counter)))
            if i % 200 == 199:
                await asyncio.sleep(0.05)  # a gentle ramp: the listen backlog is finite
        await started.wait()
        ready.put(failures)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        results.put(arrivals)

    asyncio.run(main())


async def _run_case(subscribers: int, shared: bool, visits: int) -> dict:  # type: ignore[type-arg]
    workdir = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    database = workdir / "bench.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATABASE_URL=f"sqlite:///{database}",
        PODIUM_SHARED_FANOUT="true" if shared else "false",
        PODIUM_ENV="production",
        PODIUM_SECURE_COOKIES="false",  # plain http on loopback
        PYTHONPATH=str(ROOT / "backend"),
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith("PODIUM_")})
    seed = await _seed(database)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import resource; h = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; resource.setrlimit(resource.RLIMIT_NOFILE, (h, h));"
         "import uvicorn; uvicorn.run('podium.app:create_app', factory=True, host='127.0.0.1', port=%d,"
         " ws_per_message_deflate=False, log_level='warning', backlog=4096, ws='%s')" % (port, WS_IMPL)],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in range(200):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            reps = []
            for email in seed["reps"]:
                client = httpx.AsyncClient(base_url=base, timeout=60)
                await client.post("/graphql", json={"query": LOGIN, "variables": {"e": email, "p": seed["password"]}})
                reps.append(client)
            cookie = reps[0].cookies["podium_session"]
            rss_before = _rss_kib(server.pid)

            ctx = mp.get_context("spawn")
            ready, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
            per_process = subscribers // CLIENT_PROCESSES
            clients = [
                ctx.Process(target=_client_process, args=(f"ws://127.0.0.1:{port}/graphql", cookie, per_process, ready, results, stop))
                for _ in range(CLIENT_PROCESSES)
            ]
            connect_started = time.time()
            for process in clients:
                process.start()
            failed: list[str] = []
            for _ in clients:
                failed += await asyncio.to_thread(ready.get, True, 300)
            if failed:
                print(f"{len(failed)} subscribers failed to connect, e.g. {failed[0]}", flush=True)
            connect_seconds = time.time() - connect_started
            await asyncio.sleep(1)
            rss_after = _rss_kib(server.pid)

            sent_at: dict[int, float] = {}
            mutation_ms = []
            cpu_before = _cpu_seconds(server.pid)
            lat, lon = seed["position"]
            for index in range(visits):
                rep = reps[index % len(reps)]
                started = time.time()
                response = await rep.post("/graphql", json={"query": LOG_VISIT, "variables": {"i": {
                    "clientId": str(uuid.uuid4()), "customerId": str(seed["customer"]), "latitude": lat, "longitude": lon,
                    "accuracyMeters": 10, "occurredAt": datetime.now(UTC).isoformat(), "note": "bench",
                }}})
                assert response.json()["data"]["logVisit"]["__typename"] == "LogVisitSuccess", response.text
                mutation_ms.append((time.time() - started) * 1000)
                sent_at[index + 1] = started
                await asyncio.sleep(0.5)
            await asyncio.sleep(3 if shared else 15)  # let a lagging baseline deliver what it can
            cpu_per_change_ms = (_cpu_seconds(server.pid) - cpu_before) / visits * 1000
            stop.set()
            arrivals: dict[int, list[float]] = {}
            for _ in clients:
                for version, times in (await asyncio.to_thread(results.get, True, 120)).items():
                    arrivals.setdefault(version, []).extend(times)
            for process in clients:
                process.join(30)
            for rep in reps:
                await rep.aclose()
    finally:
        server.terminate()
        server.wait(30)

    expected = per_process * CLIENT_PROCESSES - len(failed)
    latencies, last_client, undelivered, spreads = [], [], 0, []
    for version, started in sent_at.items():
        times = arrivals.get(version, [])
        undelivered += expected - len(times)
        latencies += [(t - started) * 1000 for t in times]
        if len(times) == expected:
            last_client.append((max(times) - started) * 1000)
            spreads.append(max(times) - min(times))
    return {
        "mode": "shared" if shared else "per-subscriber",
        "subscribers": per_process * CLIENT_PROCESSES,
        "failed_to_connect": len(failed),
        "visits": visits,
        "connect_s": round(connect_seconds, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "last_client_p50_ms": round(_percentile(last_client, 50), 1) if last_client else None,
        "last_client_p99_ms": round(_percentile(last_client, 99), 1) if last_client else None,
        "undelivered": undelivered,
        # One change's frames, first socket to last: the send rate of the fan-out itself.
        "messages_per_s": round(expected / statistics.median(spreads)) if spreads and statistics.median(spreads) > 0 else None,
        "server_cpu_ms_per_change": round(cpu_per_change_ms, 1),
        "kib_per_connection": round((rss_after - rss_before) / max(expected, 1), 1),
        "mutation_p50_ms": round(statistics.median(mutation_ms), 1),
    }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _table(rows: list[dict]) -> str:  # type: ignore[type-arg]
    columns = ["mode", "subscribers", "p50_ms", "p99_ms", "last_client_p99_ms", "undelivered", "messages_per_s",
               "server_cpu_ms_per_change", "kib_per_connection", "connect_s"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--visits", type=int, default=15)
    parser.add_argument("--modes", default="shared,per-subscriber")
    args = parser.parse_args()
    _raise_fd_limit()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for shared in [m == "shared" for m in args.modes.split(",")]:
            row = asyncio.run(_run_case(size, shared, args.visits))
            print(json.dumps(row), flush=True)
            rows.append(row)
    print()
    print(_table(rows))
    print()
    for size in sorted({r["subscribers"] for r in rows}):
        pair = {r["mode"]: r for r in rows if r["subscribers"] == size}
        if len(pair) < 2:
            continue
        shared, baseline = pair["shared"], pair["per-subscriber"]
        ratio_cpu = baseline["server_cpu_ms_per_change"] / max(shared["server_cpu_ms_per_change"], 0.001)
        ratio_p99 = baseline["p99_ms"] / max(shared["p99_ms"], 0.001)
        print(f"N={size}: per-subscriber / shared = {ratio_cpu:.1f}x server CPU per change, {ratio_p99:.1f}x p99 latency; "
              f"undelivered {baseline['undelivered']} vs {shared['undelivered']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fanout.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
