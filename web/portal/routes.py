"""Participant portal routes (/p/...), the language switch (/lang/{code}), the organiser's
sign-in links page and the organiser API calendar of one participant."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from scheduler.ical import participant_calendar
from web import models as m
from web.db import SessionDep
from web.i18n import LOCALES, _, get_locale, locale_dependency, normalise, set_locale_cookie
from web.mail import Mailer
from web.portal import notify, services
from web.security import ApiOrganiser, CurrentOrganiser, csrf_protect, current_organiser
from web.templating import render


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    notify.register(app.state.engine, app.state.settings)
    yield


router = APIRouter(
    dependencies=[Depends(locale_dependency), Depends(csrf_protect)], lifespan=_lifespan
)
log = logging.getLogger(__name__)
SESSION_KEY = "participant"
ICS = "text/calendar; charset=utf-8"


def _secret(request: Request) -> str:
    return str(request.app.state.settings.get_secret_key())


def current_participant(request: Request, session: SessionDep) -> m.Participant:
    """The signed-in participant (session cookie set by a sign-in link), or 403."""
    data = request.session.get(SESSION_KEY)
    person = None
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        person = session.get(m.Participant, data["id"])
        if person is not None and person.token_version != data.get("v"):
            person = None
    if person is None:
        raise HTTPException(403, _("Sign in with your personal link first."))
    request.state.participant = person
    return person


Me = Annotated[m.Participant, Depends(current_participant)]


def _page(
    request: Request, session: Session, me: m.Participant | None, template: str, **ctx: object
) -> Response:
    event = session.get(m.Event, me.event_id) if me else None
    base = {
        "me": me,
        "my_org": services.organisation_of(session, me) if me else None,
        "role": services.role_of(session, me) if me else "",
        "event": event,
        "lang": get_locale(),
        "LOCALES": LOCALES,
    }
    status = ctx.pop("status_code", 200)
    return render(request, template, {**base, **ctx}, status_code=int(status))  # type: ignore[call-overload]


def _local(next_url: str | None) -> str:
    """Only same-site paths are followed after a redirect."""
    if not next_url or not next_url.startswith("/") or next_url.startswith(("//", "/\\")):
        return "/p/"
    return next_url if not urlsplit(next_url).netloc else "/p/"


# --- sign-in -----------------------------------------------------------------------------------


@router.get("/p/login/{token}")
def sign_in(request: Request, token: str, session: SessionDep) -> Response:
    person = services.read_token(
        session, _secret(request), token, salt=services.LOGIN_SALT, max_age=services.LOGIN_MAX_AGE
    )
    if person is None:
        return _page(request, session, None, "portal/link.html", expired=True, status_code=403)
    request.session[SESSION_KEY] = {"id": person.id, "v": person.token_version}
    response = RedirectResponse("/p/", status_code=303)
    if person.locale:
        set_locale_cookie(response, person.locale)
    return response


@router.post("/p/logout")
def sign_out(request: Request) -> Response:
    request.session.pop(SESSION_KEY, None)
    return RedirectResponse("/p/link", status_code=303)


@router.get("/p/link")
def link_form(request: Request, session: SessionDep) -> Response:
    return _page(request, session, None, "portal/link.html")


@router.post("/p/link")
def link_send(
    request: Request, session: SessionDep, email: Annotated[str, Form()] = ""
) -> Response:
    """Always the same answer, whether or not the address is registered (or rate-limited)."""
    limiter = request.app.state.link_limiter
    # Per address, not per client: behind a venue's proxy every participant has the same one.
    key = email.strip().casefold()[:320]
    if limiter.blocked(key):  # someone is flooding an inbox through this form
        log.warning("sign-in link requests for %s rate-limited", key)
        return _page(request, session, None, "portal/link.html", sent=True)
    limiter.fail(key)
    ctx = notify.Context(
        _secret(request),
        str(request.app.state.settings.base_url),
        Mailer.from_settings(request.app.state.settings),
    )
    for person in services.participants_with_email(session, email[:320]):
        event = session.get(m.Event, person.event_id)
        notify.send_login_link(person, ctx, event.name if event else "")
    return _page(request, session, None, "portal/link.html", sent=True)


@router.get("/lang/{code}")
def switch_language(
    request: Request, code: str, session: SessionDep, next: str = "/p/"
) -> Response:
    """Remember the language in a cookie and, for a signed-in participant, in their profile."""
    locale = normalise(code) or "en"
    response = RedirectResponse(_local(next), status_code=303)
    set_locale_cookie(response, locale)
    data = request.session.get(SESSION_KEY)
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        person = session.get(m.Participant, data["id"])
        if person is not None and person.token_version == data.get("v"):
            services.set_locale(session, person, locale)
    return response


# --- pages ---------------------------------------------------------------------------------------


@router.get("/p/")
def home(request: Request, me: Me, session: SessionDep) -> Response:
    return _page(
        request,
        session,
        me,
        "portal/agenda.html",
        rows=services.agenda(session, me),
        feed=services.feed_url(str(request.app.state.settings.base_url), _secret(request), me),
    )


@router.get("/p/agenda")
def agenda(request: Request, me: Me, session: SessionDep) -> Response:
    return home(request, me, session)


@router.get("/p/catalogue")
def catalogue(
    request: Request,
    me: Me,
    session: SessionDep,
    q: str = "",
    sector: str = "",
    certification: str = "",
    country: str = "",
    language: str = "",
) -> Response:
    filters = services.Filters(
        q[:200], sector[:200], certification[:200], country[:200], language[:50]
    )
    requested = {
        r.other.id for r in services.my_requests(session, me) if not r.incoming or r.mutual
    }
    return _page(
        request,
        session,
        me,
        "portal/catalogue.html",
        cards=services.catalogue(session, me, filters),
        suggestions=services.suggestions(session, me),
        facets=services.facets(session, me),
        f=filters,
        requested=requested,
    )


@router.get("/p/requests")
def requests_page(request: Request, me: Me, session: SessionDep, error: str = "") -> Response:
    event = session.get(m.Event, me.event_id)
    assert event is not None
    rows = services.my_requests(session, me)
    return _page(
        request,
        session,
        me,
        "portal/requests.html",
        rows=rows,
        error=error,
        limit=services.request_limit(event),
        sent_count=sum(1 for r in rows if not r.incoming),
        closed=services.requests_closed(event),
    )


def _int(value: str, default: int) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return default


@router.post("/p/requests")
def create_request(
    request: Request,
    me: Me,
    session: SessionDep,
    to: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "2",
    note: Annotated[str, Form()] = "",
) -> Response:
    to_id, prio = _int(to, -1), _int(priority, 0)
    error = services.send_request(session, me, to_id, prio, note)
    if error:
        response = requests_page(request, me, session, error=error)
        response.status_code = 422
        return response
    return RedirectResponse("/p/requests", status_code=303)


@router.post("/p/requests/{ext_id}/{action}")
def answer_request(
    request: Request, me: Me, session: SessionDep, ext_id: str, action: str
) -> Response:
    if action in ("accept", "decline"):
        event = session.get(m.Event, me.event_id)
        assert event is not None
        if services.requests_closed(event):  # the page offers no buttons then; enforce it too
            response = requests_page(request, me, session, error=_("Requests are closed."))
            response.status_code = 422
            return response
        ok = services.respond(session, me, ext_id, action == "accept")
    elif action == "withdraw":
        ok = services.withdraw(session, me, ext_id)
    else:
        ok = False
    if not ok:
        raise HTTPException(404, _("No such request."))
    return RedirectResponse("/p/requests", status_code=303)


@router.get("/p/profile")
def profile(request: Request, me: Me, session: SessionDep) -> Response:
    return _page(
        request,
        session,
        me,
        "portal/profile.html",
        errors={},
        sessions=services.session_ids(session, me.event_id),
    )


@router.post("/p/profile")
def profile_save(
    request: Request,
    me: Me,
    session: SessionDep,
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
    unavailable: Annotated[str, Form()] = "",
    sessions: Annotated[list[str] | None, Form()] = None,
    has_sessions: Annotated[str, Form()] = "",
) -> Response:
    form = {k: v[:2000] for k, v in locals().items() if isinstance(v, str)}
    attends = (sessions or []) if has_sessions else None
    errors = services.update_profile(session, me, form, attends)
    if errors:
        return _page(
            request,
            session,
            me,
            "portal/profile.html",
            errors=errors,
            form=form,
            ticked=list(sessions or []) if has_sessions else None,
            status_code=422,
            sessions=services.session_ids(session, me.event_id),
        )
    return _page(
        request,
        session,
        me,
        "portal/profile.html",
        errors={},
        saved=True,
        sessions=services.session_ids(session, me.event_id),
    )


# --- calendars ----------------------------------------------------------------------------------


def _ics(data: bytes, filename: str) -> Response:
    return Response(
        data, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/p/calendar.ics")
def agenda_ics(me: Me, session: SessionDep) -> Response:
    data = services.agenda_ics(session, me)
    if data is None:
        raise HTTPException(404, _("The schedule is not yet published."))
    return _ics(data, "agenda.ics")


@router.get("/p/meetings/{ext_id}.ics")
def meeting_ics(me: Me, session: SessionDep, ext_id: str) -> Response:
    data = services.meeting_ics(session, me, ext_id)
    if data is None:
        raise HTTPException(404, _("No such meeting."))
    return _ics(data, f"meeting-{ext_id}.ics")


@router.get("/p/feed/{token}/calendar.ics")
def feed(request: Request, token: str, session: SessionDep) -> Response:
    """Private subscription feed: the published agenda, no cookie needed."""
    person = services.read_token(
        session, _secret(request), token, salt=services.FEED_SALT, max_age=None
    )
    if person is None:
        raise HTTPException(404, _("No such calendar."))
    data = services.agenda_ics(session, person)
    if data is None:
        raise HTTPException(404, _("The schedule is not yet published."))
    return Response(data, media_type=ICS)


# --- organiser side --------------------------------------------------------------------------------


@router.get("/events/{event_id}/portal")
def organiser_links(
    request: Request,
    event_id: int,
    organiser: CurrentOrganiser,
    session: SessionDep,
    sent: int = -1,
    renewed: int = 0,
) -> Response:
    event = session.get(m.Event, event_id)
    if event is None:
        raise HTTPException(404, _("No such event."))
    people = session.exec(
        select(m.Participant)
        .where(m.Participant.event_id == event_id)
        .order_by(col(m.Participant.ext_id))
    ).all()
    base, secret = str(request.app.state.settings.base_url), _secret(request)
    links = [(p, services.login_url(base, secret, p)) for p in people]
    return render(
        request,
        "portal/links.html",
        {"event": event, "links": links, "sent": sent, "renewed": renewed, "lang": get_locale()},
    )


@router.post("/events/{event_id}/portal/send")
def organiser_send_links(
    request: Request, event_id: int, organiser: CurrentOrganiser, session: SessionDep
) -> Response:
    event = session.get(m.Event, event_id)
    if event is None:
        raise HTTPException(404, _("No such event."))
    ctx = notify.Context(
        _secret(request),
        str(request.app.state.settings.base_url),
        Mailer.from_settings(request.app.state.settings),
    )
    people = session.exec(select(m.Participant).where(m.Participant.event_id == event_id)).all()
    sent = sum(notify.send_login_link(p, ctx, event.name) for p in people)
    return RedirectResponse(f"/events/{event_id}/portal?sent={sent}", status_code=303)


@router.post("/events/{event_id}/portal/revoke/{participant_id}")
def organiser_revoke_link(
    event_id: int, participant_id: int, organiser: CurrentOrganiser, session: SessionDep
) -> Response:
    """A forwarded or leaked link: the old link, open sessions and the feed URL stop working."""
    person = session.get(m.Participant, participant_id)
    if person is None or person.event_id != event_id:
        raise HTTPException(404, _("No such participant."))
    person.token_version += 1
    session.add(person)
    session.commit()
    return RedirectResponse(
        f"/events/{event_id}/portal?renewed={participant_id}#p{participant_id}", status_code=303
    )


@router.get("/events/{event_id}/portal/suggestions")
def organiser_suggestions(
    request: Request,
    event_id: int,
    organiser: CurrentOrganiser,
    session: SessionDep,
    created: int = -1,
) -> Response:
    event = session.get(m.Event, event_id)
    if event is None:
        raise HTTPException(404, _("No such event."))
    rows = services.organiser_suggestions(session, event_id)
    return render(
        request,
        "portal/suggestions.html",
        {"event": event, "rows": rows, "created": created, "lang": get_locale()},
    )


@router.post("/events/{event_id}/portal/suggestions")
async def organiser_create_suggested(request: Request, event_id: int) -> Response:
    form = await request.form()
    pairs: list[tuple[int, int]] = []
    for value in form.getlist("pair"):
        a, _sep, b = str(value).partition("-")
        if a.isdigit() and b.isdigit():
            pairs.append((int(a), int(b)))
    return await run_in_threadpool(_create_suggested, request, event_id, pairs)


def _create_suggested(request: Request, event_id: int, pairs: list[tuple[int, int]]) -> Response:
    with Session(request.app.state.engine) as session:
        current_organiser(request, session)
        if session.get(m.Event, event_id) is None:
            raise HTTPException(404, _("No such event."))
        created = services.create_suggested_requests(session, event_id, pairs)
    return RedirectResponse(
        f"/events/{event_id}/portal/suggestions?created={created}", status_code=303
    )


@router.get("/api/events/{event_id}/participants/{participant_id}/calendar.ics", tags=["api"])
def api_participant_calendar(
    event_id: int, participant_id: str, organiser: ApiOrganiser, session: SessionDep
) -> Response:
    """The published agenda of one participant (`participant_id`: its id in b2b-event/1)."""
    person = session.exec(
        select(m.Participant).where(
            m.Participant.event_id == event_id, m.Participant.ext_id == participant_id
        )
    ).first()
    if person is None:
        raise HTTPException(404, "no such participant")
    src = services.calendar_source(session, event_id)
    if src is None:
        raise HTTPException(404, "no published schedule")
    return _ics(
        participant_calendar(src.event, src.schedule, person.ext_id, src.options),
        f"{person.ext_id}.ics",
    )
