"""The theme's CSS variables are written out for WeasyPrint where that changes nothing."""

from __future__ import annotations

import pytest

from briefgen.outputs.cssvars import inline_root_variables


def page(css: str, body: str = "<p>x</p>", head: str = "") -> str:
    return f"<html><head>{head}<style>{css}</style></head><body>{body}</body></html>"


def test_root_variables_become_their_values_nested_ones_too() -> None:
    css = (
        ':root { --serif: "Noto Serif", serif; --text: var(--serif); --ink: #123; }\n'
        "p { font: 700 9pt/1 var(--text); color: var( --ink ); border: 1pt solid var(--ink); }"
    )
    out = inline_root_variables(page(css))
    assert 'p { font: 700 9pt/1 "Noto Serif", serif; color: #123; border: 1pt solid #123; }' in out
    assert "var(" not in out.split(":root")[1].split("}")[1]


def test_later_root_rules_and_other_style_elements_win_as_in_the_cascade() -> None:
    html = (
        "<html><head><style>:root { --ink: red; } h1 { color: var(--ink); }</style>"
        "<style>:root { --ink: blue; }</style></head><body></body></html>"
    )
    assert "h1 { color: blue; }" in inline_root_variables(html)


@pytest.mark.parametrize(
    ("css", "body", "head"),
    [
        (".note { --ink: red; }", "", ""),  # redeclared on another selector
        ("@media print { :root { --ink: red; } }", "", ""),  # inside @media
        (":root { --ink: red !important; }", "", ""),
        ("", '<p style="--ink: red">x</p>', ""),  # an inline style attribute
        ("", "", '<link rel="stylesheet" href="more.css">'),  # a sheet not seen here
        ("@import url(more.css);", "", ""),
    ],
)
def test_a_variable_that_may_differ_somewhere_keeps_its_var(css: str, body: str, head: str) -> None:
    html = page(":root { --ink: #123; } p { color: var(--ink); }" + css, body, head)
    assert "p { color: var(--ink); }" in inline_root_variables(html)


def test_unknown_and_cyclic_variables_and_fallbacks_are_left_to_weasyprint() -> None:
    css = (
        ":root { --a: var(--b); --b: var(--a); --ink: #123; }"
        " p { color: var(--a); background: var(--nowhere, white); border-color: var(--ink, red); }"
    )
    out = inline_root_variables(page(css))
    assert "color: var(--a); background: var(--nowhere, white); border-color: #123;" in out


def test_only_the_head_is_rewritten_and_a_page_without_variables_is_unchanged() -> None:
    svg = "<svg><style>text { fill: var(--ink); }</style></svg>"
    html = page(":root { --ink: #123; } p { color: var(--ink); }", svg)
    out = inline_root_variables(html)
    assert "p { color: #123; }" in out and svg in out
    plain = page("p { color: red; } /* a comment */")
    assert inline_root_variables(plain) == plain
    assert inline_root_variables("<p>no head</p>") == "<p>no head</p>"
