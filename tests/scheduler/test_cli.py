"""The `ketnoi` command as a user runs it: exit codes, messages, files never half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.paths import jair_dir
from scheduler.formats import dumps, read_event_file, schedule_to_json
from tests.scheduler.factories import greedy_schedule

SAMPLES = Path(__file__).parents[2] / "samples"
JAIR = jair_dir()


def ketnoi(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_solve_then_check(tmp_path: Path) -> None:
    out = tmp_path / "schedule.json"
    solved = ketnoi(
        "solve", SAMPLES / "tiny.json", "-o", out, "--time-limit", "10", "--workers", "1"
    )
    assert solved.returncode == 0, solved.stderr
    assert "weight" in solved.stderr and "bound" in solved.stderr  # progress on stderr
    schedule = json.loads(out.read_text())
    assert schedule["format"] == "b2b-schedule/1"
    checked = ketnoi("check", SAMPLES / "tiny.json", out)
    assert checked.returncode == 0, checked.stderr
    metrics = json.loads(checked.stdout)
    assert metrics["meetings"] == len(schedule["meetings"])
    assert metrics["weight"] == schedule["stats"]["weight"]


def test_check_reports_a_violation_with_exit_1(tmp_path: Path) -> None:
    event = json.loads((SAMPLES / "tiny.json").read_text())
    first = event["requests"][0]
    start = event["event"]["sessions"][0]["start"]
    bad = {
        "format": "b2b-schedule/1",
        "meetings": [
            {"request": first["id"], "start": start, "table": "T01"},
            {"request": first["id"], "start": start, "table": "T02"},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = ketnoi("check", SAMPLES / "tiny.json", path)
    assert result.returncode == 1
    assert f"{first['id']}: scheduled more than once" in result.stderr
    assert json.loads(result.stdout)["meetings"] == 1  # a request counts once


def test_bad_input_exits_2_with_the_json_path_and_writes_nothing(tmp_path: Path) -> None:
    event = json.loads((SAMPLES / "tiny.json").read_text())
    event["requests"][3]["to"] = "S0x9"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    out = tmp_path / "schedule.json"
    result = ketnoi("solve", path, "-o", out)
    assert result.returncode == 2
    assert 'requests[3].to: unknown participant "S0x9"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_invalid_json_and_missing_file_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "b2b-event/1",')
    result = ketnoi("solve", broken)
    assert result.returncode == 2
    assert "invalid JSON at line 1" in result.stderr
    missing = ketnoi("check", tmp_path / "nope.json", broken)
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    result = ketnoi("sample", "--buyers", "2", "--suppliers", "3", "-o", tmp_path / "no" / "x.json")
    assert result.returncode == 2
    assert "cannot write" in result.stderr


def test_import_dzn_gives_a_valid_event(tmp_path: Path) -> None:
    out = tmp_path / "forum-13.json"
    result = ketnoi("import-dzn", JAIR / "forum-13.original.dzn", "-o", out)
    assert result.returncode == 0, result.stderr
    event = json.loads(out.read_text())
    assert event["event"]["max_breaks"] == 2
    assert [s["id"] for s in event["event"]["sessions"]] == ["am", "pm"]
    assert len(event["participants"]) == 70 and len(event["requests"]) == 154
    assert all(r["required"] for r in event["requests"])


def test_sample_is_deterministic_and_valid(tmp_path: Path) -> None:
    args = ("sample", "--buyers", "5", "--suppliers", "20", "--days", "2", "--seed", "3")
    first, second = ketnoi(*args), ketnoi(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    doc = json.loads(first.stdout)
    assert len(doc["participants"]) >= 20
    assert len({s["start"][:10] for s in doc["event"]["sessions"]}) == 2


def _published_tiny(tmp_path: Path) -> Path:
    """A published schedule of the tiny sample (the greedy's), as a file."""
    event = read_event_file(SAMPLES / "tiny.json")
    path = tmp_path / "published.json"
    path.write_text(dumps(schedule_to_json(greedy_schedule(event), event)))
    return path


def test_resolve_of_a_changed_event_writes_a_valid_schedule(tmp_path: Path) -> None:
    doc = json.loads((SAMPLES / "tiny.json").read_text())
    doc["requests"] = doc["requests"][1:]  # one request withdrawn
    changed = tmp_path / "event.json"
    changed.write_text(json.dumps(doc))
    out = tmp_path / "new.json"
    result = ketnoi("resolve", changed, _published_tiny(tmp_path), "-o", out, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert ketnoi("check", changed, out).returncode == 0


def test_resolve_prints_what_changed(tmp_path: Path) -> None:
    published = _published_tiny(tmp_path)
    out = tmp_path / "new.json"
    result = ketnoi("resolve", SAMPLES / "tiny.json", published, "-o", out, "--workers", "1")
    kept = len(json.loads(published.read_text())["meetings"])
    assert f"kept {kept}, moved 0, dropped 0" in result.stderr


def test_resolve_refuses_an_event_given_as_the_published_schedule(tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    result = ketnoi("resolve", SAMPLES / "tiny.json", SAMPLES / "tiny.json", "-o", out)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        'error: format: expected "b2b-schedule/1", got "b2b-event/1"',
    )
    assert not out.exists()


def test_resolve_warns_when_the_published_schedule_is_of_another_event(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps(
            {
                "format": "b2b-schedule/1",
                "meetings": [{"request": "X1", "start": "2026-11-19T08:30", "table": "T01"}],
            }
        )
    )
    result = ketnoi("resolve", SAMPLES / "tiny.json", other, "--workers", "1", "--quiet")
    assert f"warning: no meeting of {other} is a request of" in result.stderr
