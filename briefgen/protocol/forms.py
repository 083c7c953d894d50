"""Protocol rules: precedence, forms of address, ages and seat offsets.  Pure functions, no I/O.

The rules follow DOMAIN.md ("Protocol rules").  Where practice varies and no
source settles it, the choice is written in the docstring and in
docs/format.md, so a protocol officer can see it and override it with data
(``address:`` on a person, ``seating:`` in meeting.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from briefgen.schema.models import Name, Person

#: Styles ("H.E.", "The Hon.") come before the salutation in print and are never spoken.
STYLES = (
    "His Excellency",
    "Her Excellency",
    "Excellency",
    "H.E.",
    "HE",
    "The Right Honourable",
    "The Rt Hon.",
    "The Rt Hon",
    "Rt Hon.",
    "The Honourable",
    "The Honorable",
    "The Hon.",
    "The Hon",
    "Hon.",
)
#: Academic titles replace the salutation: "Dr Jane Smith", never "Dr Ms Jane Smith".
ACADEMIC_TITLES = frozenset({"Dr", "Dr.", "Prof.", "Prof", "Professor", "Prof. Dr", "Prof. Dr."})
#: The words that make a title a military rank; the last one is the rank said in speech.
RANK_WORDS = frozenset(
    {
        "General",
        "Admiral",
        "Marshal",
        "Colonel",
        "Major",
        "Captain",
        "Commander",
        "Lieutenant",
        "Brigadier",
        "Commodore",
    }
)
#: Offices of heads of state or government that replace the salutation in the short form.
HEAD_TITLES = (
    ("Vice President", "Vice President"),
    ("Vice-President", "Vice-President"),
    ("President", "President"),
    ("Prime Minister", "Prime Minister"),
    ("Premier", "Premier"),
    ("Federal Chancellor", "Chancellor"),
)
#: With interpreters ``beside``, the interpreter takes the principal's left; right is No. 2's.
INTERPRETER_BESIDE_OFFSET = -1


def order_by_precedence(explicit: Sequence[int | None]) -> list[int]:
    """Return list indices in order of precedence.

    List order is precedence; a member with an explicit ``precedence: N``
    takes slot N and the others fill the free slots in list order.  When two
    members claim the same slot, list order breaks the tie and the later one
    takes the next free slot.

    >>> order_by_precedence([None, None, 1])
    [2, 0, 1]
    """
    count = len(explicit)
    slots: dict[int, int] = {}
    claimed = sorted((rank, index) for index, rank in enumerate(explicit) if rank is not None)
    for rank, index in claimed:
        slot = min(rank, count)
        while slot in slots:
            slot += 1
        slots[slot] = index
    free = iter(index for index, rank in enumerate(explicit) if rank is None)
    order: list[int] = []
    for slot in range(1, count + len(slots) + 1):
        if slot in slots:
            order.append(slots[slot])
        else:
            filler = next(free, None)
            if filler is not None:
                order.append(filler)
        if len(order) == count:
            break
    return order


def display_name(name: Name, *, family_caps: bool = False) -> str:
    """The name as printed in Latin script, honouring ``order``; one name alone if no given name.

    >>> display_name(Name(given="Jinping", family="Xi", order="family-given"))
    'Xi Jinping'
    """
    family = name.family.upper() if family_caps else name.family
    if not name.given:
        return family
    parts = [family, name.given] if name.order == "family-given" else [name.given, family]
    return " ".join(parts)


def split_honorific(honorific: str | None) -> tuple[str | None, str | None]:
    """Split an honorific into its style and its title: ``"H.E. Dr"`` → ``("H.E.", "Dr")``.

    >>> split_honorific("General of the Army")
    (None, 'General of the Army')
    """
    if not honorific:
        return None, None
    text = " ".join(honorific.split())
    for style in STYLES:
        if text == style or text.startswith(style + " "):
            rest = text[len(style) :].strip()
            return style, rest or None
    return None, text


def is_military_rank(title: str) -> bool:
    """True when the title names a military rank (General of the Army, Rear Admiral ...)."""
    return any(word in RANK_WORDS for word in title.split())


def spoken_rank(title: str) -> str:
    """The rank as said in speech: the last rank word (Lieutenant General → General).

    >>> spoken_rank("General of the Army")
    'General'
    """
    words = [word for word in title.split() if word in RANK_WORDS]
    return words[-1] if words else title


def replaces_salutation(title: str) -> bool:
    """Academic titles and military ranks stand instead of Mr/Ms, not before them."""
    return title in ACADEMIC_TITLES or is_military_rank(title)


def head_title(office: str | None) -> str | None:
    """``President`` for "President of the Republic of Turkey"; None for other offices.

    >>> head_title("Presidential Press Secretary") is None
    True
    """
    if not office:
        return None
    for prefix, spoken in HEAD_TITLES:
        rest = office[len(prefix) :]
        if office.startswith(prefix) and (not rest or rest.startswith((" of ", ","))):
            return spoken
    return None


def printed_form(person: Person, *, family_caps: bool = False) -> str:
    """The full form for lists: style, title, salutation and name, e.g. ``H.E. Mr Sergei Lavrov``.

    A title that stands instead of a salutation (Dr, a military rank) drops
    the salutation: ``H.E. Dr Ashraf Ghani``, not ``H.E. Dr Mr Ashraf Ghani``.
    """
    style, title = split_honorific(person.honorific)
    salutation = None if title and replaces_salutation(title) else person.salutation
    parts = [style, title, salutation, display_name(person.name, family_caps=family_caps)]
    return " ".join(part for part in parts if part)


def short_form(person: Person, role: str | None = None) -> str:
    """The short form for speech and cards, e.g. ``Mr Lavrov`` or ``President Erdoğan``.

    In order: the person's ``address`` override; for a styled person (H.E.,
    The Hon.) whose role or office is head of state or government, that
    title and the family name; a military rank as spoken (``General
    Gerasimov``) or another title (``Dr Ghani``); the salutation; and, with
    none of these, the name as printed.  Styles are never spoken.  The
    family name is used whatever the name order (``Mr Xi``); a person with
    one name keeps it (``Mr Suharto``).
    """
    if person.address:
        return person.address
    style, title = split_honorific(person.honorific)
    family = person.name.family
    head = head_title(role or person.office) if style else None
    if head:
        return f"{head} {family}"
    if title:
        return f"{spoken_rank(title) if is_military_rank(title) else title} {family}"
    if person.salutation:
        return f"{person.salutation} {family}"
    return display_name(person.name)


def native_form(person: Person) -> str | None:
    """The name in native script, as written in the person's file (None if not given)."""
    return person.name.native


