"""One rule for every file a build reads: it resolves, links and all, inside its root.

Data arrives through pull requests, so a link anywhere on the way can point
out of the data folder: a meeting folder that is a link to the repository
root lets ``attachments: [{file: .git/config}]`` name a file that resolves
inside the meeting folder's *target*.  :func:`confine` therefore checks the
resolved path of every folder on the way, from the root down, and of the file
itself; hidden names (``.git``, ``.env``) are never data, whether named or
reached through a link.  Everything that reads a file the data names (the YAML
reader, photos, attachments, template folders, the PDF fetcher) goes through
it and then reads the resolved path it returns.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal, NamedTuple

Reason = Literal["outside", "hidden", "missing", "not-file", "loop", "unusable"]


class Refusal(NamedTuple):
    """Why a path was refused, and the detail for the message (an OS error, say)."""

    reason: Reason
    detail: str = ""


def confine(
    root: Path, path: Path, *, within: Path | None = None, folder: bool = False
) -> Path | Refusal:
    """The resolved ``path`` if it is a regular file (or, with ``folder``, a folder)
    inside ``within`` (default ``root``), with every folder on the way inside ``root``.

    ``path`` is absolute or relative to the working folder; it is walked one name at a
    time from ``root``, so a ``..`` or a link that leaves the root at any
    step is refused even if a later step would come back.
    """
    try:
        real_root = root.resolve(strict=True)
        real_within = real_root if within is None else within.resolve(strict=True)
        if not real_within.is_relative_to(real_root):
            return Refusal("outside")
        base = root.absolute()
        full = path.absolute()
        try:
            steps = full.relative_to(base).parts
        except ValueError:
            return Refusal("outside")
        walked = _walk(real_root, base, steps)
        if isinstance(walked, Refusal):
            return walked
        target, mode = walked if walked is not None else (full.resolve(), None)
        if not target.is_relative_to(real_within):
            return Refusal("outside")
        if mode is None:
            mode = target.stat().st_mode
    except FileNotFoundError:
        return Refusal("missing")
    except RuntimeError:
        return Refusal("loop")
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno == 40:  # ELOOP
            return Refusal("loop")
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "invalid path"
        return Refusal("unusable", reason)
    wanted = stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)
    return target if wanted else Refusal("not-file")


def _walk(real_root: Path, base: Path, steps: tuple[str, ...]) -> tuple[Path, int] | Refusal | None:
    """Check each step of ``base/steps`` (see :func:`confine`): the resolved path and its
    mode, a refusal, or ``None`` when the target is still to be resolved.

    While every name so far is a plain folder or file (no link, nothing missing, no
    ``..``), the resolved path is the resolved root joined with the names, so a step
    costs one ``lstat`` instead of resolving the whole path again; from the first
    other name on, each step is resolved from scratch.
    """
    real = str(real_root)
    mode: int | None = None
    plain = True
    current = base
    for name in steps:
        current = current / name
        if name.startswith(".") and name not in (".", ".."):
            return Refusal("hidden")
        if plain and name not in (".", ".."):
            try:
                found = os.lstat(os.path.join(real, name))
            except OSError:
                found = None
            if found is not None and not stat.S_ISLNK(found.st_mode):
                real, mode = os.path.join(real, name), found.st_mode
                continue
        plain = False
        resolved = current.resolve()
        if not resolved.is_relative_to(real_root):
            return Refusal("outside")
        if any(p.startswith(".") for p in resolved.relative_to(real_root).parts):
            return Refusal("hidden")
    if plain and mode is not None:
        return Path(real), mode
    return None


def read_confined(
    root: Path, path: Path, limit: int, *, within: Path | None = None
) -> bytes | Refusal:
    """The bytes of a confined regular file, at most ``limit`` + 1 of them (the caller
    compares with ``limit``), read from its resolved path."""
    found = confine(root, path, within=within)
    if isinstance(found, Refusal):
        return found
    try:
        with found.open("rb") as stream:
            return stream.read(limit + 1)
    except OSError as exc:
        return Refusal("unusable", exc.strerror or "cannot read")
