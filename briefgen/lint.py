"""Rules beyond the schema: things a careful protocol reviewer would query.

Every rule here produces warnings (``--strict`` turns them into failures).
They run on a project that already loaded without errors, so every
reference is resolved and every document is at hand for locations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations, pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from briefgen.errors import Problem, sort_problems
from briefgen.project.config import TEMPLATES_DIR
from briefgen.project.load import Project
from briefgen.protocol.editions import DEFAULT_SCHEMES
from briefgen.protocol.forms import display_name
from briefgen.protocol.likeness import similar_later
from briefgen.protocol.summitcheck import check_summit
from briefgen.render.i18n import CatalogueError, language_name, missing_labels
from briefgen.render.scripts import font_package, script_name, uncovered
from briefgen.schema.models import Entry
from briefgen.schema.records import MeetingRecord, PersonRecord
from briefgen.schema.yamlread import DataPath, YamlDocument

#: Markings accepted when the project's briefgen.yaml does not list its own: every
#: marking of the built-in schemes (UK, US, NATO, EU, generic).
DEFAULT_MARKINGS = tuple(dict.fromkeys(m for scheme in DEFAULT_SCHEMES for m in scheme))

#: Spelling variants of romanised names that stand for one original spelling,
#: applied in order (Алексей → Alexei/Alexey/Aleksei, Юрий → Yuri/Yury/Yuriy).
_TRANSLIT_VARIANTS = (
    ("kh", "h"),
    ("x", "ks"),
    ("ts", "c"),
    ("tz", "c"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("ye", "e"),
    ("yo", "e"),
    ("ey", "ei"),
    ("iy", "i"),
    ("y", "i"),
    ("ii", "i"),
)
_WORD = re.compile(r"[^\W\d_]{4,}")
#: Similarity (0–100) above which two full names of different people are queried.
NAME_SIMILARITY = 92


#: Answers which characters no font has (:func:`briefgen.render.scripts.uncovered`).
Coverage = Callable[[Iterable[str]], list[str]]


def check_project(project: Project, coverage: Coverage = uncovered) -> list[Problem]:
    """Every warning about a loaded project: the loader's and the lints', sorted by place.

    ``check``, ``build``, ``seating`` and the preview call this after :func:`load_project`,
    through :func:`briefgen.outputs.coverage.lint_kept`, which passes the font answers kept
    in the user's cache as ``coverage``.
    """
    return sort_problems([*project.problems, *lint_project(project, project.complete, coverage)])


def lint_project(
    project: Project, all_people: bool = True, coverage: Coverage = uncovered
) -> list[Problem]:
    """All warnings for ``project``, minus those a file silences with ``# briefgen: ignore``."""
    found: list[Problem] = []
    markings = {m.upper() for m in project.config.markings or DEFAULT_MARKINGS}
    for record in project.meetings:
        found += _lint_meeting(record, markings)
    found += _near_duplicate_people(list(project.people.values()))
    if all_people:
        found += _unused_people(project)
    found += _missing_labels(project)
    found += _missing_fonts(project, all_people, coverage)
    ignored = _ignored_by_file(project)
    return [p for p in found if p.code not in ignored.get(p.file, frozenset())]


