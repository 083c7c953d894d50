"""The build cache: skip outputs whose inputs have not changed, and photos already downscaled.

Everything lives in ``OUT/.briefgen-cache/`` and is safe to delete at any
time (the next build is simply cold):

* ``meetings/<meeting-id>.json`` records, per output file, the key it was
  built from and the SHA-256 of the bytes written.  An output is fresh when
  its key is unchanged *and* the file on disk still has those bytes, so a
  hand-edited or deleted output is rebuilt.
* ``photos/<digest>.jpg|png`` holds photos already cropped and scaled to
  their print size, named by the digest of the original bytes and the
  target size (each file starts with the SHA-256 of the image, so a damaged
  one is recognised and made again).

The cache never serves an output it did not write on this machine: each
manifest and each cached photo carries an HMAC keyed by a random secret kept
outside the output folder (:func:`machine_key`, in the user's cache folder)
and bound to the cache folder's real path.  Outputs and a manifest committed
to a repository, or copied from another folder or machine, fail the check and
are simply built again.

A key is a SHA-256 over every input of an output: the bytes and paths of the
meeting's data files and photos, every file of every folder the templates
can be loaded from (the user's folder, the built-in files and themes: HTML
templates, CSS, label catalogues), the briefgen version, the render options, the version
line the cover prints (date and commit), and for PDFs the WeasyPrint version
and a fingerprint of the installed fonts.  Unreadable or corrupted cache
files are ignored (treated as a miss), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen import __version__
from briefgen.digest import CACHE_FORMAT, KeyBuilder
from briefgen.errors import OutputError
from briefgen.outputs.atomic import write_atomic

CACHE_DIR = ".briefgen-cache"
#: Where fontconfig finds fonts on Debian-like systems (and per user).
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/etc/fonts",
)


def files_below(folder: Path) -> list[Path]:
    """Every file below ``folder`` a template could load, sorted.

    Hidden names are skipped because the template loader refuses them too
    (:mod:`briefgen.project.confine`); links are followed, as the loader does.
    """
    found = []
    for current, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(current) / name for name in files if not name.startswith(".")]
    return sorted(found)


def inputs_key(
    input_files: Iterable[Path], template_dirs: Iterable[Path], settings: Mapping[str, str]
) -> str:
    """The key of everything a meeting's outputs are made from, PDF engine aside.

    ``template_dirs`` are all the folders the templates are loaded from.
    """
    key = KeyBuilder("inputs").add("briefgen", __version__)
    for name, value in sorted(settings.items()):
        key.add(f"setting:{name}", value)
    for path in input_files:
        key.add_file(path)
    for folder in template_dirs:
        key.add("template-folder", str(folder))
        for path in files_below(folder):
            key.add_file(path)
    return key.hexdigest()


def machine_key_path() -> Path:
    """Where this user's cache secret lives: outside every output folder and repository."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefgen" / "cache-key"


def machine_key() -> bytes | None:
    """This user's random cache secret, made on first use; ``None`` when it cannot be kept
    (the cache is then never trusted, so every build is cold)."""
    path = machine_key_path()
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(32))
        return path.read_bytes()
    except OSError:
        return None


def seal(folder: Path, *parts: bytes) -> str | None:
    """An HMAC of ``parts`` under :func:`machine_key`, bound to ``folder``'s real path."""
    key = machine_key()
    if key is None:
        return None
    mac = hmac.new(key, str(folder.resolve()).encode("utf-8", "surrogateescape"), "sha256")
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def sealed(folder: Path, mac: object, *parts: bytes) -> bool:
    """Whether ``mac`` is :func:`seal` of ``parts``: written here, by this user, unchanged."""
    expected = seal(folder, *parts)
    if isinstance(mac, str):
        mac = mac.encode("utf-8", "replace")
    if not isinstance(mac, bytes) or expected is None:
        return False
    return hmac.compare_digest(mac, expected.encode("ascii"))


