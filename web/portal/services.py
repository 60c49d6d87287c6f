"""Participant portal services: sign-in tokens, catalogue, requests, agenda and calendars.

Routes call these; every function that reads or changes a participant's data takes the
signed-in participant and only touches rows of that participant's event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, col, or_, select

from scheduler import domain
from scheduler.formats import FormatError
from scheduler.ical import (
    CalendarOptions,
    Method,
    meeting_calendar,
    participant_calendar,
    sequences,
)
from web import models as m
from web.i18n import _
from web.models import RequestStatus, VersionStatus
from web.portal.matching import Candidate, Match, Needs, suggest
from web.services import schedules
from web.services.events import event_from_db

log = logging.getLogger(__name__)
LOGIN_SALT = "ketnoi-portal-login"
FEED_SALT = "ketnoi-portal-feed"
LOGIN_MAX_AGE = 14 * 24 * 3600  # a sign-in link works for two weeks
DEFAULT_REQUEST_LIMIT = 20
MUTUAL = "mutual"  # MeetingRequest.created_by when both sides asked (kept as one request)


# --- tokens ----------------------------------------------------------------------------------


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def login_token(secret: str, person: m.Participant) -> str:
    """Signed, timestamped {participant id, token_version}."""
    return _serializer(secret, LOGIN_SALT).dumps({"p": person.id, "v": person.token_version})


def feed_token(secret: str, person: m.Participant) -> str:
    """Signed, non-expiring token of the private webcal feed (revoked by token_version)."""
    return _serializer(secret, FEED_SALT).dumps({"p": person.id, "v": person.token_version})


def read_token(
    session: Session, secret: str, token: str, *, salt: str, max_age: int | None
) -> m.Participant | None:
    """The participant of a valid token; None if tampered, expired or revoked."""
    try:
        data = _serializer(secret, salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    person = session.get(m.Participant, data["p"])
    if person is None or person.token_version != data.get("v"):
        return None
    return person


def login_url(base_url: str, secret: str, person: m.Participant) -> str:
    return f"{base_url.rstrip('/')}/p/login/{login_token(secret, person)}"


def feed_url(base_url: str, secret: str, person: m.Participant) -> str:
    """webcal:// subscription URL (calendar apps poll it)."""
    http = f"{base_url.rstrip('/')}/p/feed/{feed_token(secret, person)}/calendar.ics"
    return "webcal://" + http.split("://", 1)[1]


# --- people ----------------------------------------------------------------------------------


def organisation_of(session: Session, person: m.Participant) -> m.Organisation | None:
    return session.get(m.Organisation, person.organisation_id) if person.organisation_id else None


def role_of(session: Session, person: m.Participant) -> str:
    org = organisation_of(session, person)
    return (org.role or "") if org else ""


def other_role(role: str) -> str | None:
    return {"buyer": "supplier", "supplier": "buyer"}.get(role)


@dataclass
class Filters:
    q: str = ""
    sector: str = ""
    certification: str = ""
    country: str = ""
    language: str = ""


@dataclass
class Card:
    person: m.Participant
    org: m.Organisation | None


def _counterparts(session: Session, me: m.Participant) -> list[Card]:
    role = role_of(session, me)
    rows = session.exec(
        select(m.Participant, m.Organisation)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == me.event_id, m.Participant.id != me.id)
        .order_by(col(m.Organisation.name), col(m.Participant.name))
    ).all()
    wanted = other_role(role)
    return [Card(p, o) for p, o in rows if wanted is None or (o is not None and o.role == wanted)]


def _has(values: list[str] | None, wanted: str) -> bool:
    return not wanted or wanted.casefold() in {v.casefold() for v in values or ()}


