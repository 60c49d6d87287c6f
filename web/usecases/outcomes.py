"""Meeting outcomes: what each side says a meeting of the published schedule led to, the
organisers' report of them, the leads per supplier as CSV and XLSX, and the e-mail asking
participants for their answers.

Rules (documented in docs/insights.md, "Meeting outcomes"):

- A meeting is one of the current release (`releases.current`), named by its request id;
  each of its two participants may record one answer once the meeting's end time has
  passed in the event's time zone, and change it later (the row is overwritten).
- An answer says whether the meeting took place (required), which follow-ups are wanted
  (any of quote, sample, factory visit; none ticked is "no follow-up"), a rating from 1 to
  5 (optional; a meeting that did not take place has none) and a note of at most
  `NOTE_MAX` characters. Follow-ups are allowed on a meeting that did not take place:
  a buyer whose supplier missed the meeting may still want a quote.
- During the event, either side may say "my partner did not come" from the meeting's start
  on the meeting's day: that is the same answer, "did not take place" (`report_absent`),
  which the no-shows board (`noshows.board`) shows the organisers at once.
- A participant sees their own answers only; a note is read by its author and the event's
  organisers, never by the other side.
- Report: a meeting is *answered* once either side answered; *not held* (a no-show) when
  a side said it did not take place, even if the other said it did; *held* otherwise. The
  no-show rate is not held / answered. Follow-ups count meetings (a meeting where both sides
  ask for a quote is one meeting with a quote), under each of the supplier's sectors and
  under the buyer. A *lead* is the buyer side's answer asking for at least one follow-up,
  listed under its supplier.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import fmean

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from scheduler import domain
from scheduler.ical import participant_meetings
from web import models as m
from web.usecases import exports, inputs, releases
from web.usecases.availability import event_time
from web.usecases.errors import Conflict, Invalid, Msg, NotFound
from web.usecases.notifications import Links, OutcomeNotice, Postman

NOTE_MAX = 500  # characters of a note: a few sentences, read by the organisers
RATINGS = range(1, 6)


class FollowUp(enum.StrEnum):
    QUOTE = "quote"
    SAMPLE = "sample"
    FACTORY_VISIT = "factory_visit"


@dataclass(frozen=True)
class Draft:
    """An answer as entered, checked by `check` (and again by `record`)."""

    took_place: bool
    follow_up: frozenset[FollowUp]
    rating: int | None
    note: str


@dataclass(frozen=True)
class MyMeeting:
    """One of my meetings in the published release, with my answer if I gave one."""

    request_id: str
    start: datetime  # event-local, naive
    end: datetime
    table: str
    other: domain.Participant | None
    other_org: domain.Organisation | None
    ended: bool  # its end time has passed: an answer may be recorded
    answer: m.MeetingOutcome | None
    absence_open: bool = False  # started, and today: "my partner did not come" may be said

    @property
    def not_held(self) -> bool:
        """My answer says the meeting did not take place (my partner did not come)."""
        return self.answer is not None and not self.answer.took_place


# --- a participant's answers --------------------------------------------------------------


def read_form(took_place: str, follow_up: Iterable[str], rating: str, note: str) -> Draft:
    """The portal form's strings as a checked `Draft`; Invalid naming each wrong field."""
    errors: dict[str, Msg] = {}
    place = {"yes": True, "no": False}.get(took_place.strip())
    if place is None:
        errors["took_place"] = Msg("outcome.took_place_required")
    kinds = set()
    for value in follow_up:
        try:
            kinds.add(FollowUp(value))
        except ValueError:
            errors["follow_up"] = Msg("outcome.bad_follow_up")
    score: int | None = None
    text = rating.strip()
    if text:
        if text.isascii() and text.isdigit() and len(text) < 3:
            score = int(text)
        else:
            errors["rating"] = Msg("form.number_range", low=RATINGS[0], high=RATINGS[-1])
    if errors:
        raise Invalid(Msg("form.correct_fields"), errors)
    assert place is not None  # refused above otherwise
    return check(Draft(place, frozenset(kinds), score, note))


