"""The `ketnoi` command: the scheduler commands plus serve, admin and demo-load."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import cli as scheduler_cli
from scheduler.formats import read_event_file
from web import messages
from web.usecases import access, accounts, events
from web.usecases.errors import UseCaseError

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "hanoi-2026.json"


def build_parser() -> tuple[argparse.ArgumentParser, object]:
    parser, commands = scheduler_cli.build_parser()
    p = commands.add_parser("serve", help="serve the web app (migrates the database first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="web processes (rate limits are shared)")
    p.set_defaults(func=_serve)

    p = commands.add_parser(
        "worker", help="run solve jobs from the PostgreSQL queue (any machine reaching it)"
    )
    p.add_argument("--concurrency", type=int, default=1, help="solves at once")
    p.set_defaults(func=_worker)

    p = commands.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    p.set_defaults(func=_migrate)
    p = commands.add_parser(
        "backup", help="copy the SQLite database consistently, also while it is served"
    )
    p.add_argument("destination", type=Path)
    p.set_defaults(func=_backup)

    admin = commands.add_parser("admin", help="organiser accounts and API tokens")
    sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    p = sub.add_parser("create-organiser", help="create an organiser (or reset the password)")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=_create_organiser)
    p = sub.add_parser("create-token", help="create an API token for an organiser and print it")
    p.add_argument("email")
    p.set_defaults(func=_create_token)
    p = sub.add_parser("grant", help="give an organiser a role in an event (owner hands it over)")
    p.add_argument("event_id", type=int)
    p.add_argument("email")
    p.add_argument("--role", choices=[r.value for r in access.GRANTS], default="owner")
    p.set_defaults(func=_grant)

    p = commands.add_parser(
        "demo-load", help="load a b2b-event/1 file as an event unless one of that name exists"
    )
    p.add_argument("event", type=Path, nargs="?", default=SAMPLE)
    p.add_argument("--owner", metavar="EMAIL", help="the organiser who owns the event")
    p.set_defaults(func=_demo_load)
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    parser, _ = build_parser()
    return scheduler_cli.run(parser, argv)


def _engine() -> Engine:
    from web.db import make_engine, migrate
    from web.settings import get_settings

    engine = make_engine(get_settings().database_url)
    migrate(engine)
    return engine


def served_address(host: str, port: int) -> str:
    """The address people reach `ketnoi serve --host HOST --port PORT` at: for a wildcard
    host, this machine's address on its local network (found without sending anything)."""
    if host in ("0.0.0.0", "::", ""):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(("10.254.254.254", 1))  # UDP: picks the route, sends nothing
                host = probe.getsockname()[0]
            except OSError:  # no network at all: only this machine can reach it
                host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from web.settings import get_settings

    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    _engine().dispose()  # migrated once here, before the web processes start
    # Links in e-mails and on pages name the address being served unless one is configured
    # (behind a proxy: KETNOI_BASE_URL=https://...). Never the request's Host header, which
    # a stranger chooses: a sign-in link mailed to someone must not point elsewhere.
    os.environ.setdefault("KETNOI_BASE_URL", served_address(args.host, args.port))
    get_settings.cache_clear()
    if args.workers == 1:
        from web.app import create_app

        uvicorn.run(create_app(), host=args.host, port=args.port)
    else:
        uvicorn.run(
            "web.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
        )
    return 0


def _worker(args: argparse.Namespace) -> int:
    import logging

    from web.jobqueue import is_postgresql, run_worker
    from web.settings import get_settings

    settings = get_settings()
    if not is_postgresql(settings.database_url):
        print(
            "error: solve workers need KETNOI_DATABASE_URL to be PostgreSQL; "
            "with SQLite, `ketnoi serve` runs the solves itself",
            file=sys.stderr,
        )
        return scheduler_cli.EXIT_BAD_INPUT
    if args.concurrency < 1:
        print("error: --concurrency must be at least 1", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _engine().dispose()
    run_worker(settings, args.concurrency)
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    _engine().dispose()
    print("database schema up to date")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from web.db import backup_sqlite
    from web.settings import get_settings

    url = get_settings().database_url
    if not url.startswith("sqlite"):
        print("error: for PostgreSQL use pg_dump (docs/deploy.md)", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    if args.destination.exists():
        print(f"error: {args.destination} exists", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    backup_sqlite(url, args.destination)
    print(f"backup written to {args.destination}")
    return 0


def _create_organiser(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat: "):
            print("error: the passwords differ", file=sys.stderr)
            return scheduler_cli.EXIT_BAD_INPUT
    try:
        with Session(_engine()) as session:
            organiser = accounts.create_organiser(session, args.email, password)
    except UseCaseError as error:
        print(f"error: {messages.text(error.message)}", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    print(f"organiser {organiser.email} ready")
    return 0


def _create_token(args: argparse.Namespace) -> int:
    try:
        with Session(_engine()) as session:
            print(accounts.create_api_token(session, args.email))
    except UseCaseError as error:
        print(f"error: {messages.text(error.message)}", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    return 0


def _grant(args: argparse.Namespace) -> int:
    try:
        with Session(_engine()) as session:
            access.grant_by_email(session, args.event_id, args.email, args.role)
    except UseCaseError as error:
        print(f"error: {messages.text(error.message)}", file=sys.stderr)
        return scheduler_cli.EXIT_BAD_INPUT
    print(f"{args.email} is {args.role} of event {args.event_id}")
    return 0


def _demo_load(args: argparse.Namespace) -> int:
    event = read_event_file(args.event)
    with Session(_engine()) as session:
        owner = accounts.organiser_by_email(session, args.owner) if args.owner else None
        if args.owner and owner is None:
            print(f"error: no organiser {args.owner}", file=sys.stderr)
            return scheduler_cli.EXIT_BAD_INPUT
        existing = events.find_by_name(session, event.name)
        if existing is not None:
            print(f"event {existing.id} “{existing.name}” already loaded")
            return 0
        venue = "National Convention Center, Hanoi"
        row = events.create_event(session, owner, event, venue=venue)  # FormatError: run()
        print(
            f"event {row.id} “{row.name}” loaded" + (f", owned by {owner.email}" if owner else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
