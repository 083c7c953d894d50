"""A PDF makes static instances of the bundled families its styles use, in the weights named."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.outputs.cssvars import inline_root_variables
from briefgen.outputs.fontuse import font_use
from briefgen.project.load import load_project
from briefgen.render.book import BuildInfo, RenderOptions, make_environment, render_book

from .conftest import EXAMPLE, EXAMPLE_MEETING

SERIF, SANS = "briefgen Noto Serif", "briefgen Noto Sans"


def page(css: str, body: str = "<p>x</p>") -> str:
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def test_the_families_named_by_font_declarations_and_their_absolute_weights() -> None:
    css = (
        f':root {{ --other: "{SANS}"; }} h1 {{ font: 700 9pt/1.25 "{SERIF}", serif; }}'
        f" .a {{ font-weight: 300; }} .b {{ font-weight: bold; }} .c {{ font: italic 10pt/1 x; }}"
        " @page { @top-center { font: 800 8pt x; } } .d { font-weight: 1000; }"
    )
    use = font_use(page(css), [SERIF, SANS])
    assert use.families == {SERIF}, "a name in a custom property alone is not a use"
    assert use.weights == {700, 300, 800}, "weights past the fonts' axis are left out"


def test_inline_style_attributes_count_and_an_unresolved_var_counts_every_name() -> None:
    body = f"<p style=\"font-family: '{SANS}'; font-weight: 200\">x</p>"
    assert font_use(page("p { color: red; }", body), [SERIF, SANS]).families == {SANS}
    assert font_use(page("p { color: red; }", body), [SERIF, SANS]).weights == {200}
    unresolved = (
        f'.x {{ --f: "{SANS}"; }} :root {{ --g: "{SERIF}"; }} p {{ font-family: var(--f); }}'
    )
    assert font_use(page(unresolved), [SERIF, SANS]).families == {SERIF, SANS}


@pytest.mark.parametrize(("theme", "family"), [("default", SERIF), ("compact", SANS)])
def test_the_example_book_uses_its_theme_s_family_in_the_usual_weights(
    theme: str, family: str
) -> None:
    [meeting] = [m for m in load_project(EXAMPLE).meetings if m.folder == EXAMPLE_MEETING]
    html = render_book(
        meeting, make_environment(None, theme), RenderOptions(), BuildInfo(date(2020, 1, 2))
    )
    use = font_use(inline_root_variables(html), [SERIF, SANS])
    assert use.families == {family}
    assert use.weights <= {400, 600, 700}
