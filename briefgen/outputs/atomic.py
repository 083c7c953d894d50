"""Write outputs atomically, and a meeting's outputs as one set.

:func:`write_set` first writes every file of a meeting to a temporary file
beside its target (flushed to disk), and only when all of them are written
renames them into place.  A failure while writing (a full disk, a read-only
folder, a kill) replaces nothing, so a new ``book.html`` never sits beside an
old ``book.pdf``, nor a register beside the copies of another issue; the
renames that follow take microseconds.  Temporary files carry the writer's
process id, so those left by a killed build are removed by the next one
(:func:`remove_stale_temps`) while a concurrent build's are left alone.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from briefgen.errors import OutputError

_TEMP = re.compile(r"^\..+\.briefgen-(\d+)-[0-9a-f]{8}\.tmp$")


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.briefgen-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files in ``folder`` (and its subfolders) left by dead builds."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.rglob(".*.tmp"):
        match = _TEMP.match(path.name)
        if match and not _alive(int(match.group(1))):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(path)
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_set(files: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Replace every file of ``files`` or, when one cannot be written, none of them.

    Raises :class:`OutputError` that says which outputs were not replaced.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            try:
                staged.append((_stage(path, data), path))
            except OSError as exc:
                names = ", ".join(p.name for p, _ in files)
                raise OutputError(
                    f"{path}: cannot write the file ({exc.strerror}); nothing was replaced, "
                    f"the previous {names} (where there were any) are unchanged"
                ) from exc
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    replaced: list[Path] = []
    for index, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as exc:
            for left, _ in staged[index:]:
                left.unlink(missing_ok=True)
            kept = ", ".join(p.name for _, p in staged[index:])
            done = ", ".join(p.name for p in replaced) or "none"
            raise OutputError(
                f"{path}: cannot replace the file ({exc.strerror}); replaced: {done}; "
                f"NOT replaced (still the previous version): {kept}"
            ) from exc
        replaced.append(path)
    return replaced


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file through a temporary file in the same folder and a rename."""
    write_set([(path, data)])


def check_output_folder(out_dir: Path, paths: Sequence[Path] = ()) -> None:
    """Refuse to write through a link: ``out_dir`` and every folder below it on the way to
    ``paths`` must be a real folder (or not exist yet).

    A ``build`` link committed to a repository would otherwise send a CI build's
    outputs anywhere on the machine.  For a relative ``out_dir`` every part is
    checked; for an absolute one, its last part and what lies below.
    """
    parts = out_dir.parts if not out_dir.is_absolute() else out_dir.parts[-1:]
    start = Path() if not out_dir.is_absolute() else out_dir.parent
    folders = [start.joinpath(*parts[: i + 1]) for i in range(len(parts))]
    for path in paths:
        try:
            below = path.parent.relative_to(out_dir).parts
        except ValueError:
            continue
        folders += [out_dir.joinpath(*below[: i + 1]) for i in range(len(below))]
    for folder in folders:
        if folder.is_symlink():
            raise OutputError(
                f"{folder}: the output folder is a symbolic link (to {os.readlink(folder)}); "
                "briefgen does not write through links: remove the link, or give --out "
                "a real folder"
            )
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder}: is not a folder; give --out a folder")