def catalogue(session: Session, me: m.Participant, f: Filters) -> list[Card]:
    """The other side of the event, filtered (all filters must hold; q is free text)."""
    out = []
    q = f.q.strip().casefold()
    for card in _counterparts(session, me):
        o = card.org
        langs = list(card.person.languages or ()) + list(o.languages if o else ())
        if not (
            _has(o.sectors if o else [], f.sector)
            and _has(o.certifications if o else [], f.certification)
            and (
                not f.country
                or (o is not None and (o.country or "").casefold() == f.country.casefold())
            )
            and _has(langs, f.language)
        ):
            continue
        if q:
            text = " ".join(
                [
                    card.person.name,
                    o.name if o else "",
                    o.description if o else "",
                    o.country or "" if o else "",
                    *list(o.products if o else []),
                    *list(o.sectors if o else []),
                    *list(o.certifications if o else []),
                ]
            ).casefold()
            if q not in text:
                continue
        out.append(card)
    return out


def facets(session: Session, me: m.Participant) -> dict[str, list[str]]:
    """Values offered in the filter drop-downs."""
    sectors: set[str] = set()
    certs: set[str] = set()
    countries: set[str] = set()
    langs: set[str] = set()
    for card in _counterparts(session, me):
        langs.update(card.person.languages or ())
        if card.org:
            sectors.update(card.org.sectors or ())
            certs.update(card.org.certifications or ())
            langs.update(card.org.languages or ())
            if card.org.country:
                countries.add(card.org.country)
    return {
        "sectors": sorted(sectors),
        "certifications": sorted(certs),
        "countries": sorted(countries),
        "languages": sorted(langs),
    }


def suggestions(session: Session, me: m.Participant, limit: int = 10) -> list[tuple[Match, Card]]:
    """Counterparts ranked by fit to my organisation's `looking_for` (empty if none stated)."""
    org = organisation_of(session, me)
    needs = Needs.from_mapping(org.looking_for if org else None)
    if needs.empty():
        return []
    cards = {c.person.id: c for c in _counterparts(session, me)}
    candidates = []
    for c in cards.values():
        assert c.person.id is not None
        o = c.org
        candidates.append(
            Candidate(
                id=c.person.id,
                name=(o.name if o else "") + " " + c.person.name,
                sectors=tuple(o.sectors if o else ()),
                products=tuple(o.products if o else ()),
                certifications=tuple(o.certifications if o else ()),
                languages=tuple(c.person.languages or ()) + tuple(o.languages if o else ()),
            )
        )
    return [(mt, cards[mt.candidate.id]) for mt in suggest(needs, candidates, limit)]


# --- profile -----------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def session_ids(session: Session, event_id: int) -> list[str]:
    return list(
        session.exec(
            select(m.EventSession.ext_id)
            .where(m.EventSession.event_id == event_id)
            .order_by(col(m.EventSession.start))
        )
    )


def parse_unavailable(
    text: str, timezone: str | None = None
) -> tuple[list[dict[str, str]], str | None]:
    """Lines 'start/end' (ISO date-times) -> stored ranges, or an error message.

    Times are the event's local times; a time given with an offset (`+09:00`) is converted to
    the event's zone (`timezone`) and stored without one, like every other time of the event."""
    zone = ZoneInfo(timezone) if timezone else None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        start, _sep, end = line.partition("/")
        try:
            a, b = datetime.fromisoformat(start.strip()), datetime.fromisoformat(end.strip())
        except ValueError:
            return [], _("line {n}: not a valid date or time").format(n=n)
        a, b = _local_naive(a, zone), _local_naive(b, zone)
        if b <= a:
            return [], _("line {n}: the end must be after the start").format(n=n)
        out.append(
            {"start": a.isoformat(timespec="minutes"), "end": b.isoformat(timespec="minutes")}
        )
    return out, None


def _local_naive(moment: datetime, zone: ZoneInfo | None) -> datetime:
    if moment.tzinfo is None:
        return moment
    if zone is not None:
        moment = moment.astimezone(zone)
    return moment.replace(tzinfo=None)


