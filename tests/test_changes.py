"""The version stamp, the DRAFT watermark and ``build --changes-since`` in the book."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.build.run import build_project
from briefgen.cli.main import main
from briefgen.options import BuildOptions
from briefgen.project.load import load_project

from .gitrepo import GitRepo, base_tree

MEETING = "delegations/m/meeting.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = GitRepo(tmp_path / "repo")
    repo.write(dict(base_tree()))
    repo.commit("Initial", when=1_600_000_000)  # 13 September 2020
    return repo


def html_of(repo: GitRepo, tmp_path: Path, **options: object) -> str:
    project = load_project(repo.top / "delegations")
    [html] = build_project(
        project, BuildOptions(out_dir=tmp_path / "out", format="html", **options)
    )  # type: ignore[arg-type]
    return html.read_text(encoding="utf-8")


def test_clean_inputs_are_stamped_with_the_commit_and_no_draft(
    repo: GitRepo, tmp_path: Path
) -> None:
    short = repo.git("rev-parse", "--short=7", "HEAD")
    html = html_of(repo, tmp_path)
    assert f"Version {short} of 13 September 2020" in html
    assert f'data-version="{short}, 13 September 2020"' in html
    assert '<div class="draft-watermark"' not in html


def test_dirty_inputs_carry_the_draft_watermark_on_every_page(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.edit(MEETING, "Agree a joint statement", "Agree a joint communiqué")
    html = html_of(repo, tmp_path)
    assert "with uncommitted changes" in html
    assert '<div class="draft-watermark" aria-hidden="true">DRAFT</div>' in html
    project = load_project(repo.top / "delegations")
    [pdf] = build_project(project, BuildOptions(out_dir=tmp_path / "pdf", format="pdf"))
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert all("DRAFT" in text for text in pages)


def test_changes_since_adds_a_page_and_change_bars(repo: GitRepo, tmp_path: Path) -> None:
    first = repo.git("rev-parse", "--short=7", "HEAD")
    repo.edit(MEETING, "marking: OFFICIAL", "marking: OFFICIAL-SENSITIVE")
    repo.edit(MEETING, "    end: 11:30\n", "    end: 12:00\n")
    repo.edit(MEETING, "a working group on customs", "a joint working group on customs")
    repo.edit(
        "delegations/people/boris-beta.yaml",
        "office: Deputy Minister",
        "office: First Deputy Minister",
    )
    repo.commit("Late changes", when=1_600_100_000)
    html = html_of(repo, tmp_path, changes_since="HEAD~1")
    page = html.split('<section class="changes" id="changes">', 1)[1].split("</section>", 1)[0]
    assert f"Changes since HEAD~1 ({first}, 2020-09-13)" in page
    assert "The marking has changed:</strong> was OFFICIAL, now OFFICIAL-SENSITIVE" in page
    assert "Restricted talks: was 10:30–11:30, now 10:30–12:00" in page
    assert "<ins>joint</ins>" in page
    assert "office: was Deputy Minister, now First Deputy Minister" in page
    body = html.split("</section>", 1)[1]
    assert re.search(r'<tr class="changed">\s*<td class="time">10:30', body)
    assert re.search(r'<li class="changed">We propose a joint working group', body)
    assert '<li class="changed"><a class="printed" href="#bio-boris-beta">' in body
    assert 'class="bio changed" id="bio-boris-beta"' in body
    assert body.count('class="changed"') == 3  # the row, the point, the delegation line


def test_changes_since_on_the_command_line(repo: GitRepo, tmp_path: Path) -> None:
    repo.edit(MEETING, "Keep the channel open", "Keep the line open")
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(repo.top / "delegations"),
            "--format",
            "html",
            "--out",
            str(tmp_path / "o"),
            "--changes-since",
            "HEAD",
        ],
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "o" / "m" / "book.html").read_text(encoding="utf-8")
    assert "<del>channel</del>" in html and "<ins>line</ins>" in html
    bad = CliRunner().invoke(
        main,
        [
            "build",
            str(repo.top / "delegations"),
            "--format",
            "html",
            "--out",
            str(tmp_path / "o"),
            "--changes-since",
            "no-such-rev",
        ],
    )
    assert bad.exit_code == 1
    assert "unknown revision 'no-such-rev'" in bad.stderr


def test_changes_since_an_invalid_revision_prints_its_located_problems(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.edit(MEETING, "title:", "titel:")
    repo.commit("Break the meeting")
    repo.edit(MEETING, "titel:", "title:")
    args = ["--format", "html", "--out", str(tmp_path / "o"), "--changes-since", "HEAD"]
    built = CliRunner().invoke(main, ["build", str(repo.top / "delegations"), *args])
    diffed = CliRunner().invoke(main, ["diff", "HEAD", str(repo.top / "delegations" / "m")])
    assert built.exit_code == diffed.exit_code == 1
    located = re.compile(r"meeting\.yaml:\d+:\d+: error: .*titel.*\[BG\d+\]")
    assert located.search(diffed.stderr), diffed.stderr
    assert located.search(built.stderr), built.stderr
    assert "problem(s) in the input" not in built.stderr
    assert "at HEAD" in built.stderr
