"""The `ketnoi` command line: solve, resolve, advise, check, import-dzn, sample.

Exit status: 0 success, 1 a schedule violates a rule (check) or no schedule satisfies the
event (solve), 2 bad input (the message names the JSON path), 3 an internal error.
web/cli.py adds the web commands (serve, admin) to this parser.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scheduler.advise import DEFAULT_TIME_LIMIT as ADVISE_TIME_LIMIT
from scheduler.advise import AdviceError, AdviceParams, AdviceProgress, advise
from scheduler.check import check_schedule
from scheduler.domain import Event, Schedule, SolveStatus
from scheduler.dzn import read_dzn_file
from scheduler.formats import (
    FormatError,
    dumps,
    event_to_json,
    load_json,
    parse_event,
    parse_published,
    parse_schedule,
    schedule_to_json,
)
from scheduler.resolve import DEFAULT_TIME_LIMIT, resolve
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import InternalError, Progress, SolveParams, solve

Handler = Callable[[argparse.Namespace], int]
EXIT_VIOLATION = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its subcommand registry (for web/cli.py to extend)."""
    parser = argparse.ArgumentParser(
        prog="ketnoi", description="Scheduler for B2B matchmaking events."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("solve", help="solve a b2b-event/1 file into a b2b-schedule/1 file")
    p.add_argument("event", type=Path, help="b2b-event/1 JSON file")
    p.add_argument("-o", "--output", type=Path, help="schedule file (default: stdout)")
    p.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    p.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_solve)

    p = commands.add_parser(
        "resolve",
        help="re-solve a changed event from its published schedule, moving as little as possible",
    )
    p.add_argument("event", type=Path, help="b2b-event/1 JSON file: the event as it is now")
    p.add_argument("published", type=Path, help="b2b-schedule/1 JSON file: the published schedule")
    p.add_argument("-o", "--output", type=Path, help="new schedule file (default: stdout)")
    p.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"seconds (default {DEFAULT_TIME_LIMIT:g})",
    )
    p.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_resolve)

    p = commands.add_parser(
        "advise", help="the changes to the event that would buy the most weight, each verified"
    )
    p.add_argument("event", type=Path, help="b2b-event/1 JSON file")
    p.add_argument(
        "--time-limit",
        type=float,
        default=ADVISE_TIME_LIMIT,
        help=f"seconds per solve: the event's and each changed event's (default {ADVISE_TIME_LIMIT:g})",
    )
    p.add_argument("--top", type=int, default=5, help="suggestions wanted (default 5)")
    p.add_argument(
        "--write-events", type=Path, metavar="DIR", help="write each changed event as DIR/N.json"
    )
    p.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_advise)

    p = commands.add_parser("check", help="check a schedule against its event; print metrics")
    p.add_argument("event", type=Path)
    p.add_argument("schedule", type=Path)
    p.set_defaults(func=_check)

    p = commands.add_parser("import-dzn", help="convert a JAIR 2022 .dzn instance to b2b-event/1")
    p.add_argument("dzn", type=Path)
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=_import_dzn)

    p = commands.add_parser("sample", help="generate a synthetic supplier-connection conference")
    p.add_argument("--buyers", type=int, default=40)
    p.add_argument("--suppliers", type=int, default=190)
    p.add_argument("--days", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pooled-tables", action="store_true", help="no host tables for buyers")
    p.add_argument("--name")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=_sample)
    return parser, commands


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse argv and run the chosen command, turning expected failures into exit codes."""
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except FormatError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InternalError as error:
        print(f"internal error, please report it: {error}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    parser, _ = build_parser()
    return run(parser, argv)


# --- commands ----------------------------------------------------------------------------


def _solve(args: argparse.Namespace) -> int:
    event = _read_event(args.event)
    schedule = solve(event, _params(args), on_progress=_progress(args))
    _write(args.output, dumps(schedule_to_json(schedule, event)))
    return _report(args, schedule)


def _resolve(args: argparse.Namespace) -> int:
    event = _read_event(args.event)
    doc = load_json(_read_bytes(args.published))
    published = parse_published(doc)
    known = {r.id for r in event.requests}
    if published and not any(m.request_id in known for m in published):
        print(
            f"warning: no meeting of {args.published} is a request of {args.event}: "
            "is it this event's schedule?",
            file=sys.stderr,
        )
    schedule = resolve(event, published, _params(args), on_progress=_progress(args))
    _write(args.output, dumps(schedule_to_json(schedule, event)))
    stats = schedule.stats
    if stats is not None and not args.quiet:
        print(
            f"kept {stats.kept}, moved {stats.moved}, dropped {stats.dropped}, added {stats.added}",
            file=sys.stderr,
        )
    return _report(args, schedule)


def _advise(args: argparse.Namespace) -> int:
    """One JSON line per suggestion on stdout, best first; the changed events in DIR."""
    event = _read_event(args.event)
    solve_params = _params(args)
    if args.top < 1:
        raise FormatError(["--top must be at least 1"])
    directory: Path | None = args.write_events
    if directory is not None:
        try:  # before minutes of solving, not after
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FormatError([f"cannot write {directory}: {error.strerror}"]) from None
    params = AdviceParams(
        time_limit=solve_params.time_limit,
        workers=solve_params.workers,
        seed=solve_params.seed,
        top=args.top,
    )

    def progress(p: AdviceProgress) -> None:
        if not args.quiet:
            step = f" {p.step}/{p.steps}" if p.steps > 1 else ""
            print(f"{p.elapsed:7.1f}s  {p.stage}{step}: {p.what}", file=sys.stderr)

    try:
        advice = advise(event, params, on_progress=progress)
    except AdviceError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_VIOLATION
    if directory is not None:
        for n, suggestion in enumerate(advice.suggestions, 1):
            _write(directory / f"{n}.json", dumps(event_to_json(suggestion.event)))
        for path in directory.glob("*.json"):  # changed events an earlier run left behind
            if path.stem.isdigit() and int(path.stem) > len(advice.suggestions):
                path.unlink()
    for suggestion in advice.suggestions:
        print(json.dumps(suggestion.to_json(), ensure_ascii=False))
    if not args.quiet:
        bound = "?" if advice.weight_bound is None else advice.weight_bound
        print(
            f"the event as it is: weight {advice.weight} (bound {bound}), "
            f"{advice.meetings} meetings; {len(advice.suggestions)} suggestions from "
            f"{advice.verified} changed events solved, {advice.candidates} estimated, "
            f"{advice.seconds} s",
            file=sys.stderr,
        )
    return 0


def _params(args: argparse.Namespace) -> SolveParams:
    if args.time_limit <= 0 or args.workers < 1:
        raise FormatError(["--time-limit must be positive and --workers at least 1"])
    return SolveParams(time_limit=args.time_limit, workers=args.workers, seed=args.seed)


def _progress(args: argparse.Namespace) -> Callable[[Progress], None]:
    def progress(p: Progress) -> None:
        if args.quiet:
            return
        bound = "?" if p.weight_bound is None else p.weight_bound
        breaks = "?" if p.breaks is None else p.breaks
        print(
            f"{p.elapsed:7.1f}s  {p.phase:<12} meetings {p.meetings:5d}  "
            f"weight {p.weight} / bound {bound}  breaks {breaks}",
            file=sys.stderr,
        )

    return progress


def _report(args: argparse.Namespace, schedule: Schedule) -> int:
    """The outcome on stderr; exit 1 when no schedule holds every required meeting."""
    stats = schedule.stats
    if stats is not None:
        if not args.quiet:
            print(
                f"{stats.status}: {stats.meetings} meetings, weight {stats.weight} "
                f"(bound {stats.weight_bound}), breaks {stats.breaks} "
                f"(bound {stats.breaks_bound}), {stats.solve_seconds} s",
                file=sys.stderr,
            )
        if stats.message:
            print(stats.message, file=sys.stderr)
        if stats.status is SolveStatus.INFEASIBLE:
            return EXIT_VIOLATION
    return 0


def _check(args: argparse.Namespace) -> int:
    event = _read_event(args.event)
    schedule = parse_schedule(load_json(_read_bytes(args.schedule)), event)
    result = check_schedule(event, schedule)
    for violation in result.violations:
        print(f"violation: {violation}", file=sys.stderr)
    print(json.dumps(result.metrics.as_dict()))
    return 0 if result.ok else EXIT_VIOLATION


def _import_dzn(args: argparse.Namespace) -> int:
    event = read_dzn_file(args.dzn)
    _write(args.output, dumps(event_to_json(event)))
    return 0


def _sample(args: argparse.Namespace) -> int:
    if args.buyers < 1 or args.suppliers < 1 or not 1 <= args.days <= 10:
        raise FormatError(["--buyers and --suppliers must be positive, --days 1 to 10"])
    spec = SampleSpec(
        buyers=args.buyers,
        suppliers=args.suppliers,
        days=args.days,
        seed=args.seed,
        pooled_tables=args.pooled_tables,
        name=args.name,
    )
    _write(args.output, dumps(event_to_json(generate_event(spec))))
    return 0


# --- files -------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FormatError([f"cannot read {path}: {error.strerror}"]) from None


def _read_event(path: Path) -> Event:
    warnings: list[str] = []
    event = parse_event(load_json(_read_bytes(path)), warnings=warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return event


def _write(path: Path | None, text: str) -> None:
    """Write atomically: a crash or a full disk never leaves a half-written file behind."""
    if path is None:
        sys.stdout.write(text)
        return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise FormatError([f"cannot write {path}: {error.strerror}"]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise FormatError([f"cannot write {path}: {error.strerror}"]) from None


if __name__ == "__main__":
    sys.exit(main())
