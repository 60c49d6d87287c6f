"""Every sample and a few JAIR 2022 instances solved and validated; all 20 instances import."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.paths import jair_dir
from scheduler.check import check_schedule
from scheduler.domain import SolveStatus
from scheduler.dzn import read_dzn_file
from scheduler.formats import read_event_file
from scheduler.solve import SolveParams, solve

ROOT = Path(__file__).parents[2]
JAIR = jair_dir()


def test_the_twenty_jair_instances_are_found() -> None:
    assert len(list(JAIR.glob("*.dzn"))) == 20, f"set KETNOI_JAIR_DIR (looked in {JAIR})"


@pytest.mark.parametrize("path", sorted(JAIR.glob("*.dzn")), ids=lambda p: p.name.split(".")[0])
def test_every_jair_instance_imports(path: Path) -> None:
    event = read_dzn_file(path)
    assert event.max_breaks == 2
    assert event.requests and all(r.required for r in event.requests)


@pytest.mark.parametrize(("name", "optimum"), [("tic-12", 0), ("forumt-14crafd", 4)])
def test_jair_instances_reach_the_proven_optimum(name: str, optimum: int) -> None:
    event = read_dzn_file(JAIR / f"{name}.original.dzn")
    schedule = solve(event, SolveParams(time_limit=30, workers=2, seed=0))
    assert check_schedule(event, schedule).ok
    assert schedule.stats is not None
    assert schedule.stats.breaks == optimum
    assert schedule.stats.breaks_bound == optimum
    assert schedule.stats.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("path", sorted((ROOT / "samples").glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_solves_to_a_valid_schedule(path: Path) -> None:
    event = read_event_file(path)
    schedule = solve(event, SolveParams(time_limit=10, workers=2, seed=0))
    result = check_schedule(event, schedule)
    assert result.ok, result.violations[:5]
    assert schedule.stats is not None
    assert schedule.stats.weight_bound is not None
    assert schedule.stats.weight <= schedule.stats.weight_bound
    assert len(schedule.meetings) + len(schedule.unscheduled) == len(event.requests)
    assert all(u.reason for u in schedule.unscheduled)


def test_tiny_sample_solves_to_optimal() -> None:
    # The solve stops at the proof; the limit only has to outlast a loaded machine.
    event = read_event_file(ROOT / "samples" / "tiny.json")
    # The solve stops at the proof (about 3 s on a quiet machine); the limit only matters under load.
    schedule = solve(event, SolveParams(time_limit=300, workers=1, seed=0))
    assert schedule.stats is not None
    assert schedule.stats.status is SolveStatus.OPTIMAL
