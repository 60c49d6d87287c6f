"""The app's postmen: each notice as an e-mail in the recipient's language.

`web.usecases.notifications` decides who is told what; this module only words it (gettext,
dates in the event's zone). `MailPostman` hands it to the `Mailer` at once (SMTP, or .eml
files offline): for what one person waits for, a sign-in link or an invitation.
`OutboxPostman` writes it to the outbox in the caller's transaction, for `web.courier` to
send after commit: for what a publish or a bulk send decides, so that neither waits for
the mail server and a refusal loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage

from sqlmodel import Session

from scheduler.ical import Change
from web import messages
from web.i18n import _, format_datetime, use_locale
from web.mail import Attachment, Mailer, MailError, build_message
from web.models import Participant
from web.settings import Settings
from web.usecases import outbox
from web.usecases.notifications import (
    ChangeNotice,
    InvitationNotice,
    LinkNotice,
    Notice,
    OutcomeNotice,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MailPostman:
    mailer: Mailer

    @classmethod
    def from_settings(cls, settings: Settings) -> MailPostman:
        return cls(Mailer.from_settings(settings))

    def table_word(self, person: Participant) -> str:
        with use_locale(person.locale):
            return _("Table")

    def deliver(self, notice: Notice) -> bool:
        """Send one notice as an e-mail; False (logged) if it could not be built (an
        address or header stored before they were checked) or the mail server refused it."""
        who = (
            "an invited organiser"
            if isinstance(notice, InvitationNotice)
            else f"participant {notice.person.id}"
        )
        try:
            self.mailer.send(_mail(notice))
        except (MailError, ValueError) as exc:
            log.warning("mail to %s not sent: %s", who, exc)
            return False
        return True

    def send_organiser_link(self, email: str, link: str) -> bool:
        """An organiser's one-time sign-in link, in the reader's language; False if refused."""
        text = _(
            "Hello,\n\nyour sign-in link to ketnoi:\n{url}\n\n"
            "It works once, within 15 minutes. If you did not ask for it, ignore this "
            "e-mail: your password is unchanged.\n"
        ).format(url=link)
        try:
            self.mailer.send(build_message(email, _("Your ketnoi sign-in link"), text))
        except MailError as exc:
            log.warning("sign-in link to an organiser not sent: %s", exc)
            return False
        return True


@dataclass(frozen=True, slots=True)
class OutboxPostman:
    db: Session

    def table_word(self, person: Participant) -> str:
        with use_locale(person.locale):
            return _("Table")

    def deliver(self, notice: Notice) -> bool:
        """Write one notice to the outbox (not committed); False (logged) if it could not
        be built (an address or header stored before they were checked)."""
        try:
            message = _mail(notice)
        except ValueError as exc:
            log.warning("mail not written to the outbox: %s", exc)
            return False
        if isinstance(notice, InvitationNotice):
            outbox.enqueue(self.db, message, kind="invitation")
            return True
        release = notice.release_id if isinstance(notice, ChangeNotice) else None
        outbox.enqueue(
            self.db,
            message,
            kind=_KINDS[type(notice)],
            event_id=notice.person.event_id,
            participant_id=notice.person.id,
            release_id=release,
        )
        return True


# What the outbox calls each participant's notice (`OutboxMessage.kind`).
_KINDS = {LinkNotice: "link", ChangeNotice: "change", OutcomeNotice: "outcome"}


def _mail(notice: Notice) -> EmailMessage:
    """The notice worded in the recipient's language."""
    if isinstance(notice, InvitationNotice):
        with use_locale(notice.locale):
            return _invitation_mail(notice)
    with use_locale(notice.person.locale):
        if isinstance(notice, LinkNotice):
            return _link_mail(notice)
        if isinstance(notice, OutcomeNotice):
            return _outcome_mail(notice)
        return _change_mail(notice)


def _invitation_mail(notice: InvitationNotice) -> EmailMessage:
    text = _(
        "Hello,\n\n{inviter} invites you to organise {event} on ketnoi as {role}.\n"
        "Accept the invitation here (the link works once, until {expires} UTC):\n{url}\n\n"
        "If you did not expect this, ignore this message.\n"
    ).format(
        inviter=notice.inviter,
        event=notice.event_name,
        role=messages.role(notice.role),
        expires=notice.expires_at.strftime("%Y-%m-%d %H:%M"),
        url=notice.link,
    )
    subject = _("Invitation to organise {event}").format(event=notice.event_name)
    return build_message(notice.email, subject, text)


def _link_mail(notice: LinkNotice) -> EmailMessage:
    person = notice.person
    text = _(
        "Hello {name},\n\nyour personal link to the meeting portal:\n{url}\n\n"
        "It signs you in without a password and works for 14 days. Do not forward it.\n"
    ).format(name=person.name or person.email, url=notice.link)
    # One address may be registered for several events: the subject says which.
    subject = _("Your sign-in link") + (f" – {notice.event_name}" if notice.event_name else "")
    return build_message(person.email, subject, text)


def _change_mail(notice: ChangeNotice) -> EmailMessage:
    person = notice.person
    lines = []
    for item in notice.items:
        when = format_datetime(item.start, notice.timezone, fmt="short")
        if item.change == Change.DROPPED:
            lines.append(_("Cancelled: {when}, {other}").format(when=when, other=item.other))
        else:
            label = _("New") if item.change == Change.ADDED else _("Moved")
            lines.append(
                _("{label}: {when}, {table} {id}, {other}").format(
                    label=label, when=when, table=_("Table"), id=item.table, other=item.other
                )
            )
    text = (
        _("Hello {name},\n\nyour meeting schedule for {event} has changed:\n").format(
            name=person.name or person.email, event=notice.event_name
        )
        + "\n".join("- " + line for line in lines)
        + "\n\n"
        + _("Your agenda: {url}").format(url=notice.link)
        + "\n"
    )
    attachments = tuple(
        Attachment(i.filename, i.data, f"text/calendar; method={i.method.value}")
        for i in notice.invitations
    )
    subject = _("Your meetings at {event} have changed").format(event=notice.event_name)
    return build_message(person.email, subject, text, attachments=attachments)


def _outcome_mail(notice: OutcomeNotice) -> EmailMessage:
    person = notice.person
    text = _(
        "Hello {name},\n\nthank you for taking part in {event}. How did your meetings go?\n"
        "For each of your {n} meetings, tell us whether it took place, whether you want a "
        "quote, a sample or a factory visit, and how useful it was (1 to 5). It takes a "
        "minute and helps the organisers follow up with you:\n{url}\n\n"
        "The link signs you in without a password and works for 14 days. Do not forward "
        "it. Your answers and notes are not shown to the other side of a meeting.\n"
    ).format(
        name=person.name or person.email,
        event=notice.event_name,
        n=notice.meetings,
        url=notice.link,
    )
    subject = _("How did your meetings at {event} go?").format(event=notice.event_name)
    return build_message(person.email, subject, text)