def output_key(inputs: str, name: str) -> str:
    """The key of one output file; PDFs also depend on WeasyPrint and the fonts installed."""
    key = KeyBuilder("output").add("inputs", inputs).add("name", name)
    if name.endswith(".pdf"):
        key.add("engine", pdf_engine_fingerprint())
    return key.hexdigest()


@lru_cache(maxsize=1)
def pdf_engine_fingerprint() -> str:
    """WeasyPrint's and pydyf's versions and the path, size and time of every font file.

    Read from package metadata and ``stat``, so computing it never imports
    WeasyPrint.  Any font installed or removed invalidates cached PDFs (a
    superset of the fonts in use, which only WeasyPrint could tell).
    """
    from importlib import metadata

    key = KeyBuilder("engine")
    for package in ("weasyprint", "pydyf", "tinycss2", "cssselect2"):
        try:
            key.add(package, metadata.version(package))
        except metadata.PackageNotFoundError:
            key.add(package, "absent")
    return _add_fonts(key).hexdigest()


def fonts_fingerprint() -> str:
    """The path, size and time of every font file fontconfig may find (see :data:`FONT_DIRS`)."""
    return _add_fonts(KeyBuilder("fonts")).hexdigest()


def _add_fonts(key: KeyBuilder) -> KeyBuilder:
    for folder in FONT_DIRS:
        base = Path(folder).expanduser()
        if not base.is_dir():
            continue
        for path in files_below(base):
            line = stat_line(path)
            if line is not None:
                key.add("font", line)
    return key


def stat_line(path: Path) -> str | None:
    """``path``, its size and modification time, as a line of a key; None when it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def pdf_key(html: str, *facts: str) -> str:
    """The key of a PDF made from ``html``: its own bytes decide, plus the engine and ``facts``."""
    key = KeyBuilder("pdf").add("html", html).add("engine", pdf_engine_fingerprint())
    for number, fact in enumerate(facts):
        key.add(f"fact{number}", fact)
    return key.hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class BuildCache:
    """The cache folder of one output folder."""

    root: Path

    @classmethod
    def under(cls, out_dir: Path) -> BuildCache:
        return cls(out_dir / CACHE_DIR)

    @property
    def photos(self) -> Path:
        return self.root / "photos"

    def parts(self, meeting_id: str) -> Path:
        return self.root / "parts" / meeting_id

    def _manifest(self, meeting_id: str) -> Path:
        return self.root / "meetings" / f"{meeting_id}.json"

    def entries(self, meeting_id: str) -> dict[str, dict[str, str]]:
        """Output name → {"key", "sha256"} as last written; {} when absent or unreadable."""
        try:
            document = json.loads(self._manifest(meeting_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != CACHE_FORMAT:
            return {}
        outputs = document.get("outputs")
        if not isinstance(outputs, dict):
            return {}
        body = json.dumps(outputs, sort_keys=True).encode()
        if not sealed(self.root, document.get("mac"), meeting_id.encode(), body):
            return {}  # not written by this user on this machine into this folder
        return {
            name: entry
            for name, entry in outputs.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("key"), str)
            and isinstance(entry.get("sha256"), str)
        }

    def stale(self, meeting_id: str, folder: Path, keys: Mapping[str, str]) -> set[str]:
        """The output names among ``keys`` that must be built again."""
        entries = self.entries(meeting_id)
        stale = set()
        for name, key in keys.items():
            entry = entries.get(name)
            # The file must also still be what was written (not edited, not deleted).
            fresh = (
                entry is not None
                and entry["key"] == key
                and sha256_file(folder / name) == entry["sha256"]
            )
            if not fresh:
                stale.add(name)
        return stale

    def reusable_pdfs(self, meeting_id: str, folder: Path) -> dict[str, bytes]:
        """PDF key → bytes of the PDFs on disk whose HTML is known (see :func:`pdf_key`)."""
        found = {}
        for name, entry in self.entries(meeting_id).items():
            html_key = entry.get("pdf_key")
            if not isinstance(html_key, str):
                continue
            try:
                data = (folder / name).read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() == entry["sha256"]:
                found[html_key] = data
        return found

    def record(
        self,
        meeting_id: str,
        written: Mapping[str, tuple[str, bytes]],
        pdf_keys: Mapping[str, str] | None = None,
    ) -> None:
        """Remember the outputs just written (name → (key, bytes)); failures are ignored.

        ``pdf_keys`` maps the SHA-256 of a PDF's bytes to the key of the HTML
        it was made from, so a PDF whose HTML did not change can be reused.
        """
        entries = self.entries(meeting_id)
        for name, (key, data) in written.items():
            digest = hashlib.sha256(data).hexdigest()
            entries[name] = {"key": key, "sha256": digest}
            if pdf_keys and digest in pdf_keys:
                entries[name]["pdf_key"] = pdf_keys[digest]
        outputs = dict(sorted(entries.items()))
        mac = seal(self.root, meeting_id.encode(), json.dumps(outputs, sort_keys=True).encode())
        if mac is None:
            return
        document = {"format": CACHE_FORMAT, "outputs": outputs, "mac": mac}
        # A cache that cannot be written only makes the next build slower.
        with contextlib.suppress(OutputError):
            write_atomic(self._manifest(meeting_id), json.dumps(document, indent=1).encode())


#: MIME type of a cached photo by file suffix.
PHOTO_SUFFIXES = {".jpg": "image/jpeg", ".png": "image/png"}


def read_sealed(folder: Path, key: str, suffix: str) -> bytes | None:
    """The content of ``folder/<key><suffix>`` if :func:`write_sealed` wrote it there, unchanged.

    The file starts with the HMAC of ``key`` and the content (:func:`seal`); a
    damaged file, one written elsewhere or by another user, is a miss.
    """
    try:
        stored = (folder / f"{key}{suffix}").read_bytes()
    except OSError:
        return None
    mac, data = stored[:64], stored[64:]
    return data if data and sealed(folder, mac, key.encode(), data) else None


def write_sealed(folder: Path, key: str, suffix: str, data: bytes) -> None:
    """Keep ``data`` in ``folder/<key><suffix>`` behind its seal; failures are ignored."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    mac = seal(folder, key.encode(), data)
    if mac is not None:
        with contextlib.suppress(OutputError):
            write_atomic(folder / f"{key}{suffix}", mac.encode("ascii") + data)


