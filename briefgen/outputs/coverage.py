"""The font-coverage answer of the lint (BG413) kept between runs, in the user's cache.

Asking :func:`~briefgen.render.scripts.uncovered` costs a tenth of a second
and more: the bundled fonts' character maps are read with fontTools and
fontconfig lists the charset of every installed font.  A meeting with names
in a script the bundled fonts lack (Persian, Chinese …) paid that on every
build, even after a one-word edit of a Latin biography.

The answer depends only on the characters only the fonts can decide
(:func:`~briefgen.render.scripts.to_ask`), the bundled font files and what
fontconfig sees, all facts of this machine, so it is kept in the user's cache
folder (``~/.cache/briefgen/coverage/``, beside the cache secret) under a key
over exactly those (:func:`coverage_key`): the characters; the path, size
and time of each bundled font file; every file below the font folders and
fontconfig's configuration folders (:data:`~briefgen.outputs.cache.FONT_DIRS`,
the user's ``fontconfig`` folder, the folders a configuration file adds with
``<dir>``), the ``FONTCONFIG_*`` variables and where ``fc-list`` is; and
briefgen's version and place.  A font installed or removed, or a configuration
changed, gives another key, so the answer is derived again.  Each file is
sealed like a cached photo (:func:`~briefgen.outputs.cache.read_sealed`): one
not written here by this user, or changed since, is a miss.  The folder keeps
the :data:`KEPT` answers used last.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import briefgen
from briefgen.digest import KeyBuilder
from briefgen.errors import Problem
from briefgen.lint import check_project
from briefgen.outputs.cache import (
    FONT_DIRS,
    files_below,
    fonts_fingerprint,
    machine_key_path,
    read_sealed,
    stat_line,
    write_sealed,
)
from briefgen.project.load import Project
from briefgen.render.fonts import MissingFonts, bundled_fonts
from briefgen.render.scripts import to_ask, uncovered

#: fontconfig's variables that choose its configuration (and so the fonts it sees).
_FONTCONFIG_VARIABLES = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")
_DIR_ELEMENT = re.compile(r"<dir(\s[^>]*)?>([^<]+)</dir>")
#: Answers kept; a new one beyond them removes those used least recently.
KEPT = 200


def coverage_folder() -> Path:
    """Where the answers are kept: the user's cache folder, beside the cache secret."""
    return machine_key_path().parent / "coverage"


@dataclass
class CoverageCache:
    """:func:`~briefgen.render.scripts.uncovered`, answered from the cache folder when it can."""

    folder: Path = field(default_factory=coverage_folder)
    #: :func:`~briefgen.outputs.cache.fonts_fingerprint`, taken when first needed.
    fonts: str | None = None
    #: Answers derived since the last :meth:`flush`.
    _made: dict[str, bytes] = field(default_factory=dict)

    def uncovered(self, chars: Iterable[str]) -> list[str]:
        """The characters (sorted) that neither a bundled nor an installed font has."""
        asked = to_ask(chars)
        if not asked:
            return []
        if self.fonts is None:
            self.fonts = fonts_fingerprint()
        key = coverage_key(asked, self.fonts)
        data = self._made.get(key) or read_sealed(self.folder, key, ".json")
        answer = _answer(data, asked) if data is not None else None
        if answer is None:
            answer = uncovered(asked)
            self._made[key] = json.dumps(answer).encode()
        else:
            with contextlib.suppress(OSError):
                os.utime(self.folder / f"{key}.json")  # used: kept longer (see :meth:`flush`)
        return answer

    def flush(self) -> None:
        """Keep the answers derived since the last flush; failures are ignored."""
        made, self._made = self._made, {}
        for key, data in made.items():
            write_sealed(self.folder, key, ".json", data)
        if made:
            _prune(self.folder)


def lint_kept(project: Project, fonts: str | None = None) -> list[Problem]:
    """:func:`~briefgen.lint.check_project` with the font lint's answers taken from, and
    kept in, the user's cache (``fonts``: the fonts fingerprint, when the caller has it)."""
    coverage = CoverageCache(fonts=fonts)
    problems = check_project(project, coverage.uncovered)
    coverage.flush()
    return problems


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEPT` answers used last."""
    with contextlib.suppress(OSError):
        kept = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
        for path in kept[:-KEPT]:
            path.unlink(missing_ok=True)


def _answer(data: bytes, asked: list[str]) -> list[str] | None:
    """The stored answer, if it is a list of some of the characters asked (else a miss)."""
    try:
        answer = json.loads(data)
    except ValueError:
        return None
    if not isinstance(answer, list) or not set(answer) <= set(asked):
        return None
    return sorted(answer)


def coverage_key(asked: list[str], fonts: str) -> str:
    """The key of the answer for ``asked``: the characters and every file deciding it
    (``fonts``: :func:`~briefgen.outputs.cache.fonts_fingerprint`)."""
    key = KeyBuilder("coverage").add("briefgen", briefgen.__version__)
    key.add("package", str(Path(briefgen.__file__).resolve().parent))
    key.add("chars", "".join(asked))
    try:
        for font in bundled_fonts():
            key.add("bundled", _stat_line(font.path))
    except MissingFonts:
        key.add("bundled", "absent")
    key.add("fonts", fonts)
    key.add("fc-list", shutil.which("fc-list") or "absent")
    for name in _FONTCONFIG_VARIABLES:
        key.add(f"env:{name}", os.environ.get(name, "\0unset"))
    for folder in _more_font_folders():
        key.add("folder", str(folder))
        for path in files_below(folder):
            key.add("file", _stat_line(path))
    return key.hexdigest()


def _stat_line(path: Path) -> str:
    return stat_line(path) or f"{path}:missing"


def _more_font_folders() -> Iterator[Path]:
    """Folders fontconfig may read that :data:`FONT_DIRS` leaves out: the user's
    configuration and fonts by XDG and the ``<dir>`` folders of its configuration."""
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "fontconfig"
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "fonts"
    known = {Path(folder).expanduser() for folder in FONT_DIRS}
    folders = [config, data]
    for conf in [*_conf_files(Path("/etc/fonts")), *_conf_files(config)]:
        try:
            text = conf.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _DIR_ELEMENT.finditer(text):
            folders.append(Path(match.group(2).strip()).expanduser())
    seen = set()
    for folder in folders:
        inside = any(folder == k or folder.is_relative_to(k) for k in known)
        if folder.is_absolute() and not inside and folder not in seen and folder.is_dir():
            seen.add(folder)
            yield folder


def _conf_files(folder: Path) -> list[Path]:
    return (
        [path for path in files_below(folder) if path.suffix == ".conf"] if folder.is_dir() else []
    )
