"""Protocol rules: precedence, forms of address, ages.  Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .model import Name, Person


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
    """The name as printed in Latin script, honouring ``order``.

    >>> display_name(Name(given="Jinping", family="Xi", order="family-given"))
    'Xi Jinping'
    """
    family = name.family.upper() if family_caps else name.family
    parts = [family, name.given] if name.order == "family-given" else [name.given, family]
    return " ".join(parts)


def printed_form(person: Person, *, family_caps: bool = False) -> str:
    """The full form for lists: honorific, salutation and name, e.g. ``H.E. Mr Sergei Lavrov``."""
    parts = [
        person.honorific,
        person.salutation,
        display_name(person.name, family_caps=family_caps),
    ]
    return " ".join(part for part in parts if part)


def short_form(person: Person) -> str:
    """The short form for speech and cards, e.g. ``Mr Lavrov``."""
    title = person.salutation or person.honorific
    return f"{title} {person.name.family}" if title else display_name(person.name)


def monogram(name: Name) -> str:
    """Initials for a photo placeholder: given then family initial (family first if ordered so)."""
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