def monogram(name: Name) -> str:
    """Initials for a photo placeholder: given then family initial (family first if ordered so)."""
    if not name.given:
        return name.family[:1].upper()
    first, second = (
        (name.family, name.given) if name.order == "family-given" else (name.given, name.family)
    )
    return (first[:1] + second[:1]).upper()


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day``: the birthday itself counts as the new year of age.

    Someone born on 29 February turns a year older on 1 March in common years.

    >>> age_on(date(1952, 10, 7), date(2017, 9, 28))
    64
    """
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - before_birthday


def rule_offset(precedence: int) -> int:
    """The seat of precedence ``p`` by the alternation rule: 1 → 0, even → +p/2, odd → −(p−1)/2.

    Offsets count from the centre seat, positive to the seated person's own right.

    >>> [rule_offset(p) for p in range(1, 6)]
    [0, 1, -1, 2, -2]
    """
    if precedence < 1:
        raise ValueError(f"precedence starts at 1, not {precedence}")
    if precedence == 1:
        return 0
    return precedence // 2 if precedence % 2 == 0 else -(precedence - 1) // 2


def standard_seats(*, interpreter_beside: bool = False) -> Iterator[int]:
    """Seats in order of honour: 0, +1, −1, +2, −2 …

    With an interpreter beside the principal, the interpreter takes seat
    −1 and everyone on the principal's left moves one seat outward.
    """
    precedence = 1
    while True:
        offset = rule_offset(precedence)
        yield offset - 1 if interpreter_beside and offset < 0 else offset
        precedence += 1


def assign_offsets(
    count: int, overrides: Mapping[int, int] | None = None, *, interpreter_beside: bool = False
) -> list[int]:
    """Seat offsets for precedence 1..``count`` on one side of a bilateral table.

    ``overrides`` maps a precedence to the seat it must take; everyone else
    takes the free standard seats in order of precedence, so the rest of the
    side keeps its alternation.  Raises ValueError when two members, or a
    member and the interpreter, claim one seat.

    >>> assign_offsets(5)
    [0, 1, -1, 2, -2]
    >>> assign_offsets(4, interpreter_beside=True)
    [0, 1, -2, 2]
    """
    fixed = dict(overrides or {})
    taken: set[int] = {INTERPRETER_BESIDE_OFFSET} if interpreter_beside else set()
    for _, offset in sorted(fixed.items()):
        if offset in taken:
            raise ValueError(f"seat {offset:+d} is claimed twice")
        taken.add(offset)
    seats = standard_seats(interpreter_beside=interpreter_beside)
    offsets: list[int] = []
    for precedence in range(1, count + 1):
        if precedence in fixed:
            offsets.append(fixed[precedence])
            continue
        seat = next(seats)
        while seat in taken:
            seat = next(seats)
        taken.add(seat)
        offsets.append(seat)
    return offsets
