"""The language switch of every page: `/lang/{code}?next=...`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import Db, signed_in_participant
from web.http.responses import safe_next
from web.i18n import DEFAULT_LOCALE, normalise, set_locale_cookie
from web.usecases import profiles

router = APIRouter()


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, db: Db, next: str = "/p/") -> Response:
    """Remember the language in a cookie and, for a signed-in participant, in their profile."""
    locale = normalise(code) or DEFAULT_LOCALE
    response = RedirectResponse(safe_next(next, "/p/"), status_code=303)
    set_locale_cookie(response, locale)
    person = signed_in_participant(request, db)
    if person is not None:
        profiles.set_locale(db, person, locale)
    return response
