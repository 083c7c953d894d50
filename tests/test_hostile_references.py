"""One reference policy for the HTML book and the PDF: a template from the data folder
cannot make either output load anything from outside the document.

Embedded resources may be ``data:`` URLs or ``#anchors``; a link the reader
follows may also be http(s) or mailto.  The HTML-only build refuses exactly
what the PDF build refuses, with the template, the line and the reference.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefgen.cli.main import main
from briefgen.project.themes import builtin_templates
from briefgen.render.references import _may_refer, _references, css_references, refused_references
from briefgen.render.typography import render_markdown

from .conftest import DataTree

REFUSED = {
    "img": '<img src="http://127.0.0.1:9/p.png">',
    "relative-img": '<img src="photo.png">',
    "file-img": '<img src="file:///etc/passwd">',
    "stylesheet": '<link rel="stylesheet" href="https://example.org/x.css">',
    "import": "<style>@import 'https://example.org/x.css';</style>",
    "import-url": "<style>@import url(//example.org/x.css);</style>",
    "css-url": "<style>body { background: url(http://example.org/bg.png) }</style>",
    "css-escaped-url": "<style>body { background: u\\72l(http://example.org/bg.png) }</style>",
    "font-face": "<style>@font-face { font-family: X; src: url(https://e.org/f.woff) }</style>",
    "image-set": '<style>p { background: image-set("https://e.org/a.png" 1x) }</style>',
    "style-attribute": '<p style="background:url(&quot;http://e.org/a&quot;)">x</p>',
    "srcset": '<img src="data:," srcset="data:, 1x, https://e.org/b.png 2x">',
    "script": "<script>fetch('https://example.org')</script>",
    "handler": '<img src="data:," onerror="fetch(1)">',
    "refresh": '<meta http-equiv="refresh" content="0;url=https://example.org">',
    "svg-image": '<svg><image xlink:href="https://example.org/a.png"/></svg>',
    "iframe": '<iframe src="https://example.org"></iframe>',
    "object": '<object data="https://example.org/a.svg"></object>',
    "base": '<base href="https://example.org/">',
    "link-file": '<a href="file:///etc/passwd">x</a>',
    "link-relative": '<a href="notes.pdf">x</a>',
    "link-javascript": '<a href="javascript:alert(1)">x</a>',
}
ALLOWED = [
    '<img src="data:image/png;base64,AAAA">',
    '<a href="#top">top</a>',
    '<a href="https://example.org/">site</a>',
    '<a href="mailto:desk@example.org">desk</a>',
    "<style>p { color: red } svg { filter: url(#blur) }</style>",
    "<style>p { background: url(data:image/png;base64,AAAA) }</style>",
]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_form_of_external_reference_is_refused(name: str) -> None:
    assert refused_references(f"<html><body>\n{REFUSED[name]}\n</body></html>")


@pytest.mark.parametrize("html", ALLOWED)
def test_self_contained_pages_pass(html: str) -> None:
    assert refused_references(html) == []


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("name", ["img", "import", "css-escaped-url", "script", "style-attribute"])
def test_html_and_pdf_builds_refuse_the_same_user_template(
    name: str, fmt: str, data_tree: DataTree, tmp_path: Path
) -> None:
    root = data_tree()
    templates = root / "templates"
    templates.mkdir()
    book = builtin_templates() / "book.html.j2"
    text = book.read_text(encoding="utf-8").replace("<body>", "<body>\n" + REFUSED[name], 1)
    (templates / "book.html.j2").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), "--format", fmt])
    assert result.exit_code == 1, result.output
    assert "refers to resources outside it: line" in result.stderr
    assert "book.html.j2" in result.stderr
    assert not (out / "m").exists()


def test_relative_markdown_links_never_become_file_links() -> None:
    html = str(
        render_markdown(None, "[minutes](minutes.pdf) [up](../../etc/passwd) [web](https://a.org)")
    )
    assert 'href="minutes.pdf"' not in html and "file:" not in html
    assert '<a href="https://a.org">web</a>' in html


def test_the_builtin_templates_pass_the_policy(data_tree: DataTree, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    result = CliRunner().invoke(main, ["build", str(data_tree()), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


_CSSISH = st.lists(
    st.sampled_from(
        [
            "p{a:",
            "}",
            ";",
            " ",
            "\n",
            ")",
            "u",
            "rl(",
            "url(",
            "URL(",
            "u\\72l(",
            "\\75rl(",
            "src(",
            "image-set(",
            "cross-fade(",
            "@import ",
            "@IMPORT",
            "\\",
            "/*",
            "*/",
            '"',
            "'",
            '"http://e.org/a"',
            "http://e.org/a",
            "data:,",
            "\u212arl(",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(_CSSISH, st.booleans())
@example("p{a:u\\72l(http://e.org/a)}", False)
@example('p{a:cross-fade("http://e.org/a")}', True)
@example("@import 'http://e.org/a'", False)
def test_css_the_quick_test_lets_pass_has_no_reference(css: str, declarations: bool) -> None:
    """The test that spares most CSS the tinycss2 reading (``_may_refer``) never lets
    through CSS in which the reading finds a reference."""
    read = _references(css, declarations)
    assert css_references(css, declarations=declarations) == read
    if read:
        assert _may_refer(css)


def test_the_book_stylesheet_is_passed_without_reading_it() -> None:
    css = (builtin_templates() / "book.css").read_text(encoding="utf-8")
    assert not _may_refer(css), "the quick test no longer recognises the book's own CSS"
    assert _references(css, False) == []
