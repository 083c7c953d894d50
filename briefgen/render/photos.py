"""Biography photos: cropped to the frame, scaled to print resolution, embedded as data: URIs."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Protocol

from briefgen import __version__
from briefgen.digest import KeyBuilder
from briefgen.errors import RenderError

#: Pillow reads a phone photo with a multi-picture (MPO) segment as "MPO": a JPEG whose
#: first frame is the photo; it is kept as a JPEG.
_IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
#: Printed size of a biography photo (width, height) in mm; book.css uses the same numbers.
PHOTO_SIZE_MM = (32.0, 40.0)
PRINT_DPI = 300
_JPEG_QUALITY = 90


class PhotoStore(Protocol):
    """Where downscaled photos are kept between builds (see ``briefgen.outputs.cache``)."""

    def get(self, key: str) -> tuple[bytes, str] | None: ...

    def put(self, key: str, data: bytes, kind: str) -> None: ...


def pixels_for(size_mm: float, dpi: int = PRINT_DPI) -> int:
    """Pixels needed to print ``size_mm`` at ``dpi``."""
    return round(size_mm / 25.4 * dpi)


def fit_photo(
    data: bytes, width_mm: float, height_mm: float, dpi: int = PRINT_DPI
) -> tuple[bytes, str]:
    """Crop ``data`` to the frame's proportions and scale it down to its print resolution.

    Returns the new image bytes and their MIME type.  EXIF orientation is
    applied (and all metadata dropped, GPS positions included); images are
    never enlarged.  Photos stay JPEG; images with transparency become PNG.
    Raises ``ValueError`` for data that is not a readable JPEG, PNG, GIF or WebP.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    target_w, target_h = pixels_for(width_mm, dpi), pixels_for(height_mm, dpi)
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in _IMAGE_TYPES:
                raise ValueError("image type is not one of JPEG, PNG, GIF, WebP")
            if original.format in ("JPEG", "MPO"):
                # Decode a big JPEG at 1/2, 1/4 or 1/8 of its size (DCT scaling) while
                # both sides stay at least the frame's longer side, whichever way the
                # photo turns: a phone photo then decodes in a fraction of the time, and
                # Lanczos still scales it down from there.
                side = max(target_w, target_h)
                original.draft(original.mode, (side, side))
            image = ImageOps.exif_transpose(original)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a readable image ({exc})") from exc
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    aspect = target_w / target_h
    if image.width / image.height > aspect:
        crop_w, crop_h = image.height * aspect, float(image.height)
    else:
        crop_w, crop_h = float(image.width), image.width / aspect
    scale = min(1.0, target_w / crop_w)
    size = (max(1, round(crop_w * scale)), max(1, round(crop_h * scale)))
    image = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if transparent:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg"


def embed_photo(path: Path, store: PhotoStore | None = None) -> str:
    """A ``data:`` URI for a biography photo, sized for print (see :func:`fit_photo`).

    With ``store``, the downscaled photo is kept there by the digest of the
    original, so the next build does not decode and scale it again.
    """

    try:
        original = path.read_bytes()
        key = (
            KeyBuilder("photo")
            .add("version", __version__)
            .add("fit", f"{PHOTO_SIZE_MM}@{PRINT_DPI}dpi,q{_JPEG_QUALITY},dct-draft")
            .add("bytes", original)
            .hexdigest()
        )
        found = store.get(key) if store else None
        if found is None:
            found = fit_photo(original, *PHOTO_SIZE_MM)
            if store:
                store.put(key, *found)
        data, kind = found
    except ValueError as exc:
        raise RenderError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise RenderError(f"{path}: cannot read the photo ({exc.strerror})") from exc
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
