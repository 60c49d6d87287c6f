"""`ketnoi advise` as a user runs it: one JSON line per suggestion, the changed events in DIR."""

from __future__ import annotations

import json
from pathlib import Path

from scheduler.formats import dumps, event_to_json, read_event_file
from tests.scheduler.bottlenecks import bottleneck_event
from tests.scheduler.factories import event, person, request
from tests.scheduler.test_cli import ketnoi

KEYS = {"kind", "what", "change", "gain_weight", "gain_meetings"}


def _event_file(tmp_path: Path) -> Path:
    path = tmp_path / "event.json"
    path.write_text(dumps(event_to_json(bottleneck_event())))
    return path


def test_advise_prints_a_json_line_per_suggestion_and_writes_each_changed_event(
    tmp_path: Path,
) -> None:
    out = tmp_path / "changed"
    result = ketnoi("advise", _event_file(tmp_path), "--workers", "1", "--write-events", out)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all(set(line) >= KEYS for line in lines)
    assert "verify 1/" in result.stderr  # progress
    written = sorted(out.iterdir())
    assert [p.name for p in written] == [f"{n}.json" for n in range(1, len(lines) + 1)]
    first = read_event_file(out / "1.json")
    assert len(first.slots) > len(bottleneck_event().slots)  # the best: a longer session


def test_advise_removes_changed_events_an_earlier_run_left_behind(tmp_path: Path) -> None:
    out = tmp_path / "changed"
    out.mkdir()
    (out / "9.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    result = ketnoi("advise", _event_file(tmp_path), "--workers", "1", "--write-events", out)
    assert result.returncode == 0, result.stderr
    count = len(result.stdout.splitlines())
    names = {p.name for p in out.iterdir()}
    assert names == {f"{n}.json" for n in range(1, count + 1)} | {"notes.txt"}


def test_advise_refuses_a_top_below_one(tmp_path: Path) -> None:
    result = ketnoi("advise", _event_file(tmp_path), "--top", "0")
    assert result.returncode == 2
    assert "error: --top must be at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_advise_says_why_an_event_with_impossible_required_meetings_has_no_advice(
    tmp_path: Path,
) -> None:
    ev = event(
        [person("A", max_meetings=1), "B", "C"],
        [request("R1", "A", "B", required=True), request("R2", "A", "C", required=True)],
    )
    path = tmp_path / "event.json"
    path.write_text(dumps(event_to_json(ev)))
    result = ketnoi("advise", path, "--workers", "1")
    assert result.returncode == 1
    assert "error: the event has no schedule to improve on" in result.stderr
    assert result.stdout == ""
