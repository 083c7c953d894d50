"""What git knows about a meeting's inputs: the commit they come from, and whether they are dirty.

Git is reached through the ``git`` command, never a library, so briefgen
sees exactly what the user's ``git`` sees (configuration, worktrees, safe
directories).  Outside a repository there is simply no version information;
inside one, every failure of git (a missing binary, an unknown revision, a
shallow clone that lacks a commit) becomes a :class:`GitError` with a
sentence saying what to do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from briefgen.errors import BriefgenError, GitError

SHORT_LENGTH = 7


@dataclass(frozen=True)
class VersionInfo:
    """The version of a meeting's inputs, for the cover, the footer and ``--final``.

    ``commit``/``short``/``date`` name the latest commit touching any input
    (``None`` when no input has been committed yet).  ``changed`` lists the
    inputs, relative to the repository root, that differ from that commit:
    modified, added, deleted, untracked or ignored by ``.gitignore``.
    """

    commit: str | None
    short: str | None
    date: datetime | None
    changed: tuple[str, ...] = ()
    #: A shallow clone cut the history at ``commit``: the inputs may have last changed
    #: long before, so ``date`` is unknown (``None``) rather than the cut's date.
    shallow: bool = False

    @property
    def dirty(self) -> bool:
        """True when the book would not be the book of ``commit``: print it as a DRAFT."""
        return bool(self.changed) or self.commit is None


@dataclass(frozen=True)
class Repository:
    """A git working tree: ``top`` is its root folder, as git reports it.

    ``shallow`` and ``cut`` are read with it (:func:`find_repository`): whether the clone
    is shallow, and the commits where its history was cut (empty for a full clone).
    ``git log -- paths`` in a shallow clone names the cut as the commit that added every
    file, so its id and date say nothing about the inputs.
    """

    top: Path
    shallow: bool = False
    cut: frozenset[str] = frozenset()

    def relative(self, path: Path) -> str:
        """``path`` as a pathspec relative to the root, with '/' separators."""
        return path.resolve().relative_to(self.top).as_posix()

    def run(
        self, *args: str, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return run_git(self.top, *args, check=check, stdin=stdin)


def git_executable() -> str | None:
    return shutil.which("git")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"})
    return env


def run_git(
    cwd: Path, *args: str, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd``; with ``check``, a failure is a :class:`GitError`."""
    git = git_executable()
    if git is None:
        raise GitError(
            "the 'git' command is not installed or not on PATH; install git "
            "(e.g. apt-get install git) to use versions"
        )
    try:
        result = subprocess.run(
            [git, *args], cwd=cwd, input=stdin, capture_output=True, env=_environment(), check=False
        )
    except OSError as exc:
        raise GitError(f"could not run git ({exc.strerror}); check the git installation") from exc
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or "no message"
        raise GitError(f"git {args[0]} failed in {cwd}: {message}")
    return result


def _inside_git_folder(folder: Path) -> bool:
    """A cheap check that needs no git binary: is there a ``.git`` above ``folder``?"""
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


#: Variables that point git at a repository wherever it runs.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR")


def _surely_outside_git(folder: Path) -> bool:
    """Whether git would find no repository from ``folder``, told without running it: no
    ``.git`` (folder or file) at or above it, no folder on the way that is itself a git
    directory (``HEAD`` and ``objects/``), and no variable naming a repository."""
    if any(name in os.environ for name in _REPOSITORY_VARIABLES):
        return False
    return not any(
        (parent / ".git").exists()
        or ((parent / "HEAD").is_file() and (parent / "objects").is_dir())
        for parent in (folder, *folder.parents)
    )


