"""Validate plain YAML data against a model and translate errors into located problems."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from briefgen.errors import Problem
from briefgen.schema.models import LINE_TAGS
from briefgen.schema.yamlread import DataPath, YamlDocument

M = TypeVar("M", bound=BaseModel)


def validate_document(document: YamlDocument, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate ``document.data`` as ``model``; return the instance or the problems."""
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, [translate_error(error, document, model) for error in exc.errors()]


def _without_tags(loc: DataPath) -> DataPath:
    """Drop the union tags pydantic puts after a list index (``points[1].entry.text``)."""
    return tuple(
        part
        for i, part in enumerate(loc)
        if not (part in LINE_TAGS and i and isinstance(loc[i - 1], int))
    )


def describe_path(path: DataPath) -> str:
    """``('members', 2, 'role')`` → ``members[3].role`` (1-based for people)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the file"


_BRIEFGEN_CODES = {
    "briefgen_id": "BG209",
    "briefgen_date": "BG205",
    "briefgen_time": "BG206",
    "briefgen_flag": "BG210",
    "briefgen_timezone": "BG207",
    "briefgen_country": "BG208",
    "briefgen_positive": "BG212",
    "briefgen_integer": "BG212",
    "briefgen_language": "BG211",
    "briefgen_text_too_long": "BG215",
}
_EMPTY_KINDS = {
    "string_type",
    "list_type",
    "model_type",
    "dict_type",
    "int_type",
    "bool_type",
    "date_type",
    "time_type",
}


def translate_error(error: ErrorDetails, document: YamlDocument, model: type[BaseModel]) -> Problem:
    """Turn one pydantic error into a sentence located at the offending YAML node."""
    path = _without_tags(tuple(error["loc"]))
    kind = error["type"]
    where = describe_path(path)
    value = _value_at(document.data, path)
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = fields_at(model, path[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else ("allowed keys: " + ", ".join(allowed) if allowed else None)
        )
        return document.problem(path, "BG201", f"unknown key '{key}'", hint, of_key=True)
    if kind == "missing":
        parent = path[:-1]
        return document.problem(
            parent,
            "BG202",
            f"missing required key '{path[-1]}'"
            + (f" in {describe_path(parent)}" if parent else ""),
            f"add '{path[-1]}: ...'",
            of_key=bool(parent),
        )
    if (value is None and kind in _EMPTY_KINDS) or kind == "string_too_short":
        return document.problem(
            path, "BG204", f"'{where}' is empty", "give it a value or remove the key", of_key=True
        )
    if kind == "string_type":
        return document.problem(path, "BG203", f"'{where}' must be text, not {_kind_of(value)}")
    if kind == "list_type":
        return document.problem(
            path,
            "BG203",
            f"'{where}' must be a list, not {_kind_of(value)}",
            "write each item on its own line starting with '- '",
        )
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return document.problem(
            path, "BG203", f"'{where}' must be a mapping of keys to values, not {_kind_of(value)}"
        )
    if kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length", 1)
        return document.problem(path, "BG213", f"'{where}' must have at least {minimum} item(s)")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return document.problem(
            path, "BG211", f"'{where}' cannot be '{value}': expected {expected}"
        )
    code = _BRIEFGEN_CODES.get(kind, "BG214")
    return document.problem(path, code, f"{where}: {error['msg']}")


def fields_at(model: type[BaseModel], path: DataPath) -> list[str]:
    """The field names of the model found at ``path`` below ``model`` (empty if none)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            current = _item_type(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """Unwrap ``X | None`` and ``Annotated`` down to a model or a ``list[...]``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [_model_in(a) for a in typing.get_args(annotation) if a is not type(None)]
        models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
        return (models or options)[0]
    return annotation


def _item_type(annotation: Any) -> Any:
    if typing.get_origin(annotation) is list:
        return _model_in(typing.get_args(annotation)[0])
    return None


def _value_at(data: Any, path: DataPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"
