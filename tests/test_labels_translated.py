"""Every label of every output in the book's language: no English catalogue string leaks."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from briefgen.project.load import load_project
from briefgen.project.themes import THEMES, builtin_templates
from briefgen.render.book import BuildInfo, ChangeMarks, Copy, make_environment, render_book
from briefgen.render.i18n import SHIPPED_LANGUAGES, SOURCE_LANGUAGE
from briefgen.render.material import render_place_cards, render_pocket, render_seating_svg
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.changes import ChangeSet
from briefgen.vcs.diff import diff_meetings

from .conftest import write_tree

#: A meeting that fills every part of the book: programme, objectives, a topic with every
#: part, press lines, support staff (an interpreter and a note-taker), a third delegation.
MEETING = """\
title: Alpha Beta Gamma
date: 2020-01-02
start: 10:00
end: 12:00
timezone: Europe/Istanbul
venue: Xanadu
city: Ankara
marking: OFFICIAL
language: {language}
host: home
perspective: away
delegations: [home, away, third]
objectives: [Zeta *eta* theta.]
programme:
  - time: 10:00
    end: 11:00
    title: Iota kappa
    place: Lambda
topics:
  - title: Mu nu
    background: Xi omicron.
    points: [Pi rho.]
    if_raised: [Sigma tau.]
press: [Upsilon phi.]
"""
AWAY = """\
name: Away Federation
country: RU
members:
  - person: anna-alpha
  - person: boris-beta
  - person: dora-delta
    role: Interpreter
    support: true
  - person: emil-epsilon
    role: Omega
    support: true
"""
THIRD = "name: Third State\ncountry: FR\nmembers:\n  - person: fay-phi\n"
PERSON = "name:\n  given: {given}\n  family: {family}\nsalutation: Mr\noffice: Chi psi\n"
EXTRA = {
    "people/dora-delta.yaml": PERSON.format(given="Dora", family="Delta"),
    "people/emil-epsilon.yaml": PERSON.format(given="Emil", family="Epsilon"),
    "people/fay-phi.yaml": PERSON.format(given="Fay", family="Phi"),
    "m/away.yaml": AWAY,
    "m/third.yaml": THIRD,
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


class _Text(HTMLParser):
    """The text a reader can see or hear: text nodes and attribute values, no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        for name, value in attrs:
            if value and value.startswith("data:image/svg+xml;base64,"):
                svg = base64.b64decode(value.split(",", 1)[1]).decode("utf-8")
                self.parts.append(visible_text(svg))
            elif value and name not in ("class", "id", "href", "style", "src", "lang", "dir"):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return "\n".join(parser.parts)


def data_strings(root: Path) -> list[str]:
    """Every string in the data files, longest first (they are not labels)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            found.add(str(value))

    for path in root.rglob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)


def label_pattern(msgid: str) -> re.Pattern[str]:
    pieces = [re.escape(piece) for piece in PLACEHOLDER.split(msgid)]
    body = ".+?".join(pieces)
    start = r"\b" if msgid[:1].isalnum() else ""
    end = r"\b" if msgid[-1:].isalnum() else ""
    return re.compile(start + body + end)


def outputs(record: MeetingRecord, theme: str, changes: ChangeMarks) -> dict[str, str]:
    env = make_environment(None, theme)
    build = BuildInfo(built=record.meeting.date, commit="abc1234", draft=True)
    book = render_book(record, env, build=build, changes=changes, copy=Copy(1, 2, "Rho Sigma"))
    return {
        "book": book,
        "seating.svg": render_seating_svg(record, env),
        "place cards": render_place_cards(record, env, "letter"),
        "pocket list": render_pocket(record, env, "letter"),
    }


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("language", [c for c in SHIPPED_LANGUAGES if c != SOURCE_LANGUAGE])
def test_no_english_label_in_any_output(tmp_path: Path, language: str, theme: str) -> None:
    old = write_tree(
        tmp_path / "old", **EXTRA, **{"m/meeting.yaml": MEETING.format(language=language)}
    )
    changed = MEETING.format(language=language).replace("Pi rho.", "Pi *rho* chi.")
    root = write_tree(
        tmp_path / "new", **EXTRA, **{"m/meeting.yaml": changed.replace("OFFICIAL", "SECRET")}
    )
    [before] = load_project(old).meetings
    [record] = load_project(root).meetings
    changes = ChangeSet("abc1234", tuple(diff_meetings(before, record))).for_book()
    with (builtin_templates() / "locale" / f"{language}.po").open("rb") as handle:
        catalogue = read_po(handle)
    labels = [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and (m.string if isinstance(m.string, str) else m.string[0]) not in ("", m.id)
    ]
    data = data_strings(root)
    for name, markup in outputs(record, theme, changes).items():
        text = visible_text(markup)
        for value in data:
            text = text.replace(value, " ")
        leaked = [label for label in labels if label_pattern(label).search(text)]
        assert not leaked, f"{language}, {theme}, {name}: English labels {leaked}"
