from __future__ import annotations

from datetime import date

import pytest

from briefgen.protocol.forms import (
    age_on,
    assign_offsets,
    display_name,
    monogram,
    native_form,
    order_by_precedence,
    printed_form,
    rule_offset,
    short_form,
    split_honorific,
)
from briefgen.schema.models import Name, Person


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


# Forms of address: (person fields, role at the meeting, printed, short).
ADDRESS_CASES = [
    pytest.param(
        {"honorific": "H.E.", "salutation": "Mr", "office": "Minister of Foreign Affairs"},
        None,
        "H.E. Mr Sergei Lavrov",
        "Mr Lavrov",
        id="excellency-minister",
    ),
    pytest.param({"salutation": "Mr"}, None, "Mr Sergei Lavrov", "Mr Lavrov", id="no-honorific"),
    pytest.param({}, None, "Sergei Lavrov", "Sergei Lavrov", id="no-honorific-no-salutation"),
    pytest.param(
        {
            "name": {"given": "Recep Tayyip", "family": "Erdoğan"},
            "honorific": "H.E.",
            "salutation": "Mr",
            "office": "President of the Republic of Turkey",
        },
        None,
        "H.E. Mr Recep Tayyip Erdoğan",
        "President Erdoğan",
        id="head-of-state-office-rule",
    ),
    pytest.param(
        {
            "name": {"given": "Vladimir", "family": "Putin"},
            "honorific": "H.E.",
            "salutation": "Mr",
            "office": "Former official",
        },
        "President of the Russian Federation",
        "H.E. Mr Vladimir Putin",
        "President Putin",
        id="head-of-state-by-role-at-meeting",
    ),
    pytest.param(
        {
            "name": {"given": "Dmitry", "family": "Peskov"},
            "salutation": "Mr",
            "office": "Presidential Press Secretary",
        },
        None,
        "Mr Dmitry Peskov",
        "Mr Peskov",
        id="presidential-is-not-president",
    ),
    pytest.param(
        {
            "name": {"given": "Igor", "family": "Sechin"},
            "salutation": "Mr",
            "office": "President of Rosneft",
        },
        None,
        "Mr Igor Sechin",
        "Mr Sechin",
        id="company-president-without-style",
    ),
    pytest.param(
        {
            "name": {"given": "Recep Tayyip", "family": "Erdoğan"},
            "honorific": "H.E.",
            "salutation": "Mr",
            "address": "Mr President",
            "office": "President of the Republic of Turkey",
        },
        None,
        "H.E. Mr Recep Tayyip Erdoğan",
        "Mr President",
        id="address-override",
    ),
    pytest.param(
        {"name": {"given": "Valery", "family": "Gerasimov"}, "honorific": "General of the Army"},
        None,
        "General of the Army Valery Gerasimov",
        "General Gerasimov",
        id="military-rank",
    ),
    pytest.param(
        {
            "name": {"given": "Jane", "family": "Doe"},
            "honorific": "Rear Admiral",
            "salutation": "Ms",
        },
        None,
        "Rear Admiral Jane Doe",
        "Admiral Doe",
        id="military-rank-drops-salutation",
    ),
    pytest.param(
        {
            "name": {"given": "Penny", "family": "Wong"},
            "honorific": "The Hon.",
            "salutation": "Ms",
            "office": "Minister for Foreign Affairs",
        },
        None,
        "The Hon. Ms Penny Wong",
        "Ms Wong",
        id="the-hon",
    ),
    pytest.param(
        {"name": {"given": "Penny", "family": "Wong"}, "honorific": "The Hon."},
        None,
        "The Hon. Penny Wong",
        "Penny Wong",
        id="the-hon-is-never-spoken",
    ),
    pytest.param(
        {
            "name": {"given": "Jinping", "family": "Xi", "order": "family-given"},
            "honorific": "H.E.",
            "salutation": "Mr",
        },
        None,
        "H.E. Mr Xi Jinping",
        "Mr Xi",
        id="family-given",
    ),
    pytest.param(
        {
            "name": {"given": "Fumio", "family": "Kishida", "order": "family-given"},
            "honorific": "H.E.",
            "salutation": "Mr",
            "office": "Prime Minister of Japan",
        },
        None,
        "H.E. Mr Kishida Fumio",
        "Prime Minister Kishida",
        id="family-given-head-of-government",
    ),
    pytest.param(
        {"name": {"family": "Suharto"}, "honorific": "H.E.", "salutation": "Mr"},
        None,
        "H.E. Mr Suharto",
        "Mr Suharto",
        id="single-name",
    ),
    pytest.param(
        {"name": {"family": "Suharto"}},
        None,
        "Suharto",
        "Suharto",
        id="single-name-bare",
    ),
    pytest.param(
        {
            "name": {"given": "Ashraf", "family": "Ghani"},
            "honorific": "H.E. Dr",
            "salutation": "Mr",
            "office": "Minister of Finance",
        },
        None,
        "H.E. Dr Ashraf Ghani",
        "Dr Ghani",
        id="style-and-academic-title",
    ),
    pytest.param(
        {"name": {"given": "Anna", "family": "Smith"}, "honorific": "Dr", "salutation": "Ms"},
        None,
        "Dr Anna Smith",
        "Dr Smith",
        id="academic-title-drops-salutation",
    ),
]


