"""Frozen releases: what was published is served as it was, whatever is edited afterwards,
and the next release tells exactly the participants whose meetings changed."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from tests.conftest import OrganiserClient
from tests.web.helpers import load_tiny, publish_placed, signed_in, store_version
from web import models as m
from web.mail import Mailer
from web.mailing import MailPostman
from web.usecases import notifications, publishing, releases, versions
from web.usecases.errors import Conflict

# B001-1 meets S008-1 (R00001) and S004-1 (R00003); B003-2 meets S003-1 (R00004).
PLACED = {"R00001": (0, "T005"), "R00003": (1, "T005"), "R00004": (2, "T005")}


def _agenda_table(client: TestClient) -> str:
    found = re.search(r"<table.*?</table>", client.get("/p/").text, re.S)
    assert found is not None  # a published agenda is a table
    return found.group(0)


def _feed_path(client: TestClient) -> str:
    found = re.search(r"webcal://[^/]+(/p/feed/[^\"]+)", client.get("/p/").text)
    assert found is not None
    return found.group(1)


def _everything_served(app: FastAPI) -> dict[str, bytes | str]:
    """What B001-1 is served: agenda rows, agenda .ics, one meeting's .ics, the feed."""
    client = signed_in(app, "B001-1")
    return {
        "agenda": _agenda_table(client),
        "ics": client.get("/p/calendar.ics").content,
        "meeting": client.get("/p/meetings/R00001.ics").content,
        "feed": TestClient(app).get(_feed_path(client)).content,
    }


def _shift_sessions(app: FastAPI, event_id: int, by: timedelta) -> None:
    with Session(app.state.engine) as db:
        for row in db.exec(select(m.EventSession).where(m.EventSession.event_id == event_id)):
            row.start += by
            row.end += by
            db.add(row)
        db.commit()


def _edit_everything(app: FastAPI, event_id: int) -> None:
    """Sessions an hour later, tables renamed, people and the event renamed, venue moved."""
    _shift_sessions(app, event_id, timedelta(hours=1))
    with Session(app.state.engine) as db:
        for table in db.exec(select(m.EventTable).where(m.EventTable.event_id == event_id)):
            table.ext_id = "X" + table.ext_id
            db.add(table)
        for person in db.exec(select(m.Participant).where(m.Participant.event_id == event_id)):
            person.name = "Renamed " + person.name
            db.add(person)
        event = db.get(m.Event, event_id)
        assert event is not None
        event.name, event.venue = "Another name", "Another hall"
        db.add(event)
        db.commit()


def test_an_edited_set_up_leaves_every_published_file_byte_for_byte(app: FastAPI) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    before = _everything_served(app)
    _edit_everything(app, event_id)
    assert _everything_served(app) == before


def test_a_deleted_registration_leaves_its_partners_agenda(app: FastAPI) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    before = _everything_served(app)
    with Session(app.state.engine) as db:
        supplier = db.exec(select(m.Participant).where(m.Participant.ext_id == "S008-1")).one()
        for request in db.exec(
            select(m.MeetingRequest).where(
                (col(m.MeetingRequest.from_id) == supplier.id)
                | (col(m.MeetingRequest.to_id) == supplier.id)
            )
        ):
            db.delete(request)
        db.delete(supplier)
        db.commit()
    assert _everything_served(app) == before


def _publish_told(app: FastAPI, tmp_path: Path, event_id: int, number: int) -> set[str]:
    """Publish version `number` with a postman writing to mails/; who was mailed."""
    with Session(app.state.engine) as db:
        version = versions.get_version(db, event_id, number)
        postman = MailPostman(Mailer(outbox=tmp_path / "mails"))
        links = notifications.Links("http://portal.test", "test-secret")
        publishing.publish(db, version, postman, links)
    told = set()
    for path in (tmp_path / "mails").glob("*.eml"):
        found = re.search(r"^To: (\S+)", path.read_text(), re.M)
        assert found is not None
        told.add(found.group(1))
    return told


