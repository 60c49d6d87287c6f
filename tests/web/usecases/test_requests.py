"""Rules of meeting requests, whichever way they arrive: ids, sides, pairs."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import fresh_supplier, load_tiny, person, request_count
from web import models as m
from web.usecases import requests


def _ids(app: FastAPI, *senders: m.Participant) -> list[str]:
    with Session(app.state.engine) as session:
        rows = session.exec(select(m.MeetingRequest)).all()
    return sorted(r.ext_id for r in rows if r.from_id in {s.id for s in senders})


def test_requests_sent_at_the_same_moment_get_different_ids(app: FastAPI) -> None:
    """The first sender's transaction is still open when the second one asks for an id."""
    load_tiny(app)
    first, second = person(app, "B001-1"), person(app, "B002-1")
    first_to, second_to = fresh_supplier(app, "B001-1"), fresh_supplier(app, "B002-1")
    holding = threading.Event()
    failures: list[BaseException] = []

    def send(sender: m.Participant, to: m.Participant, hold: bool) -> None:
        try:
            with Session(app.state.engine) as db:
                if hold:  # flush, then keep the transaction open a moment before committing
                    commit = db.commit

                    def slow_commit() -> None:
                        db.flush()
                        holding.set()
                        time.sleep(0.8)
                        commit()

                    db.commit = slow_commit  # type: ignore[method-assign]
                me = db.get(m.Participant, sender.id)
                assert me is not None  # loaded above
                requests.send_request(db, me, to.id, 2, "")
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    a = threading.Thread(target=send, args=(first, first_to, True))
    a.start()
    assert holding.wait(10)
    b = threading.Thread(target=send, args=(second, second_to, False))
    b.start()
    a.join(30)
    b.join(30)
    ids = _ids(app, first, second)
    assert (failures, len(set(ids))) == ([], len(ids))


def _import(client: OrganiserClient, event_id: int, rows: str) -> str:
    response = client.post_form(
        f"/events/{event_id}/requests/import", files={"file": ("r.csv", rows.encode(), "text/csv")}
    )
    return f"{response.status_code} {response.text}"


def test_an_imported_request_between_two_buyers_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    result = _import(organiser_client, event_id, "id,from,to\nQ1,B001-1,B002-1\n")
    assert result.startswith("422") and "buyers meet suppliers" in result


def test_a_form_request_between_two_suppliers_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.post_form(
        f"/events/{event_id}/requests", {"from": "S001-1", "to": "S002-1", "priority": "2"}
    )
    assert (response.status_code, "buyers meet suppliers" in response.text) == (422, True)


def test_a_suggested_pair_of_one_side_creates_no_request(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    before = request_count(app)
    a, b = person(app, "B001-1"), person(app, "B002-1")
    organiser_client.post_form(f"/events/{event_id}/portal/suggestions", {"pair": f"{a.id}-{b.id}"})
    assert request_count(app) == before


def test_an_event_document_with_a_same_side_request_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    import json

    from tests.web.helpers import ROOT

    doc = json.loads((ROOT / "samples/tiny.json").read_text())
    doc["requests"].append({"id": "RX", "from": "B001-1", "to": "B002-1"})
    response = organiser_client.post_form(
        "/import-event", files={"file": ("e.json", json.dumps(doc).encode(), "application/json")}
    )
    assert (response.status_code, "buyers meet suppliers" in response.text) == (422, True)
