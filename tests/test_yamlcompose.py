"""The reader's own composer (one call a node, no tag resolution) reads every file exactly as
PyYAML's ``Composer`` with the former checks did: the same data, positions and problems, with
libyaml's parser and with PyYAML's pure-Python one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

import briefgen.schema.yamlread as yamlread
from briefgen.schema.yamlread import YamlReadError, parse_yaml

from .conftest import EXAMPLE
from .test_yamlread import _YAMLISH

#: The reader's composer as it is, before any test replaces it.
OWN = yamlread._StrictComposer
REPO_FILES = sorted([*EXAMPLE.rglob("*.yaml"), *(Path(__file__).parent / "cases").rglob("*.yaml")])


def former_compose_node(self: Any, parent: Node | None, index: Any) -> Node | None:
    """``_StrictComposer.compose_node`` as it was: the checks, then PyYAML's composer."""
    event: Any = self.peek_event()
    if isinstance(event, AliasEvent):
        self.get_event()
        self._note(
            event.start_mark,
            "BG102",
            f"alias '*{event.anchor}' is not allowed",
            "write the value out in full instead of referring to an anchor",
        )
        start: Any = event.start_mark
        return ScalarNode("tag:yaml.org,2002:str", "", start, start)
    if isinstance(event, ScalarEvent | CollectionStartEvent):
        if event.anchor is not None:
            self._note(
                event.start_mark,
                "BG102",
                f"anchor '&{event.anchor}' is not allowed",
                "write each value out in full; anchors and aliases hide what is repeated",
            )
            event.anchor = None
        if event.tag not in (None, "!"):
            self._note(
                event.start_mark,
                "BG104",
                f"YAML tag '{event.tag}' is not allowed",
                "remove the tag; values are plain text",
            )
            event.tag = None
    return Composer.compose_node(self, parent, index)


def composer(parser: type, former: bool) -> type:
    methods = {
        name: value
        for name, value in vars(OWN).items()
        if (callable(value) and not name.startswith("__")) or name == "__init__"
    }
    if former:
        methods["compose_node"] = former_compose_node
    return type("Composer", (Composer, Resolver, parser), methods)


def outcome(raw: bytes) -> tuple[object, ...]:
    try:
        document = parse_yaml(raw, Path("x.yaml"))
    except YamlReadError as exc:
        return ("problems", exc.problems)
    return (document.data, document.value_positions, document.key_positions, document.ignored)


PARSERS = {"libyaml": yamlread._PARSER, "python": yamlread._PurePythonParser}


def both_ways(raw: bytes, parser: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlread, "_PARSER", parser)
    monkeypatch.setattr(yamlread, "_StrictComposer", composer(parser, former=True))
    expected = outcome(raw)
    monkeypatch.setattr(yamlread, "_StrictComposer", composer(parser, former=False))
    assert outcome(raw) == expected


@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_every_file_of_the_repository_reads_the_same(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(REPO_FILES) > 100
    for path in REPO_FILES:
        both_ways(path.read_bytes(), PARSERS[parser], monkeypatch)


SAMPLES = [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\nb: !custom x\nc: ! y\n",
    "&top\na: [1, &y [2, *y], {k: *nowhere}]\n",
    "a:\n  - b: 1\n    c: [x, {d: e}]\n  - ''\n  -\n",
    "a: 1\na: 2\n<<: {b: 1}\n? [x]\n: y\n",
    "a: |\n  text\n  # not a comment\nb: >-\n  folded\n",
    "a: [unclosed\n",
    "a: 1\n---\nb: 2\n",
]


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("text", SAMPLES)
def test_anchors_aliases_tags_and_broken_yaml_read_the_same(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(text.encode("utf-8"), PARSERS[parser], monkeypatch)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=_YAMLISH, parser=st.sampled_from(sorted(PARSERS)))
def test_random_yamlish_text_reads_the_same(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(text.encode("utf-8"), PARSERS[parser], monkeypatch)
