"""`ketnoi` web commands: create-organiser, create-token, demo-load (SQLite file)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import Session, select

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
