"""Editions, numbered copies, PDF variants, the calendar and attachments (issue 12).

PDF builds are few and shared: one module-scoped tree, each output built once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.cli.main import main
from briefgen.project.load import load_project
from briefgen.protocol.editions import (
    DEFAULT_SCHEMES,
    book_marking,
    compare_markings,
    highest_marking,
    select,
)
from briefgen.render.book import Copy, make_environment, render_book
from briefgen.schema.models import Edition, Entry, Meeting, ProjectConfig

from .conftest import EXAMPLE, EXAMPLE_MEETING, write_tree

CONFIG = """\
editions:
  - name: principal
    audiences: [principal]
    marking: OFFICIAL-SENSITIVE
    label: Principal's edition
  - name: staff
    audiences: [staff]
    marking: SECRET
    label: Staff edition
  - name: everyone
    audiences: [principal, staff]
    marking: SECRET
"""
MEETING = """\
title: Example talks
date: 2020-01-02
timezone: Europe/Istanbul
marking: SECRET
host: home
delegations: [home, away]
objectives:
  - Objective for all readers.
  - text: Objective for the principal only.
    audience: [principal]
programme:
  - time: 10:00
    end: 11:00
    title: Plenary for all
  - time: 11:15
    end: 11:45
    title: Principal's tete-a-tete
    audience: [principal]
  - time: 12:00
    title: Staff briefing
    audience: [staff]
topics:
  - title: Common topic
    points:
      - Common point.
      - text: Staff-only point on gas volumes.
        audience: [staff]
        marking: SECRET
      - text: Principal-only point on the summit.
        audience: [principal]
    if_raised:
      - text: Staff-only line if raised.
        audience: [staff]
  - title: Principal topic
    audience: [principal]
    points:
      - Point inside the principal topic.
press:
  - Common press line.
  - text: Staff-only press note.
    audience: [staff]
attachments:
  - file: papers/statement.txt
    description: Draft joint statement
"""
STATEMENT = "Draft joint statement.\nThe sides agreed.\n"
PERSON_B_WITH_PHOTO = """\
name:
  given: Boris
  family: Beta
salutation: Mr
office: Deputy Minister
photo: photos/boris.jpg
"""
RECIPIENTS = """\
recipients:
  - name: Ms Ada Archer
    organisation: Private Office
  - name: Mr Ben <Bold> & Co
  - name: "=SUM(A1:A2)"
