from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import Problem
from briefgen.schema.yamlread import YamlReadError, parse_yaml

FILE = Path("x.yaml")


def read(text: str | bytes) -> dict[str, object]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    data = parse_yaml(raw, FILE).data
    assert isinstance(data, dict)
    return data


def problems(text: str | bytes) -> list[Problem]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(YamlReadError) as info:
        parse_yaml(raw, FILE)
    return info.value.problems


@pytest.mark.parametrize(
    "literal",
    [
        "NO",
        "yes",
        "on",
        "off",
        "010",
        "14:00",
        "1:20",
        "2017-09-28",
        ".inf",
        "~",
        "null",
        "0x1F",
        "1e3",
        "true",
    ],
)
def test_scalars_stay_literal_text(literal: str) -> None:
    assert read(f"value: {literal}\n") == {"value": literal}


def test_nested_structures_and_positions() -> None:
    document = parse_yaml(b"a:\n  b:\n    - x\n    - 'y'\n", FILE)
    assert document.data == {"a": {"b": ["x", "y"]}}
    assert document.position(("a", "b", 1)) == (4, 7)
    assert document.position(("a", "b"), of_key=True) == (2, 3)
    assert document.position(("a", "missing", 3)) == (2, 3)


def test_empty_plain_value_is_none_but_empty_quotes_are_text() -> None:
    assert read("a:\nb: ''\n") == {"a": None, "b": ""}


def test_duplicate_key_reported_at_second_naming_first() -> None:
    [problem] = problems("name: a\nother: b\nname: c\n")
    assert (problem.line, problem.col) == (3, 1)
    assert problem.message == "duplicate key 'name' (first defined on line 1)"


def test_anchor_alias_and_merge_key_rejected() -> None:
    found = problems("base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: {y: 2}\n")
    messages = [(p.line, p.message) for p in found]
    assert (1, "anchor '&b' is not allowed") in messages
    assert (2, "alias '*b' is not allowed") in messages
    assert (4, "merge key '<<' is not allowed") in messages


def test_explicit_tag_rejected() -> None:
    [problem] = problems("a: !!python/object:os.system echo\n")
    assert problem.line == 1
    assert "tag" in problem.message


def test_conflict_markers_found_even_inside_block_scalars() -> None:
    text = "bio: |\n  one\n<<<<<<< HEAD\n  two\n=======\n  three\n>>>>>>> branch\n"
    found = problems(text)
    assert [p.line for p in found] == [3, 5, 7]
    assert all("merge-conflict marker" in p.message for p in found)


def test_tab_indentation_located() -> None:
    [problem] = problems("a:\n\tb: 1\n")
    assert (problem.line, problem.col) == (2, 1)
    assert "tab" in problem.message


def test_invalid_utf8_located_at_the_byte() -> None:
    [problem] = problems(b"a: ok\nb: caf\xe9\n")
    assert (problem.line, problem.col) == (2, 7)
    assert "UTF-8" in problem.message


def test_bom_is_accepted() -> None:
    assert read("\ufeffa: b\n".encode()) == {"a": "b"}


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    [problem] = problems(text)
    assert problem.message == "file is empty"


def test_top_level_must_be_mapping() -> None:
    [problem] = problems("- a\n- b\n")
    assert "top level must be a mapping" in problem.message


def test_syntax_error_is_located_not_raised() -> None:
    [problem] = problems("a: b\n  c: d\n")
    assert problem.line == 2
    assert problem.message.startswith("invalid YAML")


def test_oversized_file_rejected() -> None:
    [problem] = problems(b"a: " + b"x" * 1_000_001)
    assert "limit" in problem.message


def test_excessive_nesting_rejected() -> None:
    text = "a: " + "[" * 30 + "]" * 30 + "\n"
    assert any("nesting" in p.message for p in problems(text))


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_YAMLISH = st.lists(
    st.sampled_from(
        [
            "a",
            "b:",
            " ",
            "  ",
            "-",
            "- ",
            ":",
            "\n",
            "\t",
            "&x",
            "*x",
            "<<:",
            "!!str",
            "[",
            "]",
            "{",
            "}",
            ",",
            "'",
            '"',
            "|",
            ">",
            "#",
            "---",
            "...",
            "?",
            "%YAML 1.2",
            "é",
            "\ufeff",
            "=======",
            "\\",
            "0",
            "NO",
            "~",
            "\r\n",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_give_data_or_located_problems(raw: bytes) -> None:
    _only_own_errors(raw)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_YAMLISH)
def test_random_yamlish_text_gives_data_or_located_problems(text: str) -> None:
    _only_own_errors(text.encode("utf-8"))


def _only_own_errors(raw: bytes) -> None:
    try:
        document = parse_yaml(raw, FILE)
    except YamlReadError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1
            assert problem.message
        return
    assert isinstance(document.data, dict)
    _assert_only_strings(document.data)


def _assert_only_strings(value: object) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            _assert_only_strings(item)
    elif isinstance(value, list):
        for item in value:
            _assert_only_strings(item)
    else:
        assert value is None or isinstance(value, str)
