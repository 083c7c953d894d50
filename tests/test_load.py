from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from briefgen.errors import ValidationFailed
from briefgen.lint import check_project
from briefgen.project.load import find_root, load_project

from .conftest import EXAMPLE, EXAMPLE_MEETING, DataTree


def errors(root: Path) -> list[str]:
    """Errors as they are printed, with paths relative to the data root."""
    with pytest.raises(ValidationFailed) as info:
        load_project(root)
    return [p.format(relative_to=root) for p in info.value.problems if p.severity == "error"]


def test_example_data_is_valid() -> None:
    project = load_project(EXAMPLE, [EXAMPLE_MEETING])
    [meeting] = project.meetings
    assert meeting.id == "2017-09-28-ankara"
    assert [d.id for d in meeting.delegations] == ["turkey", "russia"]
    russia = meeting.delegations[1]
    assert [a.record.id for a in russia.members][:2] == ["vladimir-putin", "sergei-lavrov"]
    assert len(russia.members) == 11


def test_small_tree_loads_host_first(data_tree: DataTree) -> None:
    project = load_project(data_tree())
    [meeting] = project.meetings
    assert meeting.meeting.date == date(2020, 1, 2)
    assert meeting.meeting.programme[0].time == time(10, 0)
    assert [d.id for d in meeting.delegations] == ["home", "away"]


