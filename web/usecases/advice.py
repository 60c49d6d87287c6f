"""What would help an event: `scheduler.advise` as a background job, and one suggestion applied.

An advice job is a job as a solve is (web/usecases/jobs.py): a row with its progress, run by
a worker (`ketnoi worker` on PostgreSQL, a child process of `ketnoi serve` on SQLite) that
reads the event's solver view (accepted and forced requests), one job per event at a time,
cancel, heartbeats, and a run lost with its worker retried once, then failed. It stores the
suggestions as `ketnoi advise` prints them. Applying one writes the change into the event's set-up
(a resource's capacity, pooled tables, a session's times, a participant's max_meetings,
a new delegate taking over requests) after checking that the set-up is still the one the
suggestion was measured on; the other suggestions of the job were measured on the event
before it, so they can no longer be applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from scheduler.advice.changes import (
    ChangeError,
    LongerSession,
    MoreMeetings,
    MoreResource,
    MoreTables,
    SecondDelegate,
    change_from_json,
    delegate_name,
    fresh_ids,
)
from scheduler.advise import DEFAULT_TIME_LIMIT, AdviceError, AdviceParams, AdviceProgress, advise
from scheduler.domain import Event
from web import models as m
from web.models import JobState
from web.usecases import jobs, mapper
from web.usecases.errors import Conflict, Invalid, Msg, NotFound
from web.usecases.jobs import Launcher
from web.usecases.setup import set_pooled_tables

TOP = 5
PROGRESS_EVERY = 0.4  # seconds between cancel checks
KIND = jobs.Kind(
    label="advice",
    table=m.AdviceJob,
    task="ketnoi.advise",
    queued={"stage": "queued", "elapsed": 0.0},
    busy="advice.busy",
    crashed="advice.crashed",
    cancelled="advice.cancelled",
    failed="advice.failed",
    not_queued="advice.not_queued",
)


@dataclass(frozen=True, slots=True)
class SuggestionView:
    index: int
    kind: str
    what: Msg
    gain_weight: int
    gain_meetings: int
    proven: bool  # the gain is also the proven minimum
    gain_at_most: int | None
    applied: bool


@dataclass(frozen=True, slots=True)
class Panel:
    job: m.AdviceJob | None
    error: Msg | None
    suggestions: list[SuggestionView]
    elapsed: float

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.active

    @property
    def may_apply(self) -> bool:
        return self.job is not None and not self.job.active and self.job.applied is None


# --- jobs ----------------------------------------------------------------------------------


def latest_job(session: Session, event_id: int) -> m.AdviceJob | None:
    return jobs.latest_job(session, KIND, event_id)


def start_advice(
    session: Session, launcher: Launcher, event_id: int, *, workers: int = 1
) -> m.AdviceJob:
    """Store the job row and hand it to the launcher; Conflict if one is active already."""
    params = {"time_limit": DEFAULT_TIME_LIMIT, "workers": workers, "top": TOP}
    return jobs.start(session, KIND, launcher, m.AdviceJob(event_id=event_id, params=params))


def cancel_advice(session: Session, event_id: int) -> None:
    """Stop the event's advice: a queued one at once, a running one at its next check."""
    jobs.cancel(session, KIND, event_id)


def run_job(database_url: str, job_id: int, *, parent_pid: int | None = None) -> None:
    """Claim the job and run it to its end (in a worker, or a child of `ketnoi serve`)."""
    jobs.run(KIND, _run, database_url, job_id, parent_pid)


def _run(session: Session, job_id: int, attempt: int, parent_pid: int | None) -> None:
    params, event = jobs.retrying(session, lambda: _load(session, job_id))

    def on_progress(p: AdviceProgress) -> None:
        progress = {"stage": p.stage, "step": p.step, "steps": p.steps, "elapsed": p.elapsed}
        jobs.write_progress(session, KIND, job_id, attempt, progress)

    advice_params = AdviceParams(
        time_limit=float(params.get("time_limit", DEFAULT_TIME_LIMIT)),
        workers=int(params.get("workers", 1)),
        top=int(params.get("top", TOP)),
    )
    should_stop = jobs.stopper(session, KIND, job_id, attempt, parent_pid, PROGRESS_EVERY)
    try:
        advice = advise(event, advice_params, on_progress=on_progress, should_stop=should_stop)
    except AdviceError as error:  # also when stopped before any schedule: cancel wins then
        failure = Msg("advice.no_schedule", reason=str(error))
        jobs.retrying(session, lambda: _store(session, job_id, attempt, parent_pid, failure))
        return
    result = {
        "weight": advice.weight,
        "weight_bound": advice.weight_bound,
        "meetings": advice.meetings,
        "candidates": advice.candidates,
        "verified": advice.verified,
        "seconds": advice.seconds,
        "suggestions": [s.to_json() for s in advice.suggestions],
    }
    jobs.retrying(session, lambda: _store(session, job_id, attempt, parent_pid, result))


