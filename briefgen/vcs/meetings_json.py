"""The meetings of a data folder, or those a change touches, as JSON for a CI job matrix.

A summit with many meetings builds across CI runners: one job prints the
meetings (``briefgen meetings --json [--changed-since REV]``) and the
workflow's ``strategy.matrix`` builds each in a job of its own.  Which
meetings a change touches is read from git and from each meeting's inputs:

- a file in a meeting's folder: that meeting;
- a person file or photo in ``people/``: the meetings it is an input of
  (none for a person no meeting lists);
- a file in a meeting folder that no longer exists: no meeting;
- anything else in the data folder (``briefgen.yaml``, templates, label
  catalogues): every meeting.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefgen.errors import GitError
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.config import MEETING_FILE, PEOPLE_DIR
from briefgen.project.load import Project, find_root, load_project, meeting_folders
from briefgen.vcs.gitinfo import changed_files, find_repository, resolve_revision


def list_meetings(
    path: Path, changed_since: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> list[str]:
    """The ids of the meetings below ``path`` (a data folder or one meeting folder), sorted.

    With ``changed_since`` (a git revision), only the meetings whose inputs
    differ between that revision and the working tree.  That needs the
    meetings loaded, so invalid data raises :class:`ValidationFailed` as
    ``check`` would; without it nothing is read but the folder names.
    """
    root, folders = find_root(path)
    selected = folders if folders is not None else meeting_folders(root)
    if changed_since is None:
        return sorted(folder.name for folder in selected)
    changed = changed_paths(root, changed_since)
    if not changed:
        return []
    project = load_project(root, selected, all_people=False, limits=limits)
    return affected_meetings(project, changed)


def changed_paths(root: Path, revision: str) -> set[Path]:
    """Files below ``root`` that differ between ``revision`` and the working tree.

    Modified, added, deleted and untracked files count (ignored ones do not);
    a renamed file counts under both names.
    """
    repo = find_repository(root)
    if repo is None:
        raise GitError(
            f"{root} is not in a git repository; --changed-since compares the data with a "
            "git revision"
        )
    commit = resolve_revision(repo, revision)
    spec = f":(literal){repo.relative(root)}"
    diff = repo.run("diff", "--name-only", "-z", "--no-renames", commit, "--", spec)
    names = set(filter(None, diff.stdout.decode("utf-8", "surrogateescape").split("\0")))
    names.update(changed_files(repo, [spec]))
    return {repo.top / name for name in names}


def affected_meetings(project: Project, changed: Iterable[Path]) -> list[str]:
    """The ids of ``project``'s meetings that any of the ``changed`` files is an input of."""
    root = project.root.resolve()
    changed = {path.resolve() for path in changed}
    direct: set[str] = set()
    everything = False
    for path in changed:
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).parts
        if len(parts) > 1 and parts[0] == PEOPLE_DIR:
            continue  # decided below, by the meetings that use the person
        if len(parts) > 1 and (root / parts[0] / MEETING_FILE).is_file():
            direct.add(parts[0])
        elif len(parts) > 1 and not (root / parts[0]).exists():
            continue  # a meeting folder (or any folder) that was deleted
        else:
            everything = True
    return sorted(
        record.id
        for record in project.meetings
        if everything
        or record.id in direct
        or any(path.resolve() in changed for path in record.input_files())
    )


def meetings_json(ids: Sequence[str]) -> str:
    """``ids`` as one line of JSON, e.g. ``["2017-09-28-ankara"]``, for ``$GITHUB_OUTPUT``."""
    return json.dumps(list(ids), ensure_ascii=False)