def find_repository(path: Path) -> Repository | None:
    """The working tree containing ``path``, or ``None`` outside git.

    Raises :class:`GitError` when the folder is in a repository but git cannot
    tell (git missing, repository unreadable, "dubious ownership").
    """
    folder = path.resolve()
    folder = folder if folder.is_dir() else folder.parent
    if git_executable() is None:
        if _inside_git_folder(folder):
            raise GitError(
                f"{path} is in a git repository but the 'git' command is not installed; "
                "install git, or build from a copy outside the repository"
            )
        return None
    if _surely_outside_git(folder):
        return None  # what git would say, without starting it (a build asked three times)
    # One process for the three answers, the working tree's root last: an old git prints
    # nothing for it inside .git.
    result = run_git(
        folder,
        "rev-parse",
        "--is-shallow-repository",
        "--git-path",
        "shallow",
        "--show-toplevel",
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            return None
        raise GitError(f"git cannot read the repository at {path}: {message}")
    lines = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 3 or not lines[2].strip():  # inside .git, or a bare repository
        return None
    shallow = lines[0].strip() == "true"
    return Repository(
        Path(lines[2].strip()).resolve(),
        shallow,
        _cut(folder / lines[1].strip()) if shallow else frozenset(),
    )


def _cut(path: Path) -> frozenset[str]:
    """The commits listed in a shallow clone's ``shallow`` file."""
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return frozenset()


def resolve_revision(repo: Repository, revision: str) -> str:
    """The full commit id ``revision`` names, or a :class:`GitError` saying why not."""
    result = repo.run(
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{revision}^{{commit}}",
        check=False,
    )
    if result.returncode == 0:
        return result.stdout.decode("ascii").strip()
    if repo.shallow:
        raise GitError(
            f"revision '{revision}' is not in this clone, which is shallow (it holds only "
            "recent history); fetch the full history with 'git fetch --unshallow' "
            "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
        )
    raise GitError(
        f"unknown revision '{revision}': it names no commit in {repo.top}; "
        "give a commit id, a branch, a tag or e.g. HEAD~1 (see 'git log')"
    )


def describe_commit(repo: Repository, commit: str) -> tuple[str, datetime]:
    """The short id and commit date of a full commit id."""
    result = repo.run("show", "-s", f"--abbrev={SHORT_LENGTH}", "--format=%h%x00%ct", commit)
    short, seconds = result.stdout.decode("ascii").strip().split("\x00")
    return short, datetime.fromtimestamp(int(seconds), UTC)


def _relative_paths(repo: Repository, paths: Iterable[Path]) -> dict[str, Path]:
    relative = {}
    for path in paths:
        try:
            relative[repo.relative(path)] = path
        except ValueError:
            continue  # outside this repository (e.g. installed templates): versioned elsewhere
    return dict(sorted(relative.items()))


def version_infos(groups: Sequence[Sequence[Path]]) -> list[VersionInfo | None]:
    """The version of each group of inputs (files or folders: a meeting's), ``None`` for a
    group outside git.  Only the inputs inside the repository of a group's first path
    count: templates installed with briefgen are versioned by briefgen's own version.

    Git is asked as little as it can be: once for each repository, ``git log`` once per
    group, and ``git status`` once for all the groups in a repository, its answer shared
    out by path.
    """
    found: list[Repository] = []
    repos = [_repository_of(paths[0], found) if paths else None for paths in groups]
    relatives = [
        _relative_paths(repo, paths) if repo is not None else {}
        for repo, paths in zip(repos, groups, strict=True)
    ]
    changed: dict[Path, tuple[str, ...]] = {}
    for repo in found:
        mine = [rels for r, rels in zip(repos, relatives, strict=True) if r is repo]
        union = {rel for rels in mine for rel in rels}
        files = {rel for rels in mine for rel, path in rels.items() if not path.is_dir()}
        if union:
            changed[repo.top] = changed_files(repo, _specs(sorted(union)), files)
    return [
        _version(repo, relative, changed[repo.top]) if repo is not None and relative else None
        for repo, relative in zip(repos, relatives, strict=True)
    ]


def _repository_of(path: Path, found: list[Repository]) -> Repository | None:
    """The repository of ``path``: one of ``found`` when ``path`` is plainly inside it
    (no ``.git`` on the way down, no variable naming a repository), else asked of git
    (and added to ``found``)."""
    folder = path.resolve()
    folder = folder if folder.is_dir() else folder.parent
    if not any(name in os.environ for name in _REPOSITORY_VARIABLES):
        for known in found:
            if folder.is_relative_to(known.top) and not any(
                (parent / ".git").exists()
                for parent in (folder, *folder.parents)
                if parent != known.top and parent.is_relative_to(known.top)
            ):
                return known
    repo = find_repository(path)
    if repo is None:
        return None
    same = next((known for known in found if known.top == repo.top), None)
    if same is None:
        found.append(repo)
    return same or repo


def _specs(relative: Sequence[str]) -> list[str]:
    return [f":(literal){path}" for path in relative]


def _version(repo: Repository, relative: dict[str, Path], changed: Sequence[str]) -> VersionInfo:
    """The version of one group of inputs (paths relative to the root) in ``repo``, given
    what ``git status`` said about every input of the repository."""
    log = repo.run(
        "log",
        "-1",
        f"--abbrev={SHORT_LENGTH}",
        "--format=%H%x00%h%x00%ct",
        "--",
        *_specs(list(relative)),
        check=False,
    )
    commit = short = None
    date = None
    text = log.stdout.decode("ascii").strip()
    if log.returncode == 0 and text:
        commit, short, seconds = text.split("\x00")
        date = datetime.fromtimestamp(int(seconds), UTC)
    elif log.returncode != 0 and b"does not have any commits" not in log.stderr:
        message = log.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git log failed in {repo.top}: {message}")
    shallow = commit is not None and commit in repo.cut
    if shallow:
        date = None  # git would name the cut as the last change of every input
    own = tuple(
        path
        for path in changed
        if any(path == rel or path.startswith(rel.rstrip("/") + "/") for rel in relative)
    )
    return VersionInfo(commit, short, date, own, shallow)


def changed_files(
    repo: Repository, specs: Sequence[str], files: set[str] | frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Inputs that differ from HEAD: modified, staged, deleted or untracked.

    An ignored file counts only when it is itself an input (``files``): a
    photo kept out of git makes the book unreproducible, an editor's backup
    file next to the templates does not.
    """
    result = repo.run(
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignored=matching",
        "--no-renames",
        "--",
        *specs,
    )
    changed = set()
    for entry in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(entry) <= 3:
            continue
        status, path = entry[:2], entry[3:]
        if status != "!!" or path in files:
            changed.add(path)
    return tuple(sorted(changed))


def source_date(version: VersionInfo | None, environ: Mapping[str, str] | None = None) -> datetime:
    """The date a build is stamped with, so the same inputs give the same bytes.

    ``SOURCE_DATE_EPOCH`` wins when set (the reproducible-builds convention);
    otherwise the commit date of clean inputs; otherwise (outside git, or a
    draft) the current time.
    """
    env = os.environ if environ is None else environ
    value = env.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return _epoch(value)
    if version is not None and not version.dirty and version.date is not None:
        return version.date
    return datetime.now(UTC).replace(microsecond=0)


#: The last second of year 9999: later dates cannot be written in a PDF or a calendar.
_LAST_EPOCH = 253_402_300_799


def _epoch(value: str) -> datetime:
    """``SOURCE_DATE_EPOCH`` as a date, or a :class:`BriefgenError` that says what is wrong."""
    shown = repr(value if len(value) <= 40 else value[:37] + "...")
    if re.fullmatch(r"[0-9]{1,20}", value) is None or int(value) > _LAST_EPOCH:
        raise BriefgenError(
            f"SOURCE_DATE_EPOCH={shown} is not a whole number of seconds from 1970 to the "
            "year 9999; set it to e.g. the output of 'git log -1 --format=%ct', or unset it"
        )
    return datetime.fromtimestamp(int(value), UTC)