def _load(session: Session, job_id: int) -> tuple[dict[str, Any], Event]:
    job = session.get(m.AdviceJob, job_id)
    assert job is not None  # claimed just now
    params: dict[str, Any] = dict(job.params)
    event = mapper.event_of(session, job.event_id, for_solver=True)
    session.commit()  # no transaction held open through the advice
    return params, event


def _store(
    session: Session,
    job_id: int,
    attempt: int,
    parent_pid: int | None,
    outcome: dict[str, Any] | Msg,
) -> None:
    """The run's result (or why there is none), unless it was cancelled or replaced."""
    job = jobs.locked(session, KIND, job_id, attempt, parent_pid)
    if job is None:
        return
    if isinstance(outcome, Msg):
        session.rollback()
        jobs.finish(session, KIND, job_id, attempt, JobState.FAILED, outcome)
        return
    job.result = outcome
    for key, value in jobs.finished(JobState.SUCCEEDED, None).items():
        setattr(job, key, value)
    session.add(job)
    session.commit()


# --- the panel -----------------------------------------------------------------------------


def panel(session: Session, event_id: int, lost_after: float | None) -> Panel:
    """The latest advice of the event, its suggestions described in the reader's terms (an
    active job nothing has run for `lost_after` seconds reads as crashed)."""
    jobs.reap(session, KIND, event_id, lost_after)
    job = latest_job(session, event_id)
    if job is None:
        return Panel(job=None, error=None, suggestions=[], elapsed=0.0)
    error = jobs.error_of(job)
    views = []
    if not job.active and job.state == JobState.SUCCEEDED.value:
        people = _labels(session, event_id)
        sessions = {s.ext_id: s for s in mapper.sessions_of(session, event_id)}
        for index, doc in enumerate(job.result.get("suggestions", [])):
            try:
                what = describe(doc["kind"], doc["change"], people, sessions)
            except (ChangeError, KeyError):
                continue  # a suggestion that no longer reads (never written by us)
            views.append(
                SuggestionView(
                    index=index,
                    kind=doc["kind"],
                    what=what,
                    gain_weight=int(doc["gain_weight"]),
                    gain_meetings=int(doc["gain_meetings"]),
                    proven=int(doc.get("gain_weight_at_least", 0)) >= int(doc["gain_weight"]),
                    gain_at_most=doc.get("gain_weight_at_most"),
                    applied=job.applied == index,
                )
            )
    return Panel(job=job, error=error, suggestions=views, elapsed=jobs.elapsed(job))


def describe(
    kind: str,
    doc: dict[str, Any],
    people: dict[str, str],
    sessions: dict[str, m.EventSession],
) -> Msg:
    """A suggestion's change as a sentence for the organiser."""
    change = change_from_json(kind, doc)
    if isinstance(change, MoreResource):
        if change.kind == "interpreter":
            language = change.resource.split(":", 1)[1]
            return Msg(
                "advice.interpreter",
                language=language,
                resource=change.resource,
                capacity=change.capacity,
                was=change.was,
            )
        return Msg(
            "advice.resource", resource=change.resource, capacity=change.capacity, was=change.was
        )
    if isinstance(change, MoreTables):
        n = len(change.table_ids)
        return Msg("advice.tables", n=n, total=change.was + n, was=change.was)
    if isinstance(change, LongerSession):
        row = sessions.get(change.session)
        if row is None:
            raise ChangeError(change.session)
        length = timedelta(minutes=change.slots * change.slot_minutes)
        if change.at_start:
            return Msg(
                "advice.session_start",
                session=change.session,
                n=change.slots,
                time=f"{row.start - length:%H:%M}",
                was=f"{row.start:%H:%M}",
            )
        return Msg(
            "advice.session_end",
            session=change.session,
            n=change.slots,
            time=f"{row.end + length:%H:%M}",
            was=f"{row.end:%H:%M}",
        )
    if isinstance(change, MoreMeetings):
        who = people.get(change.participant, change.participant)
        return Msg("advice.max_meetings", who=who, n=change.max_meetings, was=change.was)
    who = people.get(change.participant, change.participant)
    return Msg("advice.delegate", who=who, n=len(change.requests))


def _labels(session: Session, event_id: int) -> dict[str, str]:
    """ext_id -> "B001-1 (name, organisation)"."""
    orgs = {
        o.id: o.name
        for o in session.exec(select(m.Organisation).where(m.Organisation.event_id == event_id))
    }
    out = {}
    for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id)):
        org = orgs.get(p.organisation_id) if p.organisation_id else None
        parts = [x for x in (p.name, org) if x]
        out[p.ext_id] = f"{p.ext_id} ({', '.join(dict.fromkeys(parts))})" if parts else p.ext_id
    return out


# --- applying one --------------------------------------------------------------------------


