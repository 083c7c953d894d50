"""One meeting's outputs in memory: the book (one function for build, preview, editions and
copies), its PDF, the protocol material and numbered copies; nothing is written here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from briefgen.build.layout import Layout, lay_out_pdf
from briefgen.errors import RenderError, UncommittedInputs
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.outputs.cache import PartCache, pdf_key
from briefgen.project.confine import Refusal, read_confined
from briefgen.project.load import Project
from briefgen.project.themes import THEMES, builtin_templates
from briefgen.protocol.editions import book_marking, select
from briefgen.render.book import BuildInfo, ChangeMarks, Copy, make_environment, render_book
from briefgen.render.budget import render_budget
from briefgen.render.i18n import upper
from briefgen.render.photos import PhotoStore
from briefgen.schema.models import Edition
from briefgen.schema.records import MeetingRecord
from briefgen.vcs.gitinfo import VersionInfo, source_date, version_infos

if TYPE_CHECKING:
    from briefgen.outputs.pdf import PdfAttachment
from briefgen.options import BuildOptions, edition_of
from briefgen.project.config import asset_folders

#: ``report(output, detail)``: an output starts (``detail`` empty) or a PDF reached a page.
StepReport = Callable[[str, str], None]


def _no_report(output: str, detail: str) -> None:
    """The default :data:`StepReport`: nobody is listening."""


def output_folder(out_dir: Path, record: MeetingRecord, edition: str | None = None) -> Path:
    """``OUT/<meeting-id>/``, or ``OUT/<meeting-id>/edition-<name>/`` for an edition."""
    folder = out_dir / record.id
    return folder / f"edition-{edition}" if edition else folder


def edition_record(
    project: Project, record: MeetingRecord, edition: Edition | None
) -> MeetingRecord:
    """The meeting as ``edition`` sees it: only its items, marked with the computed marking."""
    marking = book_marking(record.meeting, edition, project.config)
    audiences = frozenset(edition.audiences) if edition else None
    return dataclasses.replace(record, meeting=select(record.meeting, audiences, marking))


def read_attachments(record: MeetingRecord, limits: Limits = DEFAULT_LIMITS) -> list[PdfAttachment]:
    """The attachments' bytes, confined again to the meeting folder (see :mod:`.confine`)."""
    if not record.attachments:
        return []  # without importing WeasyPrint here: the book may be laid out elsewhere
    from briefgen.outputs.pdf import PdfAttachment

    found = []
    for attachment in record.attachments:
        data = read_confined(
            record.folder.parent, attachment.path, limits.attachment_bytes, within=record.folder
        )
        if isinstance(data, Refusal):
            raise RenderError(
                f"{attachment.path}: the attachment is no longer a file in the meeting folder"
            )
        if len(data) > limits.attachment_bytes:
            raise RenderError(f"{attachment.path}: the attachment grew past the size limit")
        found.append(PdfAttachment(attachment.name, data, attachment.description))
    return found


def describe_build(version: VersionInfo | None) -> BuildInfo:
    """The version line's facts: the build's date and, inside git, the commit and DRAFT state."""
    if version is None:
        return BuildInfo(built=source_date(version).date())
    return BuildInfo(
        built=source_date(version).date(),
        commit=version.short,
        committed=version.date.date() if version.date else None,
        draft=version.dirty,
    )


class PdfMemo:
    """PDFs whose HTML is unchanged are taken from the last build instead of laid out again."""

    def __init__(self, facts: tuple[str, ...], reusable: dict[str, bytes]) -> None:
        self.facts = facts
        self.reusable = reusable
        #: SHA-256 of each PDF made or reused → the key of its HTML.
        self.made: dict[str, str] = {}

    def pdf(self, html: str, render: Callable[[str], Future[bytes]]) -> Future[bytes]:
        """The PDF of ``html`` from the last build, else ``render(html)``; noted once made."""
        key = pdf_key(html, *self.facts)
        data = self.reusable.get(key)
        if data is not None:
            made: Future[bytes] = Future()
            made.set_result(data)
        else:
            made = render(html)
        made.add_done_callback(lambda f: self._note(f, key))
        return made

    def _note(self, made: Future[bytes], key: str) -> None:
        if made.exception() is None:
            self.made[hashlib.sha256(made.result()).hexdigest()] = key


def book_html(
    project: Project,
    record: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None = None,
    *,
    changes: ChangeMarks | None = None,
    copy: Copy | None = None,
    photo_cache: PhotoStore | None = None,
    code_cache: jinja2.BytecodeCache | None = None,
) -> str:
    """The book of one meeting as HTML: the one rendering path of build, preview and copies.

    ``options`` come from :func:`briefgen.options.resolve_options`; the
    edition they name (if any) chooses the items and the computed marking.
    ``code_cache`` keeps the compiled templates between builds.
    """
    edition = edition_of(project, options.edition)
    view = edition_record(project, record, edition)
    env = make_environment(options.template_dir, options.theme or "default", code_cache)
    with render_budget(options.timeout, options.limits.render_chars):
        return render_book(
            view,
            env,
            options.render,
            describe_build(version),
            changes,
            edition_label=(edition.label or "") if edition else "",
            copy=copy,
            photo_cache=photo_cache,
        )


