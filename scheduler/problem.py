"""The event compiled to integer indices: what the solver, bounds and heuristics work on."""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import Event, MeetingRequest, Participant, Slot


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """A meeting request with everything resolved to indices."""

    idx: int
    id: str
    a: int  # participant index of `from`
    b: int  # participant index of `to`
    weight: int
    required: bool
    slots: tuple[int, ...]  # slot indices where this meeting could be held, ignoring other meetings
    resources: tuple[int, ...]  # resource indices it uses
    pooled: bool  # True when it needs a pooled table (neither participant hosts one)
    after: tuple[int, ...]  # request indices that, if scheduled, must come earlier


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    event: Event
    requests: tuple[Request, ...]
    participant_ids: tuple[str, ...]
    max_meetings: tuple[int, ...]  # per participant; the slot count when unlimited
    requests_of: tuple[tuple[int, ...], ...]  # request indices per participant
    slot_day: tuple[int, ...]  # day index per slot
    slot_prev: tuple[int, ...]  # previous slot of the same day, or -1
    slot_next: tuple[int, ...]  # next slot of the same day, or -1
    day_slots: tuple[tuple[int, ...], ...]  # slot indices per day, in time order
    pooled_tables: int
    resource_names: tuple[str, ...]
    resource_capacity: tuple[int, ...]
    max_breaks: int | None

    @property
    def n_slots(self) -> int:
        return len(self.slot_day)

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    def schedulable(self) -> list[Request]:
        return [r for r in self.requests if r.slots]


def free_slots(person: Participant, slots: tuple[Slot, ...]) -> set[int]:
    """The slots a participant attends: in a session they attend, overlapping no unavailable range."""
    return {
        s.idx
        for s in slots
        if (person.available is None or s.session_id in person.available)
        and not any(u.overlaps(s.start, s.end) for u in person.unavailable)
    }


def compile_event(event: Event) -> Problem:
    """Resolve ids to indices and compute each request's candidate slots."""
    slots = event.slots
    participant_ids = tuple(p.id for p in event.participants)
    p_idx = {pid: i for i, pid in enumerate(participant_ids)}
    r_idx = {r.id: i for i, r in enumerate(event.requests)}
    resource_names = tuple(name for name, _ in event.resources)
    resource_capacity = tuple(cap for _, cap in event.resources)
    res_idx = {name: i for i, name in enumerate(resource_names)}
    hosts = event.host_table_of()
    pooled_tables = event.pooled_table_count
    free = [free_slots(p, slots) for p in event.participants]
    max_meetings = tuple(
        len(slots) if p.max_meetings is None else p.max_meetings for p in event.participants
    )

    requests = []
    requests_of: list[list[int]] = [[] for _ in participant_ids]
    for i, req in enumerate(event.requests):
        a, b = p_idx[req.from_id], p_idx[req.to_id]
        pooled = req.from_id not in hosts and req.to_id not in hosts
        candidates = _candidate_slots(req, free[a] & free[b], slots)
        resources = tuple(res_idx[name] for name in req.requires)
        blocked = (
            (req.from_id in hosts and req.to_id in hosts)
            or (pooled and pooled_tables == 0)
            or any(resource_capacity[k] == 0 for k in resources)
            or min(max_meetings[a], max_meetings[b]) == 0
        )
        requests.append(
            Request(
                idx=i,
                id=req.id,
                a=a,
                b=b,
                weight=req.weight,
                required=req.required,
                slots=() if blocked else candidates,
                resources=resources,
                pooled=pooled,
                after=tuple(r_idx[x] for x in req.after),
            )
        )
        requests_of[a].append(i)
        requests_of[b].append(i)

    day_slots: list[list[int]] = [
        [] for _ in range(max((s.day_idx for s in slots), default=-1) + 1)
    ]
    for s in slots:
        day_slots[s.day_idx].append(s.idx)
    slot_prev = tuple(s.idx - 1 if s.position > 0 else -1 for s in slots)
    slot_next = tuple(
        s.idx + 1 if s.idx + 1 < len(slots) and slots[s.idx + 1].day_idx == s.day_idx else -1
        for s in slots
    )
    return Problem(
        event=event,
        requests=tuple(requests),
        participant_ids=participant_ids,
        max_meetings=max_meetings,
        requests_of=tuple(tuple(x) for x in requests_of),
        slot_day=tuple(s.day_idx for s in slots),
        slot_prev=slot_prev,
        slot_next=slot_next,
        day_slots=tuple(tuple(x) for x in day_slots),
        pooled_tables=pooled_tables,
        resource_names=resource_names,
        resource_capacity=resource_capacity,
        max_breaks=event.max_breaks,
    )


def _candidate_slots(
    req: MeetingRequest, common: set[int], slots: tuple[Slot, ...]
) -> tuple[int, ...]:
    return tuple(
        s.idx
        for s in slots
        if s.idx in common
        and (req.sessions is None or s.session_id in req.sessions)
        and (req.fixed is None or req.fixed == s.start)
    )