@pytest.mark.parametrize(("fields", "role", "printed", "short"), ADDRESS_CASES)
def test_forms_of_address(
    fields: dict[str, object], role: str | None, printed: str, short: str
) -> None:
    someone = person(**fields)
    assert printed_form(someone) == printed
    assert short_form(someone, role) == short


def test_native_form_and_single_name_monogram() -> None:
    lavrov = person(name={"given": "Sergei", "family": "Lavrov", "native": "Сергей Лавров"})
    assert native_form(lavrov) == "Сергей Лавров"
    assert native_form(person()) is None
    assert monogram(Name(family="Suharto")) == "S"


def test_split_honorific() -> None:
    assert split_honorific("H.E. Dr") == ("H.E.", "Dr")
    assert split_honorific("The  Hon.") == ("The Hon.", None)
    assert split_honorific("Colonel General") == (None, "Colonel General")
    assert split_honorific(None) == (None, None)


def test_domain_worked_example_five_per_side() -> None:
    """DOMAIN.md: hosts H5 H3 H1 H2 H4 facing up; guests G4 G2 G1 G3 G5 facing down."""
    offsets = assign_offsets(5)
    assert offsets == [0, 1, -1, 2, -2]
    host_row = [p for _, p in sorted((o, p) for p, o in enumerate(offsets, start=1))]
    assert [f"H{p}" for p in host_row] == ["H5", "H3", "H1", "H2", "H4"]
    guest_row = [p for _, p in sorted((-o, p) for p, o in enumerate(offsets, start=1))]
    assert [f"G{p}" for p in guest_row] == ["G4", "G2", "G1", "G3", "G5"]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, [0]),
        (2, [0, 1]),
        (3, [0, 1, -1]),
        (6, [0, 1, -1, 2, -2, 3]),
        (15, [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7]),
    ],
)
def test_offsets_by_size(count: int, expected: list[int]) -> None:
    offsets = assign_offsets(count)
    assert offsets == expected
    assert offsets == [rule_offset(p) for p in range(1, count + 1)]
    assert len(set(offsets)) == count


def test_interpreter_beside_shifts_the_left_outward() -> None:
    assert assign_offsets(5, interpreter_beside=True) == [0, 1, -2, 2, -3]
    assert assign_offsets(1, interpreter_beside=True) == [0]
    assert assign_offsets(2, interpreter_beside=True) == [0, 1]


def test_seat_overrides_take_their_seat_and_the_rest_keep_alternating() -> None:
    # No. 5 moved to the far right; No. 4 and No. 5's seats are filled in order.
    assert assign_offsets(5, {5: 3}) == [0, 1, -1, 2, 3]
    # No. 2 moved to the left: No. 3 takes the next seat of honour (+1).
    assert assign_offsets(4, {2: -1}) == [0, -1, 1, 2]
    assert assign_offsets(3, {1: 0}) == [0, 1, -1]


def test_seat_overrides_clash() -> None:
    with pytest.raises(ValueError, match="claimed twice"):
        assign_offsets(3, {2: -1}, interpreter_beside=True)
    with pytest.raises(ValueError, match="precedence starts at 1"):
        rule_offset(0)
