"""Multilateral meetings as a user sees them: order, table plan, photo, book, cards, pocket."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.project.load import load_project
from briefgen.protocol.summit import photo_rows, plan_table, table_json
from briefgen.render.book import make_environment, render_book
from briefgen.render.material import render_place_cards, render_pocket, render_seating_svg
from briefgen.render.tableplan import Line, layout_table, make_label, overlaps, paper_for
from briefgen.schema.records import MeetingRecord

from .conftest import EXAMPLE, DataTree

TRILATERAL = EXAMPLE / "2019-09-16-ankara"
DAN = """\
name:
  given: Dan
  family: Delta
salutation: Mr
office: Minister of Trade
"""
EVA = """\
name:
  given: Eva
  family: Epsilon
salutation: Ms
office: Prime Minister
since: 2019-03-01
"""


def summit_tree(data_tree: DataTree, meeting_extra: str = "") -> MeetingRecord:
    root = data_tree(
        **{
            "people/dan-delta.yaml": DAN,
            "people/eva-epsilon.yaml": EVA,
            "m/third.yaml": "name: Third Kingdom\ncountry: ES\nmembers:\n  - person: dan-delta\n",
            "m/fourth.yaml": "name: Fourth State\ncountry: DE\nmembers:\n  - person: eva-epsilon\n",
            "m/meeting.yaml": "title: Example summit\ndate: 2020-01-02\nmarking: OFFICIAL\n"
            "host: home\ndelegations: [home, away, third, fourth]\n" + meeting_extra,
        }
    )
    project = load_project(root, [root / "m"])
    [record] = project.meetings
    return record


def ids(record: MeetingRecord) -> list[str]:
    return [d.id for d in record.delegations]


def test_default_order_is_the_bilateral_one_host_first_then_as_listed(data_tree: DataTree) -> None:
    assert ids(summit_tree(data_tree)) == ["home", "away", "third", "fourth"]


def test_french_alphabetical_order_with_a_lot_drawn_start(data_tree: DataTree) -> None:
    # Countries: home TR (Turquie), away RU (Russie), third ES (Espagne), fourth DE (Allemagne).
    record = summit_tree(data_tree, "order:\n  rule: alphabetical\n  language: fr\n")
    assert ids(record) == ["home", "fourth", "third", "away"]
    drawn = summit_tree(
        data_tree,
        "order:\n  rule: alphabetical\n  language: fr\n  start: away\n  chair: in-order\n",
    )
    assert ids(drawn) == ["away", "home", "fourth", "third"]


def test_rank_order_puts_the_host_first_then_heads_by_rank(data_tree: DataTree) -> None:
    record = summit_tree(data_tree, "order:\n  rule: rank\n  chair: last\n")
    # can-gamma is a President, eva-epsilon a Prime Minister, anna-alpha and dan-delta ministers.
    assert ids(record) == ["fourth", "away", "third", "home"]


def test_table_plan_seats_the_chair_then_alternates(data_tree: DataTree) -> None:
    record = summit_tree(data_tree, "seating:\n  beside: 0\n")
    plan = plan_table(record)
    assert [(p.delegation.id, p.offset) for p in plan.places] == [
        ("home", 0),
        ("away", 1),
        ("third", -1),
        ("fourth", 2),
    ]
    data = table_json(plan)
    assert data["table"] == "round" and data["places"] == 4
    away = data["delegations"][1]
    assert away == {
        "delegation": "away",
        "number": 2,
        "offset": 1,
        "at_table": ["anna-alpha"],
        "interpreter": None,
        "behind": ["boris-beta"],
    }


def test_around_placing_and_spare_places(data_tree: DataTree) -> None:
    record = summit_tree(data_tree, "seating:\n  table: u\n  placing: around\n  places: 6\n")
    plan = plan_table(record)
    assert [p.offset for p in plan.places] == [0, 1, 2, 3]
    assert plan.slots == 7 and plan.shape == "u"


def test_family_photo_alternates_from_the_chair() -> None:
    assert photo_rows(["chair", "2", "3", "4", "5", "6", "7"], 5) == [
        [(0, "chair"), (1, "2"), (-1, "3"), (2, "4"), (-2, "5")],
        [(0, "6"), (1, "7")],
    ]


#: Round tables of 190 are not drawn in practice (tables default to a hollow square above 12).
SIZES = [
    (shape, count)
    for shape in ("round", "square", "u")
    for count in (3, 12, 40, 190)
    if not (shape == "round" and count > 40)
]


@pytest.mark.parametrize(("shape", "count"), SIZES)
def test_labels_never_overlap(shape: str, count: int) -> None:
    labels = {
        slot: make_label(
            slot + 1,
            [
                Line(f"{slot + 1}. Delegation of Somewhere {slot}", "delegation"),
                Line("H.E. Mr Bartholomew Longname-Example"),
                Line("Ms Short"),
                Line("", "behind", 6),
            ],
        )
        for slot in range(count)
    }
    drawing = layout_table(shape, labels, count, 9.0)
    boxes = [label.box for label in drawing.labels]
    assert not [(a, b) for a, b in combinations(boxes, 2) if overlaps(a, b, pad=0.0)]
    assert min(b[0] for b in boxes) >= 0 and max(b[2] for b in boxes) <= drawing.width
    paper = paper_for(drawing.width, drawing.height)
    if count <= 12:
        assert paper in ("inline", "a4", "a3", "a2")
    elif count <= 40 and shape != "round":
        assert paper in ("a4", "a3", "a2", "a1")


def test_seating_json_of_the_trilateral_example() -> None:
    result = CliRunner().invoke(main, ["seating", "--json", str(TRILATERAL)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["delegation"] for d in data["delegations"]] == ["turkey", "russia", "iran"]
    assert [d["offset"] for d in data["delegations"]] == [0, 1, -1]
    assert data["delegations"][1]["behind"] == ["yuri-ushakov"]


def test_bilateral_seating_json_is_unchanged(data_tree: DataTree) -> None:
    root = data_tree()
    result = CliRunner().invoke(main, ["seating", "--json", str(root / "m")])
    assert list(json.loads(result.stdout)) == ["meeting", "sides"]


def test_book_cards_and_pocket_of_the_trilateral_example(tmp_path: Path) -> None:
    project = load_project(EXAMPLE, [TRILATERAL])
    [record] = project.meetings
    env = make_environment()
    html = render_book(record, env)
    assert "Order of delegations" in html and "Family photo" in html
    assert html.index("President Putin") < html.index("President Rouhani")
    # The book is for Russia: its team's delegation list comes first.
    section = html[html.index('id="delegations"') :]
    assert section.index("Russian Federation") < section.index("Republic of Turkey")
    svg = render_seating_svg(record, env)
    assert svg.startswith("<?xml") and "President Erdoğan" in svg and "Chair" in svg
    cards = render_place_cards(record, env)
    assert cards.count('class="card"') == 6  # heads and one member each: at the table
    pocket = render_pocket(record, env)
    assert pocket.index("Turkey") < pocket.index("Russia") < pocket.index("Iran")


def test_french_labels_in_the_plan(data_tree: DataTree) -> None:
    record = summit_tree(data_tree, "language: fr\norder:\n  rule: alphabetical\n  start: third\n")
    html = render_book(record, make_environment())
    assert "Ordre des délégations" in html and "Plan de table" in html
    assert "tiré au sort" in html and "Photo de famille" in html


def test_a_small_drawing_stays_in_the_text_and_a_large_one_gets_its_sheet() -> None:
    assert paper_for(120, 90) == "inline"
    assert paper_for(200, 120) == "a4"
    assert paper_for(360, 230) == "a3"
