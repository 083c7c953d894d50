"""What the preview shows for each meeting, rebuilt when a file it uses changes.

Books are rendered in memory exactly as ``build`` renders them (the same
options resolver and book function); nothing is written to disk.  A bad edit
never stops the server: every error becomes a page listing what is wrong.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.build.meeting import book_html
from briefgen.errors import BriefgenError, ValidationFailed, display_path
from briefgen.options import BuildOptions, resolve_options
from briefgen.outputs.coverage import lint_kept
from briefgen.project.config import CONFIG_FILE, PEOPLE_DIR
from briefgen.project.load import load_project, meeting_folders
from briefgen.project.themes import builtin_templates

Log = Callable[[str], None]
#: A change that concerns every meeting (a template, the project settings).
EVERY_MEETING = "*"


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: the address, and the book options exactly as ``build`` takes them.

    ``book`` is resolved against each project with the same resolver as a
    build, so the preview shows the book a build writes.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    book: BuildOptions = field(default_factory=BuildOptions)
    #: -1: report failed rebuilds only; 0: every rebuild; 1: every request too.
    verbosity: int = 0
    #: Host names besides the bound address, loopback and this machine's names that
    #: requests may use (``--allow-host``), e.g. a name other machines reach this one by.
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """What the server shows for one meeting: the book, or why there is none."""

    id: str
    folder: Path
    version: int
    title: str
    html: str | None = None
    #: Located problems (``file:line:col: error: message``) or other failures, one per line.
    problems: tuple[str, ...] = ()
    warnings: int = 0
    #: Person ids the book uses; ``None`` when unknown (the load failed).
    people: frozenset[str] | None = None
    #: Every file the book was made from, resolved.
    inputs: frozenset[Path] = frozenset()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.html is not None


def affected_meetings(
    paths: Iterable[Path], pages: Sequence[Page], root: Path, template_dirs: Sequence[Path]
) -> set[str]:
    """The ids of the pages that ``paths`` (changed files, absolute) can change.

    A template or the project settings concern every meeting
    (:data:`EVERY_MEETING` is in the result); a file in a meeting folder
    concerns that meeting; a file under ``people/`` concerns the meetings
    that use the person or photo, and every meeting whose last load failed
    (its people are unknown, and the change may be the fix).  A file in a
    folder that is not yet a known meeting (a new meeting) also yields
    :data:`EVERY_MEETING`, so the caller rescans.
    """
    known = {page.id for page in pages}
    found: set[str] = set()
    for path in paths:
        if any(path.is_relative_to(folder) for folder in template_dirs):
            return {EVERY_MEETING}
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).parts
        if not parts:
            continue
        if len(parts) == 1:
            if parts[0] in (CONFIG_FILE, PEOPLE_DIR) or path.is_dir() or parts[0] in known:
                return {EVERY_MEETING}
            continue
        if parts[0] == PEOPLE_DIR:
            person = Path(parts[1]).stem if len(parts) == 2 else None
            resolved = _resolve(path)
            for page in pages:
                if page.people is None or person in page.people or resolved in page.inputs:
                    found.add(page.id)
        elif parts[0] in known:
            found.add(parts[0])
        else:
            return {EVERY_MEETING}
    return found


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


class Preview:
    """The pages of the served meetings, rebuilt on demand; safe to share between threads."""

    def __init__(
        self,
        root: Path,
        folders: Sequence[Path] | None,
        options: ServeOptions,
        log: Log,
    ) -> None:
        self.root = root
        self.options = options
        self._fixed = list(folders) if folders is not None else None
        self._log = log
        self._pages: dict[str, Page] = {}
        self._version = 0
        self._changed = threading.Condition()
        self._rebuilding = threading.Lock()
        self._closed = False

    @property
    def template_dir(self) -> Path:
        return self.options.book.template_dir or builtin_templates()

    def folders(self) -> list[Path]:
        return list(self._fixed) if self._fixed is not None else meeting_folders(self.root)

    def pages(self) -> list[Page]:
        with self._changed:
            return sorted(self._pages.values(), key=lambda page: page.id)

    def page(self, meeting_id: str) -> Page | None:
        with self._changed:
            return self._pages.get(meeting_id)

    def version(self, channel: str) -> int | None:
        """The version of a meeting's page, or of the index for the channel ``""``."""
        with self._changed:
            if not channel:
                return self._version
            page = self._pages.get(channel)
            return page.version if page else None

    def versions(self) -> dict[str, int]:
        """Every channel's version: the index under ``""``, each meeting's page under its id."""
        with self._changed:
            return {"": self._version, **{key: page.version for key, page in self._pages.items()}}

    def wait(self, channel: str, seen: int | None, timeout: float) -> int | None:
        """Block until ``channel``'s version differs from ``seen`` or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or self.version(channel) != seen, timeout=timeout
            )
            return self.version(channel)

    def close(self) -> None:
        """Wake every waiting event stream so that it can end."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def rebuild_all(self) -> None:
        self.rebuild({EVERY_MEETING})

    def on_change(self, paths: set[Path]) -> None:
        """Rebuild what ``paths`` can have changed (the watcher's callback)."""
        ids = affected_meetings(paths, self.pages(), self.root, [self.template_dir])
        if ids:
            self.rebuild(ids)

    def rebuild(self, ids: set[str]) -> None:
        """Rebuild the given meetings (all, and rescan the folders, for :data:`EVERY_MEETING`)."""
        with self._rebuilding:
            folders = {folder.name: folder for folder in self.folders()}
            wanted = set(folders) if EVERY_MEETING in ids else ids & set(folders)
            built = {meeting_id: self._build(folders[meeting_id]) for meeting_id in sorted(wanted)}
            with self._changed:
                gone = set(self._pages) - set(folders)
                changed = bool(gone)
                for meeting_id in gone:
                    del self._pages[meeting_id]
                for meeting_id, page in built.items():
                    old = self._pages.get(meeting_id)
                    if old is not None and not page.ok:
                        page = replace(page, title=old.title)
                    if old is not None and (old.html, old.problems) == (page.html, page.problems):
                        self._pages[meeting_id] = replace(page, version=old.version)
                        continue
                    self._version += 1
                    self._pages[meeting_id] = replace(page, version=self._version)
                    changed = True
                if changed:
                    self._version += 1
                    self._changed.notify_all()
            for page in built.values():
                self._report(page)

    def _build(self, folder: Path) -> Page:
        start = time.perf_counter()
        page = build_page(self.root, folder, self.options)
        return replace(page, seconds=time.perf_counter() - start)

    def _report(self, page: Page) -> None:
        stamp = time.strftime("%H:%M:%S")
        if page.ok:
            if self.options.verbosity < 0:
                return
            note = f", {page.warnings} warning(s)" if page.warnings else ""
            self._log(f"{stamp} built {page.id} in {page.seconds:.2f} s{note}")
            return
        self._log(f"{stamp} {page.id}: the book could not be built:")
        for line in page.problems:
            self._log(f"  {line}")


