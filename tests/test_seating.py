"""Seating plan, its SVG drawing, place cards and the pocket list, as a user sees them."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PageObject, PdfReader

from briefgen.build.run import build_project
from briefgen.cli.main import main
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.protocol.forms import short_form
from briefgen.protocol.seating import plan_seating
from briefgen.render.book import make_environment, render_book
from briefgen.render.i18n import translations_for
from briefgen.render.loader import template_set
from briefgen.render.material import CARD_TEXT_WIDTH, card_name
from briefgen.render.seating_drawing import PT, Drawing, layout_plan, render_svg
from briefgen.render.textfit import text_width
from briefgen.schema.records import MeetingRecord

from .conftest import EXAMPLE, EXAMPLE_MEETING, DataTree

ROLES = [
    "Minister of Foreign Affairs of the Federal Republic",
    "Deputy Minister",
    "Ambassador Extraordinary and Plenipotentiary to the Kingdom of the Netherlands",
    "Chief of the General Staff of the Armed Forces of the Russian Federation",
    "Director",
]
NAMES = [
    ("Maximilian-Alexander", "Wolkenstein-Trostburg-Rodenegg"),
    ("Anna", "Li"),
    ("Konstantin", "Dimitropoulos"),
    ("Ólafur", "Þórðarson"),
    ("Ewa", "Kowalczyk-Wiśniewska"),
]


def write_meeting(root: Path, home: int, away: int, seating: str = "") -> Path:
    """A meeting with ``home`` and ``away`` seated members, long names and roles, interpreters."""
    (root / "people").mkdir(parents=True)
    folder = root / "big"
    folder.mkdir()
    for side, count in (("home", home), ("away", away)):
        lines = [f"name: Republic of {side.title()}", f"short: {side.title()}", "members:"]
        for index in range(count + 1):
            person = f"{side}-p{index}"
            given, family = NAMES[index % len(NAMES)]
            (root / "people" / f"{person}.yaml").write_text(
                f"name:\n  given: {given}\n  family: {family}{chr(65 + index)}\n"
                f"  pronunciation: {family.upper()}-oh {given.lower()}-ski\n"
                f"honorific: H.E.\nsalutation: Mr\noffice: {ROLES[index % len(ROLES)]}\n",
                encoding="utf-8",
            )
            lines.append(f"  - person: {person}")
            if index == count:
                lines += ["    role: Interpreter", "    support: true"]
        (folder / f"{side}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "meeting.yaml").write_text(
        "title: Talks in extended format between the Republic of Home and the Republic of Away\n"
        "date: 2020-01-02\nmarking: OFFICIAL\nhost: home\ndelegations: [away, home]\n" + seating,
        encoding="utf-8",
    )
    return folder


def load(folder: Path) -> MeetingRecord:
    [record] = load_project(folder.parent, [folder], all_people=False).meetings
    return record


def seating_json(folder: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["seating", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def offsets(data: dict[str, object], side: int) -> list[int]:
    sides = data["sides"]
    assert isinstance(sides, list)
    return [seat["offset"] for seat in sides[side]["seats"]]


def test_example_seating_json_is_the_contract() -> None:
    data = seating_json(EXAMPLE_MEETING)
    assert data == {
        "meeting": "2017-09-28-ankara",
        "sides": [
            {
                "delegation": "turkey",
                "seats": [{"person": "recep-tayyip-erdogan", "precedence": 1, "offset": 0}],
            },
            {
                "delegation": "russia",
                "seats": [
                    {"person": person, "precedence": rank, "offset": offset}
                    for rank, (person, offset) in enumerate(
                        [
                            ("vladimir-putin", 0),
                            ("sergei-lavrov", 1),
                            ("dmitry-peskov", -1),
                            ("yuri-ushakov", 2),
                            ("alexander-novak", -2),
                            ("valery-gerasimov", 3),
                            ("yevgeny-gromyko", -3),
                            ("alexander-lavrentiev", 4),
                            ("alexei-miller", -4),
                            ("alexei-likhachev", 5),
                            ("alexei-erkhov", -5),
                        ],
                        start=1,
                    )
                ],
            },
        ],
    }


def test_readable_plan_draws_the_rows_as_seen_from_above() -> None:
    result = CliRunner().invoke(main, ["seating", str(EXAMPLE_MEETING)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    guests = next(line for line in lines if line.startswith("Russia (facing down):"))
    assert guests.split(":")[1].split() == ["10", "8", "6", "4", "2", "1", "3", "5", "7", "9", "11"]
    assert "   6. seat  +3 (3rd right): General Gerasimov — Chief of the General Staff" in (
        result.stdout
    )
    assert "   1. seat  +0 (centre): President Erdoğan" in result.stdout


def test_sides_are_host_first_and_support_staff_are_not_seated(tmp_path: Path) -> None:
    folder = write_meeting(tmp_path, 5, 5)
    data = seating_json(folder)
    sides = data["sides"]
    assert isinstance(sides, list)
    assert [side["delegation"] for side in sides] == ["home", "away"]
    assert offsets(data, 0) == [0, 1, -1, 2, -2]
    assert all(seat["person"] != "home-p5" for side in sides for seat in side["seats"])


def test_interpreter_beside_shifts_the_left_outward_in_the_json(tmp_path: Path) -> None:
    folder = write_meeting(tmp_path, 5, 2, "seating:\n  interpreters: beside\n")
    data = seating_json(folder)
    assert offsets(data, 0) == [0, 1, -2, 2, -3]
    assert offsets(data, 1) == [0, 1]


def test_project_config_sets_the_default_interpreter_placement(tmp_path: Path) -> None:
    folder = write_meeting(tmp_path, 5, 2)
    (tmp_path / "briefgen.yaml").write_text("interpreters: beside\n", encoding="utf-8")
    assert offsets(seating_json(folder), 0) == [0, 1, -2, 2, -3]
    (folder / "meeting.yaml").write_text(
        (folder / "meeting.yaml").read_text(encoding="utf-8")
        + "seating:\n  interpreters: behind\n",
        encoding="utf-8",
    )
    assert offsets(seating_json(folder), 0) == [0, 1, -1, 2, -2]  # the meeting's own wins


def test_explicit_precedence_and_seat_override(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/away.yaml": "name: Away\nmembers:\n  - person: anna-alpha\n"
            "  - person: boris-beta\n    precedence: 1\n",
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\nmarking: OFFICIAL\nhost: home\n"
            "delegations: [home, away]\nseating:\n  seats:\n"
            "    - person: anna-alpha\n      offset: -1\n",
        }
    )
    data = seating_json(root / "m")
    sides = data["sides"]
    assert isinstance(sides, list)
    assert sides[1]["seats"] == [
        {"person": "boris-beta", "precedence": 1, "offset": 0},
        {"person": "anna-alpha", "precedence": 2, "offset": -1},
    ]


def test_seating_errors_are_located_and_exit_one(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\nmarking: OFFICIAL\nhost: home\n"
            "delegations: [home, away]\nseating:\n  interpretres: beside\n  seats:\n"
            "    - person: anna-alpha\n      offset: left\n"
        }
    )
    result = CliRunner().invoke(main, ["seating", str(root / "m"), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        "m/meeting.yaml:7:3: error: unknown key 'interpretres'; did you mean 'interpreters'?"
        in (result.stderr)
    )
    assert "m/meeting.yaml:10:15: error:" in result.stderr
    assert "[BG212]" in result.stderr


@pytest.mark.parametrize("args", [["seating"], ["seating", "no/such/dir"], ["seating", "."]])
def test_seating_usage_errors_exit_two(args: list[str], tmp_path: Path) -> None:
    args = [str(tmp_path) if a == "." else a for a in args]
    assert CliRunner().invoke(main, args).exit_code == 2


SIZES = [(1, 1), (2, 2), (3, 3), (6, 6), (15, 15), (1, 11), (12, 4)]


@pytest.mark.parametrize(("home", "away"), SIZES)
@pytest.mark.parametrize("interpreters", ["behind", "beside"])
def test_svg_is_valid_names_every_seat_and_no_text_overlaps(
    tmp_path: Path, home: int, away: int, interpreters: str
) -> None:
    folder = write_meeting(tmp_path, home, away, f"seating:\n  interpreters: {interpreters}\n")
    record = load(folder)
    plan = plan_seating(record)
    drawing = layout_plan(plan, record.meeting.title)
    root = ET.fromstring(svg_of(drawing).split("\n", 1)[1])
    ns = {"svg": "http://www.w3.org/2000/svg"}
    for side in plan.sides:
        for seat in side.seats:
            [group] = [
                g
                for g in root.iterfind("svg:g", ns)
                if g.get("data-person") == seat.attendee.record.id
                and g.find("svg:text", ns) is not None
            ]
            texts = group.findall("svg:text", ns)
            name = "".join(
                (" " if not t.text or not texts[i - 1].text.endswith("-") else "") + (t.text or "")
                for i, t in enumerate(texts)
                if t.get("class") == "name"
            ).strip()
            expected = short_form(seat.attendee.record.person, seat.attendee.role)
            assert name.replace(" ", "") == expected.replace(" ", "")
            assert texts[0].text == str(seat.precedence)
    boxes = [(item, item.box()) for item in drawing.texts]
    for item, (x0, y0, x1, y1) in boxes:
        assert x0 >= 0 and x1 <= drawing.width and y0 >= 0 and y1 <= drawing.height, item
    for (a, (ax0, ay0, ax1, ay1)), (b, (bx0, by0, bx1, by1)) in combinations(boxes, 2):
        eps = 1e-9
        assert ax1 <= bx0 + eps or bx1 <= ax0 + eps or ay1 <= by0 + eps or by1 <= ay0 + eps, (a, b)
    sizes = [item.size for item in drawing.texts if item.kind in ("name", "role")]
    assert min(sizes) >= 8 * PT, "text smaller than 8 pt at print size"
    assert drawing.width == 168.0
    assert largest_empty_band(drawing) < 8.0, "a band of the drawing with nothing in it"


def largest_empty_band(drawing: Drawing) -> float:
    """Height in mm of the tallest horizontal band that no text or shape touches."""
    spans = [(box[1], box[3]) for box in (item.box() for item in drawing.texts)]
    for shape in drawing.shapes:
        a = dict(shape.attrs)
        if shape.tag == "circle":
            spans.append((a["cy"] - a["r"], a["cy"] + a["r"]))
        elif shape.tag == "rect":
            spans.append((a["y"], a["y"] + a["height"]))
        else:
            spans.append((min(a["y1"], a["y2"]), max(a["y1"], a["y2"])))
    reached, gap = 0.0, 0.0
    for top, bottom in sorted(spans):
        gap = max(gap, top - reached)
        reached = max(reached, bottom)
    return max(gap, drawing.height - reached)


def svg_of(drawing: Drawing, language: str = "en", theme: str = "default") -> str:
    env = make_environment(None, theme)
    return render_svg(drawing, env, translations_for(template_set(env), language))


def test_svg_escapes_user_text(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": "name:\n  given: Boris\n  family: '<b>Beta</b> & \"Co\"'\n"
            "salutation: Mr\noffice: Deputy ]]> Minister\n"
        }
    )
    record = load(root / "m")
    svg = svg_of(layout_plan(plan_seating(record), record.meeting.title))
    assert "<b>" not in svg
    assert "&lt;b&gt;Beta&lt;/b&gt; &amp;" in svg
    ET.fromstring(svg.split("\n", 1)[1])


def test_guests_right_is_the_drawings_left(tmp_path: Path) -> None:
    record = load(write_meeting(tmp_path, 3, 3))
    drawing = layout_plan(plan_seating(record), record.meeting.title)
    numbers = {
        (item.group.split("-")[1], item.text): item.x
        for item in drawing.texts
        if item.kind == "number"
    }
    assert numbers[("home", "2")] > numbers[("home", "1")] > numbers[("home", "3")]
    assert numbers[("away", "2")] < numbers[("away", "1")] < numbers[("away", "3")]


def test_long_names_shrink_then_wrap_on_place_cards() -> None:
    size, lines = card_name("Mr Lavrov")
    assert size == 66.0 and lines == ["Mr Lavrov"]
    size, lines = card_name("General Kowalczyk-Wiśniewska")
    assert 30 < size < 66 and lines == ["General Kowalczyk-Wiśniewska"]
    long = "Mr Maximilian-Alexander Wolkenstein-Trostburg-Rodenegg zu Hohenberg"
    size, lines = card_name(long)
    assert size == 30.0 and len(lines) > 1 and " ".join(lines) == long
    assert all(text_width(line, size, bold=True) <= CARD_TEXT_WIDTH for line in lines)


def rotated_names(pdf: Path) -> list[list[tuple[str, bool]]]:
    """Per page, each text run set at 20 pt or more, with whether it is upside down."""
    return [large_runs(page) for page in PdfReader(pdf).pages]


def large_runs(page: PageObject) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        a = cm[0] * tm[0] + cm[2] * tm[1]
        d = cm[1] * tm[2] + cm[3] * tm[3]
        if size * abs(d) >= 20:
            found.append((text.strip(), a < 0 and d < 0))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("build")
    written = []
    for fmt in ("seating", "cards", "pocket"):
        written += build_project(
            load_project(EXAMPLE, [EXAMPLE_MEETING]), BuildOptions(out_dir=out, format=fmt)
        )
    return {path.name: path for path in written}


def test_build_formats_write_only_their_outputs(example_outputs: dict[str, Path]) -> None:
    assert sorted(example_outputs) == ["place-cards.pdf", "pocket.pdf", "seating.svg"]
    assert not (example_outputs["seating.svg"].parent / "book.pdf").exists()


def test_place_cards_one_page_per_seated_member_name_twice_once_upside_down(
    example_outputs: dict[str, Path],
) -> None:
    pdf = example_outputs["place-cards.pdf"]
    record = load(EXAMPLE_MEETING)
    seated = [seat for side in plan_seating(record).sides for seat in side.seats]
    pages = rotated_names(pdf)
    assert len(pages) == len(seated) == 12
    for page, seat in zip(pages, seated, strict=True):
        name = short_form(seat.attendee.record.person, seat.attendee.role)
        runs = [(text, flipped) for text, flipped in page if text == name]
        assert sorted(flipped for _, flipped in runs) == [False, True], (name, page)
    text = PdfReader(pdf).pages[1].extract_text()
    assert "Russian Federation" in text


def test_pocket_list_of_the_example_is_one_page(example_outputs: dict[str, Path]) -> None:
    reader = PdfReader(example_outputs["pocket.pdf"])
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 148
    assert round(float(box.height) / 72 * 25.4) == 105
    text = reader.pages[0].extract_text()
    assert "lah-VROF" in text and "President Erdoğan" in text
    assert text.count("OFFICIAL") == 2


def test_pocket_list_fits_one_page_for_twelve_per_side(tmp_path: Path) -> None:
    folder = write_meeting(tmp_path / "data", 12, 12)
    written = build_project(
        load_project(folder.parent), BuildOptions(out_dir=tmp_path / "out", format="pocket")
    )
    reader = PdfReader(written[0])
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    squeezed = text.replace(" ", "")
    for index in range(12):
        family = NAMES[index % len(NAMES)][1]
        assert squeezed.count(f"Mr{family}{chr(65 + index)}") == 2  # once per side


def test_place_cards_for_fifteen_per_side_with_native_names(tmp_path: Path) -> None:
    folder = write_meeting(tmp_path / "data", 15, 15, "seating:\n  native_on_cards: true\n")
    written = build_project(
        load_project(folder.parent), BuildOptions(out_dir=tmp_path / "out", format="cards")
    )
    assert len(PdfReader(written[0]).pages) == 30


def test_book_has_the_seating_plan_as_an_escaped_svg() -> None:
    [record] = load_project(EXAMPLE, [EXAMPLE_MEETING]).meetings
    html = render_book(record, make_environment())
    assert '<span class="toc-title"><a href="#seating">Seating plan</a></span>' in html
    [uri] = re.findall(r'<img class="seating-plan" src="data:image/svg\+xml;base64,([^"]+)"', html)
    svg = base64.b64decode(uri).decode("utf-8")
    words = set(re.sub(r"<[^>]+>", " ", svg).split())
    assert {"President", "Erdoğan", "General", "Gerasimov", "(guests)", "Entrance"} <= words
    assert "<svg" not in html.split('id="seating"')[1].split("</section>")[0]
