"""Limits on every kind of work a template can ask for: each stops with a clear error,
quickly and in little memory, instead of running or growing without end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.project.themes import builtin_templates
from briefgen.render.textfit import clip_lines, wrap_text

from .conftest import DataTree

ATTACKS = {
    "repeat-string": "{{ 'a' * 10**9 }}",
    "repeat-list": "{{ ([1] * 10**9) | length }}",
    "power": "{{ 10 ** 100000000 }}",
    "concat-doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"
    ),
    "plus-doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}"
    ),
    "center-method": "{{ 'x'.center(10**9) }}",
    "center-filter": "{{ 'x' | center(10**9) }}",
    "format-width": "{{ '%999999999d' | format(1) }}",
    "percent-width": "{{ '%999999999d' % 1 }}",
    "replace-square": (
        "{% set s = 'a' * 20000 %}{% set t = s.replace('a', s) %}{{ t.replace('a', t) }}"
    ),
    "indent": "{{ ('x\\n' * 100000) | indent(100000) }}",
    "huge-range": "{% for i in range(10**9) %}{% endfor %}",
    "nested-loops": (
        "{% set r = range(100000) %}{% for a in r %}{% for b in r %}{% for c in r %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    ),
    "nested-data-loops": (
        "{% set r = range(30000) | list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}"
    ),
    "big-page": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_template_work_is_bounded(name: str, data_tree: DataTree, tmp_path: Path) -> None:
    root = data_tree()
    templates = root / "templates"
    templates.mkdir()
    book = (builtin_templates() / "book.html.j2").read_text(encoding="utf-8")
    (templates / "book.html.j2").write_text(book.replace("<body>", "<body>" + ATTACKS[name], 1))
    started = time.monotonic()
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(root),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "html",
            "--timeout",
            "2",
            "--limit",
            "render_chars=10000000",
        ],
    )
    assert time.monotonic() - started < 20
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "book.html.j2" in result.stderr or "template" in result.stderr
    assert any(
        words in result.stderr
        for words in ("--timeout", "--limit render_chars", "huge power", "Range too big")
    ), result.stderr
    assert not (tmp_path / "out" / "m").exists()


@pytest.mark.parametrize(
    "text",
    ["\u0301" * 40000 + "a" * 200, "B" + "\u0301" * 40000 + "eta", "e\u0301" * 20000, "a" * 40000],
)
def test_text_fitting_is_linear(text: str) -> None:
    started = time.monotonic()
    lines = wrap_text(text, 100, 10)
    clip_lines(lines, 2, 100, 10)
    assert time.monotonic() - started < 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
