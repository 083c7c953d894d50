"""The order of delegations: worked cases of every rule (briefgen.protocol.order)."""

from __future__ import annotations

from datetime import date

from briefgen.protocol.order import (
    Party,
    infer_rank,
    missing_since,
    order_parties,
    rotate,
    sorting_name,
)

EUROPE = [
    Party("germany", "Germany", "DE"),
    Party("austria", "Austria", "AT"),
    Party("spain", "Spain", "ES"),
    Party("hungary", "Hungary", "HU"),
    Party("uk", "United Kingdom", "GB"),
]


def test_listed_keeps_the_list_and_puts_the_chair_first() -> None:
    assert order_parties(EUROPE) == ["germany", "austria", "spain", "hungary", "uk"]
    assert order_parties(EUROPE, chair="spain") == ["spain", "germany", "austria", "hungary", "uk"]


def test_alphabetical_in_english_and_in_french_differ() -> None:
    # English: Austria, Germany, Hungary, Spain, United Kingdom.
    assert order_parties(EUROPE, "alphabetical", language="en") == [
        "austria",
        "germany",
        "hungary",
        "spain",
        "uk",
    ]
    # French: Allemagne, Autriche, Espagne, Hongrie, Royaume-Uni.
    assert order_parties(EUROPE, "alphabetical", language="fr") == [
        "germany",
        "austria",
        "spain",
        "hungary",
        "uk",
    ]
    assert sorting_name(EUROPE[0], "fr") == "Allemagne"


def test_alphabetical_from_a_delegation_drawn_by_lot_continues_cyclically() -> None:
    # UN practice: Hongrie drawn; then Royaume-Uni, and round to Allemagne, Autriche, Espagne.
    assert order_parties(EUROPE, "alphabetical", language="fr", start="hungary") == [
        "hungary",
        "uk",
        "germany",
        "austria",
        "spain",
    ]
    assert rotate(["a", "b", "c"], "c") == ["c", "a", "b"]


def test_the_chair_is_placed_by_its_own_rule() -> None:
    ordered = ["austria", "germany", "hungary", "spain", "uk"]
    assert order_parties(EUROPE, "alphabetical", chair="spain", chair_place="in-order") == ordered
    assert order_parties(EUROPE, "alphabetical", chair="spain", chair_place="last") == [
        "austria",
        "germany",
        "hungary",
        "uk",
        "spain",
    ]


def test_a_delegation_without_a_country_sorts_by_its_name() -> None:
    parties = [Party("eu", "European Union"), Party("at", "Austria", "AT")]
    assert order_parties(parties, "alphabetical", language="fr") == ["at", "eu"]


def test_rank_then_date_of_taking_office() -> None:
    parties = [
        Party("tr", "Turkey", "TR", "head-of-state", date(2014, 8, 28)),
        Party("jp", "Japan", "JP", "head-of-government", date(2012, 12, 26)),
        Party("ru", "Russia", "RU", "head-of-state", date(2012, 5, 7)),
        Party("ir", "Iran", "IR", "head-of-state", date(2013, 8, 3)),
        Party("xx", "Observer", None, "other"),
        Party("fr", "France", "FR", "minister", date(2017, 6, 21)),
    ]
    assert order_parties(parties, "rank") == ["ru", "ir", "tr", "jp", "fr", "xx"]
    # The host chairs and comes first whatever its rank.
    assert order_parties(parties, "rank", chair="tr") == ["tr", "ru", "ir", "jp", "fr", "xx"]


def test_a_missing_date_sorts_last_in_its_rank_and_is_queried() -> None:
    parties = [
        Party("a", "A", None, "minister"),
        Party("b", "B", None, "minister", date(2020, 1, 1)),
        Party("c", "C", None, "head-of-state"),
    ]
    assert order_parties(parties, "rank") == ["c", "b", "a"]
    assert [p.id for p in missing_since(parties)] == ["a"]


def test_rank_read_from_the_office() -> None:
    assert infer_rank("President of the Russian Federation") == "head-of-state"
    assert infer_rank("Prime Minister of Japan") == "head-of-government"
    assert infer_rank("Minister of Foreign Affairs") == "minister"
    assert infer_rank("Vice President") == "other"
    assert infer_rank("Deputy Minister") == "other"
    assert infer_rank(None) == "other"
