"""Translations (Babel/gettext, English and Vietnamese) and locale-aware date/time formatting.

The current request's locale lives in a context variable. It is chosen, in this order, by an
explicit preference (`use_locale`, e.g. a participant's saved `Participant.locale`), the `lang`
cookie, the `Accept-Language` header, and finally English. `LocaleMiddleware` (pure ASGI) sets
it for every request. `_()` and the Jinja callables installed by `install(env)` read it at call time, so a
module-level `_()` call is evaluated in English: call `_()` inside functions.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, tzinfo
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel.dates
import babel.numbers
import jinja2
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

LOCALES: tuple[str, ...] = ("en", "vi")
DEFAULT_LOCALE = "en"
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "ketnoi_locale", default=DEFAULT_LOCALE
)


# ---------------------------------------------------------------- catalogues and lookup


def normalise(code: str | None) -> str | None:
    """'vi-VN' / 'VI' / 'vi_VN' -> 'vi'; an unsupported or empty code -> None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `locale` (English and missing catalogues: identity)."""
    if locale == DEFAULT_LOCALE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)


def get_locale() -> str:
    """The locale of the current request (or `use_locale` block)."""
    return _current.get()


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Temporarily switch locale (e.g. to write an e-mail in the recipient's language)."""
    token = _current.set(normalise(locale) or DEFAULT_LOCALE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(s: str) -> str:
    """Translate a user-visible Python string into the current locale."""
    return translations(_current.get()).gettext(s)


def N_(s: str) -> str:  # gettext's conventional name for "mark only"
    """Mark a word for the catalogue without translating it (it is translated where shown)."""
    return s


# Words stored in the database or sent by the solver, shown through `_(value)` in templates.
STORED_WORDS = (
    N_("queued"),
    N_("running"),
    N_("succeeded"),
    N_("failed"),
    N_("cancelled"),
    N_("draft"),
    N_("published"),
    N_("retired"),
    N_("solve"),
    N_("resolve"),
    N_("pending"),
    N_("sending"),
    N_("sent"),
    N_("edit"),
    N_("import"),
    N_("walk-in"),
    N_("optimal"),
    N_("feasible"),
    N_("infeasible"),
    N_("unknown"),
    N_("edited"),
    N_("greedy"),
    N_("repair"),
    N_("compact"),
    N_("select and time"),
    N_("weight"),
    N_("breaks"),
    N_("breaks bound"),
    N_("improve"),
    N_("done"),
)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware translation into the current locale."""
    return translations(_current.get()).ngettext(singular, plural, n)


# ---------------------------------------------------------------- choosing the locale


def parse_accept_language(header: str | None) -> str | None:
    """The best supported locale of an `Accept-Language` header, honouring q-values."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for pos, part in enumerate(header.split(",")):
        piece, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = normalise(piece)
        if code is not None and q > 0:
            choices.append((-q, pos, code))
    return min(choices)[2] if choices else None


def choose_locale(
    preference: str | None = None, cookie: str | None = None, accept_language: str | None = None
) -> str:
    """User preference, then the `lang` cookie, then Accept-Language, then English."""
    return (
        normalise(preference)
        or normalise(cookie)
        or parse_accept_language(accept_language)
        or DEFAULT_LOCALE
    )


def set_locale_cookie(response: Response, locale: str, *, secure: bool = False) -> None:
    """Remember `locale` in the `lang` cookie on any response (unsupported codes: English)."""
    response.set_cookie(
        COOKIE_NAME,
        normalise(locale) or DEFAULT_LOCALE,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


class LocaleMiddleware:
    """Pure ASGI middleware: sets the current locale from the cookie and Accept-Language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookie_value: str | None = None
        if "cookie" in headers:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(headers["cookie"])
            except Exception:  # a malformed cookie header must not break the request
                jar = SimpleCookie()
            if COOKIE_NAME in jar:
                cookie_value = jar[COOKIE_NAME].value
        token = _current.set(choose_locale(None, cookie_value, headers.get("accept-language")))
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)


# ---------------------------------------------------------------- dates and times


def _zone(tz: str | tzinfo | None) -> tzinfo | None:
    if tz is None or isinstance(tz, tzinfo):
        return tz
    return ZoneInfo(tz)


def _localise(dt: datetime, tz: str | tzinfo | None) -> tuple[datetime, tzinfo | None]:
    """A naive `dt` is a wall-clock time in `tz` (as scheduler slots are)."""
    zone = _zone(tz)
    if dt.tzinfo is None and zone is not None:
        dt = dt.replace(tzinfo=zone)
    return dt, zone


def from_utc(moment: datetime, tz: str | tzinfo) -> datetime:
    """A naive UTC `moment` (how rows store when something happened) as the naive wall-clock
    time of zone `tz`; an unknown zone name leaves it in UTC."""
    try:
        zone = _zone(tz)
    except (ValueError, ZoneInfoNotFoundError):
        return moment
    return moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def format_datetime(
    dt: datetime, tz: str | tzinfo | None = None, locale: str | None = None, fmt: str = "medium"
) -> str:
    """`dt` shown in zone `tz` and `locale` (default: current); naive `dt` is local to `tz`."""
    dt, zone = _localise(dt, tz)
    return babel.dates.format_datetime(dt, fmt, tzinfo=zone, locale=locale or get_locale())


def format_date(
    d: date | datetime, tz: str | tzinfo | None = None, locale: str | None = None, fmt: str = "full"
) -> str:
    """A calendar day, e.g. 'Tuesday, March 10, 2026' / 'Thứ Ba, 10 tháng 3, 2026'."""
    if isinstance(d, datetime):
        d, zone = _localise(d, tz)
        if zone is not None:
            d = d.astimezone(zone)
        d = d.date()
    return babel.dates.format_date(d, fmt, locale=locale or get_locale())


def format_time(
    t: datetime | time,
    tz: str | tzinfo | None = None,
    locale: str | None = None,
    fmt: str = "short",
) -> str:
    """A time of day in zone `tz`, e.g. '09:30' / '9:30 AM'."""
    if isinstance(t, datetime):
        t, zone = _localise(t, tz)
        return babel.dates.format_time(t, fmt, tzinfo=zone, locale=locale or get_locale())
    return babel.dates.format_time(t, fmt, locale=locale or get_locale())


def format_number(n: float, locale: str | None = None) -> str:
    """A number grouped as the locale writes it: '2,470' / '2.470'."""
    return babel.numbers.format_decimal(n, locale=locale or get_locale())


# ---------------------------------------------------------------- Jinja


def install(env: jinja2.Environment) -> None:
    """Make `_`, `gettext`, `ngettext`, `{% trans %}`, `get_locale()` and date filters available."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _(s), ngettext=lambda s, p, n: ngettext(s, p, n), newstyle=True
    )
    env.globals["get_locale"] = get_locale
    env.globals["LOCALES"] = LOCALES
    env.filters["format_datetime"] = format_datetime
    env.filters["format_date"] = format_date
    env.filters["format_time"] = format_time
    env.filters["num"] = format_number
