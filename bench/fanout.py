"""Fan-out of one live board to N WebSocket subscribers on one instance.

For each N (default 1,000 and 5,000) it runs the same scenario twice in this
invocation: the shared fan-out (one GraphQL execution per board and document per
change, the same bytes to every socket) and, as the baseline, strawberry executing per
subscriber (PODIUM_SHARED_FANOUT=false). Each case gets a fresh SQLite database and
its own uvicorn process, served as `podium serve` serves (websockets-sansio, no
per-message deflate); the subscribers live in separate client processes.

Scenario: N subscribers to the org's TODAY board (20 entries with user and team), all
with one viewer's session; once every one of them holds its snapshot, K verified visits
are logged one after the other through `checkIn` (one every --interval seconds, each by
a different rep, so every visit moves the board and coalescing merges none). A visit is
"delivered" to a subscriber when it holds a frame whose version includes it.

Latency is measured from the commit: the server's own timestamp of the points entry
(`points_entries.created_at`, same machine clock), taken just before the commit. The
mutation response is no good as a reference: it returns only after the after-commit work
(board update, publish, celebrations), so frames often arrive before it. Latency from the
moment the mutation was sent is reported too (the user's view: it includes the mutation).

    .venv/bin/python bench/fanout.py [--sizes 1000,5000] [--modes shared,per-subscriber]
                                     [--visits 20] [--interval 0.5] [--clients 2]

Prints a table and the per-subscriber / shared ratios; writes bench/results/fanout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import platform
import re
import resource
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "backend"))

SUBSCRIPTION = (
    "subscription { leaderboardChanged(period: TODAY, scope: ORG) { version changedUserIds "
    "entries(first: 20) { rank points user { id name initials avatarColor team { name } } } } }"
)
LOG_VISIT = (
    "mutation($i: CheckInInput!) { checkIn(input: $i) { __typename "
    "... on CheckInSuccess { visit { pointsAwarded } } ... on OperationError { errors { field code } } } }"
)
VERSION = re.compile(r'"version":(\d+)')
# `podium serve` uses websockets-sansio; PODIUM_BENCH_WS=websockets measures uvicorn's other protocol.
WS_IMPL = os.environ.get("PODIUM_BENCH_WS", "websockets-sansio")
HANDSHAKES_IN_FLIGHT = 50  # per client process: a burst of thousands only measures the listen backlog
TARGET_SUBSCRIBERS, TARGET_P99_MS = 5000, 150.0
VISITS_PER_REP = 5  # the daily cap is 50 points, 10 per visit
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]


# The server process: uvicorn as `podium serve` runs it, plus a record of the garbage
# collector's pauses (gc.callbacks, negligible cost) written when it stops.
SERVER = """
import gc, json, os, resource, signal, time
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
if {gc_threshold!r}:
    gc.set_threshold(*[int(x) for x in {gc_threshold!r}.split(",")])
pauses, started = [], [0.0, 0.0]
def watch(phase, info):
    if phase == "start":
        started[0], started[1] = time.perf_counter(), time.thread_time()
    else:
        # Wall time (what subscribers wait) and the thread's CPU time (the cost, even when the
        # machine is busy with others and the pause is stretched by them).
        pauses.append((time.time(), info["generation"], time.perf_counter() - started[0], time.thread_time() - started[1]))
gc.callbacks.append(watch)
def dump(*_):
    with open({gc_log!r} + ".tmp", "w") as f:
        f.write(json.dumps(pauses))
    os.replace({gc_log!r} + ".tmp", {gc_log!r})
signal.signal(signal.SIGUSR1, dump)  # the bench asks for the record before it stops the server
import uvicorn
uvicorn.run("podium.app:create_app", factory=True, host="127.0.0.1", port={port}, ws_per_message_deflate=False,
            log_level="warning", backlog=4096, ws={ws!r})
"""


# ---------------------------------------------------------------------------- helpers


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


def _cpu_stat() -> list[int]:
    return [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]


def _steal_pct(before: list[int], after: list[int]) -> float:
    """Share of the machine's CPU time the hypervisor gave to someone else (a noisy-neighbour gauge)."""
    delta = [b - a for a, b in zip(before, after, strict=False)]
    return 100 * delta[7] / max(1, sum(delta[:8]))


