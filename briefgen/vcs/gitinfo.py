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
    """A git working tree: ``top`` is its root folder, as git reports it."""

    top: Path

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
    result = run_git(folder, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            return None
        raise GitError(f"git cannot read the repository at {path}: {message}")
    top = result.stdout.decode("utf-8").strip()
    if not top:  # inside .git, or a bare repository: no working tree to version
        return None
    return Repository(Path(top).resolve())


def is_shallow(repo: Repository) -> bool:
    result = repo.run("rev-parse", "--is-shallow-repository")
    return result.stdout.strip() == b"true"


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
    if is_shallow(repo):
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


def version_info(paths: Sequence[Path]) -> VersionInfo | None:
    """The version of the inputs ``paths`` (files or folders), ``None`` outside git.

    Only the inputs inside the repository of ``paths[0]`` count: templates
    installed with briefgen are versioned by briefgen's own version.
    """
    if not paths:
        return None
    repo = find_repository(paths[0])
    if repo is None:
        return None
    relative = _relative_paths(repo, paths)
    if not relative:
        return None
    specs = [f":(literal){path}" for path in relative]
    log = repo.run(
        "log",
        "-1",
        f"--abbrev={SHORT_LENGTH}",
        "--format=%H%x00%h%x00%ct",
        "--",
        *specs,
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
    files = {rel for rel, path in relative.items() if not path.is_dir()}
    shallow = commit is not None and commit in shallow_boundary(repo)
    if shallow:
        date = None  # git would name the cut as the last change of every input
    return VersionInfo(commit, short, date, changed_files(repo, specs, files), shallow)


def shallow_boundary(repo: Repository) -> frozenset[str]:
    """The commits where a shallow clone's history was cut (empty for a full clone).

    ``git log -- paths`` in a shallow clone names the cut as the commit that
    added every file, so its id and date say nothing about the inputs.
    """
    result = repo.run("rev-parse", "--git-path", "shallow", check=False)
    name = result.stdout.decode("utf-8", "surrogateescape").strip()
    if result.returncode != 0 or not name:
        return frozenset()
    path = Path(name) if Path(name).is_absolute() else repo.top / name
    try:
        return frozenset(path.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return frozenset()


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