def fold(text: str) -> str:
    """Lowercase without accents: ``Erdoğan`` → ``erdogan``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


def transliteration_key(text: str) -> str:
    """A key equal for spelling variants of one name: ``Alexey`` and ``Alexei`` agree."""
    key = fold(text)
    for old, new in _TRANSLIT_VARIANTS:
        key = key.replace(old, new)
    return key


def _ignored_by_file(project: Project) -> dict[object, frozenset[str]]:
    documents: list[YamlDocument] = [p.document for p in project.people.values()]
    for record in project.meetings:
        documents.append(record.document)
        documents += [d.document for d in record.delegations]
    return {d.path: d.ignored for d in documents if d.ignored}


def _lint_meeting(record: MeetingRecord, markings: set[str]) -> list[Problem]:
    meeting, document = record.meeting, record.document
    found: list[Problem] = []
    if meeting.marking.upper() not in markings:
        found.append(
            document.problem(
                ("marking",),
                "BG409",
                f"marking '{meeting.marking}' is not a known marking",
                "check the spelling, or list your markings under 'markings' in briefgen.yaml",
            )
        )
    found += _programme_times(record)
    for delegation in record.delegations:
        claims: dict[int, int] = {}
        for attendee in (*delegation.members, *delegation.support):
            where: DataPath = ("members", attendee.index)
            if attendee.role is None:
                found.append(
                    delegation.document.problem(
                        (*where, "person"),
                        "BG408",
                        f"'{attendee.record.id}' has neither a role "
                        "here nor an office in the people file",
                        "add 'role:' to the member",
                    )
                )
            wanted = attendee.member.precedence
            if wanted is not None and not attendee.member.support:
                if wanted in claims:
                    found.append(
                        delegation.document.problem(
                            (*where, "precedence"),
                            "BG410",
                            f"precedence {wanted} is also claimed by members[{claims[wanted] + 1}]",
                            "give each member its own number",
                        )
                    )
                claims.setdefault(wanted, attendee.index)
    for person in record.people:
        if person.person.name.native and not person.person.name.pronunciation:
            found.append(
                person.document.problem(
                    ("name", "native"),
                    "BG407",
                    f"'{person.person.name.native}' has no pronunciation",
                    "add name.pronunciation so the principal can say the name",
                )
            )
    found += _given_name_variants(record)
    found += _misspelt_names(record)
    found += check_summit(record)
    return found


def _programme_times(record: MeetingRecord) -> list[Problem]:
    found = []
    items = record.meeting.programme
    for index in range(1, len(items)):
        if items[index].time < items[index - 1].time:
            found.append(
                record.document.problem(
                    ("programme", index, "time"),
                    "BG403",
                    f"'{items[index].title}' at {items[index].time:%H:%M} comes after an "
                    f"item at {items[index - 1].time:%H:%M}",
                    "list the programme in time order",
                )
            )
    ordered = sorted(range(len(items)), key=lambda i: items[i].time)
    for before, after in pairwise(ordered):
        end = items[before].end
        if end is not None and end > items[after].time:
            found.append(
                record.document.problem(
                    ("programme", after, "time"),
                    "BG404",
                    f"'{items[after].title}' starts at {items[after].time:%H:%M}, before "
                    f"'{items[before].title}' ends at {end:%H:%M}",
                    "check the times",
                )
            )
    return found


def _given_name_variants(record: MeetingRecord) -> list[Problem]:
    """Two spellings of one given name in one delegation (Alexey / Alexei).

    People are grouped by the transliteration key of their given name, so
    only people whose names agree are compared (linear in people).
    """
    found = []
    for delegation in record.delegations:
        groups: dict[str, list[PersonRecord]] = {}
        for attendee in (*delegation.members, *delegation.support):
            given = attendee.record.person.name.given
            if given:
                groups.setdefault(transliteration_key(given), []).append(attendee.record)
        position = {p.id: i for i, p in enumerate(record.people)}
        pairs = [pair for group in groups.values() for pair in combinations(group, 2)]
        for first, second in sorted(pairs, key=lambda p: (position[p[0].id], position[p[1].id])):
            a, b = first.person.name.given, second.person.name.given
            if a != b:
                found.append(
                    second.document.problem(
                        ("name", "given"),
                        "BG405",
                        f"given name '{b}' is spelled '{a}' for "
                        f"{display_name(first.person.name)} in the same delegation",
                        "use one transliteration for one name",
                    )
                )
    return found


def _name_forms(record: PersonRecord, *, native: bool = False) -> list[str]:
    name = record.person.name
    forms = [" ".join(p for p in (name.given, name.family) if p), *name.aliases]
    return [*forms, name.native] if native and name.native else forms


def _near_duplicate_people(people: list[PersonRecord]) -> list[Problem]:
    """Different people whose names or aliases are almost the same: one person twice?"""
    found = []
    forms = [
        (p, form, fold(form), transliteration_key(form))
        for p in people
        for form in _name_forms(p, native=True)
    ]
    folded = [n for _, _, n, _ in forms]
    similar = similar_later(folded, NAME_SIMILARITY)
    same: dict[str, list[int]] = {}
    for index, (_, _, n, k) in enumerate(forms):
        same.setdefault(f"n:{n}", []).append(index)
        same.setdefault(f"k:{k}", []).append(index)
    for i, (p1, f1, n1, k1) in enumerate(forms):
        close = set(similar[i])
        close.update(j for j in (*same[f"n:{n1}"], *same[f"k:{k1}"]) if j > i)
        for j in sorted(close):
            p2, f2, _, _ = forms[j]
            if p1.id == p2.id:
                continue
            found.append(
                p2.document.problem(
                    ("name",),
                    "BG405",
                    f"'{f2}' is nearly the same name as '{f1}' (people/{p1.source.name})",
                    "if they are one person keep one file and list "
                    "the other spelling under name.aliases",
                    of_key=True,
                )
            )
    return found


def _texts(record: MeetingRecord) -> Iterator[tuple[YamlDocument, DataPath, str]]:
    meeting, document = record.meeting, record.document

    def lines(prefix: DataPath, values: list[str | Entry]) -> Iterator[tuple[DataPath, str]]:
        for i, value in enumerate(values):
            if isinstance(value, Entry):
                yield (*prefix, i, "text"), value.text
            else:
                yield (*prefix, i), value

    yield document, ("title",), meeting.title
    for path, text in lines(("objectives",), meeting.objectives):
        yield document, path, text
    for i, item in enumerate(meeting.programme):
        yield document, ("programme", i, "title"), item.title
    for i, topic in enumerate(meeting.topics):
        yield document, ("topics", i, "title"), topic.title
        if topic.background:
            yield document, ("topics", i, "background"), topic.background
        for path, text in lines(("topics", i, "points"), topic.points):
            yield document, path, text
        for path, text in lines(("topics", i, "if_raised"), topic.if_raised):
            yield document, path, text
    for path, text in lines(("press",), meeting.press):
        yield document, path, text
    for person in record.people:
        if person.person.bio:
            yield person.document, ("bio",), person.person.bio


def _misspelt_names(record: MeetingRecord) -> list[Problem]:
    """Words in the meeting's texts one typo (or one transliteration) away from a name."""
    names: dict[str, str] = {}
    for person in record.people:
        full = display_name(person.person.name)
        for form in _name_forms(person):
            for token in _WORD.findall(form):
                names.setdefault(token, full)
    keys = {transliteration_key(token): token for token in names}
    targets: dict[str, str | None] = {}
    found = []
    for document, path, text in _texts(record):
        seen: set[str] = set()
        for word in _WORD.findall(text):
            if word in names or word in seen or not word[0].isupper():
                continue
            seen.add(word)
            if word not in targets:
                targets[word] = _closest_name(word, names, keys)
            target = targets[word]
            if target is not None:
                line, col = document.find_text(path, word)
                found.append(
                    Problem(
                        document.path,
                        line,
                        col,
                        f"'{word}' looks like a misspelling of '{target}' ({names[target]})",
                        f"write '{target}' as in the people file",
                        "BG406",
                    )
                )
    return found


