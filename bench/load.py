"""Load benchmark: many concurrent clients against `ketnoi serve --workers 2` with the
850-participant sample (`ketnoi sample --buyers 150 --suppliers 700 --days 2 --seed 1`)
solved and published.

    .venv/bin/python -m bench.load --database sqlite
    .venv/bin/python -m bench.load --database postgresql     # a new database on 127.0.0.1:5432
    .venv/bin/python -m bench.load --duration 10 --no-write  # a quick look, printed only

For each page (participant agenda, the participant's .ics, the webcal feed, the catalogue,
the organiser's master grid) wrk (Debian package `wrk`) keeps `--connections` connections
busy for `--duration` seconds; a Lua script spreads the requests over `--people`
signed-in participants. The load tool, the web processes and the database share this
machine's two cores, so the numbers are a floor, and depend on what else runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlmodel import Session, col, select

from bench.run import DOC, ROOT, write_section
from scheduler.formats import event_to_json
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import SolveParams, solve
from web import models as m
from web.app import create_app
from web.mailing import MailPostman
from web.settings import Settings
from web.usecases import publishing, tokens
from web.usecases.accounts import create_organiser
from web.usecases.events import import_event
from web.usecases.mapper import event_of
from web.usecases.notifications import Links
from web.usecases.versions import create_version

SECRET = "load-bench-secret"
EMAIL, PASSWORD = "bench@example.org", "bench password 1234"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
TARGETS = {"agenda": 0.1, ".ics": 0.1, "feed": 0.1, "catalogue": None, "grid": 1.0}


@dataclass
class Result:
    page: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"ketnoi_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(
    settings: Settings, time_limit: float, people: int
) -> tuple[int, int, list[m.Participant]]:
    """The sample imported, solved, published; (event id, version number, participants)."""
    app = create_app(settings)
    try:
        with Session(app.state.engine) as session:
            create_organiser(session, EMAIL, PASSWORD)
            doc = event_to_json(
                generate_event(SampleSpec(buyers=150, suppliers=700, days=2, seed=1))
            )
            row = import_event(session, None, doc)
            full = event_of(session, row.id, for_solver=True)
            schedule = solve(full, SolveParams(time_limit=time_limit, workers=2, seed=0))
            version = create_version(session, row.id, full, schedule, source="solve")
            links = Links(base_url=settings.base_url, secret=SECRET)
            publishing.publish(session, version, MailPostman.from_settings(settings), links)
            met = {x.from_id for x in session.exec(select(m.Meeting))}
            chosen = session.exec(
                select(m.Participant)
                .where(col(m.Participant.id).in_(met))
                .order_by(col(m.Participant.id))
                .limit(people)
            ).all()
            for person in chosen:
                session.expunge(person)
            return row.id, version.number, list(chosen)
    finally:
        app.state.engine.dispose()


def serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "KETNOI_DATABASE_URL": settings.database_url,
        "KETNOI_SECRET_KEY": SECRET,
        "KETNOI_VAR_DIR": str(settings.var_dir),
    }
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "2"]
    quiet = subprocess.DEVNULL  # the access log of every request would be most of the output
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=quiet, stderr=quiet)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
            return process
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("ketnoi serve did not start")


def _cookie(client: httpx.Client) -> str:
    return f"ketnoi_session={client.cookies['ketnoi_session']}"


def sessions(base: str, people: list[m.Participant]) -> tuple[list[str], str]:
    """A portal session cookie per participant, and the organiser's."""
    cookies = []
    for person in people:
        with httpx.Client(base_url=base, timeout=30) as client:
            client.get(f"/p/login/{tokens.login_token(SECRET, person)}")
            cookies.append(_cookie(client))
    with httpx.Client(base_url=base, timeout=30) as client:
        html = client.get("/login").text
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "no CSRF token"
        form = {"csrf_token": match.group(1), "email": EMAIL, "password": PASSWORD}
        client.post("/login", data=form)
        return cookies, _cookie(client)


def _lua(entries: list[tuple[str, str]], path: Path) -> Path:
    rows = ",\n".join(f'  {{"{url}", "{cookie}"}}' for url, cookie in entries)
    path.write_text(
        f"local entries = {{\n{rows}\n}}\n"
        "local i = math.random(#entries)\n"
        "request = function()\n"
        "  i = (i % #entries) + 1\n"
        "  local e = entries[i]\n"
        '  return wrk.format("GET", e[1], {["Cookie"] = e[2]})\n'
        "end\n"
    )
    return path


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(base: str, page: str, script: Path, connections: int, duration: int) -> Result:
    threads = str(min(2, connections))
    command = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{duration}s"]
    out = subprocess.run(
        [*command, "--timeout", "10s", "--latency", "-s", str(script), base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"wrk answered no latencies for {page}:\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Result(page, rate, _ms(percentiles["50"]), _ms(percentiles["99"]), errors, total)


def run(kind: str, connections: int, duration: int, people: int, time_limit: float) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url:
        folder = Path(tmp)
        settings = Settings(
            database_url=url, secret_key=SECRET, var_dir=folder / "var", solve_workers=2
        )
        event_id, number, chosen = prepare(settings, time_limit, people)
        port = int(os.environ.get("BENCH_PORT", "0")) or _free_port()
        server = serve(settings, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies, organiser = sessions(base, chosen)
            feeds = [f"/p/feed/{tokens.feed_token(SECRET, p)}/calendar.ics" for p in chosen]
            pages = {
                "agenda": [("/p/agenda", c) for c in cookies],
                ".ics": [("/p/calendar.ics", c) for c in cookies],
                "feed": [(f, "") for f in feeds],
                "catalogue": [("/p/catalogue", c) for c in cookies],
                "grid": [(f"/events/{event_id}/versions/{number}/grid", organiser)],
            }
            results = []
            for page, entries in pages.items():
                script = _lua(entries, folder / f"{page.strip('.')}.lua")
                results.append(wrk(base, page, script, connections, duration))
                print(kind, results[-1], flush=True)
            return results
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _row(kind: str, r: Result) -> str:
    target = TARGETS[r.page]
    ok = r.requests > 0 and r.errors == 0 and target is not None and r.p99_ms < target * 1000
    met = "—" if target is None else ("yes" if ok else "no")
    return (
        f"| {kind} | {r.page} | {r.requests} | {r.requests_per_s:.1f} | {r.p50_ms:.0f} | "
        f"{r.p99_ms:.0f} | {r.errors} | {met} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--people", type=int, default=200, help="signed-in participants")
    parser.add_argument("--time-limit", type=float, default=30.0, help="solve seconds")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    load = os.getloadavg()[0]
    rows = [
        f"Load average before the run: {load:.1f} (2 cores, shared).",
        "",
        "| database | page | requests | req/s | p50 ms | p99 ms | errors | target met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind in kinds:
        for result in run(kind, args.connections, args.duration, args.people, args.time_limit):
            rows.append(_row(kind, result))
    print("\n".join(rows))
    if not args.no_write:
        text = DOC.read_text()
        if "<!-- load: begin -->" not in text:
            DOC.write_text(
                text.rstrip("\n")
                + "\n\n## Load: `ketnoi serve --workers 2`, 850 participants published\n\n"
                "Targets: no errors; p99 under 100 ms for agenda, .ics and feed; the grid "
                "under 1 s.\n\n<!-- load: begin -->\n<!-- load: end -->\n"
            )
        write_section("load", " ".join(["python -m bench.load", *sys.argv[1:]]), rows)


if __name__ == "__main__":
    main()
