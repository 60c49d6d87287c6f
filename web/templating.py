"""Jinja2 environment and `render()`: a full page, or one named block for htmx requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2_fragments import render_block

from web import i18n
from web.security import CSRF_FIELD, CSRF_HEADER, csrf_token

TEMPLATES = Path(__file__).parent / "templates"


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install(env)
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.globals["CSRF_HEADER"] = CSRF_HEADER
    env.filters["hm"] = lambda d: d.strftime("%H:%M") if d else ""
    env.filters["dt"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if d else ""
    env.filters["join_list"] = lambda v: ", ".join(v or ())
    env.globals["qs"] = lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})
    return env


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


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
        "lang": i18n.get_locale(),
    }
    ctx.update(context or {})
    if block is not None and is_htmx(request):
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)
