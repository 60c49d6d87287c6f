"""Publishing: one version becomes the official schedule, frozen as a release, and the
participants whose meetings changed are told.

All of it is one transaction: the previous version is retired, the release is stored
(`web.usecases.releases`) and one notice per participant to tell is handed to the postman,
which the app gives as an outbox writer, so the mail leaves only once the publish committed,
and publishing never waits for the mail server.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from web import models as m
from web.models import VersionStatus
from web.usecases import notifications, releases, versions
from web.usecases.errors import Msg, NotFound


@dataclass(frozen=True, slots=True)
class Outcome:
    release: int  # the release's number (1 for the first publish)
    notified: int  # participants given a change notice
    unchanged: bool = False  # the version was already the published one


def publish(
    db: Session,
    version: m.ScheduleVersion,
    postman: notifications.Postman,
    links: notifications.Links,
) -> Outcome:
    """Make this version the official schedule; the previously published one is retired.
    Conflict (nothing written) if some of its meetings no longer fit the set-up."""
    previous = versions.published_version(db, version.event_id)
    if previous is not None and previous.id == version.id:
        current = releases.current(db, version.event_id)
        return Outcome(current.number if current else 0, 0, unchanged=True)
    release = releases.create(db, version)
    if previous is not None:
        previous.status = VersionStatus.RETIRED.value
        db.add(previous)
        db.flush()
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = release.published_at
    db.add(version)
    db.flush()
    notified = notifications.release_published(db, release, postman, links)
    db.commit()
    return Outcome(release.number, notified)


def version_to_publish(db: Session, event_id: int, number: int | None) -> m.ScheduleVersion:
    """The version a caller names by number, or the newest when it names none."""
    if number is not None:
        return versions.get_version(db, event_id, number)
    latest = versions.latest_version(db, event_id)
    if latest is None:
        raise NotFound(Msg("version.not_found"))
    return latest
