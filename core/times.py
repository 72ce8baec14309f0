"""Points in time as splice reads and stores them.

Times are stored as UTC ISO 8601 strings with microseconds, which sort
lexically in time order in every engine.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import ValidationError

_MINUTE = re.compile(r"^\d{12}\Z")
RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z"


def parse_time(value: datetime | str) -> datetime:
    """Read a time given as a ``datetime``, ``YYYYMMDDHHMM`` or ISO 8601 (aware, UTC).

    ``YYYYMMDDHHMM`` means the end of that minute (UTC), so a tag set during
    that minute counts. Naive datetimes and ISO strings without an offset are
    taken as UTC.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value
        if _MINUTE.match(text):
            try:
                start = datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=timezone.utc)
            except ValueError as exc:
                raise ValidationError(
                    f"time {value!r} is not a real date: YYYYMMDDHHMM expects a valid "
                    "year, month, day, hour and minute"
                ) from exc
            return start + timedelta(seconds=59, microseconds=999999)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(
                f"time {value!r} cannot be read: use YYYYMMDDHHMM (UTC, end of that minute), "
                "ISO 8601 such as 2024-06-01T13:30:45Z, or a datetime"
            ) from exc
    else:
        raise ValidationError(f"time must be a datetime or a string, not {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return _utc(moment, value)


def _utc(moment: datetime, given: object) -> datetime:
    """``moment`` in UTC; a time whose offset takes it past year 1 or 9999 is refused."""
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        shown = given if isinstance(given, str) else moment.isoformat()
        raise ValidationError(
            f"time {shown!r} is outside the times splice stores: {RANGE} (in UTC, after its offset)"
        ) from None


def to_stamp(moment: datetime) -> str:
    """The stored form of a time: UTC ISO 8601 with microseconds (sorts as text). Naive
    times are UTC, as :func:`parse_time` reads them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # isoformat, not strftime: "%Y" leaves years before 1000 unpadded, which sort wrong
    return _utc(moment, moment).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_stamp(stamp: str) -> datetime:
    """Read back a time written by :func:`to_stamp`."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def now_stamp() -> str:
    """The stored form of the current time."""
    return to_stamp(datetime.now(timezone.utc))
