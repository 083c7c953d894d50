"""The no-op build's short cut: "up to date" told from a record of the last build.

A build that changes nothing still had to import the schema, validate every
file, lint and plan each meeting before it found every output current.  After
a build that succeeded, :func:`record_build` keeps what that took, under
``OUT/.briefgen-cache/uptodate/``, keyed by the whole invocation (the command
line's values, the working folder, ``SOURCE_DATE_EPOCH``, briefgen's version
and place, the PDF engine and the fonts installed):

* a digest of every name and file below the data root, the user's template
  folder and the built-in templates (:func:`tree_digest`), taken *before* the
  build read them, so an edit made while it ran is seen next time;
* the problems the build printed (the warnings), to print them again;
* for each meeting, the inputs git was asked about, the version git gave and
  the date the cover printed, and the key of each output.

:func:`fresh_build` takes the short cut only when all of that is still so:
the same trees byte for byte, git giving the same version (``git`` runs as
in any build, so a commit, a checkout or a change of the DRAFT state is
seen), the same date, and every output still the file the build cache
recorded under the same key (:meth:`BuildCache.stale`).  A tree with a
symbolic link or a special file is never short-cut (what a link reaches is
not the tree's to describe).  Anything missing, unreadable or not sealed by
this user on this machine (:func:`seal`) means a full build, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import briefgen
from briefgen.digest import CACHE_FORMAT, KeyBuilder
from briefgen.errors import BriefgenError, OutputError, Problem
from briefgen.outputs.atomic import check_output_folder, remove_stale_temps, write_atomic
from briefgen.outputs.cache import CACHE_DIR, BuildCache, fonts_fingerprint, seal, sealed
from briefgen.vcs.gitinfo import VersionInfo, source_date, version_infos

#: Values of the command line that never change what a no-op build finds or prints.
_NOT_IN_INVOCATION = frozenset({"force", "jobs", "timeout"})


@dataclass(frozen=True)
class Planned:
    """What a build decided for one meeting: enough to tell later that nothing changed."""

    meeting_id: str
    #: The meeting's output folder.
    folder: Path
    #: The inputs whose git version the cover prints (``briefgen.build.meeting.version_paths``).
    version_paths: tuple[Path, ...]
    version: VersionInfo | None
    #: Every output the options ask for, with its cache key.
    keys: Mapping[str, str]


@dataclass(frozen=True)
class RootRecord:
    """One data root of a build: its trees' digests, its warnings and its meetings."""

    root: Path
    #: Folder → :func:`tree_digest`, each taken before the build read the folder.
    trees: Mapping[str, str]
    problems: Sequence[Problem]
    meetings: Sequence[Planned]


def invocation_key(params: Mapping[str, object], fonts: str | None = None) -> str:
    """The key of one way of calling ``build``: its values and everything around them.

    Around them: the working folder, ``SOURCE_DATE_EPOCH``, briefgen's version
    and place, every Python package installed (a new WeasyPrint changes the
    PDFs' keys) and every font file (the font lint, the PDFs' keys: ``fonts``,
    :func:`fonts_fingerprint` when the caller has it already).
    """
    key = KeyBuilder("invocation").add("briefgen", briefgen.__version__)
    key.add("package", str(Path(briefgen.__file__).resolve().parent))
    key.add("cwd", os.getcwd())
    key.add("source_date_epoch", os.environ.get("SOURCE_DATE_EPOCH", ""))
    key.add("fonts", fonts_fingerprint() if fonts is None else fonts)
    for folder in sys.path:
        key.add("packages", "\n".join(_distributions(folder)))
    for name, value in sorted(params.items()):
        if name not in _NOT_IN_INVOCATION:
            key.add(f"param:{name}", repr(value))
    return key.hexdigest()


def _distributions(folder: str) -> list[str]:
    """The installed distributions in a folder of ``sys.path``: names with their versions."""
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return []
    return sorted(name for name in names if name.endswith((".dist-info", ".egg-info")))


def tree_digest(folder: Path) -> str | None:
    """A digest of every name below ``folder`` and the bytes of every file.

    Hidden entries count by name only: no data or template is ever read from
    one.  ``None`` (no short cut) for a link, a special file or an
    unreadable folder.
    """
    key = KeyBuilder("tree").add("folder", str(folder.resolve()))
    return key.hexdigest() if _add_tree(key, folder, "") else None


