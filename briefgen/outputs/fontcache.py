"""Static instances of the bundled variable fonts, made once per user and kept on disk.

Given a variable font, WeasyPrint makes a static font of each weight it used
with fontTools for every PDF it writes (0.1-0.2 s of CPU a PDF, a third of
the Python calls of a 12-person book).  Static instances of the weights
briefgen's templates use (:data:`briefgen.render.fonts.STATIC_WEIGHTS`) are
made here instead, once, and kept in the user's cache folder beside the build
cache's secret (``~/.cache/briefgen/fonts/``, or ``$BRIEFGEN_FONT_CACHE``);
WeasyPrint then only subsets them.  Making one takes 2-4 s (fontTools merges
the kerning of all 3 830 glyphs), so the first PDF after installing briefgen
or fontTools is that much slower.

An instance is named by the digest of the variable font's bytes, the axis
values and the fontTools version, and its bytes depend on nothing else (the
``head`` table keeps the variable font's dates), so every machine and every
build gets the same file and the same PDF.  A file is written under another
name and renamed into place, so a build that is stopped never leaves half of
one; parallel builds wait for the one making it (a lock file beside it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import fontTools

from briefgen.digest import KeyBuilder
from briefgen.outputs.cache import machine_key_path
from briefgen.outputs.fontuse import FontUse
from briefgen.render.fonts import STATIC_WEIGHTS, BundledFont, FontFace, bundled_fonts

#: Changes when the way an instance is made changes (the cached files are then made again).
_RECIPE = "static-wght-wdth100-v1"


def pdf_font_faces(use: FontUse) -> tuple[FontFace, ...]:
    """The ``@font-face`` rules of a PDF: static instances of the families it uses, in the
    usual weights and those its styles name, and the variable font of the other bundled
    families (for text the styles do not show, e.g. an SVG image)."""
    wanted = [
        (font, weight)
        for font in bundled_fonts()
        if font.family in use.families
        for weight in sorted({*STATIC_WEIGHTS[font.style], *use.weights})
    ]
    paths = static_instances(wanted)
    faces = [
        FontFace(f.family, f.style, f.path) for f in bundled_fonts() if f.family not in use.families
    ]
    faces += [
        FontFace(f.family, f.style, path, w) for (f, w), path in zip(wanted, paths, strict=True)
    ]
    return tuple(faces)


def font_cache_dir() -> Path:
    """Where the instances are kept: ``$BRIEFGEN_FONT_CACHE``, else beside the cache secret."""
    return Path(os.environ.get("BRIEFGEN_FONT_CACHE") or machine_key_path().parent / "fonts")


def static_instances(wanted: Sequence[tuple[BundledFont, int]]) -> list[Path]:
    """The static font of each (variable font, weight), normal width; those not kept yet are
    made now, shared with the builds running beside this one (see :func:`_make_missing`)."""
    names = [_instance_key(font.path, weight) + ".ttf" for font, weight in wanted]
    jobs = [(font.path, weight, name) for (font, weight), name in zip(wanted, names, strict=True)]
    folder = font_cache_dir()
    try:
        _make_missing(folder, jobs)
    except OSError:  # no writable cache folder: made for this process only
        folder = _private_folder()
        _make_missing(folder, jobs)
    return [folder / name for name in names]


def _make_missing(folder: Path, jobs: Sequence[tuple[Path, int, str]]) -> None:
    """Make each missing instance in ``folder``: first those no other process is making,
    then, waiting for their locks, those another was making (each made once, in parallel)."""
    missing = [job for job in jobs if not (folder / job[2]).is_file()]
    if not missing:
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for wait in (False, True):
        for source, weight, name in missing:
            target = folder / name
            with _locked(folder / (name + ".lock"), wait) as held:
                if held and not target.is_file():
                    _write_instance(source, weight, target)


def _instance_key(source: Path, weight: int) -> str:
    return (
        KeyBuilder("font-instance")
        .add("recipe", _RECIPE)
        .add("fonttools", fontTools.version)
        .add("source", _digest(source))
        .add("wght", str(weight))
        .hexdigest()
    )


@lru_cache(maxsize=8)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_instance(source: Path, weight: int, target: Path) -> None:
    """Instance ``source`` at ``weight`` with fontTools and write it to ``target`` atomically."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(source)
    instantiateVariableFont(font, {"wght": weight, "wdth": 100}, inplace=True, static=True)
    font.recalcTimestamp = False  # keep the variable font's dates: the same bytes every time
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            font.save(stream)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _locked(path: Path, wait: bool) -> Iterator[bool]:
    """Hold an exclusive lock on ``path``: True once held, False when another process holds it
    and ``wait`` is False.  Without ``fcntl`` (not POSIX) there is no lock: always True."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield True
        return
    with path.open("a") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)


@lru_cache(maxsize=1)
def _private_folder() -> Path:
    """A folder for this process's instances when the cache folder cannot be made."""
    return Path(tempfile.mkdtemp(prefix="briefgen-fonts-"))
