"""`ketnoi` web commands: create-organiser, create-token, demo-load (SQLite file)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from web import models as m
from web.cli import main
from web.db import make_engine
from web.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


def test_admin_commands_and_demo_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KETNOI_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
        assert main(["admin", "create-organiser", "a@example.org", "--password-stdin"]) == 2
        monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
        assert main(["admin", "create-organiser", "a@example.org", "--password-stdin"]) == 0
        assert main(["admin", "create-token", "nobody@example.org"]) == 2
        capsys.readouterr()
        assert main(["admin", "create-token", "a@example.org"]) == 0
        assert capsys.readouterr().out.startswith("ktn_")
        assert main(["demo-load", str(ROOT / "samples/tiny.json")]) == 0
        assert main(["demo-load", str(ROOT / "samples/tiny.json")]) == 0
        assert "already loaded" in capsys.readouterr().out
        engine = make_engine(url)
        with Session(engine) as session:
            assert len(session.exec(select(m.Event)).all()) == 1
            assert session.exec(select(m.ApiToken)).one().token_hash
        engine.dispose()
    finally:
        get_settings.cache_clear()


def _roles(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(m.Organiser.email, m.EventMember.role).join(
                m.EventMember, col(m.EventMember.organiser_id) == col(m.Organiser.id)
            )
        ).all()
    engine.dispose()
    return sorted((email, role) for email, role in rows)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KETNOI_DATABASE_URL", url)
    get_settings.cache_clear()
    for email in ("a@example.org", "b@example.org"):
        monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
        assert main(["admin", "create-organiser", email, "--password-stdin"]) == 0
    yield url
    get_settings.cache_clear()


def test_demo_load_gives_the_event_its_owner(cli_db: str) -> None:
    main(["demo-load", str(ROOT / "samples/tiny.json"), "--owner", "a@example.org"])
    assert _roles(cli_db) == [("a@example.org", "owner")]


def test_demo_load_refuses_an_unknown_owner(cli_db: str) -> None:
    assert main(["demo-load", str(ROOT / "samples/tiny.json"), "--owner", "x@example.org"]) == 2


def test_grant_hands_an_event_over(cli_db: str) -> None:
    main(["demo-load", str(ROOT / "samples/tiny.json"), "--owner", "a@example.org"])
    main(["admin", "grant", "1", "b@example.org"])
    assert _roles(cli_db) == [("a@example.org", "co-organiser"), ("b@example.org", "owner")]


def test_grant_of_an_unknown_event_is_bad_input(cli_db: str) -> None:
    assert main(["admin", "grant", "9", "b@example.org", "--role", "viewer"]) == 2
