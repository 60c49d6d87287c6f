"""The catalogue of message codes that use cases return, and their translation for a reader.

Every `Msg` code used under `web/usecases/` is a key here; the English text is marked with
`N_` so that `pybabel extract` puts it in the gettext catalogue, and `text()` translates it
into the current locale when a page, an API answer or an e-mail shows it.
"""

from __future__ import annotations

from collections.abc import Iterable

import babel

from web.i18n import N_, _, get_locale
from web.usecases.errors import Msg

CATALOGUE: dict[str, str] = {
    # accounts
    "account.email_required": N_("an e-mail address is required"),
    "account.password_short": N_("the password must have at least {n} characters"),
    "account.no_organiser": N_("no organiser with that e-mail"),
    "account.wrong_password": N_("This is not your current password."),
    "account.passwords_differ": N_("The two passwords differ."),
    "account.no_token": N_("No such API token."),
    # organisers of an event: roles, members, invitations
    "role.owner": N_("owner"),
    "role.co-organiser": N_("co-organiser"),
    "role.viewer": N_("viewer"),
    "event.role_forbids": N_("Your role in this event ({role}) does not allow this."),
    "member.not_found": N_("No such organiser of this event."),
    "member.bad_role": N_("Choose co-organiser or viewer."),
    "member.owner_stays": N_(
        "The owner stays: make another organiser the owner to hand the event over."
    ),
    "member.already": N_("already an organiser of this event"),
    "invitation.not_found": N_(
        "This invitation is not valid: it was used, withdrawn or has expired."
    ),
    "invitation.other_address": N_(
        "This invitation is for {email}. Sign out and sign in with that address to accept it."
    ),
    "invitation.sign_in_first": N_("An account for {email} exists: sign in to accept."),
    # forms in general
    "form.one_line": N_("must be one line, without line breaks or tabs"),
    "form.correct_fields": N_("Please correct the fields marked below."),
    "form.required": N_("required"),
    "form.required_field": N_("Required."),
    "form.whole_number": N_("Enter a whole number."),
    "form.number_range": N_("Enter a number from {low} to {high}."),
    "form.line_bad_time": N_("line {n}: not a valid date or time"),
    "form.line_end_before_start": N_("line {n}: the end must be after the start"),
    "form.unknown_session": N_("unknown session “{id}”"),
    "availability.bad_time": N_("not a valid date or time"),
    "availability.end_before_start": N_("the end must be after the start"),
    # events and their set-up
    "event.not_found": N_("No such event."),
    "setup.name_required": N_("A name is required."),
    "setup.bad_timezone": N_("Not an IANA time zone such as Asia/Ho_Chi_Minh."),
    "setup.bad_deadline": N_("Use a date and time like 2026-11-10T17:00."),
    "setup.session_line": N_("line {n}: write it as “d1-am 2026-11-19 08:30-11:30”"),
    "setup.session_twice": N_("session id “{id}” is used twice"),
    "setup.sessions_overlap": N_("sessions “{a}” and “{b}” overlap"),
    "setup.session_short": N_("session “{id}” is shorter than one slot"),
    "setup.session_required": N_("At least one session is required."),
    "setup.resource_line": N_("line {n}: write it as “interpreter:ko 3”"),
    "setup.resource_twice": N_("“{name}” is listed twice"),
    "setup.session_in_use": N_(
        "Cannot remove session(s) {ids}: participants or requests refer to them."
    ),
    "setup.resource_in_use": N_("Cannot remove {names}: requests need them."),
    # registrations and imports
    "participant.not_found": N_("No such participant."),
    "checkin.bad_code": N_("This QR code is not a check-in code of this event."),
    "registration.no_spaces": N_("no spaces allowed"),
    "registration.bad_email": N_("not an e-mail address"),
    "registration.bad_role": N_("must be buyer or supplier"),
    "registration.bad_range": N_("“{v}” is not start/end like 2026-11-19T09:30/2026-11-19T10:10"),
    "registration.bad_max_meetings": N_("must be a whole number ≥ 0"),
    "registration.pooled_table": N_("“{t}” is a pooled table"),
    "registration.table_hosted": N_("“{t}” is hosted by {p}"),
    "registration.table_claimed": N_("“{t}” also claimed by {p}"),
    "registration.id_taken": N_("already used by {name}"),
    "import.bad_xlsx": N_("not a readable .xlsx file"),
    "import.not_utf8": N_("the file is not UTF-8 text (save the CSV as UTF-8)"),
    "import.empty": N_("the file is empty"),
    "import.no_rows": N_("no rows to import"),
    "import.duplicate": N_("duplicate of line {n}"),
    "import.unknown_column": N_(
        "unknown column “{name}” (the template lists the columns; separate them with commas,"
        " semicolons or tabs)"
    ),
    "import.missing_column": N_("the column “{name}” is missing"),
    "import.column_twice": N_("the column “{name}” appears twice"),
    "import.unnamed_column": N_("column {n} has values but no name"),
    # meeting requests
    "request.not_found": N_("No such request."),
    "request.unknown_participant": N_("unknown participant “{id}”"),
    "request.self": N_("a participant cannot meet itself"),
    "request.bad_priority": N_("must be 1, 2 or 3"),
    "request.choose_priority": N_("Choose a priority from 1 to 3."),
    "request.unknown_resource": N_("unknown resource “{name}”"),
    "request.bad_status": N_("must be pending, accepted or declined"),
    "request.pair_taken": N_("this pair is already requested in {id}"),
    "request.same_side": N_("both are on the same side: buyers meet suppliers"),
    "request.closed": N_("Requests are closed."),
    "request.already_asked": N_("You have already asked to meet them."),
    "request.limit_reached": N_("You have reached your limit of requests."),
    # the participant's profile
    "profile.choose_session": N_("Choose at least one session."),
    "profile.name_required": N_("Enter your name."),
    "profile.bad_max_meetings": N_("Enter a whole number between 0 and 100, or leave empty."),
    # solving
    "solve.bad_time_limit": N_("The time limit must be {low:g} to {high:g} seconds."),
    "import.too_large": N_("The file is larger than {mb} MB. Split it into smaller files."),
    "import.too_many_rows": N_("The file has more than {n} rows. Split it into smaller files."),
    "import.bad_csv": N_("This line cannot be read as CSV: {e}"),
    "solve.not_queued": N_("The solve could not be queued: {e}"),
    "solve.busy": N_("A solve of this event is already running."),
    "noshow.no_session": N_("No session is under way: nobody can be marked absent now."),
    "noshow.nobody": N_("Choose at least one participant."),
    "solve.nothing_published": N_(
        "Nothing is published yet: a re-solve from the published schedule needs one."
    ),
    "solve.crashed": N_(
        "The solver process stopped unexpectedly. Earlier schedules are unchanged."
    ),
    "solve.cancelled": N_("Cancelled by the organiser. Earlier schedules are unchanged."),
    "solve.no_schedule": N_("No schedule: no schedule satisfies every rule of the event"),
    "solve.no_schedule_because": N_("No schedule: {reason}"),
    "solve.failed": N_("The solve failed: {e}"),
    # what would help (advice)
    "advice.busy": N_("The advice for this event is already being worked out."),
    "advice.crashed": N_("The advice process stopped unexpectedly. Nothing was changed."),
    "advice.cancelled": N_("Cancelled. Nothing was changed."),
    "advice.no_schedule": N_("No advice: {reason}"),
    "advice.failed": N_("The advice failed: {e}"),
    "advice.not_queued": N_("The advice could not be queued: {e}"),
    "advice.not_found": N_("No such suggestion."),
    "advice.applied_already": N_(
        "A suggestion of this advice was applied already, and the others were measured on "
        "the event before it. Ask for advice again."
    ),
    "advice.stale": N_(
        "The set-up changed since this advice was worked out, so its gain may no longer "
        "hold. Nothing was changed: ask for advice again."
    ),
    "advice.applied": N_("Applied: {what}. {detail}"),
    "advice.solve_again": N_("Solve again to get a schedule that uses it."),
    "advice.tables_added": N_(
        "New pooled tables: {ids}. Solve again to get a schedule that uses them."
    ),
    "advice.delegate_added": N_(
        "New participant {id} takes over {n} requests: add their name and e-mail on the "
        "registrations page, then solve again."
    ),
    "advice.interpreter": N_(
        "One more interpreter for {language} ({resource}: {capacity} per slot instead of {was})"
    ),
    "advice.resource": N_("One more {resource} ({capacity} per slot instead of {was})"),
    "advice.tables": N_("More pooled tables: {total} instead of {was}"),
    "advice.session_end": N_("Session {session} longer: until {time} instead of {was}"),
    "advice.session_start": N_("Session {session} longer: from {time} instead of {was}"),
    "advice.max_meetings": N_("Let {who} take {n} meetings instead of {was}"),
    "advice.delegate": N_(
        "A second delegate for {who} takes over the requests they could not fit ({n})"
    ),
    # versions
    "version.not_found": N_("No such schedule version."),
    "version.copy_of": N_("copy of version {n}"),
    "version.no_such_reason": N_("No such kind of reason."),
    "release.outdated": N_(
        "The set-up changed since this version was made: {n} of its meetings are at times or "
        "for requests the event no longer has. Solve again, or copy and edit the version."
    ),
    "outbox.not_found": N_("No such message in the outbox."),
    "meeting.not_found": N_("No such meeting."),
    "export.unknown_format": N_("Unknown export format."),
    "move.not_a_slot": N_("{t} is not the start of a slot."),
    "move.unknown_table": N_("Unknown table “{t}”."),
    "move.breaks_rules": N_("This move breaks a rule, nothing was changed:"),
    # meeting outcomes
    "outcome.not_your_meeting": N_("No such meeting of yours in the published schedule."),
    "outcome.not_yet": N_("You can say how this meeting went once it has ended."),
    "outcome.took_place_required": N_("Say whether the meeting took place."),
    "outcome.bad_follow_up": N_("Choose a quote, a sample or a factory visit."),
    "outcome.rating_not_held": N_("A meeting that did not take place has no rating."),
    "outcome.note_long": N_("At most {n} characters."),
    "outcome.absence_closed": N_(
        "You can say that your partner did not come once the meeting has started, on its day."
    ),
    "outcome.nothing_published": N_(
        "Nothing is published yet: there are no meetings to ask about."
    ),
    # walk-in meetings
    "walkin.not_published": N_(
        "Publish a schedule first: walk-ins are added to the published one."
    ),
    "walkin.same_person": N_("Choose two different people."),
    "walkin.already_meet": N_("They already meet at {at} in the published schedule."),
    "walkin.outdated": N_(
        "The set-up changed since the published schedule was made: publish a schedule that "
        "fits it before booking walk-ins."
    ),
    "walkin.published_breaks_rules": N_(
        "The published schedule breaks a rule of the current set-up ({rule}): publish one that "
        "keeps them before booking walk-ins."
    ),
    "walkin.breaks_rules": N_("This meeting would break a rule, nothing was booked: {rule}"),
    "walkin.slot_gone": N_("That time is no longer free: choose another one."),
    "walkin.portal_off": N_("The organiser does not take walk-in bookings in the portal."),
    "walkin.declined": N_("This meeting was declined: ask the organiser at the desk."),
    "walkin.blocked.max_meetings": N_("One of them already has as many meetings as allowed."),
    "walkin.blocked.availability": N_("They do not both attend any session."),
    "walkin.blocked.none_left": N_("No time is left, from now on, when both attend."),
    "walkin.blocked.busy": N_("There is no time left when both are free."),
    "walkin.blocked.order": N_("Its order with their other meetings leaves no free time."),
    "walkin.blocked.resource": N_(
        "No interpreter (or other resource it needs) is free when both are."
    ),
    "walkin.blocked.tables": N_("Every table is taken whenever both are free."),
    "walkin.blocked.breaks": N_("Every free time would give one of them too many breaks."),
    # why a request is not in the schedule (web.usecases.reasons reads the solver's words)
    "resource.interpreter": N_("interpreter for {language}"),
    "reason.one_of": N_("{a} or {b}"),
    "reason.max_meetings": N_("{who} already has {n} meetings, the most they accept."),
    "reason.no_meetings": N_("{who} accepts no meetings (their limit is 0)."),
    "reason.both_host": N_(
        "{a} and {b} both host a table, so there is no table for them to meet at."
    ),
    "reason.no_resource": N_("The event has no {resource}."),
    "reason.no_pooled_table": N_("There is no pooled table for meetings without a host."),
    "reason.never_available": N_("{who} is not available in any slot."),
    "reason.never_together": N_("{a} and {b} are never available at the same time."),
    "reason.never_in_session": N_("{a} and {b} are never both available in session {sessions}."),
    "reason.fixed_unavailable": N_("It is fixed at {time}, when {a} or {b} is not available."),
    "reason.no_slot": N_("No slot fits this request."),
    "reason.busy_priority": N_(
        "{who} already has a priority-{p} meeting in every slot {a} and {b} share ({n} in all)."
    ),
    "reason.busy_priority_from": N_(
        "{who} already has a meeting of priority {p} or higher in every slot {a} and {b} share "
        "({n} in all)."
    ),
    "reason.busy_worth_more": N_(
        "{who} already has meetings worth more in total in every slot {a} and {b} share "
        "({n} in all)."
    ),
    "reason.resource_taken": N_("No {resource} is free in any slot {a} and {b} share."),
    "reason.pooled_taken": N_("Every pooled table is taken in the slots {a} and {b} share."),
    "reason.after": N_("It must come after {request}, which is held later."),
    "reason.breaks": N_("In any slot both have free, {a} or {b} would get more than {n} breaks."),
    "reason.search": N_(
        "{a} and {b} have a free slot in common, but within the time limit the solver found "
        "no way to add this meeting without losing more elsewhere."
    ),
    "reason.other": N_("As recorded: {text}"),
    # kinds of reasons, as the review page groups them (`scheduler.explain.ReasonKind`)
    "kind.meeting_limit": N_("A side reached its meeting limit"),
    "kind.busy": N_("A side is busy in every shared slot"),
    "kind.availability": N_("Never both available"),
    "kind.resource": N_("No interpreter (or resource) free"),
    "kind.pooled_tables": N_("No pooled table free"),
    "kind.host_tables": N_("Both sides host a table"),
    "kind.order": N_("Must follow a later meeting"),
    "kind.breaks": N_("Would give too many breaks"),
    "kind.search": N_("Room left; no gain found in time"),
    "kind.other": N_("Other reasons"),
    # a rule a schedule breaks (web.usecases.reasons reads the checker's words)
    "violation.no_request": N_("A meeting for {request}, which is no longer a request."),
    "violation.twice": N_("{request} is scheduled more than once."),
    "violation.no_slot": N_("{request} is not in a slot of the event."),
    "violation.not_slot_start": N_("{request}: {when} is not the start of a slot."),
    "violation.busy": N_("{request}: {who} already meets in {other} at {when}."),
    "violation.unavailable": N_("{request}: {who} is not available at {when}."),
    "violation.session": N_(
        "{request} is held in session {session}, but only {sessions} is allowed."
    ),
    "violation.fixed": N_("{request} is fixed at {fixed} but held at {when}."),
    "violation.unknown_table": N_("{request}: there is no table {table}."),
    "violation.table_taken": N_("{request}: table {table} already holds {other} at {when}."),
    "violation.table_reserved": N_("{request}: table {table} is reserved for {who}."),
    "violation.own_table": N_("{request}: {who} must meet at their own table {own}, not {table}."),
    "violation.capacity": N_("{resource}: {used} needed at {when}, but the event has {capacity}."),
    "violation.max_meetings": N_("{who} would have {n} meetings; they accept at most {limit}."),
    "violation.required": N_("{request} is required but not scheduled."),
    "violation.order": N_("{request} must come after {other}."),
    "violation.max_breaks": N_("{who} would have {n} breaks; the event allows at most {limit}."),
    "violation.other": N_("As recorded: {text}"),
    # matchmaking: a fit explained to a buyer or the organiser (about a supplier)...
    "match.makes": N_("makes {offered}"),
    "match.makes_as": N_("makes {offered} ({wanted})"),
    "match.makes_none": N_("makes none of: {needs}"),
    "match.holds": N_("holds {certification}"),
    "match.lacks": N_("{certification} needed: holds {held}"),
    "match.lacks_all": N_("{certification} needed: holds no certification"),
    "match.sector_other": N_("not in {sectors}"),
    "match.speaks": N_("speaks {language}"),
    "match.seeks_sectors": N_("seeks buyers in {value}"),
    "match.seeks_countries": N_("seeks buyers from {value}"),
    "match.seeks_products": N_("seeks buyers of {value}"),
    "match.seeks_languages": N_("seeks buyers who speak {language}"),
    "match.seeks_sizes": N_("seeks {value} buyers"),
    "match.seeks_other": N_("seeks other buyers: {values}"),
    # ... and to a supplier (about a buyer)
    "match.needs_you_make": N_("needs {wanted}: you make {offered}"),
    "match.needs_not_yours": N_("needs {needs}: not among your products"),
    "match.requires_you_hold": N_("requires {certification}: you hold it"),
    "match.you_lack": N_("{certification} needed: you hold {held}"),
    "match.you_lack_all": N_("{certification} needed: you hold no certification"),
    "match.looks_elsewhere": N_("looks for suppliers in {sectors}"),
    "match.both_speak": N_("you both speak {language}"),
    "match.you_seek": N_("what you seek: {value}"),
    "match.you_seek_language": N_("what you seek: buyers who speak {language}"),
    "match.not_what_you_seek": N_("not what you seek: {values}"),
    # ... and to both
    "match.sector": N_("sector {sector}"),
    "match.interpreter": N_("{language} through the event's interpreter"),
    "match.no_language": N_("no common language"),
    "match.country": N_("from {country}"),
    "match.country_other": N_("not from {countries}"),
    "match.size": N_("size {size}"),
    "match.size_other": N_("not {sizes}"),
}


