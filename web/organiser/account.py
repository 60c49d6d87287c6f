"""The signed-in organiser's own account: password and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web.http import sessions
from web.http.deps import CurrentOrganiser, Db, Organiser
from web.http.responses import form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import accounts
from web.usecases.errors import Invalid

router = APIRouter(prefix="/account", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/account.html"


def _page(
    request: Request, db: Db, organiser: Organiser, status_code: int = 200, **context: object
) -> Response:
    base: dict[str, object] = {"tokens": accounts.api_tokens(db, organiser), "errors": {}}
    return render(request, PAGE, base | context, status_code=status_code)


@router.get("")
def account_page(
    request: Request, db: Db, organiser: CurrentOrganiser, changed: int = 0
) -> Response:
    return _page(request, db, organiser, changed=changed)


@router.post("/password")
async def change_password(request: Request, db: Db, organiser: CurrentOrganiser) -> Response:
    """A new password ends every other session of the organiser (this browser stays in)."""
    form = await form_strings(request)
    try:
        accounts.change_password(
            db,
            organiser,
            form.get("current", ""),
            form.get("new", ""),
            form.get("repeat", ""),
            keep=sessions.organiser_token(request),
        )
    except Invalid as refused:
        return _page(request, db, organiser, 422, errors=refused.fields)
    return redirect(request, "/account?changed=1")


@router.post("/tokens")
def create_token(request: Request, db: Db, organiser: CurrentOrganiser) -> Response:
    """A new API token, shown on this answer only (only its hash is kept)."""
    token = accounts.new_api_token(db, organiser)
    return _page(request, db, organiser, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, db: Db, organiser: CurrentOrganiser, token_id: int) -> Response:
    accounts.revoke_api_token(db, organiser, token_id)
    return redirect(request, "/account")
