"""The programme as an iCalendar file (RFC 5545) that staff can load into their calendars.

Times are written in the meeting's timezone (TZID, with its VTIMEZONE);
a meeting without a timezone gets floating local times.  The file is
reproducible: UIDs come from the meeting id and the item, and DTSTAMP is
the build date.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from briefgen import __version__
from briefgen.schema.models import Meeting

#: Characters that end or break an iCalendar content line; the data's check rejects
#: them (BG216), and a calendar never carries them even if a caller skipped the check.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _text(value: str) -> str:
    """One line of calendar text: every control character and line break becomes a space."""
    return _BREAKS.sub(" ", value).strip()


def programme_ics(meeting_id: str, meeting: Meeting, built: date) -> bytes:
    """``meeting``'s programme (already chosen for an edition) as iCalendar bytes."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//briefgen//briefgen {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname", _text(f"{meeting.short_title or meeting.title} ({meeting.marking})")
    )
    zone = ZoneInfo(meeting.timezone) if meeting.timezone else None
    if meeting.timezone:
        calendar.add("x-wr-timezone", meeting.timezone)
    stamp = datetime(built.year, built.month, built.day, tzinfo=UTC)
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    for item in sorted(meeting.programme, key=lambda i: i.time):
        event = Event()
        key = f"{meeting_id}|{meeting.date}|{item.time}|{item.title}".encode()
        event.add("uid", f"{hashlib.sha256(key).hexdigest()[:24]}@{meeting_id}.briefgen")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(meeting.date, item.time, tzinfo=zone))
        if item.end is not None:
            event.add("dtend", datetime.combine(meeting.date, item.end, tzinfo=zone))
        event.add("summary", _text(item.title))
        if item.place or place:
            event.add("location", _text(", ".join(p for p in (item.place, place) if p)))
        lines = [_text(f"Marking: {meeting.marking}"), _text(meeting.title)]
        if item.attendees:
            lines.append(_text("Attending: " + "; ".join(item.attendees)))
        event.add("description", "\n".join(lines))
        event.add("class", "CONFIDENTIAL")
        calendar.add_component(event)
    if zone is not None:
        calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data
