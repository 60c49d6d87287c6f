"""Publishing: one version becomes the official schedule, and the participants are told.

The previously published version is retired in the same transaction. The change notices are
handed to the postman before the commit, as the one step where an outbox row per notice
would be written instead.
"""

from __future__ import annotations

from sqlmodel import Session

from web import models as m
from web.models import VersionStatus, utcnow
from web.usecases import notifications, versions
from web.usecases.errors import Msg, NotFound


def publish(
    db: Session,
    version: m.ScheduleVersion,
    postman: notifications.Postman,
    links: notifications.Links,
) -> None:
    """Make this version the official schedule; the previously published one is retired."""
    previous = versions.published_version(db, version.event_id)
    if previous is not None and previous.id == version.id:
        return
    if previous is not None:
        previous.status = VersionStatus.RETIRED.value
        db.add(previous)
        db.flush()
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = utcnow()
    db.add(version)
    db.flush()
    notifications.version_published(
        db, version.event_id, previous.id if previous else None, version.id, postman, links
    )
    db.commit()


def version_to_publish(db: Session, event_id: int, number: int | None) -> m.ScheduleVersion:
    """The version a caller names by number, or the newest when it names none."""
    if number is not None:
        return versions.get_version(db, event_id, number)
    latest = versions.latest_version(db, event_id)
    if latest is None:
        raise NotFound(Msg("version.not_found"))
    return latest
