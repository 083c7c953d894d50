from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.lint import check_project, fold, transliteration_key
from briefgen.project.load import load_project

from .conftest import EXAMPLE, DataTree


def warnings(root: Path) -> list[str]:
    return [f"{p.format(relative_to=root)}" for p in check_project(load_project(root))]


def codes(root: Path) -> list[str]:
    return [p.code for p in check_project(load_project(root))]


def test_example_data_has_no_warnings() -> None:
    assert check_project(load_project(EXAMPLE)) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alexey", "Alexei"),
        ("Sergey", "Sergei"),
        ("Yuri", "Yuriy"),
        ("Yury", "Yuri"),
        ("Dmitry", "Dmitri"),
        ("Yevgeny", "Evgeny"),
        ("Likhachev", "Likhachyov"),
        ("Alexander", "Aleksander"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert transliteration_key(a) == transliteration_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Maria", "Mario"),
        ("Ivan", "Ivana"),
        ("Anna", "Anne"),
        ("Novak", "Nowak"),
        ("Sergei", "Sergio"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert transliteration_key(a) != transliteration_key(b)


def test_fold_removes_accents_and_dotless_i() -> None:
    assert fold("Erdoğan Işık") == "erdogan isik"


MEETING_WITH_TEXT = """\
title: Example talks
date: 2020-01-02
marking: OFFICIAL
host: home
delegations: [home, away]
topics:
  - title: Trade
    points:
      - {text}
"""


@pytest.mark.parametrize(
    "text",
    [
        "Thank Minister Alpah for the visit.",  # transposition
        "Thank Minister Alha for the visit.",  # deletion
        "Greet Mr Betta warmly.",  # insertion
    ],
)
def test_misspelt_name_in_text_is_found(data_tree: DataTree, text: str) -> None:
    root = data_tree(**{"m/meeting.yaml": MEETING_WITH_TEXT.format(text=text)})
    [warning] = check_project(load_project(root))
    assert warning.code == "BG406"
    assert warning.line == 9


@pytest.mark.parametrize(
    "text",
    [
        "Thank Minister Alpha for the visit.",  # correct spelling
        "Discuss the Alps and the Baltic.",  # ordinary words near no name
        "Review the alpha release and the beta.",  # lowercase words are not names
        "Ask Mr Gamma about Omega and Delta.",  # other Greek letters are not near-misses
    ],
)
def test_correct_or_unrelated_text_is_not_flagged(data_tree: DataTree, text: str) -> None:
    root = data_tree(**{"m/meeting.yaml": MEETING_WITH_TEXT.format(text=text)})
    assert check_project(load_project(root)) == []


def test_alias_spelling_in_text_is_accepted(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": MEETING_WITH_TEXT.format(text="Thank Boriss Beta."),
            "people/boris-beta.yaml": "name:\n  given: Boris\n  family: Beta\n  aliases: [Boriss "
            "Beta]\noffice: Deputy Minister\n",
        }
    )
    assert check_project(load_project(root)) == []


def test_distinct_people_with_distinct_names_are_not_near_duplicates(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-novak.yaml": "name:\n  given: Boris\n  family: Novak\noffice: Adviser\n",
            "m/home.yaml": "name: Home\nmembers:\n  - person: can-gamma\n  - person: boris-novak\n",
        }
    )
    assert codes(root) == []


def test_alias_equal_to_another_persons_name_is_a_near_duplicate(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/can-gamma.yaml": "name:\n  given: Can\n  family: Gamma\n"
            "  aliases: [Boris Beta]\noffice: President\n"
        }
    )
    assert codes(root) == ["BG405"]


def test_file_comment_silences_a_warning(data_tree: DataTree) -> None:
    person = "name:\n  given: Boris\n  family: Beta\n  native: Борис Бета\noffice: Adviser\n"
    root = data_tree(**{"people/boris-beta.yaml": person})
    assert codes(root) == ["BG407"]
    root = data_tree(
        **{"people/boris-beta.yaml": "# briefgen: ignore missing-pronunciation\n" + person}
    )
    assert codes(root) == []


def test_configured_markings_replace_the_defaults(data_tree: DataTree) -> None:
    root = data_tree(**{"briefgen.yaml": "markings: [PUBLIC, EYES ONLY]\n"})
    [warning] = check_project(load_project(root))
    assert warning.code == "BG409"
    root = data_tree(**{"briefgen.yaml": "markings: [Official]\n"})
    assert check_project(load_project(root)) == []


def test_programme_in_order_without_overlap_is_quiet(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": MEETING_WITH_TEXT.split("topics:")[0]
            + "programme:\n  - time: '10:00'\n    end: '11:00'\n    title: A\n"
            "  - time: '11:00'\n    title: B\n"
        }
    )
    assert codes(root) == []


def test_the_articles_misspelling_of_vladimir_is_caught(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "delegations"
    shutil.copytree(EXAMPLE, root)
    meeting = root / "2017-09-28-ankara" / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(
        text.replace(
            "objectives:\n", "objectives:\n  - Brief President Vladmir Putin on Idlib.\n", 1
        ),
        encoding="utf-8",
    )
    [warning] = check_project(load_project(root))
    assert warning.code == "BG406"
    assert warning.message == ("'Vladmir' looks like a misspelling of 'Vladimir' (Vladimir Putin)")


def test_near_identical_native_names_are_near_duplicates(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": "name:\n  given: Boris\n  family: Beta\n"
            "  native: Анна Альфа\n  pronunciation: BO-ris\noffice: Adviser\n"
        }
    )
    assert codes(root) == ["BG405"]
