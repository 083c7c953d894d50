"""Regenerate the reference page images of the example book under docs/.

Run from the repository root after changing the book's look:

    .venv/bin/python docs/pages.py

It builds the example PDF into a temporary folder, rasterises every page with
pdftoppm into docs/pages/page-NN.png (small, palette PNGs) and assembles
docs/example-pages.png, the strip shown in the README.  Review the images by
eye before committing them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "docs" / "pages"
STRIP = REPO / "docs" / "example-pages.png"
MEETING = "2017-09-28-ankara"
#: Cover, contents, programme, a topic, delegations with the seating plan, biographies.
STRIP_PAGES = (1, 2, 3, 4, 7, 8)


def shrink(path: Path, colours: int = 64) -> None:
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colours, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        subprocess.run(
            [sys.executable, "-m", "briefgen", "build", "--format", "pdf", "--out", str(out)],
            cwd=REPO,
            check=True,
        )
        pdf = out / MEETING / "book.pdf"
        PAGES.mkdir(exist_ok=True)
        for old in PAGES.glob("page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(PAGES / "page")], check=True)
        for page in sorted(PAGES.glob("page-*.png")):
            shrink(page)
        strip = out / "strip"
        strip.mkdir()
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(strip / "p")], check=True)
        make_strip([strip / f"p-{n:02d}.png" for n in STRIP_PAGES], STRIP)


def make_strip(pages: list[Path], target: Path, gap: int = 8) -> None:
    """Put pages side by side on a grey band, each with a thin shadow-like border."""
    images = [Image.open(page).convert("RGB") for page in pages]
    width, height = images[0].size
    strip = Image.new("RGB", ((width + gap) * len(images) + gap, height + 2 * gap), (214, 218, 224))
    for index, image in enumerate(images):
        x = gap + index * (width + gap)
        strip.paste((170, 176, 186), (x + 1, gap + 1, x + width + 1, gap + height + 1))
        strip.paste(image, (x, gap))
    strip.save(target, optimize=True)
    shrink(target, colours=128)


if __name__ == "__main__":
    main()
