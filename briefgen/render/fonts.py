"""The typefaces shipped with briefgen: Noto Serif and Noto Sans, installed by pip.

The fonts come from the ``fontpkg-noto-serif`` and ``fontpkg-noto-sans``
packages (the upstream variable TrueType files, unmodified, under the SIL
Open Font License 1.1).  They cover Latin, Cyrillic and Greek (Turkish
included), so a book's text in those scripts is set in the same fonts on
every machine whatever fontconfig has installed.  WeasyPrint loads them with
``@font-face`` rules (see :func:`font_face_css`) through the sandboxed
fetcher, which may read exactly the files declared (see :mod:`briefgen.outputs.pdf`).
A family the document uses is declared as static instances of the variable
fonts, one file a weight (:data:`STATIC_WEIGHTS`, made once and kept by
:mod:`briefgen.outputs.fontcache`); any other as the variable file itself.

The family names below are the ones ``templates/theme.css`` asks for; they
differ from the system's "Noto Serif" so that fontconfig can never
substitute an installed font of the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class BundledFont:
    """One font file and the ``@font-face`` descriptors it is declared with."""

    family: str
    style: str
    path: Path


#: (CSS family name, Python package, file name, font-style)
_FACES = (
    ("briefgen Noto Serif", "fontpkg_noto_serif", "NotoSerif[wdth,wght].ttf", "normal"),
    ("briefgen Noto Serif", "fontpkg_noto_serif", "NotoSerif-Italic[wdth,wght].ttf", "italic"),
    ("briefgen Noto Sans", "fontpkg_noto_sans", "NotoSans[wdth,wght].ttf", "normal"),
    ("briefgen Noto Sans", "fontpkg_noto_sans", "NotoSans-Italic[wdth,wght].ttf", "italic"),
)


class MissingFonts(RuntimeError):
    """The font packages briefgen depends on are not installed (a broken installation)."""


@lru_cache(maxsize=1)
def bundled_fonts() -> tuple[BundledFont, ...]:
    """The bundled font files; :class:`MissingFonts` when a package or file is missing."""
    fonts = []
    for family, package, name, style in _FACES:
        try:
            folder = Path(str(resources.files(package))) / "files"
        except ModuleNotFoundError as exc:
            raise MissingFonts(
                f"the font package '{package}' is not installed; "
                "reinstall briefgen (pip install briefgen) to get its fonts"
            ) from exc
        path = (folder / name).resolve()
        if not path.is_file():
            raise MissingFonts(f"the font file {path} is missing; reinstall '{package}'")
        fonts.append(BundledFont(family, style, path))
    return tuple(fonts)


#: The weights of each style made as static fonts for a family a document uses: those
#: briefgen's templates set (400, semibold 600 and bold 700; bold italic for Markdown's
#: ``***``).  Weights a house style names are made too (:mod:`briefgen.outputs.fontuse`);
#: one reached only by ``bolder`` (bold text inside semibold) is drawn with the nearest.
STATIC_WEIGHTS = {"normal": (400, 600, 700), "italic": (400, 700)}


@dataclass(frozen=True)
class FontFace:
    """One ``@font-face`` rule: a font file, and its weight when it has only one."""

    family: str
    style: str
    path: Path
    weight: int | None = None


def font_face_css(faces: Sequence[FontFace]) -> str:
    """``@font-face`` rules for ``faces`` as ``file:`` URLs."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.as_uri()}"); '
        f"font-style: {face.style};"
        + (f" font-weight: {face.weight};" if face.weight is not None else "")
        + " }"
        for face in faces
    )


@lru_cache(maxsize=1)
def bundled_coverage() -> frozenset[int]:
    """Code points every bundled family has (regular and italic alike)."""
    from fontTools.ttLib import TTFont

    common: set[int] | None = None
    for font in bundled_fonts():
        with TTFont(font.path, lazy=True) as face:
            points = set(face.getBestCmap())
        common = points if common is None else common & points
    return frozenset(common or ())
