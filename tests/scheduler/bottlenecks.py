"""An event with three known bottlenecks, small enough to solve to a proven optimum.

One session of 6 slots (09:00-11:00), every request priority 2 (weight 2):

- interpreter:ko serves 1 meeting per slot, and two Korean buyers (K1-1, K2-1, host
  tables) have 4 requests each that need it: 8 wanted, 6 possible;
- one pooled table, and three buyers without a table (P1-1..P3-1) have 4 requests each
  with suppliers who have no table either: 12 wanted, 6 possible;
- buyer O1-1 (host table) has 10 requests, one per supplier, in 6 slots: 4 left out.

Every supplier is in one request only, so nothing else limits the schedule.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.domain import (
    Event,
    MeetingRequest,
    Organisation,
    Participant,
    Session,
    Table,
)

START = datetime(2026, 11, 19, 9, 0)
END = datetime(2026, 11, 19, 11, 0)
KO = "interpreter:ko"


def bottleneck_event() -> Event:
    organisations: list[Organisation] = []
    people: list[Participant] = []
    tables: list[Table] = [Table(id="T01")]
    requests: list[MeetingRequest] = []

    def buyer(org: str, *, host: bool, languages: tuple[str, ...] = ("en",)) -> str:
        organisations.append(
            Organisation(id=org, name=f"Buyer {org}", role="buyer", languages=languages)
        )
        pid = f"{org}-1"
        people.append(Participant(id=pid, organisation=org, name=f"Buyer {org}"))
        if host:
            tables.append(Table(id=f"T{len(tables) + 1:02d}", host=pid))
        return pid

    def supplier_request(to: str, requires: tuple[str, ...] = ()) -> None:
        n = len(requests) + 1
        org = f"S{n:02d}"
        organisations.append(Organisation(id=org, name=f"Supplier {org}", role="supplier"))
        people.append(Participant(id=f"{org}-1", organisation=org))
        requests.append(
            MeetingRequest(id=f"R{n:02d}", from_id=f"{org}-1", to_id=to, requires=requires)
        )

    for org in ("K1", "K2"):
        korean = buyer(org, host=True, languages=("ko",))
        for _ in range(4):
            supplier_request(korean, (KO,))
    for org in ("P1", "P2", "P3"):
        pooled = buyer(org, host=False)
        for _ in range(4):
            supplier_request(pooled)
    popular = buyer("O1", host=True)
    for _ in range(10):
        supplier_request(popular)
    return Event(
        name="bottlenecks",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=(Session(id="am", start=START, end=END),),
        resources=((KO, 1),),
        tables=tuple(tables),
        organisations=tuple(organisations),
        participants=tuple(people),
        requests=tuple(requests),
    )