def render_outputs(
    project: Project,
    record: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None = None,
    photo_cache: PhotoStore | None = None,
    pdf_memo: PdfMemo | None = None,
    report: StepReport = _no_report,
    wanted: Collection[str] | None = None,
    layout: Layout | None = None,
    part_cache: PartCache | None = None,
    code_cache: jinja2.BytecodeCache | None = None,
) -> list[tuple[Path, bytes]]:
    """The files of one meeting as (path, content) pairs, nothing written yet.

    ``report(output, "")`` is called as each output starts, and
    ``report("", "page N")`` (then "writing the PDF") while a PDF is laid out.
    ``wanted`` names the files to make among those the format writes (default: all).
    With a pool in ``layout``, the place cards and pocket list are laid out
    there while the book's parts are; ``part_cache`` keeps the parts and ``code_cache``
    the compiled templates between builds.
    """
    edition = edition_of(project, options.edition)
    view = edition_record(project, record, edition)
    folder = output_folder(options.out_dir, record, edition.name if edition else None)
    build = describe_build(version)
    pdf = _pdf_function(project, view, options, version, pdf_memo, report, layout, part_cache)
    if options.format == "ics":
        from briefgen.render.ics import programme_ics

        report("programme.ics", "")
        return [(folder / "programme.ics", programme_ics(record.id, view.meeting, build.built))]
    if options.recipients is not None:
        report("copies", "")
        return numbered_copies(project, record, options, version, folder, pdf)
    env = make_environment(options.template_dir, options.theme or "default", code_cache)
    # With a pool, the place cards and pocket list are laid out while the book is: queued
    # after the book's parts, reported once the book is done.
    early = layout is not None and layout.pool is not None
    want = frozenset(("book.html", "book.pdf") if wanted is None else wanted)
    outputs = _book_outputs(
        project, record, options, version, folder, pdf, report, want, photo_cache, code_cache
    )
    material = render_protocol_material(
        view, env, folder, options, pdf, _no_report if early else report, wanted
    )
    made = [(path, _bytes(data)) for path, data in outputs]
    for path, data in material:
        if early:
            report(path.name, "")  # the time spent waiting for it after the book
        made.append((path, _bytes(data)))
    return made


def _book_outputs(
    project: Project,
    record: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None,
    folder: Path,
    pdf: Callable[..., Future[bytes]],
    report: StepReport,
    want: Collection[str],
    photo_cache: PhotoStore | None,
    code_cache: jinja2.BytecodeCache | None,
) -> list[tuple[Path, bytes | Future[bytes]]]:
    """book.html and book.pdf as far as the format and ``want`` ask for them (the PDF a future)."""
    outputs: list[tuple[Path, bytes | Future[bytes]]] = []
    if options.format not in ("html", "pdf", "all") or not {"book.html", "book.pdf"} & set(want):
        return outputs
    changes = None
    if options.changes_since is not None:
        from briefgen.vcs.changes import changes_since

        changes = changes_since(record, options.changes_since, options.limits).for_book()
    report("book.html", "")
    html = book_html(
        project,
        record,
        options,
        version,
        changes=changes,
        photo_cache=photo_cache,
        code_cache=code_cache,
    )
    if options.format in ("html", "all") and "book.html" in want:
        outputs.append((folder / "book.html", html.encode("utf-8")))
    if options.format in ("pdf", "all") and "book.pdf" in want:
        report("book.pdf", "")
        outputs.append((folder / "book.pdf", pdf(html, book=True)))
    return outputs


def _bytes(data: bytes | Future[bytes]) -> bytes:
    return data.result() if isinstance(data, Future) else data


def _pdf_function(
    project: Project,
    view: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None,
    pdf_memo: PdfMemo | None,
    report: StepReport = _no_report,
    layout: Layout | None = None,
    part_cache: PartCache | None = None,
) -> Callable[..., Future[bytes]]:
    """``pdf(html, book=False)``: the PDF of one of the meeting's HTML outputs, as a future.

    The book takes the PDF variant and the attachments, and is laid out in
    parts (:mod:`.bookpdf`) when it has neither; other PDFs whose HTML is
    unchanged come from ``pdf_memo`` instead of being laid out again.  With a
    pool in ``layout``, PDFs are laid out in its processes, side by side.
    """
    layout = layout or Layout()
    render = {
        "base_dir": view.folder,
        "allowed": asset_folders(project.root, view.folder, options.template_dir),
        "created": source_date(version),
        "identifier": view.id,
        "timeout": options.timeout,
    }
    page_starts = THEMES[options.theme or "default"].page_starts
    # A tagged book or one with attachments: one piece, never reused.
    special = options.pdf_variant is not None or bool(view.attachments)

    def lay_out(html: str, book: bool) -> Future[bytes]:
        if not book:
            return layout.submit(lay_out_pdf, html=html, **render)
        from briefgen.build.bookpdf import book_parts, parted_pdf  # the book's PDF only

        parts = None if special else book_parts(html, page_starts, layout)
        if parts is not None:
            return layout.background(
                parted_pdf, parts, layout, render, lambda d: report("", d), part_cache
            )
        return layout.submit(
            lay_out_pdf,
            html=html,
            variant=options.pdf_variant,
            attachments=read_attachments(view, options.limits),
            on_progress=None if layout.pool else (lambda detail: report("", detail)),
            **render,
        )

    def pdf(html: str, *, book: bool = False) -> Future[bytes]:
        if pdf_memo is None or (book and special):
            return lay_out(html, book)
        return pdf_memo.pdf(html, lambda h: lay_out(h, book))

    return pdf


