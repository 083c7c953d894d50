"""Version information from git, ``build --final``, and the date a build is stamped with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.build.meeting import meeting_versions
from briefgen.cli.main import main
from briefgen.errors import BriefgenError, GitError
from briefgen.project.load import load_project
from briefgen.vcs import gitinfo
from briefgen.vcs.gitinfo import VersionInfo, source_date, version_infos

from .gitrepo import GitRepo, base_tree

WHEN = 1_600_000_000


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write(dict(base_tree()))
    repo.write({".gitignore": "*.bak\n", "unrelated.txt": "x"})
    repo.commit("Initial", when=WHEN)
    return repo


def version(repo: GitRepo) -> VersionInfo | None:
    [record] = load_project(repo.top / "delegations").meetings
    return meeting_versions([record])[record.id]


def test_clean_inputs_name_the_latest_commit_touching_them(repo: GitRepo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.write({"unrelated.txt": "changed"})
    repo.commit("Unrelated", when=WHEN + 3600)
    info = version(repo)
    assert info == VersionInfo(first, first[:7], datetime.fromtimestamp(WHEN, UTC), ())
    assert not info.dirty


def test_an_edited_person_file_makes_the_book_a_draft(repo: GitRepo) -> None:
    repo.edit("delegations/people/boris-beta.yaml", "Deputy Minister", "Minister")
    info = version(repo)
    assert info is not None and info.dirty
    assert info.changed == ("delegations/people/boris-beta.yaml",)


def test_an_untracked_delegation_file_makes_the_book_a_draft(repo: GitRepo) -> None:
    text = (repo.top / "delegations/m/away.yaml").read_text(encoding="utf-8")
    repo.write({"delegations/m/away.yaml": None, "delegations/m/abroad.yaml": text})
    repo.edit("delegations/m/meeting.yaml", "[home, away]", "[home, abroad]")
    info = version(repo)
    assert info is not None and info.dirty
    assert info.changed == ("delegations/m/abroad.yaml", "delegations/m/meeting.yaml")


def test_untracked_or_ignored_photo_is_dirty_but_stray_files_are_not(repo: GitRepo) -> None:
    repo.write({"delegations/m/notes.bak": "ignored, not an input"})
    assert version(repo) is not None and not version(repo).dirty  # type: ignore[union-attr]
    repo.write({".gitignore": "*.bak\n*.png\n"})
    repo.commit("Ignore images")
    from .test_diff import png

    repo.write({"delegations/people/photos/b.png": png("red")})
    repo.edit("delegations/people/boris-beta.yaml", "salutation: Mr", "photo: photos/b.png")
    repo.commit("Photo, but the image itself is ignored")
    info = version(repo)
    assert info is not None
    assert info.changed == ("delegations/people/photos/b.png",)


def test_nothing_committed_yet_is_a_draft(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "fresh")
    repo.write(dict(base_tree()))
    info = version(repo)
    assert info is not None
    assert (info.commit, info.dirty) == (None, True)
    assert "delegations/m/meeting.yaml" in info.changed


def test_outside_git_there_is_no_version_and_no_error(tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text("x", encoding="utf-8")
    assert version_infos([[tmp_path / "book.yaml"]])[0] is None


def test_missing_git_inside_a_repository_is_a_clear_error(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitinfo, "git_executable", lambda: None)
    with pytest.raises(GitError, match="'git' command is not installed"):
        version(repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    assert version_infos([[outside]])[0] is None


def test_source_date_prefers_the_environment_then_the_commit() -> None:
    commit = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    clean = VersionInfo("a" * 40, "aaaaaaa", commit, ())
    dirty = VersionInfo("a" * 40, "aaaaaaa", commit, ("x.yaml",))
    assert source_date(clean, {}) == commit
    assert source_date(clean, {"SOURCE_DATE_EPOCH": "86400"}) == datetime(1970, 1, 2, tzinfo=UTC)
    assert source_date(None, {"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=UTC)
    assert source_date(dirty, {}) > commit
    with pytest.raises(BriefgenError, match="SOURCE_DATE_EPOCH='soon' is not a whole number"):
        source_date(None, {"SOURCE_DATE_EPOCH": "soon"})


def test_final_build_refuses_dirty_inputs_and_names_them(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(repo.top / "delegations/m"), "--final", "--format", "html"]
    repo.edit("delegations/m/meeting.yaml", "Example talks", "Example talks, revised")
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 1
    assert "--final builds only from committed inputs" in result.stderr
    assert "delegations/m/meeting.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    repo.commit("Revise the title")
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "m" / "book.html").is_file()


def test_final_build_outside_git_is_refused(tmp_path: Path) -> None:
    for name, text in base_tree().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["build", str(tmp_path / "delegations"), "--final", "--format", "html", "--out", "x"],
    )
    assert result.exit_code == 1
    assert "m: the inputs are not in a git repository" in result.stderr


def test_outside_git_no_git_process_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build outside git asked git three times only to hear "not a git repository"."""
    started: list[tuple[str, ...]] = []
    real_run_git = gitinfo.run_git

    def counting(cwd: Path, *args: str, **kwargs: object) -> object:
        started.append(args)
        return real_run_git(cwd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gitinfo, "run_git", counting)
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    if gitinfo._surely_outside_git(tmp_path):
        assert gitinfo.find_repository(folder) is None
        assert started == []


