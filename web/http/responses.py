"""Responses every route package uses: redirects (HX-Redirect for htmx), safe return
addresses, file downloads, and reading a form as strings."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

ICS = "text/calendar; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_htmx(request: Request) -> bool:
    """An htmx request for a fragment (a boosted link or form wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def redirect(request: Request, url: str) -> Response:
    """303 to `url`, or HX-Redirect for any htmx request (boosted ones too: the browser then
    loads the whole page, as after a plain form post)."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a path of this site, else `default` ("//host", "/\\host" and
    "https://host" are other sites to a browser)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return default if urlsplit(target).netloc else target


def download(data: bytes | str, media_type: str, filename: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(data, media_type=media_type, headers=headers)


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The posted form's text fields, each with every value it was sent with."""
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


async def form_strings(request: Request) -> dict[str, str]:
    """The posted form's text fields (files left out)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}
