"""The order of the delegations of a meeting: listed, alphabetical or by rank.  Pure functions.

Protocol offices order delegations in one of three ways, chosen per meeting
(``order:`` in meeting.yaml, docs/format.md):

- **listed**: as under ``delegations``;
- **alphabetical**: by the country's name in a stated language, as Babel's
  territory names give it (French "Allemagne" comes before "Autriche", English
  "Austria" before "Germany"), optionally starting from a delegation drawn by
  lot and continuing cyclically (UN practice);
- **rank**: by the rank of the head of delegation (head of state, head of
  government, minister, other) and within a rank by date of taking office,
  earliest first; a missing date sorts last (``check`` queries it).

The chair (``chair``, else the host) is placed by its own rule: first (the
default, and the bilateral behaviour: host first), last, or where the rule
puts it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from briefgen.schema.choices import ChairPlace, HeadRank, OrderRule, names

#: Ranks of heads of delegation, highest first.
RANKS: tuple[str, ...] = names(HeadRank)

_RANK_WORDS: tuple[tuple[re.Pattern[str], HeadRank], ...] = (
    (re.compile(r"\b(vice|deputy)[- ]", re.IGNORECASE), "other"),
    (re.compile(r"\b(president|king|queen|emir|sultan|monarch)\b", re.IGNORECASE), "head-of-state"),
    (re.compile(r"\b(prime minister|premier|chancellor)\b", re.IGNORECASE), "head-of-government"),
    (re.compile(r"\bminister\b", re.IGNORECASE), "minister"),
)


@dataclass(frozen=True)
class Party:
    """A delegation as the order sees it: id, names, and its head's rank and date in office."""

    id: str
    name: str
    country: str | None = None
    rank: HeadRank = "other"
    since: date | None = None


def infer_rank(office: str | None) -> HeadRank:
    """The rank an office's title implies: ``President`` → head of state; default other.

    >>> infer_rank("Prime Minister of Japan"), infer_rank("Vice President")
    ('head-of-government', 'other')
    """
    for pattern, rank in _RANK_WORDS:
        if office and pattern.search(office):
            return rank
    return "other"


@lru_cache(maxsize=32)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return dict(Locale.parse("en").territories)


def sorting_name(party: Party, language: str) -> str:
    """The name the alphabetical rule sorts by: Babel's territory name, else the given name."""
    if party.country:
        return _territories(language).get(party.country, party.name)
    return party.name


def collation_key(text: str) -> tuple[str, str]:
    """Letters without accents or case first, then the exact text: É sorts with E."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())
    return bare.replace("ı", "i"), text


def rotate(ids: Sequence[str], start: str | None) -> list[str]:
    """``ids`` starting at ``start`` (drawn by lot) and continuing cyclically."""
    if start is None or start not in ids:
        return list(ids)
    at = list(ids).index(start)
    return [*ids[at:], *ids[:at]]


def _by_rule(parties: Sequence[Party], rule: OrderRule, language: str) -> list[Party]:
    if rule == "alphabetical":
        return sorted(parties, key=lambda p: collation_key(sorting_name(p, language)))
    if rule == "rank":
        latest = date.max
        return sorted(parties, key=lambda p: (RANKS.index(p.rank), p.since or latest))
    return list(parties)


def order_parties(
    parties: Sequence[Party],
    rule: OrderRule = "listed",
    *,
    language: str = "en",
    start: str | None = None,
    chair: str | None = None,
    chair_place: ChairPlace = "first",
) -> list[str]:
    """The ids of ``parties`` in protocol order; sorts are stable, so ties keep list order.

    >>> parties = [Party("de", "Germany", "DE"), Party("at", "Austria", "AT"),
    ...            Party("es", "Spain", "ES")]
    >>> order_parties(parties, "alphabetical", language="fr")
    ['de', 'at', 'es']
    >>> order_parties(parties, "alphabetical", start="de", chair="es")
    ['es', 'de', 'at']
    """
    ordered = rotate([p.id for p in _by_rule(parties, rule, language)], start)
    if chair is None or chair not in ordered or chair_place == "in-order":
        return ordered
    rest = [i for i in ordered if i != chair]
    return [chair, *rest] if chair_place == "first" else [*rest, chair]


def missing_since(parties: Sequence[Party]) -> list[Party]:
    """Parties whose head shares a rank with another head and has no ``since`` date."""
    counts = {rank: sum(1 for p in parties if p.rank == rank) for rank in RANKS}
    return [p for p in parties if p.since is None and counts[p.rank] > 1]
