"""Read YAML text into plain data, keeping the line and column of every node.

Users' YAML is untrusted and hand-edited, so this reader is stricter than
YAML itself: every scalar stays a string (``NO``, ``010``, ``14:00`` and
``2017-09-28`` arrive as text; the schema parses them), duplicate keys,
anchors, aliases, merge keys and explicit tags are errors, and so are git
conflict markers left in the text.  Only PyYAML's safe scanner and parser
are used; nothing is ever constructed from a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from briefgen.codes import lookup
from briefgen.errors import Problem
from briefgen.limits import DEFAULT_LIMITS, Limits

#: A path into the data: mapping keys and sequence indices from the top.
DataPath = tuple[str | int, ...]

#: The tags of composed nodes (never looked at: a tag in the file is an error, BG104).
_TEXT, _LIST, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?:[ \t]|$)", re.MULTILINE)
_IGNORE_COMMENT = re.compile(r"#\s*briefgen:\s*ignore\s+([A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*)")


@dataclass
class YamlDocument:
    """One YAML file as plain data plus where each key and value came from."""

    path: Path
    data: Any
    text: str = ""
    value_positions: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    #: Codes silenced by a ``# briefgen: ignore CODE[, CODE]`` comment in the file.
    ignored: frozenset[str] = frozenset()

    def position(self, path: DataPath, *, of_key: bool = False) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest known ancestor.

        With ``of_key`` the position of the mapping key naming the node is
        preferred (where an unknown key should be reported).
        """
        if of_key and path in self.key_positions:
            return self.key_positions[path]
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.value_positions:
                return self.value_positions[prefix]
        return (1, 1)

    def problem(
        self,
        path: DataPath,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        of_key: bool = False,
    ) -> Problem:
        """A problem located at the node at ``path``."""
        line, col = self.position(path, of_key=of_key)
        return Problem(self.path, line, col, message, hint, code)

    def find_text(self, path: DataPath, needle: str) -> tuple[int, int]:
        """Line and column of ``needle`` inside the value at ``path`` (its start if not found)."""
        line, col = self.position(path)
        lines = self.text.splitlines()
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
        found = self.text.find(needle, offset)
        if found < 0:
            return line, col
        found_line = self.text.count("\n", 0, found) + 1
        return found_line, found - (self.text.rfind("\n", 0, found) + 1) + 1


class YamlReadError(Exception):
    """The file could not be read as YAML; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class _PurePythonParser(Reader, Scanner, Parser):
    """PyYAML's own reader, scanner and parser, for a PyYAML built without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


