"""Where templates come from: the built-in files, a built-in theme and a user folder.

A name such as ``book.html.j2`` is looked up in the user's template folder,
then in the selected theme, then among the built-in files, so a user file
overrides a built-in one of the same name.  Two prefixes reach past the
overrides, so that an override can extend what it replaces:

- ``base/book.html.j2`` is always the built-in default file;
- ``theme/book.html.j2`` is the selected theme's file (or the built-in one).

Template folders may sit in the data folder, which arrives through pull
requests, so every file is read only if it is a regular file that stays,
after following links, inside its folder; the templates run in Jinja's
sandbox (see :mod:`briefgen.render.book`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from briefgen.project.confine import confine
from briefgen.schema.choices import Paper

#: Largest template, stylesheet or catalogue read (bytes).
MAX_TEMPLATE_BYTES = 1_000_000


@dataclass(frozen=True)
class Theme:
    """A built-in look: a folder of files laid over the default templates."""

    name: str
    folder: str | None
    paper: Paper
    summary: str
    #: The ids or classes of the book's sections that begin a new page in print (besides
    #: what follows the contents): a book laid out in parts may be cut there.
    page_starts: tuple[str, ...] = ()


THEMES: MappingProxyType[str, Theme] = MappingProxyType(
    {
        "default": Theme(
            "default",
            None,
            "a4",
            "A4, serif text, topics and biographies run on.",
            page_starts=("first-topic", "biographies"),
        ),
        "compact": Theme(
            "compact",
            "themes/compact",
            "letter",
            "US Letter, sans-serif, dense: topics and biographies run on.",
            page_starts=("delegations",),
        ),
    }
)


def builtin_templates() -> Path:
    """The templates shipped with briefgen (inside the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


@dataclass(frozen=True)
class TemplateSet:
    """The folders a book's templates are read from, most specific first."""

    user: Path | None = None
    theme: str = "default"

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(f"unknown theme '{self.theme}'")

    @property
    def builtin(self) -> Path:
        return builtin_templates()

    @property
    def theme_folder(self) -> Path | None:
        folder = THEMES[self.theme].folder
        return self.builtin / folder if folder else None

    def folders(self) -> list[Path]:
        """User folder, theme folder, built-in folder: the search path for plain names."""
        return [f for f in (self.user, self.theme_folder, self.builtin) if f is not None]

    def theme_folders(self) -> list[Path]:
        """What ``theme/<name>`` searches: the theme, then the built-in files."""
        return [f for f in (self.theme_folder, self.builtin) if f is not None]

    def find(self, name: str) -> Path | None:
        """The file that ``name`` (possibly ``base/`` or ``theme/``) resolves to, if any."""
        prefix, _, rest = name.partition("/")
        if prefix == "base" and rest:
            return _find([self.builtin], rest)
        if prefix == "theme" and rest:
            return _find(self.theme_folders(), rest)
        return _find(self.folders(), name)

    def template_files(self) -> Iterator[Path]:
        """Every template file that can take part in a book (for extracting labels)."""
        seen: set[str] = set()
        for folder in self.folders():
            pattern = "*.j2" if folder == self.builtin else "**/*.j2"
            for path in sorted(folder.glob(pattern)):
                key = f"{folder}:{path.relative_to(folder)}"
                if key not in seen and _confined(folder, path) is not None:
                    seen.add(key)
                    yield path

    def read(self, name: str) -> str:
        """The text of the file ``name`` resolves to; ``TemplateNotFound`` when none does."""
        from jinja2 import TemplateNotFound

        path = self.find(name)
        if path is None:
            raise TemplateNotFound(name)
        return read_template(path)


def _find(folders: list[Path], name: str) -> Path | None:
    from jinja2 import TemplateNotFound
    from jinja2.loaders import split_template_path

    try:
        pieces = split_template_path(name)
    except TemplateNotFound:
        return None
    for folder in folders:
        found = _confined(folder, folder.joinpath(*pieces))
        if found is not None:
            return found
    return None


def _confined(folder: Path, path: Path) -> Path | None:
    """``path`` resolved, if it is a regular file inside ``folder`` after following links."""
    found = confine(folder, path)
    return found if isinstance(found, Path) else None


def read_template(path: Path) -> str:
    """The text of a template file; ``TemplateError`` when it is too large or not UTF-8."""
    from jinja2 import TemplateError

    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            f"{path} is {size:,} bytes, more than the {MAX_TEMPLATE_BYTES:,} a template may have"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{path} is not UTF-8 text") from exc