@pytest.mark.parametrize("where", ["work-tree", "inside-dot-git", "git-dir-variable", "bare"])
def test_git_is_asked_wherever_it_could_find_a_repository(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The short cut never answers for git where git would find a repository."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = {
        "work-tree": repo.top / "delegations",
        "inside-dot-git": repo.top / ".git" / "refs",
        "git-dir-variable": outside,
        "bare": tmp_path / "bare.git",
    }[where]
    if where == "git-dir-variable":
        monkeypatch.setenv("GIT_DIR", str(repo.top / ".git"))
        monkeypatch.setenv("GIT_WORK_TREE", str(repo.top))
    if where == "bare":
        repo.git("clone", "--bare", "-q", str(repo.top), str(folder))
    assert not gitinfo._surely_outside_git(folder)
    asked = gitinfo.run_git(folder, "rev-parse", "--show-toplevel", check=False)
    try:
        found = gitinfo.find_repository(folder)
    except GitError:
        found = None
        assert asked.returncode != 0
    expected = asked.stdout.decode().strip() if asked.returncode == 0 else ""
    assert (str(found.top) if found else "") == (str(Path(expected).resolve()) if expected else "")


def test_versions_of_several_meetings_ask_git_once_each_and_agree_with_one_by_one(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One ``rev-parse`` for the repository and one ``status`` for every input; ``log``
    once per meeting.  Each meeting still gets exactly its own changed files."""
    meeting = (repo.top / "delegations/m/meeting.yaml").read_text(encoding="utf-8")
    home = (repo.top / "delegations/m/home.yaml").read_text(encoding="utf-8")
    away = (repo.top / "delegations/m/away.yaml").read_text(encoding="utf-8")
    repo.write(
        {
            f"delegations/n/{name}": text
            for name, text in [("meeting.yaml", meeting), ("home.yaml", home), ("away.yaml", away)]
        }
    )
    repo.commit("Second meeting", when=WHEN + 60)
    repo.edit("delegations/n/meeting.yaml", "Example talks", "Second talks")
    repo.write({"delegations/m/notes.bak": "ignored, and no input"})
    groups = [[repo.top / "delegations" / name, repo.top / "delegations/people"] for name in "mn"]
    one_by_one = [version_infos([paths])[0] for paths in groups]
    calls: list[str] = []
    real = gitinfo.run_git

    def counted(cwd: Path, *args: str, **kwargs: object) -> object:
        calls.append(args[0])
        return real(cwd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gitinfo, "run_git", counted)
    together = gitinfo.version_infos(groups)
    assert together == one_by_one
    assert sorted(calls) == ["log", "log", "rev-parse", "status"]
    m, n = together
    assert m is not None and not m.dirty
    assert n is not None and n.changed == ("delegations/n/meeting.yaml",)


def test_a_repository_inside_another_is_asked_about_on_its_own(repo: GitRepo) -> None:
    inner = GitRepo(repo.top / "vendor" / "inner")
    inner.write({"a.txt": "a"})
    inner.commit("Inner", when=WHEN + 120)
    outer, nested = gitinfo.version_infos([[repo.top / "unrelated.txt"], [inner.top / "a.txt"]])
    assert outer is not None and nested is not None
    assert nested.commit == inner.git("rev-parse", "HEAD") != outer.commit
