"""The participant's pages: agenda, catalogue, requests, profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import Db, Me, Now, Participant, SettingsDep, get_links
from web.http.responses import is_htmx
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import calendars, catalogue, checkin, outcomes, profiles, requests, tokens
from web.usecases.errors import Invalid, Msg, NotFound

router = APIRouter(dependencies=[Depends(csrf_protect)])
MAX_FIELD = 2000  # characters kept of one profile field


def portal_page(
    request: Request,
    db: Db,
    me: Participant | None,
    template: str,
    context: Mapping[str, object],
    status_code: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A portal page, with the participant, their organisation and side, and their event;
    for htmx, only `block` of it."""
    base = {
        "me": me,
        "my_org": profiles.organisation_of(db, me) if me else None,
        "role": requests.role_of(db, me) if me else "",
        "event": profiles.event_of(db, me) if me else None,
    }
    return render(
        request,
        template,
        {**base, **context},
        block=block,
        status_code=status_code,
        headers=headers,
    )


@router.get("/p/")
def home(request: Request, me: Me, db: Db, now: Now, reported: str = "") -> Response:
    links = get_links(request)
    mine = {r.request_id: r for r in outcomes.my_meetings(db, me, now) or []}
    context = {
        "rows": calendars.agenda(db, me),
        # per meeting: whether "my partner did not come" may be said, or was
        "mine": mine,
        "reported": reported if reported in mine and mine[reported].not_held else "",
        "feed": tokens.feed_url(links.base_url, links.secret, me),
        # shown at the check-in desk from the phone or a printed agenda; opens nothing
        "qr": checkin.qr_svg(checkin.check_in_code(links.secret, me)),
    }
    return portal_page(request, db, me, "portal/agenda.html", context)


@router.get("/p/agenda")
def agenda(request: Request, me: Me, db: Db, now: Now) -> Response:
    return home(request, me, db, now, "")


@router.get("/p/catalogue")
def catalogue_page(
    request: Request,
    me: Me,
    db: Db,
    settings: SettingsDep,
    q: str = "",
    sector: str = "",
    certification: str = "",
    country: str = "",
    language: str = "",
    order: str = "",
    page: int = 1,
) -> Response:
    filters = catalogue.Filters(
        q[:200],
        sector[:200],
        certification[:200],
        country[:200],
        language[:50],
        catalogue.Order.FIT if order == catalogue.Order.FIT else catalogue.Order.NAME,
    )
    # suggestions head the unfiltered first page (they do not follow the filters)
    suggest = not filters.narrowed() and page <= 1
    view = catalogue.browse(
        db, me, filters, page, settings.catalogue_page_size, with_suggestions=suggest
    )
    context = {
        "result": view.page,
        "suggestions": view.suggestions,
        "unstated": view.unstated,
        "facets": view.facets,
        "f": filters,
        "query": _query(filters),
        "closed": _closed(db, me),
    }
    # the address bar keeps the filters, without the empty ones the form also sends
    query = urlencode(_query(filters) | ({"page": str(view.page.page)} if page > 1 else {}))
    address = {"HX-Push-Url": "/p/catalogue" + ("?" + query if query else "")}
    return portal_page(
        request, db, me, "portal/catalogue.html", context, block="results", headers=address
    )


def _query(f: catalogue.Filters) -> dict[str, str]:
    """The filters as they go into a link (the defaults left out)."""
    values = {
        "q": f.q,
        "sector": f.sector,
        "certification": f.certification,
        "country": f.country,
        "language": f.language,
        "order": "" if f.order is catalogue.Order.NAME else f.order.value,
    }
    return {k: v for k, v in values.items() if v}


@router.get("/p/catalogue/{participant_id}")
def counterpart(request: Request, me: Me, db: Db, participant_id: int, form: int = 0) -> Response:
    """One counterpart's card; `form=1` opens the request form in it (on demand, one card
    at a time, instead of a form in every card)."""
    return _card(request, db, me, participant_id, open_form=bool(form))


