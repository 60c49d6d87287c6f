"""The solver's reasons for unscheduled requests and the checker's rule violations, as message
codes.

`scheduler.explain` and `scheduler.check` write both as English sentences (stored with a
version, and read by the command line and `b2b-schedule/1` readers); this is the one place
that reads them back into codes and parameters, so that a page shows them in its reader's
language. Each pattern below is the wording of one branch there; a sentence that none
matches (a schedule imported from elsewhere) is shown as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from web.usecases.errors import Msg

_ID = r"(?P<{}>\S+)"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")  # how the checker writes a slot's start
_WHEN = f"(?P<when>{_TIME.pattern})"

Build = Callable[[dict[str, str]], Msg]


def _rules(*rules: tuple[str, Build]) -> tuple[tuple[re.Pattern[str], Build], ...]:
    return tuple((re.compile(f"^{pattern}$"), build) for pattern, build in rules)


def _plain(code: str) -> Build:
    """The matched groups as the message's parameters (times as the pages write them)."""

    def build(groups: dict[str, str]) -> Msg:
        params: dict[str, object] = {
            k: v.replace("T", " ") if _TIME.fullmatch(v) else v for k, v in groups.items()
        }
        if "resource" in params:
            params["resource"] = resource_name(str(params["resource"]))
        return Msg(code, **params)

    return build


def resource_name(name: str) -> Msg | str:
    """ "interpreter:ko" as "interpreter for Korean" in the reader's language; another
    resource by its name."""
    kind, _sep, language = name.partition(":")
    if kind == "interpreter" and language:
        return Msg("resource.interpreter", language=language)
    return name


def _busy(groups: dict[str, str]) -> Msg:
    a, b, who, held = groups["a"], groups["b"], groups["who"], groups["held"]
    person: Msg | str = who if who in (a, b) else Msg("reason.one_of", a=a, b=b)
    exact = re.fullmatch(r"priority-(\d) meetings", held)
    at_least = re.fullmatch(r"priority (\d) or higher meetings", held)
    if exact:
        return Msg("reason.busy_priority", a=a, b=b, n=groups["n"], who=person, p=exact[1])
    if at_least:
        return Msg("reason.busy_priority_from", a=a, b=b, n=groups["n"], who=person, p=at_least[1])
    return Msg("reason.busy_worth_more", a=a, b=b, n=groups["n"], who=person)


A, B, WHO = _ID.format("a"), _ID.format("b"), _ID.format("who")
REQUEST = _ID.format("request")

_REASONS = _rules(
    (rf"{WHO} reached max_meetings (?P<n>\d+)", _plain("reason.max_meetings")),
    (rf"{WHO} accepts no meetings \(max_meetings 0\)", _plain("reason.no_meetings")),
    (
        rf"{A} and {B} both host a table, so there is no table for them to meet at",
        _plain("reason.both_host"),
    ),
    (r"the event has no (?P<resource>.+)", _plain("reason.no_resource")),
    (r"there is no pooled table for meetings without a host", _plain("reason.no_pooled_table")),
    (rf"{WHO} is not available in any slot", _plain("reason.never_available")),
    (rf"{A} and {B} are never available at the same time", _plain("reason.never_together")),
    (
        rf"{A} and {B} are never both available in session (?P<sessions>.+)",
        _plain("reason.never_in_session"),
    ),
    (
        rf"fixed at (?P<time>\d\d:\d\d), when {A} or {B} is not available",
        _plain("reason.fixed_unavailable"),
    ),
    (r"no slot fits this request", _plain("reason.no_slot")),
    (
        rf"{A} and {B} share (?P<n>\d+) slots?; (?P<who>.+) is busy in each, all holding (?P<held>.+)",
        _busy,
    ),
    (rf"no (?P<resource>.+) free in any slot {A} and {B} share", _plain("reason.resource_taken")),
    (rf"every pooled table is taken in the slots {A} and {B} share", _plain("reason.pooled_taken")),
    (rf"it must come after {REQUEST}, which is held later", _plain("reason.after")),
    (
        rf"holding it in a slot both have free would give {A} or {B} more than (?P<n>\d+) breaks",
        _plain("reason.breaks"),
    ),
    (
        rf"{A} and {B} have a free slot in common, but the search found no way to add this "
        "meeting without losing more elsewhere within the time limit",
        _plain("reason.search"),
    ),
)

OTHER, TABLE = _ID.format("other"), _ID.format("table")
_VIOLATIONS = _rules(
    (rf"meeting {REQUEST}: no such request", _plain("violation.no_request")),
    (rf"{REQUEST}: scheduled more than once", _plain("violation.twice")),
    (rf"{REQUEST}: not in a slot of the event", _plain("violation.no_slot")),
    (rf"{REQUEST}: {_WHEN} is not the start of a slot", _plain("violation.not_slot_start")),
    (rf"{REQUEST}: {WHO} already meets in {OTHER} at {_WHEN}", _plain("violation.busy")),
    (rf"{REQUEST}: {WHO} is not available at {_WHEN}", _plain("violation.unavailable")),
    (
        rf"{REQUEST}: held in session (?P<session>\S+), allowed (?P<sessions>.+)",
        _plain("violation.session"),
    ),
    (
        rf"{REQUEST}: fixed at (?P<fixed>{_TIME.pattern}), held at {_WHEN}",
        _plain("violation.fixed"),
    ),
    (rf"{REQUEST}: unknown table {TABLE}", _plain("violation.unknown_table")),
    (
        rf"{REQUEST}: table {TABLE} already holds {OTHER} at {_WHEN}",
        _plain("violation.table_taken"),
    ),
    (rf"{REQUEST}: table {TABLE} is reserved for {WHO}", _plain("violation.table_reserved")),
    (
        rf"{REQUEST}: {WHO} must meet at their table (?P<own>\S+), not {TABLE}",
        _plain("violation.own_table"),
    ),
    (
        rf"(?P<resource>\S+): (?P<used>\d+) used at {_WHEN}, capacity (?P<capacity>\d+)",
        _plain("violation.capacity"),
    ),
    (rf"{WHO}: (?P<n>\d+) meetings, max_meetings (?P<limit>\d+)", _plain("violation.max_meetings")),
    (rf"{REQUEST}: required but not scheduled", _plain("violation.required")),
    (rf"{REQUEST}: must come after {OTHER}", _plain("violation.order")),
    (rf"{WHO}: (?P<n>\d+) breaks, max_breaks (?P<limit>\d+)", _plain("violation.max_breaks")),
)


def _read(sentence: str, rules: tuple[tuple[re.Pattern[str], Build], ...], other: str) -> Msg:
    for pattern, build in rules:
        match = pattern.match(sentence)
        if match:
            return build(match.groupdict())
    return Msg(other, text=sentence)


def reason(sentence: str) -> Msg:
    """A reason of `scheduler.explain.explain_unscheduled` as a message."""
    return _read(sentence, _REASONS, "reason.other")


def violation(sentence: str) -> Msg:
    """A violation of `scheduler.check.check_schedule` as a message."""
    return _read(sentence, _VIOLATIONS, "violation.other")