def _calibrate() -> float:
    """Milliseconds for a fixed pure-Python loop: compares this machine's speed between runs."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the smallest value with at least q % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------------------- seeding


async def _seed(database: Path, reps: int) -> dict[str, Any]:
    """Migrate, create the org (tests' world plus more reps) and sessions; runs before the server starts."""
    from podium.app import build_runtime
    from podium.core.events import transaction
    from podium.core.policies import Role
    from podium.db.migrate import upgrade
    from podium.orgs import service as orgs
    from podium.orgs.models import Session
    from podium.settings import load_settings
    from tests.support import PASSWORD, _password_hash, make_world

    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{database}")
    runtime = build_runtime(load_settings())
    env = runtime.env
    await runtime.bus.start()
    try:
        world = await make_world(env)
        people = [world.rep.id, world.rep2.id, world.rep3.id]
        tokens: dict[int, str] = {}
        async with transaction(env.db) as tx:
            for i in range(max(0, reps - len(people))):
                name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
                user = await orgs.create_user(
                    tx.session, env, org_id=world.org_id, email=f"bench-rep-{i}@acme.test", name=name,
                    password=PASSWORD, role=Role.REP, team_id=world.team_a if i % 2 else world.team_b,
                    password_hash=await _password_hash(),
                )
                people.append(user.id)
            now = env.clock()
            for user_id in [world.manager.id, *people]:
                token = uuid.uuid4().hex + uuid.uuid4().hex
                tokens[user_id] = token
                tx.session.add(Session(token_hash=orgs._token_hash(token), user_id=user_id, created_at=now,
                                       expires_at=now.replace(year=now.year + 1)))
    finally:
        await runtime.bus.stop()
        await env.db.kw["bind"].dispose()
    return {
        "viewer": tokens[world.manager.id],
        "reps": [tokens[p] for p in people],
        "customer": world.customer_id,
        "position": world.customer_position,
    }


def _commits(database: Path) -> list[tuple[str, float]]:
    """(visit client id, commit time) per points entry, in commit order: the k-th is board version k."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute(
            "SELECT v.client_id, p.created_at FROM points_entries p JOIN visits v ON v.id = p.source_id "
            "WHERE p.source_type = 'visit' ORDER BY p.id"
        ).fetchall()
    out = []
    for client_id, created in rows:
        moment = datetime.fromisoformat(str(created))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        out.append((client_id, moment.timestamp()))
    return out


# ---------------------------------------------------------------------------- clients


def _client_process(url: str, cookie: str, count: int, slot: int, connect_timeout: float,
                    ready: Any, results: Any, stop: Any, progress: Any) -> None:
    """Holds `count` subscribers; records, per board version, when each subscriber first held it."""
    import websockets

    _raise_fd_limit()
    arrivals: dict[int, list[float]] = {}
    seen: list[int | None] = [-1] * count  # -1: no snapshot yet; None: failed or closed
    failures: list[str] = []
    closed_after_snapshot = [0]
    frames = [0]

    async def subscriber(index: int, gate: asyncio.Semaphore) -> None:
        try:
            async with gate:
                ws = await websockets.connect(
                    url, subprotocols=["graphql-transport-ws"],
                    additional_headers={"Cookie": f"podium_session={cookie}"},
                    compression=None, max_size=2**22, open_timeout=connect_timeout, ping_interval=None,
                    close_timeout=1,
                )
                await ws.send('{"type":"connection_init"}')
                ack = await asyncio.wait_for(ws.recv(), connect_timeout)
                if '"connection_ack"' not in ack:
                    raise RuntimeError(f"no ack: {ack[:80]}")
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
                first = await asyncio.wait_for(ws.recv(), connect_timeout)
                match = VERSION.search(first)
                if not match:
                    raise RuntimeError(f"no snapshot: {first[:120]}")
                seen[index] = int(match.group(1))
            async for frame in ws:
                now = time.time()
                frames[0] += 1
                match = VERSION.search(frame)  # type: ignore[arg-type]
                held = seen[index]
                if match is None or held is None:
                    continue
                version = int(match.group(1))
                for v in range(held + 1, version + 1):
                    arrivals.setdefault(v, []).append(now)
                if version > held:
                    seen[index] = version
            if seen[index] is not None and seen[index] >= 0:  # type: ignore[operator]
                closed_after_snapshot[0] += 1
            seen[index] = None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # counted and reported: a refused socket is a result too
            if seen[index] is not None and seen[index] >= 0:  # type: ignore[operator]
                closed_after_snapshot[0] += 1
            else:
                failures.append(f"{type(exc).__name__}: {exc}"[:160])
            seen[index] = None

    async def main() -> None:
        gate = asyncio.Semaphore(HANDSHAKES_IN_FLIGHT)
        tasks = [asyncio.create_task(subscriber(i, gate)) for i in range(count)]
        deadline = time.time() + connect_timeout * 3
        while any(s == -1 for s in seen) and time.time() < deadline:
            await asyncio.sleep(0.05)
        snapshots = [s for s in seen if s is not None and s >= 0]
        ready.put({"snapshots": len(snapshots), "pending": sum(1 for s in seen if s == -1),
                   "failures": failures, "snapshot_versions": sorted(set(snapshots))})
        cpu_start = time.process_time()
        while not stop.is_set():
            live = [s for s in seen if s is not None and s >= 0]
            progress[slot] = min(live) if live else 1 << 40
            await asyncio.sleep(0.05)
        results.put({"arrivals": arrivals, "cpu_s": time.process_time() - cpu_start, "frames": frames[0],
                     "closed": closed_after_snapshot[0]})
        results.close()
        results.join_thread()
        os._exit(0)  # no close handshakes: the server process is ended next anyway

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


# ---------------------------------------------------------------------------- one case


async def _run_case(subscribers: int, shared: bool, args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    mode = "shared" if shared else "per-subscriber"
    print(f"== {mode}, {subscribers} subscribers", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="podium-bench-"))
    database = workdir / "bench.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATABASE_URL=f"sqlite:///{database}",
        PODIUM_SHARED_FANOUT="true" if shared else "false",
        PODIUM_FRAME_INTERVAL=str(args.frame_interval),
        PODIUM_ENV="production",
        PODIUM_SECURE_COOKIES="false",  # plain http on loopback
        PYTHONPATH=args.backend or str(ROOT / "backend"),
    )
    env.update(item.split("=", 1) for item in args.server_env)  # type: ignore[misc]
    for key in [k for k in os.environ if k.startswith("PODIUM_")]:
        del os.environ[key]
    os.environ.update({k: v for k, v in env.items() if k.startswith("PODIUM_")})
    reps_needed = max(args.reps, math.ceil(args.visits / VISITS_PER_REP))
    seed = await _seed(database, reps_needed)
    port = _free_port()
    gc_log = workdir / "gc.json"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(port=port, ws=WS_IMPL, gc_log=str(gc_log), gc_threshold=args.server_gc_threshold)],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    ctx = mp.get_context("spawn")
    clients: list[Any] = []
    row: dict[str, Any] = {"mode": mode, "subscribers": subscribers}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("server did not start")
            await asyncio.sleep(0.5)
            rss_before = _rss_kib(server.pid)

            # Subscribers: all of them hold their snapshot before the first visit.
            ready, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
            progress = ctx.Array("q", args.clients, lock=False)
            counts = [subscribers // args.clients + (1 if i < subscribers % args.clients else 0) for i in range(args.clients)]
            clients = [
                ctx.Process(target=_client_process, args=(f"ws://127.0.0.1:{port}/graphql", seed["viewer"], n, i,
                                                           args.connect_timeout, ready, results, stop, progress))
                for i, n in enumerate(counts)
            ]
            connect_started = time.time()
            cpu_connect = _cpu_seconds(server.pid)
            for process in clients:
                process.start()
            reports = [await asyncio.to_thread(ready.get, True, args.connect_timeout * 4 + 60) for _ in clients]
            connect_s = time.time() - connect_started
            cpu_connect = _cpu_seconds(server.pid) - cpu_connect
            connected = sum(r["snapshots"] for r in reports)
            failures = [f for r in reports for f in r["failures"]]
            pending = sum(r["pending"] for r in reports)
            base_version = min((v for r in reports for v in r["snapshot_versions"]), default=0)
            print(f"   {connected}/{subscribers} subscribed in {connect_s:.1f} s"
                  + (f"; {len(failures)} failed (e.g. {failures[0]})" if failures else "")
                  + (f"; {pending} still pending" if pending else ""), flush=True)
            await asyncio.sleep(1)
            rss_after = _rss_kib(server.pid)
            topics = (await http.get("/healthz")).json().get("topics")

            # Visits, one after the other, each by another rep.
            reps = seed["reps"]
            lat, lon = seed["position"]
            sent: dict[str, float] = {}
            mutation_ms: list[float] = []
            profiler = None
            if args.profile:
                # Sampling profile of the server during visits and drain (py-spy, installed outside the venv).
                out = ROOT / "bench" / "results" / f"profile-{mode}-{subscribers}.txt"
                out.parent.mkdir(parents=True, exist_ok=True)
                profiler = subprocess.Popen([args.profile, "record", "-p", str(server.pid), "-f", "raw", "-r", "250",
                                             "-o", str(out), "--nonblocking"], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
                await asyncio.sleep(1)
            cpu_before = _cpu_seconds(server.pid)
            stat_before = _cpu_stat()
            phase_started = time.time()
            for index in range(args.visits):
                due = phase_started + index * args.interval
                if time.time() - phase_started > args.visit_phase_limit:
                    print(f"   visit phase limit ({args.visit_phase_limit:.0f} s) reached after {index} visits", flush=True)
                    break
                await asyncio.sleep(max(0.0, due - time.time()))
                client_id = str(uuid.uuid4())
                started = time.time()
                response = await http.post(
                    "/graphql", headers={"Cookie": f"podium_session={reps[index % len(reps)]}"},
                    json={"query": LOG_VISIT, "variables": {"i": {
                        "clientId": client_id, "customerId": str(seed["customer"]), "latitude": lat, "longitude": lon,
                        "accuracyMeters": 10, "occurredAt": datetime.now(UTC).isoformat(), "note": "bench",
                    }}},
                )
                mutation_ms.append((time.time() - started) * 1000)
                body = response.json()["data"]["checkIn"]
                if body.get("__typename") != "CheckInSuccess" or body["visit"]["pointsAwarded"] <= 0:
                    raise RuntimeError(f"visit not awarded: {response.text}")
                sent[client_id] = started
            visits = len(sent)
            final_version = base_version + visits

            # Drain: until every live subscriber holds the last version, within a bound.
            drain_deadline = time.time() + args.drain
            while time.time() < drain_deadline and min(progress[:]) < final_version:
                await asyncio.sleep(0.05)
            drained = min(progress[:]) >= final_version
            phase_ended = time.time()
            phase_s = phase_ended - phase_started
            cpu_phase = _cpu_seconds(server.pid) - cpu_before
            steal = _steal_pct(stat_before, _cpu_stat())
            server.send_signal(signal.SIGUSR1)
            if profiler is not None:
                profiler.send_signal(2)  # SIGINT: py-spy writes what it sampled
                profiler.wait(60)
            stop.set()
            collected = [await asyncio.to_thread(results.get, True, 120) for _ in clients]
    finally:
        for process in clients:
            process.join(10)
            if process.is_alive():
                process.kill()
        for _ in range(50):  # the gc record, asked for above
            if gc_log.exists() or server.poll() is not None:
                break
            time.sleep(0.1)
        server.terminate()
        try:
            server.wait(5)  # no need for a graceful shutdown
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    arrivals: dict[int, list[float]] = {}
    for part in collected:
        for version, times in part["arrivals"].items():
            arrivals.setdefault(version, []).extend(times)
    commits = _commits(database)[-visits:] if visits else []
    lat_commit: list[float] = []
    lat_sent: list[float] = []
    last_client: list[float] = []
    first_client: list[float] = []
    spreads: list[float] = []
    undelivered = 0
    late = 0
    for k, (client_id, committed) in enumerate(commits, start=1):
        times = arrivals.get(base_version + k, [])
        undelivered += max(0, connected - len(times))
        lat_commit += [(t - committed) * 1000 for t in times]
        lat_sent += [(t - sent[client_id]) * 1000 for t in times]
        late += sum(1 for t in times if (t - committed) * 1000 > TARGET_P99_MS)
        if times:
            first_client.append((min(times) - committed) * 1000)
        if times and len(times) >= connected:
            last_client.append((max(times) - committed) * 1000)
            spreads.append(max(times) - min(times))
    deliveries = len(lat_commit)
    gc_pauses = []
    if gc_log.exists():
        gc_pauses = [(gen, d * 1000, cpu * 1000) for t, gen, d, cpu in json.loads(gc_log.read_text()) if phase_started <= t <= phase_ended]
    full = [d for gen, d, _ in gc_pauses if gen == 2]
    closed = sum(p["closed"] for p in collected)
    frames = sum(p["frames"] for p in collected)
    client_cpu = sum(p["cpu_s"] for p in collected)
    row.update(
        connected=connected,
        failed_to_connect=len(failures) + pending,
        closed_during_run=closed,
        connect_s=_r(connect_s),
        server_cpu_ms_per_connect=_r(cpu_connect / max(connected, 1) * 1000, 2),
        visits=visits,
        deliveries=deliveries,
        undelivered=undelivered,
        drained_within_bound=drained,
        drain_bound_s=args.drain,
        p50_ms=_r(_percentile(lat_commit, 50)),
        p99_ms=_r(_percentile(lat_commit, 99)),
        max_ms=_r(max(lat_commit) if lat_commit else None),
        within_target_pct=_r(100 * (deliveries - late) / (deliveries + undelivered), 2) if deliveries + undelivered else None,
        first_client_p50_ms=_r(_percentile(first_client, 50)),
        last_client_p50_ms=_r(_percentile(last_client, 50)),
        last_client_p99_ms=_r(_percentile(last_client, 99)),
        visits_reaching_all=len(last_client),
        from_send_p50_ms=_r(_percentile(lat_sent, 50)),
        from_send_p99_ms=_r(_percentile(lat_sent, 99)),
        mutation_p50_ms=_r(statistics.median(mutation_ms) if mutation_ms else None),
        mutation_max_ms=_r(max(mutation_ms) if mutation_ms else None),
        # Per change, subscribers reached over the time from the commit to the last of them (median over changes).
        delivered_msgs_per_s=round(connected / statistics.median(last_client) * 1000) if last_client else None,
        # Per change, first subscriber to last: the send loop's own rate (median over changes).
        send_rate_msgs_per_s=round(connected / statistics.median(spreads)) if spreads and statistics.median(spreads) > 0 else None,
        # Every frame received during the visits and drain, over that time.
        frames_per_s=round(frames / phase_s) if phase_s > 0 else None,
        server_cpu_ms_per_change=_r(cpu_phase / visits * 1000) if visits else None,
        server_cpu_us_per_delivery=_r(cpu_phase / deliveries * 1e6) if deliveries else None,
        client_cpu_ms_per_change=_r(client_cpu / visits * 1000) if visits else None,
        server_rss_mib_before=_r(rss_before / 1024),
        server_rss_mib_after=_r(rss_after / 1024),
        kib_per_connection=_r((rss_after - rss_before) / max(connected, 1)),
        topics=topics,
        machine_steal_pct=_r(steal),
        # The server's garbage-collector pauses during visits and drain.
        gc_pauses=len(gc_pauses),
        gc_ms_total=_r(sum(d for _, d, _ in gc_pauses)),
        gc_ms_max=_r(max((d for _, d, _ in gc_pauses), default=0.0)),
        gc_cpu_ms_total=_r(sum(cpu for _, _, cpu in gc_pauses)),
        gc_full_collections=len(full),
        gc_full_ms_max=_r(max(full, default=0.0)),
    )
    if failures:
        row["failure_example"] = failures[0]
    print("   " + json.dumps(row, ensure_ascii=False), flush=True)
    return row


# ---------------------------------------------------------------------------- report


COLUMNS = [
    ("mode", "mode"), ("subscribers", "N"), ("connected", "connected"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"),
    ("last_client_p50_ms", "last p50 ms"), ("last_client_p99_ms", "last p99 ms"), ("from_send_p99_ms", "p99 from send"),
    ("undelivered", "undelivered"), ("within_target_pct", "% ≤150 ms"), ("delivered_msgs_per_s", "delivered msg/s"),
    ("server_cpu_ms_per_change", "srv CPU ms/change"), ("client_cpu_ms_per_change", "cli CPU ms/change"),
    ("kib_per_connection", "KiB/conn"), ("mutation_p50_ms", "mutation p50 ms"), ("connect_s", "connect s"),
]


def _table(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, float) and value >= 100:
            return f"{value:,.0f}"
        if isinstance(value, int) and value >= 10000:
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(row.get(key)) for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def _ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 1) if a is not None and b else None

    out = []
    for size in sorted({r["subscribers"] for r in rows}):
        pair = {r["mode"]: r for r in rows if r["subscribers"] == size}
        if len(pair) < 2 or any("error" in r for r in pair.values()):
            continue
        shared, base = pair["shared"], pair["per-subscriber"]
        out.append({
            "subscribers": size,
            "p99": ratio(base["p99_ms"], shared["p99_ms"]),
            "last_client_p99": ratio(base["last_client_p99_ms"], shared["last_client_p99_ms"]),
            "server_cpu_per_change": ratio(base["server_cpu_ms_per_change"], shared["server_cpu_ms_per_change"]),
            "server_cpu_per_delivery": ratio(base["server_cpu_us_per_delivery"], shared["server_cpu_us_per_delivery"]),
            "delivered_msgs_per_s_shared_over_baseline": ratio(shared["delivered_msgs_per_s"], base["delivered_msgs_per_s"]),
            "undelivered": [base["undelivered"], shared["undelivered"]],
        })
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="subscriber counts, comma-separated")
    parser.add_argument("--modes", default="shared,per-subscriber")
    parser.add_argument("--visits", type=int, default=20, help="changes per case (K)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two visits")
    parser.add_argument("--reps", type=int, default=40, help="reps in the org (the board shows 20)")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--frame-interval", type=float, default=0.1, help="PODIUM_FRAME_INTERVAL")
    parser.add_argument("--connect-timeout", type=float, default=60, help="per handshake and snapshot")
    parser.add_argument("--visit-phase-limit", type=float, default=40, help="stop logging visits after this many s")
    parser.add_argument("--profile", metavar="PY_SPY", default="",
                        help="path to a py-spy binary: sample the server during the visits (adds overhead)")
    parser.add_argument("--server-gc-threshold", default="", metavar="G0,G1,G2",
                        help="experiment: gc.set_threshold in the server process (default: Python's)")
    parser.add_argument("--server-env", action="append", default=[], metavar="PODIUM_X=VALUE",
                        help="experiment: a setting for the server and the seeding (repeatable), e.g. PODIUM_GC_TUNING=false")
    parser.add_argument("--drain", type=float, default=10, help="s to wait after the last visit for stragglers")
    parser.add_argument("--backend", default="", metavar="DIR",
                        help="experiment: serve (and seed) from another copy of backend/ (default: this repo's)")
    args = parser.parse_args()
    if args.backend:
        sys.path.insert(0, args.backend)
    _raise_fd_limit()
    started = time.time()
    calibration_ms = _calibrate()
    print(f"calibration: {calibration_ms:.0f} ms for 3M loop iterations", flush=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for mode in args.modes.split(","):
            try:
                rows.append(asyncio.run(_run_case(size, mode == "shared", args)))
            except Exception as exc:  # one broken case must not hide the others' figures
                print(f"   case failed: {type(exc).__name__}: {exc}", flush=True)
                rows.append({"mode": mode, "subscribers": size, "error": f"{type(exc).__name__}: {exc}"[:300]})
    ratios = _ratios(rows)
    print()
    print(f"Latency from commit; 'last' = per change, the last subscriber to hold it. {args.visits} visits, "
          f"one every {args.interval} s; {os.cpu_count()} cores shared by server and {args.clients} client processes.")
    print(_table(rows))
    print()
    for r in ratios:
        print(f"N={r['subscribers']}: per-subscriber / shared: p99 {r['p99']}x, last-client p99 {r['last_client_p99']}x, "
              f"server CPU per change {r['server_cpu_per_change']}x; delivered msg/s shared / per-subscriber "
              f"{r['delivered_msgs_per_s_shared_over_baseline']}x; undelivered {r['undelivered'][0]} vs {r['undelivered'][1]}")
    target = [r for r in rows if r["mode"] == "shared" and r["subscribers"] >= TARGET_SUBSCRIBERS]
    for r in target:
        if "error" in r:
            continue
        met = (r["connected"] >= TARGET_SUBSCRIBERS and r["undelivered"] == 0 and r["p99_ms"] is not None
               and r["p99_ms"] <= TARGET_P99_MS)
        print(f"Target ({TARGET_SUBSCRIBERS} subscribers, p99 ≤ {TARGET_P99_MS:.0f} ms): "
              f"{'met' if met else 'NOT met'} — shared p99 {r['p99_ms']} ms, last-client p99 {r['last_client_p99_ms']} ms")
    elapsed = time.time() - started
    print(f"({elapsed:.0f} s in all)")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fanout.json").write_text(json.dumps({
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "calibration_ms": round(calibration_ms),
        "ws": WS_IMPL,
        "args": vars(args),
        "rows": rows,
        "ratios": ratios,
        "elapsed_s": round(elapsed),
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