def _card(
    request: Request,
    db: Db,
    me: Participant,
    participant_id: int,
    *,
    open_form: bool,
    error: Msg | None = None,
    form: Mapping[str, str] | None = None,
    status_code: int = 200,
    sent: bool = False,
) -> Response:
    context = {
        "card": catalogue.card(db, me, participant_id),
        "sent": sent,
        "open_form": open_form,
        "error": error,
        "form": form or {},
        "closed": _closed(db, me),
    }
    return portal_page(
        request, db, me, "portal/counterpart.html", context, status_code, block="card"
    )


def _closed(db: Db, me: Participant) -> bool:
    event = profiles.event_of(db, me)
    return requests.requests_closed(event) if event else True


def _requests_page(
    request: Request, me: Participant, db: Db, error: Msg | None = None, status_code: int = 200
) -> Response:
    event = profiles.event_of(db, me)
    rows = requests.my_requests(db, me)
    context = {
        "rows": rows,
        "error": error,
        "limit": requests.request_limit(event) if event else 0,
        "sent_count": sum(1 for r in rows if not r.incoming),
        "closed": requests.requests_closed(event) if event else True,
    }
    return portal_page(request, db, me, "portal/requests.html", context, status_code)


@router.get("/p/requests")
def requests_page(request: Request, me: Me, db: Db) -> Response:
    return _requests_page(request, me, db)


def _number(value: str) -> int:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1


@router.post("/p/requests")
def create_request(
    request: Request,
    me: Me,
    db: Db,
    to: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "2",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Send a request. From a catalogue card (htmx), the card answers in place: with the
    request made, or with the form and what is wrong; otherwise the requests page."""
    target = _number(to)
    try:
        requests.send_request(db, me, target, requests.parse_priority(priority) or 0, note)
    except Invalid as refused:
        if is_htmx(request):
            form = {"priority": priority, "note": note}
            return _card(
                request,
                db,
                me,
                target,
                open_form=True,
                error=refused.message,
                form=form,
                status_code=422,
            )
        return _requests_page(request, me, db, refused.message, 422)
    if is_htmx(request):
        return _card(request, db, me, target, open_form=False, sent=True)
    return RedirectResponse("/p/requests", status_code=303)


@router.post("/p/requests/{ext_id}/{action}")
def answer_request(request: Request, me: Me, db: Db, ext_id: str, action: str) -> Response:
    try:
        if action in ("accept", "decline"):
            requests.answer_request(db, me, ext_id, accept=action == "accept")
        elif action == "withdraw":
            requests.withdraw_request(db, me, ext_id)
        else:
            raise NotFound(Msg("request.not_found"))
    except Invalid as refused:
        return _requests_page(request, me, db, refused.message, 422)
    return RedirectResponse("/p/requests", status_code=303)


def _profile_page(request: Request, me: Participant, db: Db, **context: object) -> Response:
    status = int(str(context.pop("status_code", 200)))
    context = {"errors": {}, "sessions": profiles.session_ids(db, me.event_id)} | context
    return portal_page(request, db, me, "portal/profile.html", context, status)


@router.get("/p/profile")
def profile(request: Request, me: Me, db: Db) -> Response:
    return _profile_page(request, me, db)


@router.post("/p/profile")
def profile_save(
    request: Request,
    me: Me,
    db: Db,
    name: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    max_meetings: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    products: Annotated[str, Form()] = "",
    sectors: Annotated[str, Form()] = "",
    certifications: Annotated[str, Form()] = "",
    org_languages: Annotated[str, Form()] = "",
    want_sectors: Annotated[str, Form()] = "",
    want_products: Annotated[str, Form()] = "",
    want_certifications: Annotated[str, Form()] = "",
    want_languages: Annotated[str, Form()] = "",
    want_countries: Annotated[str, Form()] = "",
    unavailable: Annotated[str, Form()] = "",
    sessions: Annotated[list[str] | None, Form()] = None,
    has_sessions: Annotated[str, Form()] = "",
) -> Response:
    form = {k: v[:MAX_FIELD] for k, v in locals().items() if isinstance(v, str)}
    attends = (sessions or []) if has_sessions else None
    try:
        profiles.update_profile(db, me, form, attends)
    except Invalid as refused:
        ticked = list(sessions or []) if has_sessions else None
        return _profile_page(
            request, me, db, errors=refused.fields, form=form, ticked=ticked, status_code=422
        )
    return _profile_page(request, me, db, saved=True)
