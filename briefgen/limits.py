"""Resource limits on untrusted input, with generous defaults for real use.

Each limit is checked before the expensive work it protects (a file's size
before parsing it, an image's pixel count from its header before decoding),
and each can be raised on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input (``--limit KEY=VALUE``); every field has a generous default."""

    #: Bytes in one YAML file; the longest real meeting file is a few tens of KB.
    file_bytes: int = 1_000_000
    #: Nesting levels in one YAML file; the format needs five.
    depth: int = 20
    #: Characters in one text value (a bio, a background); ~30 printed pages.
    text_chars: int = 100_000
    #: People in one meeting, all delegations together; a large summit has a few hundred.
    people_per_meeting: int = 2_000
    #: Bytes in one photo file.
    image_bytes: int = 20_000_000
    #: Pixels in one photo (width × height), read from the header before decoding.
    image_pixels: int = 40_000_000
    #: Bytes in one file attached to the PDF.
    attachment_bytes: int = 50_000_000
    #: Files attached to one meeting's PDF.
    attachments: int = 20
    #: Bytes of all the files attached to one meeting's PDF together (each is read into memory).
    attachments_total_bytes: int = 100_000_000
    #: Items in one meeting's programme; a summit day has a few dozen.
    programme_items: int = 1_000
    #: Characters in one page a template renders (the HTML of a book, cards, pocket list);
    #: also bounds a repeated string or list a template makes (``'a' * n``).
    render_chars: int = 50_000_000
    #: Seconds to render one meeting's outputs (templates and PDF layout); 0 means no limit.
    timeout: float = 300.0


#: Combining marks in a row on one character: Unicode's stream-safe text format
#: (UAX #15) allows 30; real text needs a handful.  Not a limit to raise: a longer
#: run is always a mistake or an attack ("Zalgo" text), and it made text fitting slow.
MAX_COMBINING_RUN = 30


DEFAULT_LIMITS = Limits()