def apply_suggestion(session: Session, event_id: int, job_id: int, index: int) -> Msg:
    """Write one suggestion into the event's set-up; what was done, to show the organiser.

    Invalid when the set-up changed since the advice (the suggestion was measured on
    another event), Conflict when one of the job's suggestions was applied already."""
    job = session.get(m.AdviceJob, job_id)
    if job is None or job.event_id != event_id or job.active:
        raise NotFound(Msg("advice.not_found"))
    suggestions = job.result.get("suggestions", [])
    if not 0 <= index < len(suggestions):
        raise NotFound(Msg("advice.not_found"))
    if job.applied is not None:
        raise Conflict(Msg("advice.applied_already"))
    doc = suggestions[index]
    try:
        change = change_from_json(doc["kind"], doc["change"])
        change.apply(mapper.event_of(session, event_id, for_solver=True))
    except (ChangeError, KeyError):
        raise Invalid(Msg("advice.stale")) from None
    people = _labels(session, event_id)
    sessions = {s.ext_id: s for s in mapper.sessions_of(session, event_id)}
    what = describe(doc["kind"], doc["change"], people, sessions)
    detail = _write(session, event_id, change)
    job.applied = index
    session.add(job)
    session.commit()
    return Msg("advice.applied", what=what, detail=detail)


def _write(
    session: Session,
    event_id: int,
    change: MoreResource | MoreTables | LongerSession | MoreMeetings | SecondDelegate,
) -> Msg:
    """The change as rows, or Invalid when what it changes is no longer what it was."""
    if isinstance(change, MoreResource):
        resource = session.exec(
            select(m.Resource).where(
                m.Resource.event_id == event_id, m.Resource.name == change.resource
            )
        ).first()
        if resource is None or resource.capacity != change.was:
            raise Invalid(Msg("advice.stale"))
        resource.capacity = change.capacity
        session.add(resource)
        return Msg("advice.solve_again")
    if isinstance(change, MoreTables):
        tables = list(session.exec(select(m.EventTable).where(m.EventTable.event_id == event_id)))
        pooled = {t.ext_id for t in tables if t.host_id is None}
        if len(pooled) != change.was:
            raise Invalid(Msg("advice.stale"))
        set_pooled_tables(session, event_id, change.was + len(change.table_ids))
        session.flush()
        now = session.exec(
            select(m.EventTable).where(
                m.EventTable.event_id == event_id, col(m.EventTable.host_id).is_(None)
            )
        )
        added = sorted({t.ext_id for t in now} - pooled)
        return Msg("advice.tables_added", ids=", ".join(added))
    if isinstance(change, LongerSession):
        row = session.exec(
            select(m.EventSession).where(
                m.EventSession.event_id == event_id, m.EventSession.ext_id == change.session
            )
        ).one()
        length = timedelta(minutes=change.slots * change.slot_minutes)
        if change.at_start:
            row.start = row.start - length
        else:
            row.end = row.end + length
        session.add(row)
        return Msg("advice.solve_again")
    person = session.exec(
        select(m.Participant).where(
            m.Participant.event_id == event_id, m.Participant.ext_id == change.participant
        )
    ).one()
    if isinstance(change, MoreMeetings):
        if person.max_meetings != change.was:
            raise Invalid(Msg("advice.stale"))
        person.max_meetings = change.max_meetings
        session.add(person)
        return Msg("advice.solve_again")
    return _add_delegate(session, event_id, person, change)


def _add_delegate(
    session: Session, event_id: int, person: m.Participant, change: SecondDelegate
) -> Msg:
    taken = {
        p.ext_id
        for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    ext_id = (
        change.delegate if change.delegate not in taken else fresh_ids(taken, 1, person.ext_id)[0]
    )
    domain_event = mapper.event_of(session, event_id)
    domain_person = domain_event.participant_by_id()[person.ext_id]
    delegate = m.Participant(
        event_id=event_id,
        ext_id=ext_id,
        organisation_id=person.organisation_id,
        name=delegate_name(domain_event, domain_person),
        languages=list(person.languages or []),
        available=None if person.available is None else list(person.available),
        unavailable=[dict(u) for u in person.unavailable or []],
        max_meetings=person.max_meetings,
    )
    session.add(delegate)
    session.flush()
    if change.table is not None:
        tables = {
            t.ext_id
            for t in session.exec(select(m.EventTable).where(m.EventTable.event_id == event_id))
        }
        table = (
            change.table if change.table not in tables else fresh_ids(tables, 1, change.table)[0]
        )
        session.add(m.EventTable(event_id=event_id, ext_id=table, host_id=delegate.id))
    moved = set(change.requests)
    for request in session.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == event_id, col(m.MeetingRequest.ext_id).in_(moved)
        )
    ):
        if request.from_id == person.id:
            request.from_id = delegate.id
        elif request.to_id == person.id:
            request.to_id = delegate.id
        session.add(request)
    return Msg("advice.delegate_added", id=ext_id, n=len(moved))