def test_unknown_key_with_suggestion(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": """\
        name:
          given: Boris
          famly: Beta
        """
        }
    )
    assert errors(root) == [
        "people/boris-beta.yaml:1:1: error: missing required key 'family' in name; "
        "add 'family: ...' [BG202]",
        "people/boris-beta.yaml:3:3: error: unknown key 'famly'; did you mean 'family'? [BG201]",
    ]


def test_unknown_key_without_close_match_lists_allowed(data_tree: DataTree) -> None:
    root = data_tree(**{"m/home.yaml": "name: Home\nzzz: 1\nmembers:\n  - person: can-gamma\n"})
    [message] = errors(root)
    assert message.startswith("m/home.yaml:2:1: error: unknown key 'zzz'; allowed keys: name,")


def test_missing_required_top_level_key(data_tree: DataTree) -> None:
    root = data_tree(
        **{"m/meeting.yaml": "title: T\ndate: 2020-01-02\ndelegations: [home, away]\n"}
    )
    assert errors(root) == [
        "m/meeting.yaml:1:1: error: missing required key 'marking'; add 'marking: ...' [BG202]"
    ]


def test_wrong_type(data_tree: DataTree) -> None:
    root = data_tree(**{"m/away.yaml": "name: Away\nmembers: anna-alpha\n"})
    assert errors(root) == [
        "m/away.yaml:2:10: error: 'members' must be a list, not 'anna-alpha'; "
        "write each item on its own line starting with '- ' [BG203]"
    ]


def test_invalid_date_and_time(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": """\
        title: T
        date: 2020-02-30
        marking: OFFICIAL
        delegations: [home, away]
        programme:
          - time: 25:00
            title: X
        """
        }
    )
    assert errors(root) == [
        "m/meeting.yaml:2:7: error: date: '2020-02-30' is not a valid date: write it as "
        "YYYY-MM-DD, e.g. 2017-09-28 [BG205]",
        "m/meeting.yaml:6:11: error: programme[1].time: '25:00' is not a valid time: write it "
        "as HH:MM on the 24-hour clock, e.g. 14:30 [BG206]",
    ]


def test_duplicate_key_reported_through_loader(data_tree: DataTree) -> None:
    root = data_tree(**{"m/home.yaml": "name: A\nname: B\nmembers:\n  - person: can-gamma\n"})
    assert errors(root) == [
        "m/home.yaml:2:1: error: duplicate key 'name' (first defined on line 1); remove one of "
        "the two [BG101]"
    ]


def test_unknown_person_reference_with_suggestion(data_tree: DataTree) -> None:
    root = data_tree(**{"m/away.yaml": "name: Away\nmembers:\n  - person: ana-alpha\n"})
    assert errors(root) == [
        "m/away.yaml:3:13: error: unknown person 'ana-alpha': there is no "
        "people/ana-alpha.yaml; did you mean 'anna-alpha'? [BG301]"
    ]


def test_delegation_without_file_and_bad_host(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": """\
        title: T
        date: 2020-01-02
        marking: OFFICIAL
        host: hom
        delegations: [home, awya]
        """
        }
    )
    assert errors(root) == [
        "m/meeting.yaml:4:7: error: host 'hom' is not one of the delegations; "
        "did you mean 'home'? [BG304]",
        "m/meeting.yaml:5:21: error: delegation 'awya' has no file awya.yaml in this folder; "
        "did you mean 'away'? [BG303]",
    ]


def test_all_problems_of_a_run_reported_together(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/anna-alpha.yaml": "name:\n  given: Anna\n  family: Alpha\nborn: yesterday\n",
            "m/home.yaml": "name: Home\ncountry: XX\nmembers:\n  - person: nobody\n",
            "m/away.yaml": "name: Away\nmembers:\n  - person: anna-alpha\n    support: yes\n",
        }
    )
    found = errors(root)
    assert [m.split(": error")[0] for m in found] == [
        "m/away.yaml:4:14",
        "m/home.yaml:2:10",
        "m/home.yaml:4:13",
        "people/anna-alpha.yaml:4:7",
    ]
    assert "write true or false" in found[0]


def test_same_person_in_two_delegations(data_tree: DataTree) -> None:
    root = data_tree(**{"m/home.yaml": "name: Home\nmembers:\n  - person: anna-alpha\n"})
    [message] = errors(root)
    assert message.startswith("m/away.yaml:4:13: error: 'anna-alpha' is already a member of")


def test_precedence_override_and_support_staff(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/away.yaml": """\
        name: Away
        members:
          - person: anna-alpha
            support: true
            role: Interpreter
          - person: boris-beta
          - person: can-gamma
            precedence: 1
        """,
            "m/home.yaml": None,
            "m/meeting.yaml": "title: T\ndate: 2020-01-02\n"
            "marking: OFFICIAL\ndelegations: [away]\n",
        }
    )
    [meeting] = load_project(root).meetings
    [away] = meeting.delegations
    assert [a.record.id for a in away.members] == ["can-gamma", "boris-beta"]
    assert [a.record.id for a in away.support] == ["anna-alpha"]
    assert away.support[0].role == "Interpreter"
    assert away.members[1].role == "Deputy Minister"


def test_photo_must_stay_inside_people(data_tree: DataTree, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"x")
    root = data_tree(**{"people/boris-beta.yaml": PERSON_WITH_PHOTO.format("../../secret.png")})
    [message] = errors(root)
    assert message == (
        "people/boris-beta.yaml:4:8: error: photo '../../secret.png' is outside "
        "the people/ folder (after following links); keep photos under people/, "
        "e.g. people/photos/ [BG307]"
    )


def test_missing_photo(data_tree: DataTree) -> None:
    root = data_tree(**{"people/boris-beta.yaml": PERSON_WITH_PHOTO.format("photos/none.jpg")})
    [message] = errors(root)
    assert "photo 'photos/none.jpg' does not exist" in message


PERSON_WITH_PHOTO = "name:\n  given: Boris\n  family: Beta\nphoto: {}\n"


def test_unlisted_delegation_file_is_a_warning(data_tree: DataTree) -> None:
    root = data_tree(**{"m/stray.yaml": "name: Stray\nmembers:\n  - person: anna-alpha\n"})
    project = load_project(root)
    [warning] = [w for w in check_project(project) if w.code == "BG401"]
    assert warning.severity == "warning"
    assert warning.file.name == "stray.yaml"


def test_build_ignores_unrelated_broken_person(data_tree: DataTree) -> None:
    root = data_tree(**{"people/zed.yaml": "name: {given: Zed}\n"})
    with pytest.raises(ValidationFailed):
        load_project(root, all_people=True)
    assert load_project(root, all_people=False).meetings


def test_find_root() -> None:
    assert find_root(EXAMPLE) == (EXAMPLE, None)
    assert find_root(EXAMPLE_MEETING) == (EXAMPLE, [EXAMPLE_MEETING])


def test_photo_that_is_not_an_image(data_tree: DataTree) -> None:
    root = data_tree(**{"people/boris-beta.yaml": PERSON_WITH_PHOTO.format("photos/b.png")})
    (root / "people/photos").mkdir(parents=True)
    (root / "people/photos/b.png").write_bytes(b"not an image at all")
    assert errors(root) == [
        "people/boris-beta.yaml:4:8: error: photo 'photos/b.png' is not a readable image; "
        "use a JPEG, PNG, GIF or WebP file [BG309]"
    ]
