"""A 100,000-row customer list exported as XLSX: the shared writer against the hand-written one it replaced.

    PYTHONPATH=backend .venv/bin/python bench/exports.py [--rows 100000] [--url postgresql+asyncpg://…/podium_bench_exports]

Seeds one org (500 reps with employee numbers, `--rows` customers) in a fresh SQLite file (or the given
PostgreSQL database, dropped and created), then runs each mode in a process of its own, so each peak
memory is its own: wall seconds and the peak RSS above the process's RSS before the export started.

- **ours**: the admin's `/api/customers/export?format=xlsx` path without HTTP: `customers.http.customer_sheets`
  (the list's query read through the driver a batch at a time, db/rows.py stream_raw; people named from the directory) into `core.sheets.write_xlsx`
  (xlsxwriter, constant memory, batches written in a worker thread), then the file streamed out in chunks.
- **csv**: the same rows through `core.sheets.csv_chunks`.
- **baseline**: the hand-written writer statements used before (SpreadsheetML built as one string in memory,
  zipped in memory) fed the same rows, all fetched first, as that writer needed.

Target: ours under 10 s and under 100 MiB. The XLSX files are read back with python-calamine and their row
counts checked. Writes bench/results/exports.json.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from python_calamine import CalamineWorkbook
from sqlalchemy import insert, select, text

from podium.core import sheets
from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Role, Viewer
from podium.customers import http as customer_http
from podium.customers import listing
from podium.customers.models import Customer
from podium.db.migrate import upgrade
from podium.db.session import create_engine, create_sessionmaker
from podium.orgs.models import Org, Team, User
from podium.settings import DatabaseSettings

RESULTS = Path(__file__).resolve().parent / "results"
CITIES = ["上海", "北京", "深圳", "杭州", "成都", "Suzhou", "Wuhan"]
INDUSTRIES = ["制造", "零售", "医药", "Logistics", "Energy"]


async def fresh_postgres(url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    await admin.dispose()


async def seed(url: str, rows: int) -> dict[str, int]:
    if url.startswith("postgresql"):
        await fresh_postgres(url)
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(DatabaseSettings(url=url))
    db = create_sessionmaker(engine)
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with db() as s, s.begin():
        org = Org(name="Bench", slug="bench-exports", time_zone="Asia/Shanghai", currency="CNY", created_at=now)
        s.add(org)
        await s.flush()
        team = Team(org_id=org.id, name="Sales")
        s.add(team)
        await s.flush()
        admin = User(org_id=org.id, team_id=None, email="admin@bench.test", name="Admin", role="admin", password_hash="x", created_at=now)
        s.add(admin)
        reps = [
            User(org_id=org.id, team_id=team.id, email=f"rep{i}@bench.test", name=f"销售 {i:03d}", role="rep", password_hash="x",
                 created_at=now, employee_number=f"E{i:05d}")
            for i in range(500)
        ]
        s.add_all(reps)
        await s.flush()
        owner_ids = [r.id for r in reps]
        ids = {"org": org.id, "admin": admin.id}
    for start in range(0, rows, 5000):
        batch = []
        for i in range(start, min(rows, start + 5000)):
            name = f"{'=' if i % 997 == 0 else ''}客户 {i:06d} 有限公司"
            batch.append({
                "org_id": ids["org"], "name": name, "name_key": f"kh {i:06d}", "address": f"{rng.choice(CITIES)} 路 {i} 号",
                "latitude": 31.0, "longitude": 121.0, "tier": rng.choice("ABC"), "owner_id": rng.choice(owner_ids),
                "city": rng.choice(CITIES), "industry": rng.choice(INDUSTRIES), "created_at": now - timedelta(days=rng.randint(0, 900)),
                "last_visit_at": now - timedelta(days=rng.randint(0, 200)) if rng.random() < 0.8 else None,
                "open_pipeline": Decimal(rng.randint(0, 5_000_000)) / 100, "lifetime_revenue": Decimal(rng.randint(0, 90_000_000)) / 100,
                "potential": Decimal(rng.randint(0, 9_000_000)) / 100, "at_risk_from": now + timedelta(days=rng.randint(-60, 60)),
            })
        async with db() as s, s.begin():
            await s.execute(insert(Customer), batch)
    await engine.dispose()
    return ids


# ---------------------------------------------------------------- the hand-written writer, as it was


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _old_sheet(header: list[str], rows: list[list[Any]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate([list(header), *rows], start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _old_book(header: list[str], rows: list[list[Any]]) -> bytes:
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": _old_sheet(header, rows),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


# ---------------------------------------------------------------- one mode, in its own process


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    # Linux: "5" resets the peak RSS (VmHWM) to the current RSS, so the peak is the export's, not the imports'.
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


async def measure(mode: str, url: str, org_id: int, admin_id: int, out: str) -> dict[str, Any]:
    engine = create_engine(DatabaseSettings(url=url))
    env = Env.__new__(Env)
    env.db = create_sessionmaker(engine)  # type: ignore[misc]
    env.clock = lambda: datetime.now(UTC)  # type: ignore[misc]
    viewer = Viewer(admin_id, org_id, None, Role.ADMIN, Locale.ZH_CN, "Admin")
    async with env.db() as s:  # the connection pool and the imports are warm before the clock starts
        await s.execute(select(Customer.id).limit(1))
    _reset_peak()
    before = _status_mib("VmRSS")
    start = time.perf_counter()
    cpu = time.process_time()
    book = await customer_http.customer_sheets(env, viewer, listing.ListQuery())
    with open(out, "wb") as target:
        if mode == "ours":
            async for chunk in sheets.file_chunks(await sheets.write_xlsx(book, viewer.locale, "Asia/Shanghai")):
                target.write(chunk)
        elif mode == "csv":
            async for chunk in sheets.csv_chunks(book, viewer.locale, "Asia/Shanghai"):
                target.write(chunk)
        else:
            sheet = book[0]
            rows = [[v if not isinstance(v, datetime) else v.isoformat() for v in row]
                    async for batch in sheet.rows for row in batch]  # type: ignore[union-attr]
            target.write(_old_book([c.header(viewer.locale) for c in sheet.columns], rows))
    seconds = time.perf_counter() - start
    figures = {
        "mode": mode, "seconds": round(seconds, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_rss_mib": round(_status_mib("VmHWM"), 1), "rss_before_mib": round(before, 1),
        "peak_above_start_mib": round(_status_mib("VmHWM") - before, 1),
        "bytes": os.path.getsize(out),
    }
    await engine.dispose()
    return figures


def check(mode: str, path: str, rows: int) -> None:
    if mode == "csv":
        with open(path, encoding="utf-8-sig") as handle:
            assert sum(1 for _ in handle) == rows + 1
        return
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    assert len(sheet) == rows + 1, (mode, len(sheet))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default="")
    parser.add_argument("--measure", choices=["ours", "csv", "baseline"])
    parser.add_argument("--org", type=int)
    parser.add_argument("--admin", type=int)
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure, args.url, args.org, args.admin, args.out))))
        return
    with tempfile.TemporaryDirectory(prefix="podium-bench-exports-") as work:
        url = args.url or f"sqlite+aiosqlite:///{work}/bench.sqlite3"
        started = time.perf_counter()
        ids = asyncio.run(seed(url, args.rows))
        print(f"seeded {args.rows:,} customers on {url.split(':')[0]} in {time.perf_counter() - started:.1f} s", flush=True)
        results = []
        for mode in ("ours", "csv", "baseline"):
            out = f"{work}/{mode}.{'csv' if mode == 'csv' else 'xlsx'}"
            command = [sys.executable, __file__, "--measure", mode, "--url", url, "--org", str(ids["org"]), "--admin", str(ids["admin"]), "--out", out]
            figures = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
            check(mode, out, args.rows)
            results.append(figures)
            print(f"{mode:9} {figures['seconds']:7.2f} s  cpu {figures['cpu_seconds']:6.2f} s  peak +{figures['peak_above_start_mib']:7.1f} MiB "
                  f"(RSS {figures['peak_rss_mib']:.0f} MiB)  {figures['bytes'] / 1e6:6.1f} MB", flush=True)
    ours, base = results[0], results[2]
    ok = ours["seconds"] < 10 and ours["peak_above_start_mib"] < 100
    print(f"ours vs baseline: {base['seconds'] / ours['seconds']:.2f}× the speed, {base['peak_above_start_mib'] / max(ours['peak_above_start_mib'], 0.1):.1f}× less memory; "
          f"target (< 10 s, < 100 MiB): {'met' if ok else 'MISSED'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "exports.json").write_text(json.dumps({
        "rows": args.rows, "database": (args.url or "sqlite").split(":")[0], "python": platform.python_version(),
        "at": datetime.now(UTC).isoformat(), "results": results, "target_met": ok,
    }, indent=2))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