"""
PRINCIPAL_ONLY = [
    "Objective for the principal only",
    "Principal's tete-a-tete",
    "Principal-only point on the summit",
    "Principal topic",
    "Point inside the principal topic",
]
STAFF_ONLY = [
    "Staff briefing",
    "Staff-only point on gas volumes",
    "Staff-only line if raised",
    "Staff-only press note",
]
COMMON = ["Objective for all readers", "Plenary for all", "Common point", "Common press line"]


def make_tree(root: Path) -> Path:
    from PIL import Image

    write_tree(
        root,
        **{
            "briefgen.yaml": CONFIG,
            "m/meeting.yaml": MEETING,
            "m/papers/statement.txt": STATEMENT,
            "people/boris-beta.yaml": PERSON_B_WITH_PHOTO,
        },
    )
    (root / "people" / "photos").mkdir()
    Image.new("RGB", (300, 380), (90, 110, 130)).save(root / "people" / "photos" / "boris.jpg")
    (root.parent / "recipients.yaml").write_text(RECIPIENTS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("editions") / "delegations")


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())


@pytest.fixture(scope="module")
def builds(tree: Path) -> Iterator[dict[str, Path]]:
    """Every PDF of this module, built once: two editions, the full book, copies, variants."""
    out = tree.parent / "out"
    made: dict[str, Path] = {}
    for edition in ("principal", "staff"):
        result = run("build", str(tree / "m"), "--out", str(out), "--edition", edition)
        assert result.exit_code == 0, result.output
        made[edition] = out / "m" / f"edition-{edition}" / "book.pdf"
    result = run(
        "build",
        str(tree / "m"),
        "--out",
        str(out),
        "--edition",
        "staff",
        "--copies",
        "3",
        "--recipients",
        str(tree.parent / "recipients.yaml"),
    )
    assert result.exit_code == 0, result.output
    made["copies"] = out / "m" / "edition-staff" / "copies"
    for variant in ("pdf/a-3b", "pdf/ua-1"):
        target = out / variant.replace("/", "-")
        result = run(
            "build", str(tree / "m"), "--out", str(target), "--format", "pdf",
            "--pdf-variant", variant, "--edition", "everyone",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        made[variant] = target / "m" / "edition-everyone" / "book.pdf"
    yield made


# Editions ------------------------------------------------------------------------------


def test_each_edition_contains_exactly_its_items(tree: Path, builds: dict[str, Path]) -> None:
    # Apostrophes print as ’ (typographic); the data has '.
    principal, staff = (text_of(builds[k]).replace("’", "'") for k in ("principal", "staff"))
    html = render_book(load_project(tree).meetings[0], make_environment())  # no --edition
    full = html.replace("&#39;", "'").replace("’", "'")
    for line in COMMON:
        assert line in principal and line in staff and line in full
    for line in PRINCIPAL_ONLY:
        assert line in principal and line not in staff and line in full
    for line in STAFF_ONLY:
        assert line in staff and line not in principal and line in full


def test_editions_carry_their_marking_and_label(builds: dict[str, Path]) -> None:
    principal, staff = text_of(builds["principal"]), text_of(builds["staff"])
    assert "OFFICIAL-SENSITIVE" in principal and "Principal’s edition" in principal
    assert "SECRET" in staff and "Staff edition" in staff
    assert "OFFICIAL-SENSITIVE" not in staff


def meeting_of(tree: Path) -> tuple[Meeting, ProjectConfig]:
    project = load_project(tree)
    return project.meetings[0].meeting, project.config


def test_select_is_pure_and_leaves_plain_markdown(tree: Path) -> None:
    meeting, _ = meeting_of(tree)
    before = meeting.model_dump()
    staff = select(meeting, frozenset({"staff"}), "SECRET")
    assert meeting.model_dump() == before
    assert [t.title for t in staff.topics] == ["Common topic"]
    assert staff.topics[0].points == ["Common point.", "Staff-only point on gas volumes."]
    assert staff.topics[0].if_raised == ["Staff-only line if raised."]
    assert [p.title for p in staff.programme] == ["Plenary for all", "Staff briefing"]
    assert staff.objectives == ["Objective for all readers."]
    everything = select(meeting, None, meeting.marking)
    assert not any(isinstance(x, Entry) for t in everything.topics for x in t.points)
    assert len(everything.programme) == 3


def test_book_marking_is_computed_from_the_items(tree: Path) -> None:
    meeting, config = meeting_of(tree)
    loose = Edition(name="loose", audiences=["staff"], marking="OFFICIAL")
    assert book_marking(meeting, loose, config) == "SECRET"  # raised to its SECRET point
    quiet = Edition(name="quiet", audiences=["principal"], marking="OFFICIAL")
    assert book_marking(meeting, quiet, config) == "OFFICIAL"


def test_marking_ranks() -> None:
    assert compare_markings("OFFICIAL", "SECRET", DEFAULT_SCHEMES) == -1
    assert compare_markings("top secret", "SECRET", DEFAULT_SCHEMES) == 1
    assert compare_markings("NATO SECRET", "NATO RESTRICTED", DEFAULT_SCHEMES) == 1
    assert compare_markings("UNCLASSIFIED", "CONFIDENTIAL", DEFAULT_SCHEMES) == -1
    assert compare_markings("OFFICIAL", "CONFIDENTIAL", DEFAULT_SCHEMES) is None
    own = (("GREEN", "AMBER", "RED"),)
    # The marking keeps its case; the book capitalises it by the rules of its language.
    assert highest_marking("GREEN", ["red", "AMBER"], own) == "red"


def check_json(root: Path) -> list[dict[str, Any]]:
    result = run("check", str(root), "--format", "json")
    return list(json.loads(result.stdout))


def test_secret_content_in_an_official_book_fails_check(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "d",
        **{"m/meeting.yaml": MEETING.replace("marking: SECRET\nhost", "marking: OFFICIAL\nhost")},
        **{"briefgen.yaml": CONFIG, "m/papers/statement.txt": STATEMENT},
    )
    result = run("check", str(root))
    assert result.exit_code == 1
    assert "is marked SECRET, higher than the book's marking OFFICIAL" in result.output
    assert result.output.count("[BG318]") == 1
    result = run("build", str(root), "--out", str(tmp_path / "out"), "--edition", "principal")
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_an_edition_marked_below_its_content_fails_check(tmp_path: Path) -> None:
    config = CONFIG.replace(
        "    marking: SECRET\n    label: Staff", "    marking: OFFICIAL\n    label: Staff"
    )
    root = write_tree(
        tmp_path / "d",
        **{"briefgen.yaml": config, "m/meeting.yaml": MEETING, "m/papers/statement.txt": STATEMENT},
    )
    problems = check_json(root)
    assert [p["code"] for p in problems] == ["BG318"]
    assert "edition 'staff'" in problems[0]["message"]
    assert problems[0]["line"] == 28  # the point's marking


def test_audiences_must_belong_to_an_edition(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "d", **{"m/meeting.yaml": MEETING, "m/papers/statement.txt": STATEMENT}
    )
    problems = check_json(root)
    assert {p["code"] for p in problems} == {"BG317"}
    assert "define editions" in problems[0]["hint"]


def test_an_unknown_edition_is_a_usage_error(tree: Path, tmp_path: Path) -> None:
    result = run("build", str(tree), "--out", str(tmp_path), "--edition", "press")
    assert result.exit_code == 2
    assert "no edition 'press'" in result.output


# Numbered copies -------------------------------------------------------------------------

NAMES = ["Ms Ada Archer", "Mr Ben <Bold> & Co", "=SUM(A1:A2)"]


def test_each_copy_has_its_own_copy_line_and_watermark(builds: dict[str, Path]) -> None:
    folder = builds["copies"]
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["copy-1-of-3.pdf", "copy-2-of-3.pdf", "copy-3-of-3.pdf", "register.csv"]
    for number, name in enumerate(NAMES, start=1):
        reader = PdfReader(folder / f"copy-{number}-of-3.pdf")
        for page in reader.pages:
            text = " ".join((page.extract_text() or "").split())
            assert f"Copy {number} of 3 — {name}" in text
            assert text.count(name) >= 2, "the watermark repeats the name on every page"
            for other in NAMES:
                if other != name:
                    assert other not in text


def test_the_register_lists_every_copy(builds: dict[str, Path]) -> None:
    folder = builds["copies"]
    rows = list(csv.DictReader(io.StringIO((folder / "register.csv").read_text("utf-8"))))
    assert [r["copy"] for r in rows] == ["1", "2", "3"]
    assert [r["recipient"] for r in rows] == [*NAMES[:2], "'=SUM(A1:A2)"]  # no formula
    assert rows[0]["organisation"] == "Private Office"
    assert {r["edition"] for r in rows} == {"staff"} and {r["marking"] for r in rows} == {"SECRET"}
    for row in rows:
        assert row["sha256"] == hashlib.sha256((folder / row["file"]).read_bytes()).hexdigest()


def test_recipient_names_are_escaped_in_the_book(tree: Path) -> None:
    record = load_project(tree).meetings[0]
    copy = Copy(1, 1, 'Eve "x" <script>alert(1)</script>')
    html = render_book(record, make_environment(), copy=copy)
    assert "<script>alert" not in html
    assert 'data-copy="Copy 1 of 1 — Eve &#34;x&#34; &lt;script&gt;' in html
    # Typewriter quotes in printed text become typographic ones; markup stays escaped.
    assert '<div class="watermark" aria-hidden="true">Eve “x” &lt;script&gt;' in html


def test_copies_need_a_matching_recipients_file(tree: Path, tmp_path: Path) -> None:
    recipients = str(tree.parent / "recipients.yaml")
    out = str(tmp_path / "out")
    assert run("build", str(tree), "--out", out, "--copies", "3").exit_code == 2
    result = run("build", str(tree), "--out", out, "--copies", "2", "--recipients", recipients)
    assert result.exit_code == 2 and "lists 3 recipient(s)" in result.output
    result = run(
        "build", str(tree), "--out", out, "--copies", "3", "--recipients", recipients,
        "--format", "html",
    )  # fmt: skip
    assert result.exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("recipients:\n  - name: A\n  - nme: B\n", encoding="utf-8")
    result = run("build", str(tree), "--out", out, "--copies", "2", "--recipients", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:3:5: error: unknown key 'nme'" in result.output
    assert not (tmp_path / "out").exists()


# PDF/A-3b and PDF/UA-1 -------------------------------------------------------------------


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, str | None]]:
    """(tag, alt text) of every structure element, in reading (tree) order."""
    found: list[tuple[str, str | None]] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            alt = str(node.Alt) if "/Alt" in node else None
            found.append((str(node.S), alt))
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                walk(kid)
        elif isinstance(kids, pikepdf.Dictionary):
            walk(kids)

    walk(pdf.Root.StructTreeRoot)
    return found


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_variants_are_tagged_with_language_alt_text_and_reading_order(
    builds: dict[str, Path], variant: str
) -> None:
    with pikepdf.open(builds[variant]) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf's structural check
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        tags = structure(pdf)
        figures = [alt for tag, alt in tags if tag == "/Figure"]
        # the seating plan and the photo, each with alt text; monograms are text
        assert figures[0].startswith("Seating plan. 1. Mr Gamma")
        assert figures[1:] == ["Boris Beta"]
        headings = [t for t, _ in tags if t in ("/H1", "/H2")]
        assert headings[0] == "/H1" and headings.count("/H2") >= 6
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"].startswith("Example talks")
            if variant == "pdf/a-3b":
                assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "B")
            else:
                assert xmp["pdfuaid:part"] == "1"
    words = text_of(builds[variant])
    order = [words.index(h) for h in ("Programme", "Objectives", "Common topic", "Delegations")]
    assert order == sorted(order)


@pytest.mark.parametrize(("variant", "profile"), [("pdf/a-3b", "3b"), ("pdf/ua-1", "ua1")])
def test_variants_pass_the_offline_validator(
    builds: dict[str, Path], variant: str, profile: str
) -> None:
    import page  # page-validation: a Rust PDF/A-1..3 and PDF/UA-1 validator

    report = page.validate_pdf(builds[variant], profile=profile)
    failures = [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert report.is_compliant, failures


def test_a_plain_build_is_not_tagged(builds: dict[str, Path]) -> None:
    with pikepdf.open(builds["principal"]) as pdf:
        assert "/StructTreeRoot" not in pdf.Root


# Attachments -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["principal", "pdf/a-3b"])
def test_attachments_are_embedded(builds: dict[str, Path], key: str) -> None:
    with pikepdf.open(builds[key]) as pdf:
        assert list(pdf.attachments) == ["statement.txt"]
        spec = pdf.attachments["statement.txt"]
        assert spec.get_file().read_bytes() == STATEMENT.encode()
        assert spec.description == "Draft joint statement"
        if key == "pdf/a-3b":
            assert str(spec.obj.AFRelationship) == "/Supplement"
            assert {f.objgen for f in pdf.Root.AF} == {spec.obj.objgen}


@pytest.mark.parametrize(
    "path", ["../people/anna-alpha.yaml", "/etc/passwd", "papers/../../people/boris-beta.yaml"]
)
def test_attachments_outside_the_meeting_folder_are_refused(tmp_path: Path, path: str) -> None:
    meeting = MEETING.replace("file: papers/statement.txt", f"file: {path}")
    root = write_tree(tmp_path / "d", **{"briefgen.yaml": CONFIG, "m/meeting.yaml": meeting})
    result = run("build", str(root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "[BG314]" in result.output
    assert not (tmp_path / "out").exists()


def test_a_linked_attachment_leading_outside_is_refused(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "d", **{"briefgen.yaml": CONFIG, "m/meeting.yaml": MEETING})
    (root / "m" / "papers").mkdir()
    (root / "m" / "papers" / "statement.txt").symlink_to(root / "people" / "anna-alpha.yaml")
    problems = check_json(root)
    assert [p["code"] for p in problems] == ["BG314"]


# Calendar --------------------------------------------------------------------------------


def test_ics_parses_and_has_local_times(tmp_path: Path) -> None:
    from icalendar import Calendar

    result = run("build", str(EXAMPLE_MEETING), "--out", str(tmp_path), "--format", "ics")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / EXAMPLE_MEETING.name).iterdir()] == ["programme.ics"]
    calendar = Calendar.from_ical((tmp_path / EXAMPLE_MEETING.name / "programme.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events][:2] == [
        "Arrival and official welcome ceremony",
        "Restricted talks (tête-à-tête)",
    ]
    start = events[0].decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Istanbul"
    assert start.time() == time(14, 0)
    assert start.astimezone(UTC) == datetime(2017, 9, 28, 11, 0, tzinfo=UTC)
    assert events[0].decoded("DTEND").time() == time(14, 20)
    assert [c.name for c in calendar.subcomponents].count("VTIMEZONE") == 1
    assert len({str(e["UID"]) for e in events}) == len(events) == 4


def test_ics_of_an_edition_has_only_its_programme(tree: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    result = run(
        "build", str(tree), "--out", str(tmp_path), "--format", "ics", "--edition", "staff"
    )
    assert result.exit_code == 0, result.output
    ics = (tmp_path / "m" / "edition-staff" / "programme.ics").read_bytes()
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Plenary for all", "Staff briefing"]
    assert "Marking: SECRET" in str(events[0]["DESCRIPTION"])


def test_example_still_checks_clean() -> None:
    assert run("check", str(EXAMPLE)).exit_code == 0
