"""Notifications when a schedule version is published.

Placeholder written by the organiser app; the portal helper (issue #4) owns this module and
replaces the no-op with e-mails / feed updates.
"""

from __future__ import annotations

from sqlmodel import Session


def on_publish(
    session: Session, event_id: int, previous_version_id: int | None, new_version_id: int
) -> None:
    """Called after a version is published (in the same transaction, before commit)."""
    return None