def _closest_name(word: str, names: dict[str, str], keys: dict[str, str]) -> str | None:
    """The one name token ``word`` is a variant or a typo of (edit distance 1, or 2 when long)."""
    target = keys.get(transliteration_key(word))
    if target is not None:
        return target
    limit = 1 if len(word) < 7 else 2
    close = process.extract(word, list(names), scorer=OSA.distance, score_cutoff=limit, limit=2)
    return close[0][0] if len(close) == 1 else None


def _unused_people(project: Project) -> list[Problem]:
    used = {p.id for record in project.meetings for p in record.people}
    return [
        Problem(
            p.source,
            1,
            1,
            f"'{p.id}' is not a member of any meeting",
            "delete the file if the person is no longer needed",
            "BG402",
        )
        for p in project.people.values()
        if p.id not in used
    ]


def _missing_labels(project: Project) -> list[Problem]:
    """Meetings whose language's catalogue lacks labels the templates print (shown in English)."""
    found = []
    for record in project.meetings:
        language = record.meeting.language
        try:
            catalogue, missing = missing_labels(project.templates, language)
        except CatalogueError as exc:
            found.append(
                record.document.problem(
                    ("language",), "BG324", str(exc), "fix the .po file or delete it"
                )
            )
            continue
        if not missing:
            continue
        name = language_name(language)
        folder = project.template_dir or project.root / TEMPLATES_DIR
        shown = ", ".join(f"'{label}'" for label in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        where = (
            f"add them to {catalogue}"
            if catalogue
            else f"add {folder / 'locale' / f'{language}.po'} (briefgen new language {language})"
        )
        found.append(
            record.document.problem(
                ("language",),
                "BG412",
                f"{len(missing)} label(s) have no {name} translation and print in English: "
                f"{shown}{more}",
                where,
            )
        )
    return found


def _strings(value: object, path: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _missing_fonts(project: Project, all_people: bool, coverage: Coverage) -> list[Problem]:
    """Texts with characters that no installed font has: they would be empty boxes in the PDF."""
    documents: dict[object, YamlDocument] = {}
    for record in project.meetings:
        documents[record.source] = record.document
        documents.update((d.source, d.document) for d in record.delegations)
        documents.update((p.source, p.document) for p in record.people)
    if all_people:
        documents.update((p.source, p.document) for p in project.people.values())
    texts = [(d, path, text) for d in documents.values() for path, text in _strings(d.data)]
    missing = set(coverage(set().union(*(text for _, _, text in texts))))
    if not missing:
        return []
    found = []
    reported: set[tuple[object, str]] = set()
    for document, path, text in texts:
        for char in text:
            if char not in missing:
                continue
            script = script_name(char)
            if (document.path, script) in reported:
                continue
            reported.add((document.path, script))
            line, col = document.find_text(path, char)
            shown = text if len(text) <= 40 else text[:37] + "..."
            found.append(
                Problem(
                    document.path,
                    line,
                    col,
                    f"'{shown}' needs {script} characters (U+{ord(char):04X}) that neither "
                    "the bundled fonts nor an installed font has, so the PDF cannot show them",
                    f"install a font for them (Debian: {font_package(script)})",
                    "BG413",
                )
            )
    return found