def _add_tree(key: KeyBuilder, folder: Path, prefix: str) -> bool:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            name = prefix + entry.name
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                return False
            if entry.name.startswith("."):
                key.add("hidden", name)
            elif stat.S_ISDIR(mode):
                key.add("folder", name)
                if not _add_tree(key, Path(entry.path), name + "/"):
                    return False
            elif stat.S_ISREG(mode):
                key.add_file(Path(entry.path))
            else:
                return False
    except OSError:
        return False
    return True


def tree_digests(folders: Sequence[Path]) -> dict[str, str] | None:
    """:func:`tree_digest` of each folder (by its path); ``None`` when one has none."""
    found = {}
    for folder in folders:
        digest = tree_digest(folder)
        if digest is None:
            return None
        found[str(folder)] = digest
    return found


def _record_path(out_dir: Path, invocation: str) -> Path:
    return out_dir / CACHE_DIR / "uptodate" / f"{invocation}.json"


def record_build(out_dir: Path, invocation: str, roots: Sequence[RootRecord]) -> None:
    """Keep what the build just done found, for :func:`fresh_build`; failures are ignored."""
    body = json.dumps([_root_json(root) for root in roots], sort_keys=True)
    path = _record_path(out_dir, invocation)
    mac = seal(path.parent, invocation.encode(), body.encode())
    if mac is None:
        return
    document = {"format": CACHE_FORMAT, "roots": body, "mac": mac}
    with contextlib.suppress(OutputError):
        write_atomic(path, json.dumps(document).encode())


def _root_json(root: RootRecord) -> dict[str, object]:
    return {
        "root": str(root.root),
        "trees": dict(root.trees),
        "problems": [
            [str(p.file), p.line, p.col, p.message, p.hint, p.code] for p in root.problems
        ],
        "meetings": [
            {
                "id": meeting.meeting_id,
                "folder": str(meeting.folder),
                "paths": [str(path) for path in meeting.version_paths],
                "version": repr(meeting.version),
                "built": source_date(meeting.version).date().isoformat(),
                "keys": dict(meeting.keys),
            }
            for meeting in root.meetings
        ],
    }


@dataclass(frozen=True)
class Replay:
    """What a no-op build shows for one data root: its warnings and its meetings."""

    root: Path
    problems: list[Problem]
    meetings: list[str]


def fresh_build(out_dir: Path, invocation: str) -> list[Replay] | None:
    """The data roots to report as up to date, or ``None``: build (nothing is known, or
    something changed; see the module docstring)."""
    path = _record_path(out_dir, invocation)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        body = document["roots"]
        if document["format"] != CACHE_FORMAT or not isinstance(body, str):
            return None
        if not sealed(path.parent, document["mac"], invocation.encode(), body.encode()):
            return None
        replays = [_fresh_root(out_dir, root) for root in json.loads(body)]
    except (OSError, ValueError, LookupError, TypeError, AttributeError, BriefgenError):
        return None  # a full build says what is wrong, if anything is
    if not replays or any(replay is None for replay in replays):
        return None
    return [replay for replay in replays if replay is not None]


def _fresh_root(out_dir: Path, root: dict[str, Any]) -> Replay | None:
    """The replay of one recorded data root, or ``None`` when something changed."""
    trees = root["trees"]
    if tree_digests([Path(folder) for folder in trees]) != trees:
        return None
    check_output_folder(out_dir)
    cache = BuildCache.under(out_dir)
    versions = version_infos([[Path(p) for p in meeting["paths"]] for meeting in root["meetings"]])
    for meeting, version in zip(root["meetings"], versions, strict=True):
        if repr(version) != meeting["version"]:
            return None
        if source_date(version).date().isoformat() != meeting["built"]:
            return None
        folder = Path(meeting["folder"])
        remove_stale_temps(folder)
        if cache.stale(meeting["id"], folder, meeting["keys"]):
            return None
    return Replay(
        Path(root["root"]),
        [Problem(Path(file), *place) for file, *place in root["problems"]],
        [meeting["id"] for meeting in root["meetings"]],
    )