def test_the_next_release_tells_exactly_those_whose_meetings_changed(
    app: FastAPI, tmp_path: Path
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:  # renamed: not a change of anyone's meetings
        person = db.exec(select(m.Participant).where(m.Participant.ext_id == "S003-1")).one()
        person.name = "Someone else"
        db.add(person)
        db.commit()
    # R00001 moves to another slot; R00003 and R00004 stay where they were.
    number = store_version(app, event_id, {**PLACED, "R00001": (3, "T005")})
    assert _publish_told(app, tmp_path, event_id, number) == {
        "b001-1@buyer.example",
        "s008@supplier.example",
    }


def test_sessions_moved_between_releases_move_every_meeting(app: FastAPI) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    _shift_sessions(app, event_id, timedelta(hours=1))
    publish_placed(app, event_id, PLACED)  # the same slot numbers, an hour later
    calendar = icalendar.Calendar.from_ical(signed_in(app, "B001-1").get("/p/calendar.ics").content)
    sequence = {
        str(e["uid"]).split("@")[0]: int(str(e["sequence"])) for e in calendar.walk("VEVENT")
    }
    assert sequence == {"R00001": 1, "R00003": 1}


def test_a_version_that_no_longer_fits_the_set_up_is_refused_and_nothing_written(
    app: FastAPI,
) -> None:
    event_id = load_tiny(app)
    number = store_version(app, event_id, PLACED)
    _shift_sessions(app, event_id, timedelta(minutes=10))
    with Session(app.state.engine) as db:
        version = versions.get_version(db, event_id, number)
        postman = MailPostman(Mailer())
        links = notifications.Links("http://portal.test", "test-secret")
        with pytest.raises(Conflict):
            publishing.publish(db, version, postman, links)
    with Session(app.state.engine) as db:
        status = versions.get_version(db, event_id, number).status
        count = len(db.exec(select(m.Release)).all())
    assert (status, count) == ("draft", 0)


def test_an_event_published_before_releases_gets_one_at_start_up(app: FastAPI) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        for row in db.exec(select(m.Release)):
            db.delete(row)
        db.commit()
        made = releases.backfill(db)
        frozen = releases.current(db, event_id)
    assert (made, frozen is not None and len(frozen.schedule.meetings)) == (1, 3)


def test_the_review_page_says_what_of_the_set_up_differs_from_the_release(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        for table in db.exec(select(m.EventTable).where(m.EventTable.event_id == event_id)):
            table.ext_id = "X" + table.ext_id
            db.add(table)
        db.commit()
    page = organiser_client.get(f"/events/{event_id}/versions/1").text
    found = re.search(r'id="release-drift"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None
    assert " ".join(found.group(1).split()) == (
        "The set-up differs from published release 1 in: tables. "
        "Participants keep seeing release 1 until you publish a new version."
    )


def test_an_unchanged_set_up_says_edits_apply_to_the_next_release(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        drift = releases.drift(db, event_id)
    page = organiser_client.get(f"/events/{event_id}").text
    assert (drift, "Edits here apply to the next release" in page) == (releases.Drift(1, ()), True)


def test_the_review_page_counts_what_publishing_would_change(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    # R00001 moves, R00003 stays, R00004 is dropped, R00010 is new.
    number = store_version(
        app, event_id, {"R00001": (3, "T005"), "R00003": (1, "T005"), "R00010": (4, "T005")}
    )
    page = organiser_client.get(f"/events/{event_id}/versions/{number}").text
    assert "Against published release 1, meetings kept: 1, moved: 1, dropped: 1, added: 1." in page


def test_the_published_versions_review_says_how_many_meetings_the_set_up_lost(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    _shift_sessions(app, event_id, timedelta(minutes=10))
    page = organiser_client.get(f"/events/{event_id}/versions/1").text
    found = re.search(r'id="lost-meetings">([^<]*)<', page)
    assert found is not None
    assert found.group(1).startswith("3 meetings of this version are at times")
