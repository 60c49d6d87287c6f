"""Locale choice, catalogues, Jinja callables, middleware and date formatting (web.i18n)."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from web import i18n


def test_choose_locale_order() -> None:
    assert i18n.choose_locale("vi", "en", "en") == "vi"
    assert i18n.choose_locale(None, "vi-VN", "en") == "vi"
    assert i18n.choose_locale(None, None, "fr;q=1, vi;q=0.8, en;q=0.5") == "vi"
    assert i18n.choose_locale(None, None, "en-GB,vi;q=0.9") == "en"
    assert i18n.choose_locale("xx", "??", "de") == "en"
    assert i18n.choose_locale(None, None, "vi;q=abc") == "en"


def test_gettext_follows_current_locale() -> None:
    assert i18n._("Log out") == "Log out"
    with i18n.use_locale("vi"):
        assert i18n._("Log out") == "Đăng xuất"
        assert i18n._("not in any catalogue") == "not in any catalogue"
    assert i18n.get_locale() == "en"


def test_jinja_install() -> None:
    env = jinja2.Environment(autoescape=True)
    i18n.install(env)
    tpl = env.from_string('{{ _("Log out") }} {{ get_locale() }}')
    assert tpl.render() == "Log out en"
    with i18n.use_locale("vi"):
        assert tpl.render() == "Đăng xuất vi"


def test_format_datetime_in_event_zone() -> None:
    naive_local = datetime(2026, 3, 10, 9, 30)  # slot times are naive, local to the event zone
    assert "9:30" in i18n.format_datetime(naive_local, "Asia/Ho_Chi_Minh", "en")
    aware_utc = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    assert "09:30" in i18n.format_time(aware_utc, "Asia/Ho_Chi_Minh", "vi")
    assert "tháng 3" in i18n.format_date(naive_local, "Asia/Ho_Chi_Minh", "vi")
    assert "March" in i18n.format_date(naive_local, "Asia/Ho_Chi_Minh", "en")


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(i18n.LocaleMiddleware)

    @app.get("/t")
    def t() -> PlainTextResponse:  # sync: runs in the threadpool with the copied context
        return PlainTextResponse(i18n.get_locale() + ":" + i18n._("Log out"))

    @app.get("/set/{code}")
    def set_(code: str) -> PlainTextResponse:
        response = PlainTextResponse("ok")
        i18n.set_locale_cookie(response, code)
        return response

    return app


def test_middleware_and_cookie() -> None:
    client = TestClient(_app())
    assert client.get("/t").text == "en:Log out"
    assert client.get("/t", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).text == "vi:Đăng xuất"
    client.get("/set/vi")
    assert client.cookies.get("lang") == "vi"
    assert client.get("/t", headers={"Accept-Language": "en"}).text == "vi:Đăng xuất"
    client.get("/set/zz")
    assert client.cookies.get("lang") == "en"
    bad = TestClient(_app())
    assert bad.get("/t", headers={"Cookie": 'lang="; x'}).status_code == 200