def check(draft: Draft) -> Draft:
    """`draft` with its note cleaned (line breaks kept, other control characters dropped,
    ends trimmed); Invalid if the rating or the note is out of bounds."""
    errors: dict[str, Msg] = {}
    if draft.rating is not None and draft.rating not in RATINGS:
        errors["rating"] = Msg("form.number_range", low=RATINGS[0], high=RATINGS[-1])
    elif draft.rating is not None and not draft.took_place:
        errors["rating"] = Msg("outcome.rating_not_held")
    note = inputs.multi_line(draft.note).strip()
    if len(note) > NOTE_MAX:
        errors["note"] = Msg("outcome.note_long", n=NOTE_MAX)
    if errors:
        raise Invalid(Msg("form.correct_fields"), errors)
    return Draft(draft.took_place, frozenset(draft.follow_up), draft.rating, note)


def my_meetings(db: Session, me: m.Participant, now: datetime) -> list[MyMeeting] | None:
    """My meetings of the published release in time order, each with whether it has ended
    by `now` (aware) and my answer; None before anything is published."""
    source = releases.current(db, me.event_id)
    if source is None:
        return None
    event = source.event
    requests = event.request_by_id()
    people = event.participant_by_id()
    orgs = event.organisation_by_id()
    mine = _answers_of(db, me)
    local = event_time(now, event.timezone)
    rows = []
    for meeting in participant_meetings(event, source.schedule, me.ext_id):
        request = requests[meeting.request_id]
        slot = event.slots[meeting.slot_idx]
        other = people.get(request.to_id if request.from_id == me.ext_id else request.from_id)
        org = orgs.get(other.organisation or "") if other is not None else None
        rows.append(
            MyMeeting(
                meeting.request_id,
                slot.start,
                slot.end,
                meeting.table_id,
                other,
                org,
                ended=slot.end <= local,
                answer=mine.get(meeting.request_id),
                absence_open=slot.start <= local and slot.start.date() == local.date(),
            )
        )
    return rows


def my_meeting(db: Session, me: m.Participant, request_ext: str, now: datetime) -> MyMeeting:
    """One of my published meetings; NotFound for any other request id."""
    for row in my_meetings(db, me, now) or []:
        if row.request_id == request_ext:
            return row
    raise NotFound(Msg("outcome.not_your_meeting"))


def record(
    db: Session, me: m.Participant, request_ext: str, draft: Draft, now: datetime
) -> m.MeetingOutcome:
    """Record (or change) my answer about one of my published meetings that has ended by
    `now`; committed. NotFound for a meeting that is not mine, Conflict before it ended,
    Invalid for an answer out of bounds (nothing written)."""
    meeting = my_meeting(db, me, request_ext, now)
    if not meeting.ended:
        raise Conflict(Msg("outcome.not_yet"))
    return _store(db, me, meeting, check(draft), now)


def report_absent(
    db: Session, me: m.Participant, request_ext: str, now: datetime
) -> m.MeetingOutcome:
    """Say that the other side of one of my published meetings did not come: my answer
    becomes "did not take place" (follow-ups and note kept, no rating); committed. Open
    from the meeting's start to the end of its day (event time zone, `now` aware), while
    the organisers can still act on it. NotFound for a meeting that is not mine,
    Conflict before it started or after its day."""
    meeting = my_meeting(db, me, request_ext, now)
    if not meeting.absence_open:
        raise Conflict(Msg("outcome.absence_closed"))
    before = meeting.answer
    draft = Draft(
        took_place=False,
        follow_up=frozenset(FollowUp(k) for k in before.follow_up) if before else frozenset(),
        rating=None,
        note=before.note if before else "",
    )
    return _store(db, me, meeting, draft, now)