def text(message: Msg) -> str:
    """`message` in the current locale (a code not in the catalogue is shown as it is:
    rows written before codes were stored hold their text there)."""
    template = CATALOGUE.get(message.code)
    if template is None:
        return message.code
    params = {k: _param(k, v) for k, v in message.params.items()}
    return _(template).format(**params)


def _param(name: str, value: object) -> object:
    """A parameter as the reader reads it: a message translated, a `language` code named in
    the reader's language ("ko" -> "Korean", "tiếng Hàn")."""
    if isinstance(value, Msg):
        return text(value)
    if name == "language" and isinstance(value, str):
        return language_name(value)
    return value


def language_name(code: str) -> str:
    """The name of the language `code` in the current locale; the code if it is unknown."""
    try:
        name: str | None = babel.Locale.parse(get_locale()).languages.get(code.strip().lower())
    except (ValueError, babel.UnknownLocaleError):
        return code
    if not name:
        return code
    # mid-sentence, Vietnamese writes "tiếng Hàn" where Babel names it "Tiếng Hàn"
    return name[0].lower() + name[1:] if get_locale() == "vi" else name


def role(value: str) -> str:
    """An organiser's role (`web.models.Role`) in the current locale."""
    return text(Msg(f"role.{value}"))


def texts(messages: Iterable[Msg]) -> str:
    return "; ".join(text(x) for x in messages)
