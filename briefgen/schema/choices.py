"""Every choice list, declared once as a ``Literal``; the schema, the CLI and the code reuse it.

``names(Literal)`` gives the values in order for ``click.Choice`` and
messages, so a new value is added here and nowhere else.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

#: Paper of the book, place cards and pocket list.
Paper = Literal["a4", "letter"]
#: The built-in themes (templates/themes/<name>/; "default" is templates/ itself).
ThemeName = Literal["default", "compact"]
#: Archival or accessible PDF.
PdfVariant = Literal["pdf/a-3b", "pdf/ua-1"]
#: What ``build --format`` writes: "all" is the book with its protocol material; "ics" alone.
Format = Literal["html", "pdf", "seating", "cards", "pocket", "ics", "all"]
#: Where interpreters sit at the table.
Interpreters = Literal["behind", "beside"]
#: Which side faces the entrance.
Entrance = Literal["guests", "host"]
#: How the delegations of a meeting are ordered (docs/format.md, "order").
OrderRule = Literal["listed", "alphabetical", "rank"]
#: Where the chair's delegation goes in the order: first, last, or where the rule puts it.
ChairPlace = Literal["first", "last", "in-order"]
#: The shape of a multilateral table.
TableShape = Literal["round", "square", "u"]
#: How delegations are placed round a multilateral table from the chair.
Placing = Literal["alternate", "around"]
#: The rank of a head of delegation, highest first (the order of the ``rank`` rule).
HeadRank = Literal["head-of-state", "head-of-government", "minister", "other"]
#: Order of a name's parts in print.
NameOrder = Literal["given-family", "family-given"]
#: How ``check`` prints problems.
ReportFormat = Literal["text", "github", "json"]
#: How ``diff`` prints changes.
DiffFormat = Literal["text", "markdown", "json"]


def names(choice: Any) -> tuple[str, ...]:
    """The values of a ``Literal`` choice list, in their declared order."""
    return tuple(get_args(choice))
