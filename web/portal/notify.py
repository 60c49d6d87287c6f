"""E-mails to participants: sign-in links, and what changed when a schedule version is published."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from scheduler.domain import Meeting
from scheduler.ical import Change, Method, meeting_calendar, meeting_changes
from web import models as m
from web.i18n import _, format_datetime, use_locale
from web.mail import Attachment, Mailer, MailError, build_message
from web.settings import get_settings

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What the notifier needs from the app (tests and the app pass their own)."""

    secret: str
    base_url: str
    mailer: Mailer


_settings_by_engine: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def register(engine: Any, settings: Any) -> None:
    """Remember an app's settings for its engine (done by the portal router's lifespan), so
    `on_publish` signs links with that app's key and uses its outbox."""
    _settings_by_engine[engine] = settings


def default_context(session: Session | None = None) -> Context:
    settings = None
    if session is not None:
        bind = session.get_bind()
        settings = _settings_by_engine.get(getattr(bind, "engine", bind))
    settings = settings or get_settings()
    return Context(settings.get_secret_key(), settings.base_url, Mailer.from_settings(settings))


def send_login_link(person: m.Participant, ctx: Context, event_name: str = "") -> bool:
    """E-mail one participant their sign-in link; False if they have no address or SMTP failed.

    `event_name` goes into the subject: one address may be registered for several events."""
    from web.portal import services  # late: web.services.schedules imports this module

    if not person.email:
        return False
    with use_locale(person.locale):
        url = services.login_url(ctx.base_url, ctx.secret, person)
        text = _(
            "Hello {name},\n\nyour personal link to the meeting portal:\n{url}\n\n"
            "It signs you in without a password and works for 14 days. Do not forward it.\n"
        ).format(name=person.name or person.email, url=url)
        subject = _("Your sign-in link") + (f" – {event_name}" if event_name else "")
        message = build_message(person.email, subject, text)
    try:
        ctx.mailer.send(message)
    except MailError as exc:
        log.warning("sign-in link to participant %s not sent: %s", person.id, exc)
        return False
    return True


def on_publish(
    session: Session,
    event_id: int,
    previous_version_id: int | None,
    new_version_id: int,
    ctx: Context | None = None,
) -> int:
    """Called after a version is published (same transaction, before commit): one e-mail per
    participant whose meetings changed, listing the changes, with the updated invitations
    attached (METHOD:REQUEST for new or moved meetings, METHOD:CANCEL for dropped ones).
    Returns the number of e-mails sent; a mail failure is logged, never raised."""
    try:
        return _notify(session, event_id, previous_version_id, new_version_id, ctx)
    except Exception:  # publishing must not fail because of mail
        log.exception("publish notifications for event %s failed", event_id)
        return 0


def _notify(
    session: Session,
    event_id: int,
    previous_version_id: int | None,
    new_version_id: int,
    ctx: Context | None,
) -> int:
    from web.portal import services  # late: web.services.schedules imports this module

    src = services.calendar_source(session, event_id, new_version_id)
    if src is None:
        return 0
    ctx = ctx or default_context(session)
    changes = {
        rid: c
        for rid, c in meeting_changes(src.schedule, src.options.previous).items()
        if c != Change.UNCHANGED
    }
    if previous_version_id is None or src.options.previous is None:
        changes = {rid: c for rid, c in changes.items() if c == Change.ADDED}
    requests = src.event.request_by_id()
    slots = src.event.slots
    placed = {x.request_id: x for x in src.schedule.meetings}
    before = (
        {x.request_id: x for x in src.options.previous.meetings} if src.options.previous else {}
    )
    by_person: dict[str, list[str]] = {}
    for rid in changes:
        req = requests.get(rid)
        if req is None:
            continue
        for pid in (req.from_id, req.to_id):
            by_person.setdefault(pid, []).append(rid)
    people = {
        p.ext_id: p
        for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    names = {p.id: (p.name or p.id) for p in src.event.participants}
    sent = 0
    for pid, rids in sorted(by_person.items()):
        person = people.get(pid)
        if person is None or not person.email:
            continue
        with use_locale(person.locale):
            lines = []
            attachments = []
            for rid in sorted(rids, key=lambda r: _slot(placed.get(r) or before.get(r))):
                req = requests[rid]
                other = names.get(req.to_id if req.from_id == pid else req.from_id, "?")
                change = changes[rid]
                if change == Change.DROPPED:
                    old = before[rid]
                    when = format_datetime(
                        slots[old.slot_idx].start, src.event.timezone, fmt="short"
                    )
                    lines.append(_("Cancelled: {when}, {other}").format(when=when, other=other))
                    method = Method.CANCEL
                else:
                    new = placed[rid]
                    when = format_datetime(
                        slots[new.slot_idx].start, src.event.timezone, fmt="short"
                    )
                    label = _("New") if change == Change.ADDED else _("Moved")
                    lines.append(
                        _("{label}: {when}, {table} {id}, {other}").format(
                            label=label, when=when, table=_("Table"), id=new.table_id, other=other
                        )
                    )
                    method = Method.REQUEST
                data = meeting_calendar(src.event, src.schedule, rid, src.options, method)
                attachments.append(
                    Attachment(f"meeting-{rid}.ics", data, f"text/calendar; method={method.value}")
                )
            text = (
                _("Hello {name},\n\nyour meeting schedule for {event} has changed:\n").format(
                    name=person.name or person.email, event=src.event.name
                )
                + "\n".join("- " + line for line in lines)
                + "\n\n"
                + _("Your agenda: {url}").format(
                    url=services.login_url(ctx.base_url, ctx.secret, person)
                )
                + "\n"
            )
            message = build_message(
                person.email,
                _("Your meetings at {event} have changed").format(event=src.event.name),
                text,
                attachments=tuple(attachments),
            )
        try:
            ctx.mailer.send(message)
            sent += 1
        except MailError as exc:
            log.warning("change notice to participant %s not sent: %s", person.id, exc)
    return sent


def _slot(meeting: Meeting | None) -> int:
    """Slot index of a meeting (changes are listed in time order); -1 if unknown."""
    return meeting.slot_idx if meeting is not None else -1