def update_profile(
    session: Session,
    me: m.Participant,
    form: dict[str, str],
    attends: list[str] | None = None,
) -> dict[str, str]:
    """Save my own profile; returns field errors (nothing saved when there are any).

    `attends`: the ticked session ids (None: the form had no session boxes, keep as is)."""
    errors: dict[str, str] = {}
    all_sessions = session_ids(session, me.event_id)
    available: list[str] | None = me.available
    if attends is not None:
        chosen = [s for s in all_sessions if s in set(attends)]
        if not chosen:
            errors["sessions"] = _("Choose at least one session.")
        available = None if len(chosen) == len(all_sessions) else chosen
    event = session.get(m.Event, me.event_id)
    unavailable, problem = parse_unavailable(
        form.get("unavailable", ""), event.timezone if event else None
    )
    if problem:
        errors["unavailable"] = problem
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = _("Enter your name.")
    max_meetings = form.get("max_meetings", "").strip()
    max_value: int | None = None
    if max_meetings:
        try:
            max_value = int(max_meetings)
            if not 0 <= max_value <= 100:
                raise ValueError
        except ValueError:
            errors["max_meetings"] = _("Enter a whole number between 0 and 100, or leave empty.")
    if errors:
        return errors
    me.name = name
    me.languages = _split(form.get("languages", ""))
    me.max_meetings = max_value
    me.available = available
    me.unavailable = unavailable
    session.add(me)
    org = organisation_of(session, me)
    if org is not None:
        org.description = form.get("description", "").strip()
        org.products = _split(form.get("products", ""))
        org.sectors = _split(form.get("sectors", ""))
        org.certifications = _split(form.get("certifications", ""))
        org.languages = _split(form.get("org_languages", ""))
        if org.role == "buyer":
            org.looking_for = {
                key: _split(form.get("want_" + key, ""))
                for key in ("sectors", "products", "certifications", "languages")
            }
        session.add(org)
    session.commit()
    return {}


# --- requests ----------------------------------------------------------------------------------


@dataclass
class RequestRow:
    request: m.MeetingRequest
    other: m.Participant
    other_org: m.Organisation | None
    incoming: bool
    mutual: bool


def _next_ext_id(session: Session, event_id: int) -> str:
    taken = set(
        session.exec(select(m.MeetingRequest.ext_id).where(m.MeetingRequest.event_id == event_id))
    )
    n = len(taken) + 1
    while f"P{n:05d}" in taken:
        n += 1
    return f"P{n:05d}"


def my_requests(session: Session, me: m.Participant) -> list[RequestRow]:
    rows = list(
        session.exec(
            select(m.MeetingRequest)
            .where(
                m.MeetingRequest.event_id == me.event_id,
                or_(m.MeetingRequest.from_id == me.id, m.MeetingRequest.to_id == me.id),
            )
            .order_by(col(m.MeetingRequest.created_at), col(m.MeetingRequest.id))
        )
    )
    pairs = {(r.from_id, r.to_id) for r in rows}
    out = []
    for r in rows:
        incoming = r.to_id == me.id
        other = session.get(m.Participant, r.from_id if incoming else r.to_id)
        if other is None:
            continue
        out.append(
            RequestRow(
                r,
                other,
                organisation_of(session, other),
                incoming,
                r.created_by == MUTUAL or (r.to_id, r.from_id) in pairs,
            )
        )
    return out


def request_limit(event: m.Event) -> int:
    return event.max_requests_per_participant or DEFAULT_REQUEST_LIMIT


def requests_closed(event: m.Event) -> bool:
    if event.request_deadline is None:
        return False
    now_local = datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None)
    return now_local > event.request_deadline