def render_protocol_material(
    record: MeetingRecord,
    env: jinja2.Environment,
    folder: Path,
    options: BuildOptions,
    pdf: Callable[..., Future[bytes]],
    report: StepReport = _no_report,
    wanted: Collection[str] | None = None,
) -> list[tuple[Path, bytes | Future[bytes]]]:
    """The seating plan SVG, place cards and pocket list that the format asks for.

    ``wanted`` names the files to make among these (default: all the format
    writes); the PDFs are futures, laid out where ``pdf`` lays them out.
    """
    from briefgen.render.material import render_place_cards, render_pocket, render_seating_svg

    fmt = options.format
    outputs: list[tuple[Path, bytes | Future[bytes]]] = []
    if fmt in ("seating", "all") and (wanted is None or "seating.svg" in wanted):
        report("seating.svg", "")
        svg = render_seating_svg(record, env)
        outputs.append((folder / "seating.svg", svg.encode("utf-8")))
    for kind, name, render in (
        ("cards", "place-cards.pdf", render_place_cards),
        ("pocket", "pocket.pdf", render_pocket),
    ):
        if fmt in (kind, "all") and (wanted is None or name in wanted):
            report(name, "")
            with render_budget(options.timeout, options.limits.render_chars):
                html = render(record, env, options.render.paper)
            outputs.append((folder / name, pdf(html)))
    return outputs


def meeting_versions(
    records: Sequence[MeetingRecord], template_dir: Path | None = None
) -> dict[str, VersionInfo | None]:
    """The git version of everything each meeting's book is made from (``None`` outside
    git), by meeting id, git asked once for all where it can
    (:func:`~briefgen.vcs.gitinfo.version_infos`)."""
    versions = version_infos([version_paths(record, template_dir) for record in records])
    return {record.id: version for record, version in zip(records, versions, strict=True)}


def version_paths(record: MeetingRecord, template_dir: Path | None = None) -> list[Path]:
    """What :func:`meeting_versions` asks git about: the inputs and the template folder."""
    return [*record.input_files(), template_dir or builtin_templates()]


def refuse_uncommitted(
    records: Sequence[MeetingRecord], versions: dict[str, VersionInfo | None]
) -> None:
    """Raise :class:`UncommittedInputs` unless every meeting's inputs are committed."""
    reasons = []
    for record in records:
        version = versions[record.id]
        if version is None:
            reasons.append(f"{record.id}: the inputs are not in a git repository")
        elif version.changed:
            files = "\n    ".join(version.changed)
            reasons.append(f"{record.id}: uncommitted changes in\n    {files}")
        elif version.commit is None:
            reasons.append(f"{record.id}: no input has been committed yet")
    if reasons:
        raise UncommittedInputs(
            "--final builds only from committed inputs; commit (or discard) the changes "
            "and build again:\n  " + "\n  ".join(reasons)
        )


def numbered_copies(
    project: Project,
    record: MeetingRecord,
    options: BuildOptions,
    version: VersionInfo | None,
    folder: Path,
    pdf: Callable[..., Future[bytes]],
) -> list[tuple[Path, bytes]]:
    """One PDF per recipient, each with its copy line and watermark, and the register."""
    from briefgen.project.recipients import IssuedCopy, copy_file_name, register_csv

    assert options.recipients is not None
    view = edition_record(project, record, edition_of(project, options.edition))
    total = len(options.recipients)
    issued = []
    for number, recipient in enumerate(options.recipients, start=1):
        copy = Copy(number, total, recipient.name)
        html = book_html(project, record, options, version, copy=copy)
        data = pdf(html, book=True).result()
        issued.append(IssuedCopy(number, total, recipient, copy_file_name(number, total), data))
    copies = folder / "copies"
    register = register_csv(
        issued,
        meeting=record.id,
        edition=options.edition or "",
        marking=upper(view.meeting.marking, view.meeting.language),
        issued=describe_build(version).built,
    )
    return [*((copies / c.file, c.pdf) for c in issued), (copies / "register.csv", register)]
