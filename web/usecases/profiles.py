"""A participant's own profile in the portal: what they say about themselves and their company."""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler.domain import TimeRange
from web import models as m
from web.usecases import inputs, mapper
from web.usecases.availability import parse_range
from web.usecases.errors import Invalid, Msg

MAX_MEETINGS = 100  # a participant's own cap; organisers may set more
# the `looking_for` keys each side states on its profile ("want_<key>" fields): what a buyer
# needs from suppliers, and the buyers a supplier seeks
WANTS = {
    "buyer": ("sectors", "products", "certifications", "languages"),
    "supplier": ("sectors", "countries", "products", "languages"),
}
MULTI_LINE = {"description", "unavailable"}  # text areas; every other field is one line


def organisation_of(db: Session, person: m.Participant) -> m.Organisation | None:
    return db.get(m.Organisation, person.organisation_id) if person.organisation_id else None


def session_ids(db: Session, event_id: int) -> list[str]:
    return list(
        db.exec(
            select(m.EventSession.ext_id)
            .where(m.EventSession.event_id == event_id)
            .order_by(col(m.EventSession.start))
        )
    )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def update_profile(
    db: Session,
    me: m.Participant,
    form: dict[str, str],
    attends: list[str] | None = None,
) -> None:
    """Save my own profile; Invalid with a message per field saves nothing.

    `attends`: the ticked session ids (None: the form had no session boxes, keep as is)."""
    errors: dict[str, Msg] = {}
    all_sessions = session_ids(db, me.event_id)
    available: list[str] | None = me.available
    if attends is not None:
        chosen = [s for s in all_sessions if s in set(attends)]
        if not chosen:
            errors["sessions"] = Msg("profile.choose_session")
        available = None if len(chosen) == len(all_sessions) else chosen
    event = db.get(m.Event, me.event_id)
    ranges: list[TimeRange] = []
    for n, line in enumerate(form.get("unavailable", "").splitlines(), 1):
        if not line.strip():
            continue
        parsed = parse_range(line, event.timezone if event else "UTC")
        if isinstance(parsed, Msg):
            bad_time = parsed.code == "availability.bad_time"
            code = "form.line_bad_time" if bad_time else "form.line_end_before_start"
            errors.setdefault("unavailable", Msg(code, n=n))
        else:
            ranges.append(parsed)
    for key, value in form.items():
        if key not in MULTI_LINE and not inputs.is_single_line(value.strip()):
            errors[key] = Msg("form.one_line")
    name = form.get("name", "").strip()
    if not name:
        errors["name"] = Msg("profile.name_required")
    raw_max = form.get("max_meetings", "").strip()
    max_value: int | None = None
    if raw_max:
        max_value = int(raw_max) if raw_max.isascii() and raw_max.isdigit() else None
        if max_value is None or max_value > MAX_MEETINGS:
            errors["max_meetings"] = Msg("profile.bad_max_meetings")
    if errors:
        raise Invalid(Msg("form.correct_fields"), errors)
    me.name = name
    me.languages = _split(form.get("languages", ""))
    me.max_meetings = max_value
    me.available = available
    me.unavailable = mapper.time_ranges(ranges)
    db.add(me)
    org = organisation_of(db, me)
    if org is not None:
        org.description = inputs.multi_line(form.get("description", "").strip())
        org.products = _split(form.get("products", ""))
        org.sectors = _split(form.get("sectors", ""))
        org.certifications = _split(form.get("certifications", ""))
        org.languages = _split(form.get("org_languages", ""))
        keys = WANTS.get(org.role or "", ())
        if keys:
            org.looking_for = dict(org.looking_for or {}) | {
                key: _split(form.get("want_" + key, "")) for key in keys
            }
        db.add(org)
    db.commit()


def set_locale(db: Session, me: m.Participant, locale: str) -> None:
    """Remember my language (applied again at my next sign-in, on any device)."""
    me.locale = locale
    db.add(me)
    db.commit()


def event_of(db: Session, me: m.Participant) -> m.Event | None:
    return db.get(m.Event, me.event_id)
