from __future__ import annotations

from datetime import date

import pytest

from briefgen.model import Name, Person
from briefgen.protocol import (
    age_on,
    display_name,
    monogram,
    order_by_precedence,
    printed_form,
    short_form,
)


@pytest.mark.parametrize(
    ("explicit", "expected"),
    [
        ([None, None, None], [0, 1, 2]),
        ([None, None, 1], [2, 0, 1]),
        ([None, 2, None, None], [0, 1, 2, 3]),
        ([None, None, None, 2], [0, 3, 1, 2]),
        ([1, 1, None], [0, 1, 2]),
        ([None, 9], [0, 1]),
        ([3, None, None], [1, 2, 0]),
        ([], []),
    ],
)
def test_order_by_precedence(explicit: list[int | None], expected: list[int]) -> None:
    assert order_by_precedence(explicit) == expected


def person(**fields: object) -> Person:
    name = fields.pop("name", {"given": "Sergei", "family": "Lavrov"})
    return Person.model_validate({"name": name, **fields})


def test_printed_form_full() -> None:
    assert printed_form(person(honorific="H.E.", salutation="Mr")) == "H.E. Mr Sergei Lavrov"


def test_printed_form_without_honorific_or_salutation() -> None:
    assert printed_form(person()) == "Sergei Lavrov"


def test_printed_form_military_rank() -> None:
    gerasimov = person(
        name={"given": "Valery", "family": "Gerasimov"}, honorific="General of the Army"
    )
    assert printed_form(gerasimov) == "General of the Army Valery Gerasimov"


def test_family_given_order_and_caps() -> None:
    xi = person(
        name={"given": "Jinping", "family": "Xi", "order": "family-given"},
        honorific="H.E.",
        salutation="Mr",
    )
    assert printed_form(xi) == "H.E. Mr Xi Jinping"
    assert printed_form(xi, family_caps=True) == "H.E. Mr XI Jinping"
    assert printed_form(person(salutation="Mr"), family_caps=True) == "Mr Sergei LAVROV"


def test_short_form() -> None:
    assert short_form(person(honorific="H.E.", salutation="Mr")) == "Mr Lavrov"
    assert short_form(person()) == "Sergei Lavrov"


def test_display_name_and_monogram() -> None:
    name = Name(given="Recep Tayyip", family="Erdoğan")
    assert display_name(name) == "Recep Tayyip Erdoğan"
    assert monogram(name) == "RE"
    assert monogram(Name(given="Jinping", family="Xi", order="family-given")) == "XJ"


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1952, 10, 7), date(2017, 9, 28), 64),  # the day before the birthday
        (date(1952, 10, 7), date(2017, 10, 6), 64),
        (date(1952, 10, 7), date(2017, 10, 7), 65),  # the birthday itself
        (date(1952, 10, 7), date(2017, 10, 8), 65),
        (date(1960, 2, 29), date(2021, 2, 28), 60),  # a leap-day birthday in a common year
        (date(1960, 2, 29), date(2021, 3, 1), 61),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
    ],
)
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age
