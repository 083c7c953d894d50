"""Load a meeting as it was at a git revision, through the normal loader.

The meeting folder, ``people/`` (with photos) and ``briefgen.yaml`` are
copied out of git into a temporary folder that mirrors the repository's
layout, and :func:`briefgen.project.load.load_project` reads them there: an old
revision is validated exactly like the working tree, and its problems are
reported against ``REV:path`` so the user can find them with ``git show``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from briefgen.errors import GitError, InvalidAtRevision, Problem, ValidationFailed
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.config import CONFIG_FILE, MEETING_FILE, PEOPLE_DIR
from briefgen.project.load import load_project
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.changeset import Change
from briefgen.vcs.diff import diff_meetings
from briefgen.vcs.gitinfo import Repository, describe_commit, resolve_revision

WORKING_TREE = "working tree"
_BLOB_MODES = {"100644", "100755"}


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, or the working tree (``commit`` is ``None``)."""

    name: str
    commit: str | None = None
    short: str | None = None
    date: datetime | None = None

    @property
    def label(self) -> str:
        """How messages name it: ``HEAD~1 (1a2b3c4)``, or ``the working tree``."""
        if self.commit is None:
            return f"the {WORKING_TREE}"
        return self.name if self.name == self.short else f"{self.name} ({self.short})"


def open_revision(repo: Repository, name: str | None) -> Revision:
    """Resolve a revision the user named; ``None`` is the working tree."""
    if name is None:
        return Revision(WORKING_TREE)
    commit = resolve_revision(repo, name)
    short, date = describe_commit(repo, commit)
    return Revision(name, commit, short, date)


def meeting_path_at(
    repo: Repository, revision: Revision, meeting: str, newer: Revision
) -> str | None:
    """Where the meeting folder ``meeting`` (as in ``newer``) was at ``revision``.

    Follows a renamed meeting folder or data root through git's rename
    detection on ``meeting.yaml``; ``None`` when the meeting did not exist.
    """
    if revision.commit is None:
        return meeting if (repo.top / meeting / MEETING_FILE).is_file() else None
    wanted = f"{meeting}/{MEETING_FILE}"
    if _exists(repo, revision.commit, wanted):
        return meeting
    args = ["diff", "--find-renames", "--name-status", "-z", revision.commit]
    if newer.commit is not None:
        args.append(newer.commit)
    fields = repo.run(*args).stdout.decode("utf-8", "surrogateescape").split("\0")
    for index, status in enumerate(fields):
        if status.startswith("R") and index + 2 < len(fields) and fields[index + 2] == wanted:
            return str(PurePosixPath(fields[index + 1]).parent)
    return None


def meetings_at(repo: Repository, revision: Revision, root: str) -> list[str]:
    """Repository paths of the meeting folders directly below ``root`` in ``revision``."""
    if revision.commit is None:
        folder = repo.top / root
        return sorted(repo.relative(p.parent) for p in folder.glob(f"*/{MEETING_FILE}"))
    base = PurePosixPath(root)
    args = ["ls-tree", "-r", "-z", "--name-only", "--full-tree", revision.commit]
    if root != ".":
        args += ["--", f":(literal){root}"]
    names = repo.run(*args).stdout.decode("utf-8", "surrogateescape").split("\0")
    paths = (PurePosixPath(name) for name in names if name)
    return sorted(
        str(path.parent)
        for path in paths
        if path.name == MEETING_FILE and path.parent.parent == base
    )


def select_meetings(repo: Repository, revision: Revision, path: str) -> tuple[list[str], bool]:
    """The meeting folders ``path`` stands for in ``revision``, and whether it is one meeting.

    ``path`` (relative to the repository) may be a meeting folder or a data
    folder holding meetings; it need not exist in the working tree.
    """
    if revision.commit is None:
        exists = (repo.top / path / MEETING_FILE).is_file()
    else:
        exists = _exists(repo, revision.commit, f"{path}/{MEETING_FILE}")
    if exists:
        return [path], True
    found = meetings_at(repo, revision, path)
    if not found:
        raise GitError(
            f"{path} is neither a meeting folder nor a folder of meetings in {revision.label}; "
            "give the folder that holds meeting.yaml"
        )
    return found, False


def _exists(repo: Repository, commit: str, path: str) -> bool:
    return repo.run("cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0


def _tree_entries(repo: Repository, commit: str, paths: list[str]) -> list[tuple[str, str]]:
    """(object id, path) of every regular file under ``paths`` at ``commit``.

    Symbolic links and submodules are left out: a snapshot never points
    outside itself.
    """
    specs = [f":(literal){path}" for path in paths]
    output = repo.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs).stdout
    entries = []
    for line in output.decode("utf-8", "surrogateescape").split("\0"):
        if not line:
            continue
        meta, path = line.split("\t", 1)
        mode, kind, object_id = meta.split()
        if kind == "blob" and mode in _BLOB_MODES:
            entries.append((object_id, path))
    return entries