def _store(
    db: Session, me: m.Participant, meeting: MyMeeting, draft: Draft, now: datetime
) -> m.MeetingOutcome:
    row = meeting.answer or m.MeetingOutcome(
        event_id=me.event_id,
        request_ext=meeting.request_id,
        participant_id=me.id,
        took_place=True,
    )
    _fill(row, draft, now)
    db.add(row)
    try:
        db.commit()
    except IntegrityError:  # the same answer sent twice at once: the other one is stored
        db.rollback()
        row = _answers_of(db, me)[meeting.request_id]
        _fill(row, draft, now)
        db.add(row)
        db.commit()
    db.refresh(row)
    return row


def _fill(row: m.MeetingOutcome, draft: Draft, now: datetime) -> None:
    row.took_place = draft.took_place
    row.follow_up = sorted(draft.follow_up)
    row.rating = draft.rating
    row.note = draft.note
    row.recorded_at = now.astimezone(UTC).replace(tzinfo=None)


def _answers_of(db: Session, me: m.Participant) -> dict[str, m.MeetingOutcome]:
    query = select(m.MeetingOutcome).where(
        m.MeetingOutcome.event_id == me.event_id, m.MeetingOutcome.participant_id == me.id
    )
    return {row.request_ext: row for row in db.exec(query)}


# --- the organisers' report ---------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One participant of a meeting as the release shows them, with their answer."""

    participant: domain.Participant
    organisation: domain.Organisation | None
    answer: m.MeetingOutcome | None

    @property
    def label(self) -> str:
        name = self.participant.name or self.participant.id
        return f"{name} ({self.organisation.name})" if self.organisation else name


@dataclass(frozen=True)
class Held:
    """One meeting of the release with both sides and their answers."""

    request_id: str
    start: datetime
    end: datetime
    table: str
    buyer: Side | None  # None when neither side's organisation is a buyer
    supplier: Side | None
    sides: tuple[Side, ...]  # both, in request order (from, to)

    @property
    def answered(self) -> bool:
        return any(s.answer is not None for s in self.sides)

    @property
    def not_held(self) -> bool:
        return any(s.answer is not None and not s.answer.took_place for s in self.sides)

    @property
    def held(self) -> bool:
        """Answered, and no side said it did not take place: a side said it did."""
        return self.answered and not self.not_held

    def asked(self, kind: FollowUp) -> bool:
        return any(s.answer is not None and kind in s.answer.follow_up for s in self.sides)

    @property
    def with_follow_up(self) -> bool:
        return any(s.answer is not None and s.answer.follow_up for s in self.sides)


@dataclass(frozen=True)
class FollowUps:
    """Answered meetings under one label (a sector, a buyer) and what they led to."""

    label: str  # a sector as entered ("" for none), or a buyer's "name (organisation)"
    answered: int
    with_follow_up: int  # meetings where either side asked for one
    quote: int
    sample: int
    factory_visit: int


@dataclass(frozen=True)
class Lead:
    """A buyer who asked a supplier for a follow-up."""

    request_id: str
    start: datetime
    supplier: Side
    buyer: Side
    follow_up: tuple[FollowUp, ...]
    rating: int | None  # the buyer's
    note: str  # the buyer's
    recorded_at: datetime  # naive UTC


@dataclass(frozen=True)
class SupplierLeads:
    supplier: Side
    leads: tuple[Lead, ...]


@dataclass(frozen=True)
class Report:
    published: bool  # False: nothing to report
    meetings: int  # in the published release
    ended: int  # whose end time has passed
    answered: int  # with an answer of either side
    held: int
    not_held: int  # a side said it did not take place
    answers: int  # answers given (each side counts)
    ratings: int
    average_rating: float | None
    sectors: tuple[FollowUps, ...]
    buyers: tuple[FollowUps, ...]
    leads: tuple[SupplierLeads, ...]  # most leads first
    meetings_list: tuple[Held, ...]  # every meeting, in time order
    timezone: str = ""  # of the release: meeting times are local to it

    @property
    def no_show_rate(self) -> float | None:
        return self.not_held / self.answered if self.answered else None

    @property
    def lead_count(self) -> int:
        return sum(len(s.leads) for s in self.leads)


