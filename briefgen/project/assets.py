"""Photos and attachments: every file a meeting names resolves inside its folder, checked."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import Problem
from briefgen.limits import Limits
from briefgen.project.config import PEOPLE_DIR
from briefgen.project.confine import confine
from briefgen.project.reader import Reader
from briefgen.schema.models import Meeting
from briefgen.schema.records import (
    AttachmentFile,
)
from briefgen.schema.yamlread import DataPath, YamlDocument

#: "MPO" is a JPEG with a multi-picture segment (phones write them); its first frame is used.
IMAGE_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP"})


def check_photo(
    root: Path, photo: str, document: YamlDocument, problems: list[Problem], limits: Limits
) -> Path | None:
    """Resolve a person's photo under ``root``/people, or add the located problem."""
    found = locate_photo(root, photo, limits)
    if isinstance(found, Path):
        return found
    code, message, hint = found
    shown = photo if len(photo) <= 60 else photo[:57] + "..."
    problems.append(document.problem(("photo",), code, f"photo '{shown}' {message}", hint))
    return None


@dataclass(frozen=True)
class _Place:
    """Where a file named in the data must be, with the codes and words of its problems."""

    folder: str  # "the people/ folder"
    path_code: str  # the path is absolute, leaves the folder, loops or is unusable
    file_code: str  # the path names nothing, or not a regular file
    outside_hint: str
    target: str  # "an image file"
    usable_hint: str


_PHOTO = _Place(
    "the people/ folder",
    "BG307",
    "BG308",
    "keep photos under people/, e.g. people/photos/",
    "an image file",
    "use a short relative path to an image file under people/",
)
_ATTACHMENT = _Place(
    "the meeting folder",
    "BG314",
    "BG315",
    "copy the file into the meeting folder",
    "a file",
    "use a short relative path to a file",
)


def resolve_inside(
    root: Path, folder: Path, relative: str, place: _Place
) -> Path | tuple[str, str, str]:
    """The regular file ``relative`` names inside ``folder``, or why not (see :func:`confine`)."""
    if Path(relative).is_absolute() or "\\" in relative or ":" in relative or "\0" in relative:
        return (
            place.path_code,
            "is not a relative path",
            f"give it relative to {place.folder}, with '/' between folders",
        )
    found = confine(root, folder / relative, within=folder)
    if isinstance(found, Path):
        return found
    reason = found.reason
    if reason == "outside":
        return (
            place.path_code,
            f"is outside {place.folder} (after following links)",
            place.outside_hint,
        )
    if reason == "hidden":
        return (
            place.path_code,
            "is, or is reached through, a hidden name (starting with '.')",
            "hidden files such as .git are never data; " + place.outside_hint,
        )
    if reason == "missing":
        return (place.file_code, "does not exist", f"check the path, relative to {place.folder}")
    if reason == "not-file":
        return (place.file_code, "is not a regular file", f"point it at {place.target}")
    if reason == "loop":
        return (place.path_code, "is a loop of symbolic links", f"point it at {place.target}")
    return (place.path_code, f"cannot be used ({found.detail})", place.usable_hint)


def locate_photo(root: Path, photo: str, limits: Limits) -> Path | tuple[str, str, str]:
    target = resolve_inside(root, root / PEOPLE_DIR, photo, _PHOTO)
    if not isinstance(target, Path):
        return target
    problem = check_image(target, limits)
    return target if problem is None else problem


def check_image(path: Path, limits: Limits) -> tuple[str, str, str] | None:
    """Check type, size and integrity from the header, without decoding the pixels."""
    from PIL import Image, UnidentifiedImageError

    size = path.stat().st_size
    if size > limits.image_bytes:
        return (
            "BG310",
            f"is {size:,} bytes, more than the limit of {limits.image_bytes:,}",
            "use a smaller file (a print photo needs well under 1 MB), "
            "or raise the limit with --limit image_bytes=N",
        )
    unreadable = ("BG309", "is not a readable image", "use a JPEG, PNG, GIF or WebP file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            kind, (width, height) = image.format, image.size
            if kind in IMAGE_FORMATS and width * height <= limits.image_pixels:
                image.verify()
    except Image.DecompressionBombError:
        return ("BG310", "declares an enormous pixel size", "use a normal photo")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return unreadable
    if kind not in IMAGE_FORMATS:
        return ("BG309", f"is a {kind} image", "use a JPEG, PNG, GIF or WebP file")
    if width * height > limits.image_pixels:
        return (
            "BG310",
            f"is {width}×{height} pixels, more than the limit of {limits.image_pixels:,} pixels",
            "scale it down (about 1000 pixels high is "
            "plenty for print), or raise the limit with --limit image_pixels=N",
        )
    return None


def check_attachments(
    folder: Path, meeting: Meeting, document: YamlDocument, reader: Reader
) -> tuple[AttachmentFile, ...]:
    """Resolve each attachment inside the meeting folder, or add a located problem.

    Their number and total size are bounded too: every attachment is read
    into memory and embedded in each PDF of the meeting.
    """
    limits = reader.limits
    if len(meeting.attachments) > limits.attachments:
        reader.problems.append(
            document.problem(
                ("attachments",),
                "BG217",
                f"the meeting has {len(meeting.attachments):,} attachments, more than the "
                f"limit of {limits.attachments:,}",
                "attach fewer files (or one archive), or raise it with --limit attachments=N",
            )
        )
        return ()
    found = []
    names: set[str] = set()
    for index, attachment in enumerate(meeting.attachments):
        where: DataPath = ("attachments", index, "file")
        located = locate_attachment(reader.root, folder, attachment.file, reader.limits)
        if isinstance(located, tuple):
            code, message, hint = located
            shown = attachment.file if len(attachment.file) <= 60 else attachment.file[:57] + "..."
            reader.problems.append(
                document.problem(where, code, f"attachment '{shown}' {message}", hint)
            )
            continue
        if located.name in names:
            reader.problems.append(
                document.problem(
                    where,
                    "BG315",
                    f"attachment '{attachment.file}' has the same file name as another attachment",
                    "rename one of them: readers list attachments by file name",
                )
            )
            continue
        names.add(located.name)
        found.append(AttachmentFile(located, located.name, attachment.description))
    total = sum(file.path.stat().st_size for file in found)
    if total > limits.attachments_total_bytes:
        reader.problems.append(
            document.problem(
                ("attachments",),
                "BG316",
                f"the attachments come to {total:,} bytes, more than the limit of "
                f"{limits.attachments_total_bytes:,} for one meeting",
                "attach smaller files, or raise it with --limit attachments_total_bytes=N",
            )
        )
    return tuple(found)


def locate_attachment(
    root: Path, folder: Path, file: str, limits: Limits
) -> Path | tuple[str, str, str]:
    target = resolve_inside(root, folder, file, _ATTACHMENT)
    if not isinstance(target, Path):
        return target
    try:
        size = target.stat().st_size
    except OSError as exc:
        return (
            "BG314",
            f"cannot be used ({exc.strerror or 'invalid path'})",
            _ATTACHMENT.usable_hint,
        )
    if size > limits.attachment_bytes:
        return (
            "BG316",
            f"is {size:,} bytes, more than the limit of {limits.attachment_bytes:,}",
            "attach a smaller file, or raise the limit with --limit attachment_bytes=N",
        )
    return target
