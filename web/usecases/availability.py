"""When a participant cannot meet: the one reading of typed unavailable ranges.

Ranges are "start/end" ISO date-times, local to the event. A time written with an offset
(`+09:00`, `Z`) is converted to the event's zone and stored without one, like every other
time of the event, whichever form or file it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduler.domain import TimeRange
from web.usecases.errors import Msg


def parse_range(text: str, timezone: str) -> TimeRange | Msg:
    """One "start/end" range in event-local time, or what is wrong with it."""
    start, _sep, end = text.partition("/")
    try:
        a, b = datetime.fromisoformat(start.strip()), datetime.fromisoformat(end.strip())
    except ValueError:
        return Msg("availability.bad_time")
    zone = ZoneInfo(timezone)
    a, b = _local_naive(a, zone), _local_naive(b, zone)
    if b <= a:
        return Msg("availability.end_before_start")
    return TimeRange(start=a, end=b)


def event_time(moment: datetime, timezone: str) -> datetime:
    """An instant (aware; a naive one is UTC) as the event's naive local time, the form every
    time of the event is stored in."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _local_naive(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone).replace(tzinfo=None)