@dataclass(frozen=True)
class PhotoCache:
    """Downscaled photos kept between builds (a :class:`briefgen.render.photos.PhotoStore`).

    Each file starts with an HMAC of its key and the image (see :func:`seal`),
    so a damaged one, or one not written here, is a miss.
    """

    folder: Path

    def get(self, key: str) -> tuple[bytes, str] | None:
        """The downscaled photo stored under ``key``, with its MIME type, if there is one."""
        for suffix, kind in PHOTO_SUFFIXES.items():
            data = read_sealed(self.folder, key, suffix)
            if data is not None:
                return data, kind
        return None

    def put(self, key: str, data: bytes, kind: str) -> None:
        """Keep a downscaled photo for the next build; failures are ignored."""
        suffix = next(s for s, k in PHOTO_SUFFIXES.items() if k == kind)
        write_sealed(self.folder, key, suffix, data)


@dataclass
class PartCache:
    """The laid-out parts of one meeting's book (:mod:`briefgen.build.bookpdf`), kept between
    builds so that a change lays out again only the parts it touches.

    Each file starts with an HMAC of its key and content, like a photo; a
    book's build keeps only the parts it used (:meth:`keep`), so the folder
    holds one book's parts at most.
    """

    folder: Path

    def get(self, key: str) -> bytes | None:
        """The part stored under ``key``, if there is one written here and unchanged."""
        return read_sealed(self.folder, key, ".part")

    def put(self, key: str, data: bytes) -> None:
        """Keep a part for the next build; failures are ignored."""
        write_sealed(self.folder, key, ".part", data)

    def keep(self, keys: Collection[str]) -> None:
        """Remove the stored parts whose key is not in ``keys``."""
        wanted = {f"{key}.part" for key in keys}
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name.endswith(".part") and path.name not in wanted:
                    path.unlink(missing_ok=True)