def meetings_with_answers(db: Session, event_id: int) -> tuple[domain.Event, list[Held]] | None:
    """Every meeting of the published release with both sides' answers (for organisers);
    None before anything is published."""
    source = releases.current(db, event_id)
    if source is None:
        return None
    event = source.event
    requests = event.request_by_id()
    people = event.participant_by_id()
    orgs = event.organisation_by_id()
    ext_of = dict(
        db.exec(
            select(m.Participant.id, m.Participant.ext_id).where(m.Participant.event_id == event_id)
        ).all()
    )
    answers = {
        (row.request_ext, ext_of.get(row.participant_id)): row
        for row in db.exec(select(m.MeetingOutcome).where(m.MeetingOutcome.event_id == event_id))
    }
    out = []
    for meeting in source.schedule.meetings:
        request = requests[meeting.request_id]
        sides = []
        for pid in request.pair:
            person = people.get(pid) or domain.Participant(id=pid)
            org = orgs.get(person.organisation or "")
            sides.append(Side(person, org, answers.get((request.id, pid))))
        slot = event.slots[meeting.slot_idx]
        out.append(
            Held(
                request.id,
                slot.start,
                slot.end,
                meeting.table_id,
                buyer=_side_of(sides, "buyer"),
                supplier=_side_of(sides, "supplier"),
                sides=tuple(sides),
            )
        )
    out.sort(key=lambda h: (h.start, h.table, h.request_id))
    return event, out


def _side_of(sides: list[Side], role: str) -> Side | None:
    return next((s for s in sides if s.organisation and s.organisation.role == role), None)


def report(db: Session, event_id: int, now: datetime) -> Report:
    """The outcome report of the event's published release as of `now` (aware)."""
    found = meetings_with_answers(db, event_id)
    if found is None:
        return Report(False, 0, 0, 0, 0, 0, 0, 0, None, (), (), (), ())
    event, held = found
    local = event_time(now, event.timezone)
    answered = [h for h in held if h.answered]
    ratings = [
        s.answer.rating
        for h in held
        for s in h.sides
        if s.answer is not None and s.answer.rating is not None
    ]

    def sectors_of(h: Held) -> tuple[str, ...]:
        org = h.supplier.organisation if h.supplier else None
        return tuple(dict.fromkeys(org.sectors)) if org and org.sectors else ("",)

    def buyer_of(h: Held) -> tuple[str, ...]:
        return (h.buyer.label,) if h.buyer else ()

    return Report(
        published=True,
        meetings=len(held),
        ended=sum(h.end <= local for h in held),
        answered=len(answered),
        held=sum(h.held for h in held),
        not_held=sum(h.not_held for h in answered),
        answers=sum(s.answer is not None for h in held for s in h.sides),
        ratings=len(ratings),
        average_rating=fmean(ratings) if ratings else None,
        sectors=_follow_ups(answered, sectors_of),
        buyers=_follow_ups(answered, buyer_of),
        leads=_leads(held),
        meetings_list=tuple(held),
        timezone=event.timezone,
    )


def _follow_ups(
    answered: list[Held], labels_of: Callable[[Held], tuple[str, ...]]
) -> tuple[FollowUps, ...]:
    counts: dict[str, Counter[str]] = {}
    for h in answered:
        for label in labels_of(h):
            c = counts.setdefault(label, Counter())
            c["answered"] += 1
            c["with"] += h.with_follow_up
            for kind in FollowUp:
                c[kind.value] += h.asked(kind)
    order = sorted(counts, key=lambda k: (-counts[k]["with"], -counts[k]["answered"], k == "", k))
    return tuple(
        FollowUps(
            label,
            counts[label]["answered"],
            counts[label]["with"],
            counts[label][FollowUp.QUOTE.value],
            counts[label][FollowUp.SAMPLE.value],
            counts[label][FollowUp.FACTORY_VISIT.value],
        )
        for label in order
    )