def _write_blobs(repo: Repository, entries: list[tuple[str, str]], dest: Path) -> None:
    """Write many blobs with one ``git cat-file --batch``, each only at a checked path.

    Tree entries are whatever the commit's author put there, and git's
    plumbing accepts names such as ``..``, ``.`` or ones holding ``/``: every
    path is checked name by name (:func:`snapshot_path`) and every file is
    created new, never through a link, below ``dest``.
    """
    if not entries:
        return
    targets = [snapshot_path(dest, path) for _, path in entries]
    request = "".join(f"{object_id}\n" for object_id, _ in entries).encode("ascii")
    git = repo.run("cat-file", "--batch", stdin=request).stdout
    offset = 0
    for (object_id, path), target in zip(entries, targets, strict=True):
        end = git.index(b"\n", offset)
        header = git[offset:end].split()
        if len(header) != 3 or header[0].decode("ascii") != object_id:
            raise GitError(f"git cat-file gave an unexpected answer for {path}")
        size = int(header[2])
        start = end + 1
        _create(dest, target, git[start : start + size], path)
        offset = start + size + 1


def snapshot_path(dest: Path, path: str) -> Path:
    """Where the tree entry ``path`` goes below ``dest``; :class:`GitError` if it could leave."""
    names = path.split("/")
    if any(name in ("", ".", "..") or "\0" in name or "\\" in name for name in names):
        raise GitError(
            f"the revision holds a file named {path!r}, which is not a plain path; "
            "it cannot be read safely (was the commit crafted?)"
        )
    return dest.joinpath(*names)


def _create(dest: Path, target: Path, data: bytes, path: str) -> None:
    """Write a new file at ``target``: its folders are made here, never followed as links."""
    try:
        folder = dest
        for name in target.relative_to(dest).parts[:-1]:
            folder = folder / name
            if not folder.is_dir() or folder.is_symlink():
                folder.mkdir()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        descriptor = os.open(target, flags, 0o644)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise GitError(
            f"the revision's file {path!r} cannot be written to the snapshot "
            f"({exc.strerror}); is the commit's tree malformed?"
        ) from exc


def _relabel(problem: Problem, tree: Path, revision: Revision) -> Problem:
    try:
        relative = problem.file.relative_to(tree).as_posix()
    except ValueError:
        return problem
    return dataclasses.replace(problem, file=Path(f"{revision.name}:{relative}"))


@contextmanager
def meeting_at(
    repo: Repository,
    revision: Revision,
    meeting: str,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[MeetingRecord]:
    """The validated meeting at repository path ``meeting`` in ``revision``.

    For a commit, the files live in a temporary folder until the block ends.
    Raises :class:`ValidationFailed` with problems located at ``REV:path``.
    """
    if revision.commit is None:
        try:
            record = _load(repo.top / meeting, limits)
        except ValidationFailed as exc:
            raise InvalidAtRevision(exc.problems, revision.label) from None
        yield record
        return
    root = str(PurePosixPath(meeting).parent)
    prefix = "" if root == "." else f"{root}/"
    paths = [meeting, f"{prefix}{PEOPLE_DIR}", f"{prefix}{CONFIG_FILE}"]
    with tempfile.TemporaryDirectory(prefix="briefgen-rev-") as temp:
        tree = Path(temp).resolve()
        _write_blobs(repo, _tree_entries(repo, revision.commit, paths), tree)
        try:
            record = _load(tree / meeting, limits)
        except ValidationFailed as exc:
            problems = [_relabel(p, tree, revision) for p in exc.problems]
            raise InvalidAtRevision(problems, revision.label) from None
        yield record


def _load(folder: Path, limits: Limits) -> MeetingRecord:
    if not (folder / MEETING_FILE).is_file():
        raise GitError(f"{folder}: there is no {MEETING_FILE} here")
    project = load_project(folder.parent, [folder], all_people=False, limits=limits)
    [record] = project.meetings
    return record


def compare_meeting(
    repo: Repository,
    old: Revision,
    new: Revision,
    meeting: str,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Change] | None:
    """The changes of the meeting at repository path ``meeting`` (as in ``new``) from ``old``.

    ``None`` when the meeting did not exist at ``old``.
    """
    before = meeting_path_at(repo, old, meeting, new)
    if before is None:
        return None
    with meeting_at(repo, old, before, limits) as a, meeting_at(repo, new, meeting, limits) as b:
        return diff_meetings(a, b)