def build_page(root: Path, folder: Path, options: ServeOptions) -> Page:
    """Load, validate and render one meeting into a :class:`Page`; never raises for bad input."""
    base = root.parent
    title = folder.name
    people: frozenset[str] | None = None
    inputs: frozenset[Path] = frozenset()
    try:
        book = options.book
        project = load_project(
            root,
            [folder],
            all_people=False,
            limits=book.limits,
            templates=book.template_dir,
            theme=book.theme,
        )
        record = project.meetings[0]
        title = record.meeting.title
        people = frozenset(person.id for person in record.people)
        inputs = frozenset(_resolve(path) for path in record.input_files())
        # The preview always shows the working copy: no git lookups on the hot path.
        html = book_html(project, record, resolve_options(project, book))
        warnings = sum(1 for p in lint_kept(project) if p.severity == "warning")
        return Page(
            folder.name, folder, 0, title, html, warnings=warnings, people=people, inputs=inputs
        )
    except ValidationFailed as exc:
        lines = tuple(p.format(base) for p in exc.problems if p.severity == "error")
        return Page(folder.name, folder, 0, title, problems=lines)
    except BriefgenError as exc:
        problem = f"{display_path(folder, base)}: {exc}"
        return Page(
            folder.name, folder, 0, title, problems=(problem,), people=people, inputs=inputs
        )
    except Exception as exc:
        traceback.print_exc()
        problem = f"internal error in briefgen ({type(exc).__name__}: {exc}); please report it"
        return Page(folder.name, folder, 0, title, problems=(problem,))