def _leads(held: list[Held]) -> tuple[SupplierLeads, ...]:
    by_supplier: dict[str, list[Lead]] = {}
    suppliers: dict[str, Side] = {}
    for h in held:
        if h.buyer is None or h.supplier is None:
            continue
        answer = h.buyer.answer
        if answer is None or not answer.follow_up:
            continue
        lead = Lead(
            h.request_id,
            h.start,
            h.supplier,
            h.buyer,
            tuple(FollowUp(k) for k in answer.follow_up),
            answer.rating,
            answer.note,
            answer.recorded_at,
        )
        pid = h.supplier.participant.id
        suppliers[pid] = h.supplier
        by_supplier.setdefault(pid, []).append(lead)
    order = sorted(by_supplier, key=lambda p: (-len(by_supplier[p]), suppliers[p].label, p))
    return tuple(SupplierLeads(suppliers[p], tuple(by_supplier[p])) for p in order)


# --- leads as CSV and XLSX ----------------------------------------------------------------

LEAD_COLUMNS = (
    "supplier_id",
    "supplier_name",
    "supplier_organisation",
    "buyer_id",
    "buyer_name",
    "buyer_organisation",
    "buyer_email",
    "request",
    "start",
    "follow_up",
    "rating",
    "note",
    "recorded_at",
)


def lead_rows(db: Session, event_id: int, now: datetime) -> list[list[str]]:
    """One row per lead, suppliers with most leads first (strings, neutralised for a
    spreadsheet)."""
    rows = []
    for group in report(db, event_id, now).leads:
        for lead in group.leads:
            s, b = lead.supplier, lead.buyer
            row = [
                s.participant.id,
                s.participant.name or "",
                s.organisation.name if s.organisation else "",
                b.participant.id,
                b.participant.name or "",
                b.organisation.name if b.organisation else "",
                b.participant.email or "",
                lead.request_id,
                lead.start.strftime("%Y-%m-%d %H:%M"),
                "; ".join(k.value for k in lead.follow_up),
                str(lead.rating) if lead.rating is not None else "",
                lead.note,
                lead.recorded_at.strftime("%Y-%m-%d %H:%M UTC"),
            ]
            rows.append([exports.spreadsheet_text(cell) for cell in row])
    return rows


def leads_csv(db: Session, event_id: int, now: datetime) -> bytes:
    return exports.table_csv(LEAD_COLUMNS, lead_rows(db, event_id, now))


def leads_xlsx(db: Session, event_id: int, now: datetime) -> bytes:
    return exports.table_xlsx("leads", LEAD_COLUMNS, lead_rows(db, event_id, now))


# --- asking for answers -------------------------------------------------------------------


def ask_for_outcomes(db: Session, event_id: int, postman: Postman, links: Links) -> int:
    """One e-mail to each participant with at least one meeting in the published release
    (and a valid address), asking how their meetings went, with a sign-in link to the
    outcomes page; committed (for a postman that writes to the outbox). The number handed
    over; Conflict when nothing is published."""
    source = releases.current(db, event_id)
    if source is None:
        raise Conflict(Msg("outcome.nothing_published"))
    counts: Counter[str] = Counter()
    requests = source.event.request_by_id()
    for meeting in source.schedule.meetings:
        counts.update(requests[meeting.request_id].pair)
    people = db.exec(select(m.Participant).where(m.Participant.event_id == event_id)).all()
    sent = 0
    for person in sorted(people, key=lambda p: p.ext_id):
        if not counts[person.ext_id] or inputs.email_address(person.email) is None:
            continue
        notice = OutcomeNotice(
            person, source.event.name, counts[person.ext_id], links.outcomes(person)
        )
        sent += postman.deliver(notice)
    db.commit()
    return sent