def send_request(
    session: Session, me: m.Participant, to_id: int, priority: int, note: str
) -> str | None:
    """Create a pending request from me; returns an error message or None."""
    event = session.get(m.Event, me.event_id)
    assert event is not None
    if requests_closed(event):
        return _("Requests are closed.")
    other = session.get(m.Participant, to_id)
    if other is None or other.event_id != me.event_id or other.id == me.id:
        return _("No such participant.")
    wanted = other_role(role_of(session, me))
    if wanted is not None and role_of(session, other) != wanted:
        return _("No such participant.")  # buyers meet suppliers, not each other
    if priority not in (1, 2, 3):
        return _("Choose a priority from 1 to 3.")
    mine = session.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id, m.MeetingRequest.from_id == me.id
        )
    ).all()
    if any(r.to_id == to_id for r in mine):
        return _("You have already asked to meet them.")
    reverse = session.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.from_id == to_id,
            m.MeetingRequest.to_id == me.id,
        )
    ).first()
    if reverse is not None:
        # Mutual: one meeting, not two. Asking back accepts their request, at the higher priority.
        reverse.status = RequestStatus.ACCEPTED.value
        reverse.priority = max(reverse.priority, priority)
        if note.strip():
            reverse.note = (reverse.note + " / " if reverse.note else "") + note.strip()[:500]
        reverse.created_by = MUTUAL
        session.add(reverse)
        session.commit()
        return None
    if len(mine) >= request_limit(event):
        return _("You have reached your limit of requests.")
    assert event.id is not None and me.id is not None
    session.add(
        m.MeetingRequest(
            event_id=event.id,
            ext_id=_next_ext_id(session, event.id),
            from_id=me.id,
            to_id=to_id,
            priority=priority,
            note=note.strip()[:500],
            status=RequestStatus.PENDING.value,
            created_by="participant",
        )
    )
    session.commit()
    return None


def respond(session: Session, me: m.Participant, ext_id: str, accept: bool) -> bool:
    """Accept or decline a request addressed to me; False if there is no such request or the
    organiser forced it (only they can change it)."""
    r = session.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.ext_id == ext_id,
            m.MeetingRequest.to_id == me.id,
        )
    ).first()
    if r is None or r.forced:  # a forced request goes to the solver whatever its status
        return False
    r.status = (RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED).value
    session.add(r)
    session.commit()
    return True


def withdraw(session: Session, me: m.Participant, ext_id: str) -> bool:
    """Delete a still-pending request I sent; False if there is no such request."""
    r = session.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.ext_id == ext_id,
            m.MeetingRequest.from_id == me.id,
            m.MeetingRequest.status == RequestStatus.PENDING.value,
        )
    ).first()
    if r is None:
        return False
    session.delete(r)
    session.commit()
    return True


# --- agenda and calendars ------------------------------------------------------------------------


@dataclass
class AgendaRow:
    meeting: m.Meeting
    other: m.Participant | None
    other_org: m.Organisation | None
    interpreter: list[str] = field(default_factory=list)


def agenda(session: Session, me: m.Participant) -> list[AgendaRow] | None:
    """My meetings in the published version; None before anything is published."""
    version = schedules.published_version(session, me.event_id)
    if version is None:
        return None
    assert me.id is not None
    rows = []
    for meeting, other in schedules.agenda(session, version, me.id):
        req = session.get(m.MeetingRequest, meeting.request_id) if meeting.request_id else None
        interp = [
            r.split(":", 1)[-1]
            for r in (req.requires if req else [])
            if r.startswith("interpreter")
        ]
        rows.append(
            AgendaRow(meeting, other, organisation_of(session, other) if other else None, interp)
        )
    return rows


def _published_history(session: Session, event_id: int) -> list[m.ScheduleVersion]:
    return list(
        session.exec(
            select(m.ScheduleVersion)
            .where(
                m.ScheduleVersion.event_id == event_id,
                col(m.ScheduleVersion.published_at).is_not(None),
                col(m.ScheduleVersion.status).in_(
                    [VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value]
                ),
            )
            .order_by(col(m.ScheduleVersion.published_at), col(m.ScheduleVersion.id))
        )
    )


@dataclass
class CalendarSource:
    event: domain.Event
    schedule: domain.Schedule
    options: CalendarOptions


