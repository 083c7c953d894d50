"""The template sandbox: templates see plain, immutable data and a vetted set of callables.

Templates may come from the data folder, so they are untrusted code.  Jinja's
own sandbox blocks underscore attributes, but any live Python object handed
to a template still exposes its public methods (a pydantic model's
``parse_raw`` unpickles a string).  So two rules hold here, and together they
make the class of escape impossible rather than blocking known cases:

1. :func:`plain` turns every value a template receives into plain data:
   ``dict``, ``list``, ``str``, ``Markup``, numbers, ``bool``, ``None``,
   dates and times.  Models and dataclasses become dicts of their fields;
   anything else (a path, an object with methods) is a bug and raises.
2. :class:`PlainSandbox` lets a template read attributes of plain data only,
   call only the methods listed in :data:`VETTED_METHODS`, the environment's
   globals and the functions marked with :func:`vetted`, and never mutate a
   dict or list (the immutable sandbox refuses every mutating method).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.environment import TemplateModule
from jinja2.runtime import BlockReference, Context, LoopContext, Macro, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from pydantic import BaseModel

from briefgen.render.budget import (
    bounded_binop,
    bounded_concat,
    bounded_filter,
    bounded_iter,
    check_arguments,
    check_size,
    check_time,
    running,
)
from briefgen.render.references import refused_references

F = TypeVar("F", bound=Callable[..., Any])

#: Scalar types a template may see as they are.
SCALARS: tuple[type, ...] = (str, int, float, bool, type(None), date, time, datetime, timedelta)

#: Methods a template may call, by the type that owns them: read-only, bounded, no callbacks.
VETTED_METHODS: dict[type, frozenset[str]] = {
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
    str: frozenset(
        {
            "capitalize",
            "casefold",
            "center",
            "count",
            "endswith",
            "find",
            "isalpha",
            "isdigit",
            "islower",
            "isspace",
            "istitle",
            "isupper",
            "join",
            "ljust",
            "lower",
            "lstrip",
            "partition",
            "removeprefix",
            "removesuffix",
            "replace",
            "rfind",
            "rjust",
            "rpartition",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "startswith",
            "strip",
            "swapcase",
            "title",
            "upper",
            "zfill",
        }
    ),
    Cycler: frozenset({"next", "reset", "current"}),
    LoopContext: frozenset({"cycle", "changed"}),
}

#: Jinja's own runtime objects a template uses (loops, macros, blocks, imports):
#: their attributes are readable (methods still need :data:`VETTED_METHODS`).
RUNTIME = (LoopContext, Namespace, Cycler, Joiner, TemplateReference, TemplateModule)

#: Jinja's callables: a macro, ``caller()``, ``super()``, ``self.block()``, ``loop(...)``.
RUNTIME_CALLABLES = (Macro, BlockReference, LoopContext, Joiner)

#: Jinja's default globals a template keeps; ``lipsum`` goes (unbounded text for nothing).
KEPT_GLOBALS = ("range", "dict", "namespace", "cycler", "joiner")

_VETTED_MARK = "__briefgen_template_callable__"


def vetted(function: F) -> F:
    """Mark ``function`` as callable from templates (it takes and returns plain data)."""
    setattr(function, _VETTED_MARK, True)
    return function


def plain(value: Any) -> Any:
    """``value`` as plain immutable data for a template (see the module docstring).

    Raises ``TypeError`` for a value that has no plain form (a callable not
    marked with :func:`vetted`, a path, any other object): handing it to a
    template would be a hole, so it is a bug to fix where the value is made.
    """
    if isinstance(value, SCALARS):  # Markup is a str
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, Hidden) or (callable(value) and getattr(value, _VETTED_MARK, False)):
        return value
    if isinstance(value, BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(item) for item in value)
    raise TypeError(f"{type(value).__name__} cannot be handed to a template")


@dataclasses.dataclass(frozen=True, eq=False)
class Hidden:
    """A value the render functions need and templates must not touch (e.g. the catalogue).

    Templates can neither read its attributes nor call it; it prints as nothing.
    """

    value: Any = dataclasses.field(repr=False)

    def __str__(self) -> str:
        return ""


def _is_plain(obj: Any) -> bool:
    return isinstance(obj, (*SCALARS, dict, tuple, list, *RUNTIME))


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles loops and ``a ~ b`` so that their work is bounded (see :mod:`.budget`).

    The iterable of every ``{% for %}`` is walked through
    ``environment.bounded_iter``, which looks at the clock as the loop runs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: list[nodes.Node] = []

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._loop_iterables.append(node.iter)
        super().visit_For(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if any(node is seen for seen in self._loop_iterables):
            self.write("environment.bounded_iter(")
            super().visit(node, *args, **kwargs)
            self.write(")")
            return None
        return super().visit(node, *args, **kwargs)


class PlainSandbox(ImmutableSandboxedEnvironment):
    """A sandbox that allows plain data and vetted callables, nothing else.

    Keys win over methods, so a field named ``items`` or ``copy`` reads the
    field.  Attributes of anything that is not plain data are refused, and so
    is every callable that is neither a vetted method of plain data, a
    function marked :func:`vetted`, nor one of Jinja's kept globals.
    """

    code_generator_class = _BoundedCodeGenerator
    #: Operators that can make huge values; see :func:`briefgen.render.budget.bounded_binop`.
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name in DEFAULT_NAMESPACE:
            if name not in KEPT_GLOBALS:
                self.globals.pop(name, None)
        self.filters = {name: bounded_filter(name, f) for name, f in self.filters.items()}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        return bounded_binop(operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(obj, "__self__", None)
        name = getattr(obj, "__name__", "")
        check_arguments(name, owner if isinstance(owner, str) else None, args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def bounded_concat(self, value: Any) -> Any:
        return bounded_concat(value)

    def bounded_iter(self, value: Any) -> Any:
        return bounded_iter(value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, dict) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not _is_plain(obj) or not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value) or isinstance(value, RUNTIME_CALLABLES):
            return True
        return any(
            isinstance(obj, owner) and attr in names for owner, names in VETTED_METHODS.items()
        )

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if getattr(obj, _VETTED_MARK, False) or isinstance(obj, RUNTIME_CALLABLES):
            return True
        if any(obj is value for value in self.globals.values()):
            return True  # only our code sets globals
        owner = getattr(obj, "__self__", None)
        name = getattr(obj, "__name__", "")
        return owner is not None and self.is_safe_attribute(owner, name, obj)


#: What template code can raise by itself (a division by zero, a template extending itself).
TEMPLATE_FAULTS = (ArithmeticError, LookupError, TypeError, ValueError, RecursionError)


def render_plain(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render ``template`` with ``context`` turned into plain data first.

    A fault in template code becomes a ``TemplateError`` that names the
    template file and line, so the user sees where to look, not a traceback.
    """
    data = plain(context)
    try:
        with running():
            chunks, size = [], 0
            for chunk in template.generate(data):
                size += len(chunk)
                check_size(size, "a page")
                check_time()
                chunks.append(chunk)
        html = "".join(chunks)
    except jinja2.TemplateError:
        raise
    except TEMPLATE_FAULTS as exc:
        where = _template_frame(exc)
        kind = (
            "too deep (a template that includes or extends itself?)"
            if isinstance(exc, RecursionError)
            else f"{type(exc).__name__}: {exc}"
        )
        raise jinja2.TemplateError(f"{where}{kind}") from None
    check_references(html, template.name or "the template")
    return html


def check_references(html: str, name: str) -> None:
    """Refuse a page that would load anything from outside itself (see :mod:`.references`)."""
    refused = refused_references(html)
    if refused:
        shown = "; ".join(f"line {line}: {what}" for line, what in refused[:5])
        more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
        raise jinja2.TemplateError(
            f"{name} makes a page that refers to resources outside it: {shown}{more}; "
            "embed images and styles as data: URLs or in <style>, "
            "and link only to #anchors, http(s): or mailto:"
        )


def _template_frame(exc: BaseException) -> str:
    """``file:line: `` of the innermost template frame in ``exc``'s traceback, if any."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".css", ".svg")):
            found = f"{Path(name).name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return found
