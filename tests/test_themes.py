"""Themes, user template folders, the project config and `briefgen new`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main
from briefgen.errors import RenderError
from briefgen.lint import check_project
from briefgen.options import BuildOptions, resolve_options
from briefgen.project.load import load_project
from briefgen.project.themes import THEMES
from briefgen.render.book import RenderOptions, make_environment, render_book

from .conftest import EXAMPLE, DataTree

BIO_OVERRIDE = """\
{% extends "theme/book.html.j2" %}
{% block bio_card %}
<article class="bio house-card" id="{{ person.anchor }}">
  <h3 data-bookmark="{{ person.outline_name }}">{{ person.printed }}</h3>
  <p>{{ _("At this meeting") }}: {{ person.role }}</p>
</article>
{% endblock %}
"""


def render(root: Path, template_dir: Path | None = None, theme: str = "default") -> str:
    project = load_project(root)
    env = make_environment(template_dir or project.template_dir, theme)
    return render_book(project.meetings[0], env, RenderOptions())


def split_bios(html: str) -> tuple[str, str, str]:
    start = html.index('<section class="biographies"')
    end = html.index("</section>", start)
    return html[:start], html[start:end], html[end:]


def test_overriding_one_block_changes_it_and_nothing_else(data_tree: DataTree) -> None:
    root = data_tree()
    before = render(root)
    (root / "templates").mkdir()
    (root / "templates/book.html.j2").write_text(BIO_OVERRIDE, encoding="utf-8")
    after = render(root)
    head_before, bios_before, tail_before = split_bios(before)
    head_after, bios_after, tail_after = split_bios(after)
    assert (head_after, tail_after) == (head_before, tail_before)
    assert bios_after != bios_before
    assert bios_after.count('class="bio house-card"') == 3
    assert "<p>At this meeting: Minister of Examples</p>" in bios_after


def test_a_template_added_or_removed_later_is_used_at_once(data_tree: DataTree) -> None:
    """A process that renders again (the preview server) sees an override added to the
    template folder after its first render, and the built-in template once it is removed."""
    root = data_tree()
    (root / "templates").mkdir()
    before = render(root)
    override = root / "templates/book.html.j2"
    override.write_text(BIO_OVERRIDE, encoding="utf-8")
    assert 'class="bio house-card"' in render(root)
    override.unlink()
    assert render(root) == before


def test_a_stylesheet_overrides_by_name_and_a_theme_layers_over_the_default(
    data_tree: DataTree, tmp_path: Path
) -> None:
    root = data_tree()
    templates = tmp_path / "house"
    templates.mkdir()
    (templates / "book.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    (templates / "look.css").write_text(":root { --accent: #654321; }\n", encoding="utf-8")
    html = render(root, templates)
    assert "body { color: #123456; }" in html
    assert ".bio { break-before: page; }" not in html, "book.css was replaced, not added to"
    assert html.index("--accent: #1f3a5f") < html.index("--accent: #654321"), "look.css is last"
    compact = render(root, theme="compact")
    assert "--accent: #1f3a5f" in compact and "--accent: #8c2f39" in compact
    assert compact.index("#1f3a5f") < compact.index("#8c2f39"), (
        "the theme's look.css comes after theme.css"
    )


def test_templates_are_sandboxed_and_confined(data_tree: DataTree, tmp_path: Path) -> None:
    root = data_tree()
    templates = root / "templates"
    templates.mkdir()
    (templates / "book.html.j2").write_text("{{ meeting.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(RenderError, match=r"unsafe|access"):
        render(root)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET FILE", encoding="utf-8")
    os.symlink(secret, templates / "leak.j2")
    (templates / "book.html.j2").write_text('{% include "leak.j2" %}', encoding="utf-8")
    with pytest.raises(RenderError, match=r"leak\.j2"):
        render(root)


def test_templates_folder_outside_the_data_is_refused(data_tree: DataTree) -> None:
    from briefgen.errors import ValidationFailed

    root = data_tree(**{"briefgen.yaml": "templates: ..\n"})
    with pytest.raises(ValidationFailed) as caught:
        load_project(root)
    assert [p.code for p in caught.value.problems] == ["BG324"]


def test_project_config_sets_defaults_and_the_command_line_wins(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "briefgen.yaml": "theme: compact\npaper: a4\nfamily_caps: true\n"
            "interpreters: beside\ntemplates: house\n",
            "house/locale/en.po": 'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
            'msgid "Programme"\nmsgstr "Schedule"\n',
        }
    )
    project = load_project(root)
    assert project.theme == "compact"
    assert project.template_dir == root / "house"
    options = resolve_options(project, BuildOptions())
    assert options.render == RenderOptions(family_caps=True, paper="a4")
    html = render_book(
        project.meetings[0], make_environment(options.template_dir, "compact"), options.render
    )
    assert "@page { size: A4; }" in html
    assert "Mr Boris BETA" in html
    assert "Schedule</h2>" in html
    cli = BuildOptions(theme="default", render=RenderOptions(family_caps=False, paper="letter"))
    chosen = resolve_options(project, cli)
    assert (chosen.theme, chosen.render) == ("default", RenderOptions(False, "letter"))


def test_theme_decides_the_paper_unless_told(data_tree: DataTree) -> None:
    root = data_tree()
    assert "@page { size: letter; }" in render(root, theme="compact")
    assert "@page { size: A4; }" in render(root)


def test_build_and_check_take_theme_and_templates(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree()
    house = tmp_path / "house"
    house.mkdir()
    (house / "book.html.j2").write_text(BIO_OVERRIDE, encoding="utf-8")
    monkeypatch.chdir(root.parent)
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["build", "--format", "html", "--theme", "compact", "--templates", str(house)],
    )
    assert result.exit_code == 0, result.output
    html = (root.parent / "build/m/book.html").read_text(encoding="utf-8")
    assert "house-card" in html and "--accent: #8c2f39" in html
    assert runner.invoke(main, ["check", "--templates", str(house)]).exit_code == 0
    assert runner.invoke(main, ["build", "--theme", "gothic"]).exit_code == 2


def new_files(runner: CliRunner, *args: str) -> list[Path]:
    result = runner.invoke(main, ["new", *args])
    assert result.exit_code == 0, result.output
    return [Path(p) for p in re.findall(r"^wrote (\S+)", result.output, re.M)]


def test_new_starter_files_pass_check_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    written = new_files(runner, "meeting", "2024-05-14-paris")
    assert [p.as_posix() for p in written] == [
        "delegations/2024-05-14-paris/meeting.yaml",
        "delegations/2024-05-14-paris/ours.yaml",
        "delegations/people/ours-head.yaml",
        "delegations/2024-05-14-paris/theirs.yaml",
        "delegations/people/theirs-head.yaml",
        "schemas/meeting.schema.json",
        "schemas/delegation.schema.json",
        "schemas/person.schema.json",
    ]
    meeting = written[0].read_text(encoding="utf-8")
    assert meeting.startswith("# yaml-language-server: $schema=../../schemas/meeting.schema.json")
    assert "date: 2024-05-14" in meeting and "city: Paris" in meeting
    check = runner.invoke(main, ["check", "--strict"])
    assert check.exit_code == 0, check.output

    new_files(runner, "delegation", "2024-05-14-paris", "france", "--member", "emmanuel-macron")
    assert "delegations: [ours, theirs, france]" in written[0].read_text(encoding="utf-8")
    person = Path("delegations/people/emmanuel-macron.yaml").read_text(encoding="utf-8")
    assert "given: Emmanuel" in person and "family: Macron" in person
    check = runner.invoke(main, ["check", "--strict"])
    assert check.exit_code == 0, check.output

    new_files(runner, "person", "sergei-lavrov")
    check = runner.invoke(main, ["check"])
    assert check.exit_code == 0, check.output
    assert "BG402" in check.output, "a new person is valid but not yet in a meeting"

    [po] = new_files(runner, "language", "de")
    assert po.as_posix() == "delegations/templates/locale/de.po"
    assert 'msgid "Points to make"' in po.read_text(encoding="utf-8")


def test_new_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    new_files(runner, "person", "anna-alpha")
    path = Path("delegations/people/anna-alpha.yaml")
    path.write_text("name: {given: Anna, family: Alpha}\n", encoding="utf-8")
    result = runner.invoke(main, ["new", "person", "anna-alpha"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "name: {given: Anna, family: Alpha}\n"
    result = runner.invoke(main, ["new", "meeting", "Bad Id"])
    assert result.exit_code == 1 and "not a valid meeting id" in result.output


def test_example_data_has_no_font_or_label_warnings() -> None:
    codes = {p.code for p in check_project(load_project(EXAMPLE))}
    assert not codes & {"BG412", "BG413"}


def test_the_documented_house_style_example_works_with_both_themes() -> None:
    house = Path(__file__).parent.parent / "docs/examples/house-style/templates"
    for theme in ("default", "compact"):
        html = render(EXAMPLE, house, theme)
        assert "<h3>Lines to take</h3>" in html
        assert "<h3>If the other side raises it</h3>" in html
        assert "--accent: #5a2d82" in html
        assert (
            '<a class="printed" href="#bio-sergei-lavrov">H.E. Mr Sergei Lavrov</a>\n<br>'
            '<span class="role">Minister of Foreign Affairs' in html
        )


def test_blocks_see_the_template_level_values(data_tree: DataTree, tmp_path: Path) -> None:
    house = tmp_path / "house"
    house.mkdir()
    (house / "book.html.j2").write_text(
        '{% extends "theme/book.html.j2" %}{% block head %}<title>{{ subject }} / '
        "{{ section_labels.programme }}</title>{% endblock %}",
        encoding="utf-8",
    )
    html = render(data_tree(), house)
    title = "Briefing book — Example talks — Thursday 2 January 2020 / Programme"
    assert f"<title>{title}</title>" in html


#: The values of ``break-before`` that start a new page.
PAGE_BREAKS = {"page", "left", "right", "recto", "verso"}


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_a_theme_starts_a_new_page_exactly_at_its_page_starts(theme: str) -> None:
    """``Theme.page_starts`` says where a book laid out in parts may be cut, and the
    theme's CSS where pages break: they must name the same sections.  (Compact's
    first topic once started a page because a book.css rule outranked compact's.)"""
    weasyprint = pytest.importorskip("weasyprint")
    html = render(EXAMPLE, theme=theme)
    document = weasyprint.HTML(string=html).render()
    sections: dict[str, set[str]] = {}
    breaking: set[str] = set()

    def visit(box: object) -> None:
        element = getattr(box, "element", None)
        children = list(getattr(box, "children", []))
        if element is not None and element.tag == "section" and element.get("id"):
            ident = element.get("id")
            sections[ident] = {ident, *element.get("class", "").split()}
            first = children[0] if children else None
            styles = [box.style] + ([first.style] if first is not None else [])  # type: ignore[attr-defined]
            if any(style["break_before"] in PAGE_BREAKS for style in styles):
                breaking.add(ident)
        for child in children:
            visit(child)

    for page in document.pages:
        visit(page._page_box)
    expected = {i for i, names in sections.items() if names & set(THEMES[theme].page_starts)}
    assert expected, f"no section of the example is named by {THEMES[theme].page_starts}"
    assert breaking == expected