def _parser_class() -> Any:
    """libyaml's scanner and parser when PyYAML has them (about five times faster)."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return _PurePythonParser
    return CParser


_PARSER: Any = _parser_class()


class _StrictComposer(Composer, Resolver, _PARSER):  # type: ignore[misc]
    """A loader used only to compose nodes; it records anchors, aliases and tags.

    Events come from libyaml (or PyYAML's parser); composing stays in Python,
    so the checks below are the same either way.
    """

    def __init__(self, text: str, path: Path) -> None:
        _PARSER.__init__(self, text)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.briefgen_path = path
        self.briefgen_problems: list[Problem] = []

    def _note(self, mark: Any, code: str, message: str, hint: str) -> None:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.briefgen_problems.append(Problem(self.briefgen_path, line, col, message, hint, code))

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """The next node, composed here rather than by PyYAML's ``Composer.compose_node``:
        anchors are never registered and tags never resolved (every scalar stays text),
        so a node costs one call, not four, and no regular expression per scalar."""
        event: Any = self.get_event()
        start = event.start_mark
        if isinstance(event, AliasEvent):
            hint = "write the value out in full instead of referring to an anchor"
            self._note(start, "BG102", f"alias '*{event.anchor}' is not allowed", hint)
            return ScalarNode(_TEXT, "", start, start)
        if event.anchor is not None:
            hint = "write each value out in full; anchors and aliases hide what is repeated"
            self._note(start, "BG102", f"anchor '&{event.anchor}' is not allowed", hint)
        if event.tag not in (None, "!"):
            hint = "remove the tag; values are plain text"
            self._note(start, "BG104", f"YAML tag '{event.tag}' is not allowed", hint)
        if isinstance(event, ScalarEvent):
            finish: Any = event.end_mark
            return ScalarNode(_TEXT, event.value, start, finish, style=event.style)
        node: Node
        if isinstance(event, SequenceStartEvent):
            node = SequenceNode(_LIST, [], start, None, flow_style=event.flow_style)
            while not self.check_event(SequenceEndEvent):
                node.value.append(self.compose_node(node, None))
        else:
            node = MappingNode(_MAP, [], start, None, flow_style=event.flow_style)
            while not self.check_event(MappingEndEvent):
                key = self.compose_node(node, None)
                node.value.append((key, self.compose_node(node, key)))
        end: Any = self.get_event()
        node.end_mark = end.end_mark
        return node


def read_yaml(path: Path, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Read and check one YAML file whose top level must be a mapping.

    Raises :class:`YamlReadError` with every problem found in the file.
    """
    try:
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise YamlReadError([_too_large(path, size, limits)])
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlReadError(
            [Problem(path, 0, 0, f"cannot read the file: {exc.strerror}", None, "BG113")]
        ) from exc
    return parse_yaml(raw, path, limits)


def _too_large(path: Path, size: int, limits: Limits) -> Problem:
    return Problem(
        path,
        1,
        1,
        f"file is {size:,} bytes, more than the limit of {limits.file_bytes:,}",
        "split or shorten it, or raise the limit with --limit file_bytes=N",
        "BG111",
    )


def parse_yaml(raw: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse YAML bytes (see :func:`read_yaml`); ``path`` is only used in messages."""
    if len(raw) > limits.file_bytes:
        raise YamlReadError([_too_large(path, len(raw), limits)])
    text = _decode(raw, path)
    if not text.strip():
        raise YamlReadError([_empty(path)])
    problems = _conflict_markers(text, path) + _tab_indentation(text, path)
    if problems:
        raise YamlReadError(problems)

    try:
        composer = _StrictComposer(text, path)
    except yaml.reader.ReaderError as exc:
        raise YamlReadError([_bad_character(text, path, exc)]) from exc
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "nesting depth" in str(exc.problem):  # libyaml's own bound
            too_deep = Problem(path, line, col, "nesting is far too deep", "flatten it", "BG110")
            raise YamlReadError([too_deep]) from exc
        message = f"invalid YAML: {exc.problem or exc.context}"
        raise YamlReadError(
            [Problem(path, line, col, message, _syntax_hint(exc), "BG100")]
        ) from exc
    except yaml.reader.ReaderError as exc:
        raise YamlReadError([_bad_character(text, path, exc)]) from exc
    except yaml.YAMLError as exc:
        raise YamlReadError([Problem(path, 1, 1, f"invalid YAML: {exc}", None, "BG100")]) from exc
    except RecursionError as exc:
        raise YamlReadError(
            [Problem(path, 1, 1, "nesting is far too deep", "flatten the structure", "BG110")]
        ) from exc
    finally:
        composer.dispose()

    if node is None:
        raise YamlReadError([_empty(path)])
    document = YamlDocument(path=path, data=None, text=text, ignored=_ignored_codes(text))
    problems = list(composer.briefgen_problems)
    document.data = _to_data(node, (), document, problems, 0, limits)
    if not isinstance(node, MappingNode):
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        problems.append(
            Problem(
                path,
                line,
                col,
                "the top level must be a mapping of keys to values",
                "start the file with 'key: value' lines",
                "BG109",
            )
        )
    if problems:
        raise YamlReadError(problems)
    return document


def _bad_character(text: str, path: Path, exc: yaml.reader.ReaderError) -> Problem:
    position = exc.position
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return Problem(
        path,
        line,
        col,
        f"character U+{ord(char):04X} is not allowed in YAML",
        "remove it (control characters often come from copy and paste)",
        "BG100",
    )


def _empty(path: Path) -> Problem:
    return Problem(path, 1, 1, "file is empty", "add content or delete the file", "BG108")


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise YamlReadError(
            [
                Problem(
                    path,
                    line,
                    col,
                    f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
                    "save the file as UTF-8",
                    "BG107",
                )
            ]
        ) from exc


def _conflict_markers(text: str, path: Path) -> list[Problem]:
    problems = []
    for match in _CONFLICT_MARKER.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        problems.append(
            Problem(
                path,
                line,
                1,
                f"git merge-conflict marker '{match.group(1)}'",
                "resolve the merge conflict and remove the marker lines",
                "BG105",
            )
        )
    return problems


def _tab_indentation(text: str, path: Path) -> list[Problem]:
    problems = []
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped.strip() or indent > block_indent:
                continue
            block_indent = None
        if stripped.startswith("\t"):
            problems.append(
                Problem(
                    path,
                    number,
                    indent + 1,
                    "tab character used for indentation",
                    "indent with spaces",
                    "BG106",
                )
            )
        elif re.search(r"(^|[:\-]\s)[|>][-+0-9]*\s*(#.*)?$", stripped):
            block_indent = indent
    return problems


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str | None:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return "put quotes around a value that contains ': '"
    if "could not find expected ':'" in problem:
        return "each line in a mapping needs 'key: value'"
    if "expected a single document" in problem:
        return "keep one YAML document per file (remove the extra '---')"
    if "found character '\\t'" in problem or "\\t" in problem:
        return "indent with spaces, not tabs"
    return None


def _to_data(
    node: Node,
    path: DataPath,
    document: YamlDocument,
    problems: list[Problem],
    depth: int,
    limits: Limits,
) -> Any:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    document.value_positions[path] = (line, col)
    if depth > limits.depth:
        problems.append(
            Problem(
                document.path,
                line,
                col,
                f"nesting is deeper than {limits.depth} levels",
                "flatten the structure",
                "BG110",
            )
        )
        return None
    if isinstance(node, ScalarNode):
        if not node.style and node.value == "":  # plain (None from PyYAML, "" from libyaml)
            return None
        return str(node.value)
    if isinstance(node, SequenceNode):
        return [
            _to_data(item, (*path, index), document, problems, depth + 1, limits)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _mapping_key(key_node, path, result, document, problems)
        if key is not None:
            document.key_positions[(*path, key)] = _position(key_node)
            result[key] = _to_data(value_node, (*path, key), document, problems, depth + 1, limits)
    return result


def _ignored_codes(text: str) -> frozenset[str]:
    """The codes silenced by ``# briefgen: ignore CODE[, CODE]`` comments in ``text``."""
    return frozenset(
        code.code
        for match in _IGNORE_COMMENT.finditer(text)
        for name in match.group(1).split(",")
        if (code := lookup(name.strip())) is not None
    )


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mapping_key(
    key_node: Node,
    path: DataPath,
    seen: dict[str, Any],
    document: YamlDocument,
    problems: list[Problem],
) -> str | None:
    """The key as text, or ``None`` with a problem: not text, a merge key, or a duplicate."""
    line, col = _position(key_node)
    if not isinstance(key_node, ScalarNode):
        problems.append(
            Problem(document.path, line, col, "a mapping key must be plain text", None, "BG112")
        )
        return None
    key = str(key_node.value)
    if key == "<<" and not key_node.style:
        message, hint = "merge key '<<' is not allowed", "write the merged keys out in full"
        problems.append(Problem(document.path, line, col, message, hint, "BG103"))
        return None
    if key in seen:
        first_line, _ = document.key_positions[(*path, key)]
        message = f"duplicate key '{key}' (first defined on line {first_line})"
        problems.append(
            Problem(document.path, line, col, message, "remove one of the two", "BG101")
        )
        return None
    return key
