"""Time the organiser's master grid page (target: the 850-participant grid renders in under 1 s).

    .venv/bin/python -m bench.grid               # 850-participant sample + Hanoi, results to docs
    .venv/bin/python -m bench.grid --no-write    # print only

Each event is imported into a temp SQLite database through the web app's own import service,
solved with a short time limit, stored as a schedule version, and its grid page is fetched
N times by a logged-in organiser through FastAPI's TestClient (full request: routing, session,
queries and template rendering; no network).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from bench.run import DOC, ROOT, write_section
from scheduler.formats import event_to_json
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import SolveParams, solve
from web.app import create_app
from web.models import Organiser
from web.settings import Settings
from web.usecases.accounts import create_organiser
from web.usecases.events import import_event
from web.usecases.mapper import event_of
from web.usecases.versions import create_version

EMAIL = "bench@example.org"
PASSWORD = "bench password 1234"
INTRO = (
    "Server time of the organiser's master grid page (`GET /events/{id}/versions/1/grid`), "
    "and of the version's review page (`GET /events/{id}/versions/1`)."
)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in page")
    return match.group(1)


def _load(
    session: Session, owner: Organiser, doc: object, time_limit: float
) -> tuple[int, int, int]:
    """Import a b2b-event/1 document as `owner`'s event, solve it and store version 1.

    Returns (event id, participants, meetings)."""
    row = import_event(session, owner, doc)
    full = event_of(session, row.id, for_solver=True)
    schedule = solve(full, SolveParams(time_limit=time_limit, workers=2, seed=0))
    create_version(session, row.id, full, schedule, source="solve")
    return row.id, len(full.participants), len(schedule.meetings)


def _time_get(client: TestClient, url: str, runs: int) -> tuple[list[float], int]:
    """Seconds of each of `runs` GETs of `url`, and the size of the page in bytes."""
    times: list[float] = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        size = len(response.content)
    return times, size


def measure(name: str, doc: object, runs: int, time_limit: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            secret_key="bench-secret",
            var_dir=Path(tmp) / "var",
            solve_workers=1,
        )
        app = create_app(settings)
        try:
            with Session(app.state.engine) as session:
                owner = create_organiser(session, EMAIL, PASSWORD)
                event_id, people, meetings = _load(session, owner, doc, time_limit)
            with TestClient(app) as client:
                token = _csrf(client.get("/login").text)
                form = {"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": "/"}
                login = client.post("/login", data=form, follow_redirects=False)
                if login.status_code != 303:
                    raise RuntimeError(f"login failed: {login.status_code}")
                times, size = _time_get(client, f"/events/{event_id}/versions/1/grid", runs)
                review, _size = _time_get(client, f"/events/{event_id}/versions/1", runs)
        finally:
            app.state.engine.dispose()
    verdict = "yes" if statistics.median(times) < 1.0 else "no"
    row = (
        f"| {name} | {people} | {meetings} | {runs} | {statistics.median(times):.3f} | "
        f"{max(times):.3f} | {size / 1024:.0f} | {verdict} | {statistics.median(review):.3f} |"
    )
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="GETs per event (default 7)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="solve seconds per event")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = [
        "| event | participants | meetings | GETs | median s | max s | HTML KiB | median < 1 s "
        "| review median s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    synthetic = event_to_json(generate_event(SampleSpec(buyers=150, suppliers=700, days=2, seed=1)))
    rows.append(measure("synthetic-850 (150:700:2:1)", synthetic, args.runs, args.time_limit))
    hanoi = json.loads((ROOT / "samples" / "hanoi-2026.json").read_text())
    rows.append(measure("samples/hanoi-2026.json", hanoi, args.runs, args.time_limit))
    if args.no_write:
        return
    begin = "<!-- web: begin -->"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if begin not in text:
        DOC.write_text(
            text.rstrip("\n") + f"\n\n## Web app\n\n{INTRO}\n\n{begin}\n<!-- web: end -->\n"
        )
    write_section("web", " ".join(["python -m bench.grid", *sys.argv[1:]]), rows)


if __name__ == "__main__":
    main()