def calendar_source(
    session: Session, event_id: int, version_id: int | None = None
) -> CalendarSource | None:
    """Domain event + the published schedule (or `version_id`, which must have been published),
    with the previous published version and SEQUENCE numbers accumulated over the history."""
    row = session.get(m.Event, event_id)
    if row is None:
        return None
    history = _published_history(session, event_id)
    if version_id is not None:
        history = history[: next((i + 1 for i, v in enumerate(history) if v.id == version_id), 0)]
    elif history and history[-1].status != VersionStatus.PUBLISHED.value:
        history = []
    if not history:
        return None
    full = event_from_db(session, event_id)
    seq: dict[str, int] = {}
    previous: domain.Schedule | None = None
    current: domain.Schedule | None = None
    for i, version in enumerate(history):
        try:
            current = schedules.domain_schedule(session, version, full)
        except FormatError as exc:  # e.g. a request deleted after publishing
            log.warning("version %s of event %s cannot be read: %s", version.id, event_id, exc)
            return None
        if i < len(history) - 1:
            seq.update(sequences(current, previous, seq))
            previous = current
    assert current is not None
    organiser = session.exec(select(m.Organiser).order_by(col(m.Organiser.id))).first()
    return CalendarSource(
        full,
        current,
        CalendarOptions(
            event_slug=f"event-{event_id}",
            venue=row.venue or None,
            organiser_email=organiser.email if organiser else None,
            organiser_name=row.name,
            previous=previous,
            previous_sequence=seq,
            table_label=_("Table"),
        ),
    )


def agenda_ics(session: Session, me: m.Participant) -> bytes | None:
    src = calendar_source(session, me.event_id)
    if src is None:
        return None
    return participant_calendar(src.event, src.schedule, me.ext_id, src.options)


def meeting_ics(session: Session, me: m.Participant, request_ext: str) -> bytes | None:
    """One of my meetings as an invitation; None if it is not mine or not published."""
    src = calendar_source(session, me.event_id)
    if src is None:
        return None
    req = src.event.request_by_id().get(request_ext)
    if req is None or me.ext_id not in (req.from_id, req.to_id):
        return None
    try:
        return meeting_calendar(src.event, src.schedule, request_ext, src.options, Method.PUBLISH)
    except KeyError:
        return None


def set_locale(session: Session, me: m.Participant, locale: str) -> None:
    me.locale = locale
    session.add(me)
    session.commit()


def participants_with_email(session: Session, email: str) -> list[m.Participant]:
    email = email.strip().casefold()
    if not email:
        return []
    rows = session.exec(select(m.Participant).where(m.Participant.email != "")).all()
    return [p for p in rows if p.email.strip().casefold() == email]


# --- organiser: suggestions in bulk ------------------------------------------------------------


def organiser_suggestions(
    session: Session, event_id: int, per_buyer: int = 3
) -> list[tuple[m.Participant, Match, Card]]:
    """For each buyer, the best-fitting suppliers not yet paired with them in any request."""
    pairs = {
        frozenset((r.from_id, r.to_id))
        for r in session.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    out: list[tuple[m.Participant, Match, Card]] = []
    people = session.exec(
        select(m.Participant)
        .where(m.Participant.event_id == event_id)
        .order_by(col(m.Participant.ext_id))
    ).all()
    for buyer in people:
        if role_of(session, buyer) != "buyer":
            continue
        fresh = [
            (match, card)
            for match, card in suggestions(session, buyer, limit=100)
            if frozenset((buyer.id, card.person.id)) not in pairs
        ]
        out.extend((buyer, match, card) for match, card in fresh[:per_buyer])
    return out


def create_suggested_requests(session: Session, event_id: int, pairs: list[tuple[int, int]]) -> int:
    """Turn chosen (buyer id, supplier id) suggestions into accepted organiser requests."""
    existing = {
        frozenset((r.from_id, r.to_id))
        for r in session.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    created = 0
    for buyer_id, supplier_id in pairs:
        a, b = session.get(m.Participant, buyer_id), session.get(m.Participant, supplier_id)
        if a is None or b is None or a.event_id != event_id or b.event_id != event_id:
            continue
        if frozenset((buyer_id, supplier_id)) in existing or buyer_id == supplier_id:
            continue
        session.add(
            m.MeetingRequest(
                event_id=event_id,
                ext_id=_next_ext_id(session, event_id),
                from_id=buyer_id,
                to_id=supplier_id,
                priority=2,
                status=RequestStatus.ACCEPTED.value,
                created_by="organiser",
                note="suggested",
            )
        )
        session.flush()
        existing.add(frozenset((buyer_id, supplier_id)))
        created += 1
    session.commit()
    return created
