"""The template sandbox: user templates see plain data and vetted callables only.

Each escape route below was tried against templates in the data folder; every
one must end in a located template error, never in code running.
"""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from briefgen.errors import RenderError
from briefgen.project.load import load_project
from briefgen.render.book import RenderOptions, make_environment, render_book
from briefgen.render.sandbox import Hidden, plain, vetted

from .conftest import DataTree


class _Canary:
    """Unpickling this would touch the canary file: proof that code ran."""

    path = ""

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


ESCAPES = [
    "{{ meeting.__class__.__mro__ }}",
    "{{ meeting.parse_raw(payload, content_type='application/pickle', allow_pickle=True) }}",
    "{{ meeting.model_validate_json('{}') }}",
    "{{ meeting.construct() }}",
    "{{ meeting.copy() }}",
    "{{ meeting.programme[0].model_dump() }}",
    "{{ meeting.date.strftime('%Y') }}",
    "{{ '{0.__class__}'.format(meeting) }}",
    "{{ '{0}'.format_map(meeting) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum() }}",
    "{{ stylesheet.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ changed.__globals__ }}",
    "{{ _.__globals__ }}",
    "{{ translations.value }}",
    "{{ translations.value.gettext('x') }}",
    "{{ dict.fromkeys('ab') }}",
    "{{ dict.mro() }}",
    "{{ range.__self__ }}",
    "{{ ''.join.__self__ }}",
    "{{ meeting | attr('parse_raw') }}",
    "{{ meeting | attr('__class__') }}",
    "{% set _ = meeting.programme.append(1) %}",
    "{% set _ = meeting.update({}) %}",
    "{% set _ = meeting.pop('title') %}",
    "{% for x in [1] %}{{ loop.__class__ }}{% endfor %}",
    "{% macro m() %}{% endmacro %}{{ m._environment }}",
    "{% macro m() %}{% endmacro %}{{ m.arguments }}",
    "{{ namespace(a=1).__dict__ }}",
    "{{ cycler(1, 2).next.__self__ }}",
    "{{ ('a' * 10).__mul__ }}",
    "{{ biographies[0].__class__ }}",
]


@pytest.fixture
def user_root(data_tree: DataTree) -> Path:
    root = data_tree()
    (root / "templates").mkdir()
    return root


def render_user(root: Path, template: str, **extra: object) -> str:
    (root / "templates/book.html.j2").write_text(template, encoding="utf-8")
    project = load_project(root)
    env = make_environment(project.template_dir, "default")
    return render_book(project.meetings[0], env, RenderOptions())


@pytest.mark.parametrize("template", ESCAPES)
def test_escape_routes_end_in_a_template_error(
    user_root: Path, tmp_path: Path, template: str
) -> None:
    canary = tmp_path / "pwned"
    _Canary.path = str(canary)
    payload = pickle.dumps(_Canary()).decode("latin-1")
    template = template.replace("payload", repr(payload))
    with pytest.raises(RenderError, match="template error"):
        render_user(user_root, template)
    assert not canary.exists()


def test_plain_data_and_jinja_constructs_still_work(user_root: Path) -> None:
    template = """\
{%- macro card(p) -%}[{{ caller() }}:{{ p.printed | upper }}]{%- endmacro -%}
{%- set ns = namespace(n=0) -%}
{%- for person in biographies -%}
{%- set ns.n = ns.n + 1 -%}
{%- call card(person) %}{{ loop.cycle('odd', 'even') }}{% endcall -%}
{%- endfor -%}
|{{ ns.n }}|{{ meeting.title.split(' ') | join('_') }}|{{ meeting.get('venue') or '-' }}
|{{ meeting.programme | map(attribute='title') | join }}|{{ meeting.date.year }}
|{{ delegations | map(attribute='name') | sort | join(', ') }}
|{{ (contents | selectattr('section', 'equalto', 'biographies') | first).children | length }}
|{{ _("Contents") }}|{{ changed("person", "x") }}|{% for i in range(3) %}{{ i }}{% endfor %}
|{% set j = joiner('+') %}{% for x in 'ab' %}{{ j() }}{{ x }}{% endfor %}
"""
    html = render_user(user_root, template)
    assert "[odd:MR CAN GAMMA][even:H.E. MS ANNA ALPHA]" in html
    assert "|3|Example_talks|-" in html
    assert "|Talks|2020" in html
    assert "|Away Federation, Home Republic" in html
    assert "|3\n|Contents|False|012" in html
    assert "|a+b" in html


def test_a_field_named_like_a_method_reads_the_field(user_root: Path) -> None:
    html = render_user(user_root, "{{ {'items': 'field'}.items }}|{{ meeting.items() | length }}")
    assert html.startswith("field|")


def test_errors_in_a_user_template_are_template_errors_not_tracebacks(user_root: Path) -> None:
    cases = {
        "\n{{ 1 // 0 }}": r"book\.html\.j2:2: ZeroDivisionError",
        '{% extends "book.html.j2" %}': "too deep|extends itself|template error",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}": "too deep",
        "{{ missing }}": "'missing' is undefined",
        "{{ [1][5] }}": "template error",
    }
    for template, message in cases.items():
        with pytest.raises(RenderError, match=message):
            render_user(user_root, template)


class _Model(BaseModel):
    title: str
    day: date
    tags: list[str]


def test_plain_turns_models_into_plain_data_and_refuses_objects() -> None:
    value = plain({"m": _Model(title="t", day=date(2020, 1, 2), tags=["a"]), "s": {2, 1}})
    assert value == {"m": {"title": "t", "day": date(2020, 1, 2), "tags": ["a"]}, "s": [1, 2]}
    assert type(value["m"]) is dict
    for bad in (Path("/etc"), object(), print, lambda: 1, _Model.model_validate):
        with pytest.raises(TypeError, match="cannot be handed to a template"):
            plain({"x": bad})
    hidden = Hidden(object())
    assert plain(hidden) is hidden and str(hidden) == ""
    marked = vetted(lambda: 1)
    assert plain(marked) is marked
