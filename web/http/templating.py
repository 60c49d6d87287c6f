"""Jinja2 environment and `render()`: a full page, or one named block for htmx requests.

Templates live under `templates/organiser/`, `templates/portal/` and `templates/shared/`.
A `Msg` (or a list of them) printed in a template is translated there, in the reader's
language: use cases hand over codes, never text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments import render_block

from web import i18n, messages
from web.http.responses import is_htmx
from web.http.sessions import CSRF_FIELD, CSRF_HEADER, csrf_token
from web.usecases.errors import Msg

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _finalize(value: object) -> object:
    if isinstance(value, Msg):
        return messages.text(value)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Msg) for v in value):
        return messages.texts(value)
    return value


def _hm(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment else ""


def _dt(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _in_zone(moment: datetime | None, zone: str) -> str:
    """A stored moment (naive UTC, as `web.models.utcnow` writes it) as the wall-clock time
    of the time zone `zone`, written as `dt` writes."""
    if moment is None:
        return ""
    return _dt(i18n.from_utc(moment, zone))


def _join(values: Sequence[str] | None) -> str:
    return ", ".join(values or ())


def _qs(**values: object) -> str:
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    i18n.install(env)
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.globals["CSRF_HEADER"] = CSRF_HEADER
    env.globals["qs"] = _qs
    env.globals["role_name"] = messages.role
    env.filters["hm"] = _hm
    env.filters["dt"] = _dt
    env.filters["in_zone"] = _in_zone
    env.filters["join_list"] = _join
    env.filters["msg"] = _finalize
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render `template`; for an htmx (non-boosted) request and a `block`, only that block."""
    env: jinja2.Environment = request.app.state.jinja
    ctx: dict[str, Any] = {
        "request": request,
        "csrf_token": csrf_token(request),
        "organiser": getattr(request.state, "organiser", None),
        # what the reader may do with the page's event (`access.Permission` values)
        "can": getattr(request.state, "permissions", frozenset()),
        "lang": i18n.get_locale(),
        "LOCALES": i18n.LOCALES,
    }
    ctx.update(context or {})
    if block is not None and is_htmx(request):
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)
