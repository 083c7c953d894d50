"""Visual regression: page images of the example's outputs against committed references.

The pages are rendered with ``pdftoppm`` at 30 dpi in grey and compared with
the PNGs under ``tests/testdata/visual/<case>/`` within a tolerance (a few
pixels may differ by anti-aliasing).  The bundled fonts make the images the
same on every machine.  After an intended change of the look, refresh them
with ``pytest tests/test_visual.py --update-golden`` and review the new
images like code.  A failing page writes its difference image and says where.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.project.load import load_project
from briefgen.schema.choices import Format

from .conftest import EXAMPLE, REPO, require_tool

REFERENCES = REPO / "tests" / "testdata" / "visual"
MEETING = "2017-09-28-ankara"
DPI = 30
#: A pixel "differs" when its grey level changes by more than this (anti-aliasing is less).
PIXEL_THRESHOLD = 40
#: A page fails when more than this share of its pixels differ, or the mean difference is larger.
MAX_CHANGED = 0.004
MAX_MEAN = 0.8

#: case -> (language, theme, format, output file)
CASES: dict[str, tuple[str, str, Format, str]] = {
    "book-en-default": ("en", "default", "pdf", "book.pdf"),
    "book-ru-default": ("ru", "default", "pdf", "book.pdf"),
    "book-en-compact": ("en", "compact", "pdf", "book.pdf"),
    "book-ru-compact": ("ru", "compact", "pdf", "book.pdf"),
    "cards-en": ("en", "default", "cards", "place-cards.pdf"),
    "pocket-en": ("en", "default", "pocket", "pocket.pdf"),
    "pocket-ru-letter": ("ru", "compact", "pocket", "pocket.pdf"),
}


def example_copy(language: str, target: Path) -> Path:
    """The example data outside git (no commit, no DRAFT) with ``language:`` set."""
    shutil.copytree(EXAMPLE, target)
    meeting = target / MEETING / "meeting.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("language: en\n", f"language: {language}\n"), "utf-8")
    return target


def page_images(pdf: Path, folder: Path) -> list[Path]:
    tool = require_tool("pdftoppm")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool, "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")], check=True
    )
    pages = sorted(folder.glob("page-*.png"))
    for index, path in enumerate(pages, start=1):
        path.rename(folder / f"page-{index:02d}.png")
    return sorted(folder.glob("page-*.png"))


def difference(reference: Path, actual: Path) -> tuple[float, float, Image.Image]:
    """Share of pixels that differ, mean difference (0-255), and the difference image."""
    with Image.open(reference) as a, Image.open(actual) as b:
        a, b = a.convert("L"), b.convert("L")
        if a.size != b.size:
            return 1.0, 255.0, b
        diff = ImageChops.difference(a, b)
    histogram = diff.histogram()
    pixels = a.size[0] * a.size[1]
    changed = sum(histogram[PIXEL_THRESHOLD + 1 :]) / pixels
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    return changed, mean, diff.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)


@pytest.mark.parametrize("case", list(CASES))
def test_pages_look_as_reviewed(
    case: str, tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    language, theme, fmt, name = CASES[case]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    root = example_copy(language, tmp_path / "delegations")
    options = BuildOptions(out_dir=tmp_path / "out", format=fmt, theme=theme)
    written = build_project(load_project(root), options)
    [pdf] = [p for p in written if p.name == name and p.parent.name == MEETING]
    pages = page_images(pdf, tmp_path / "pages")
    folder = REFERENCES / case
    if update_golden:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for page in pages:
            with Image.open(page) as image:
                image.convert("L").save(folder / page.name, optimize=True)
        return
    references = sorted(folder.glob("page-*.png"))
    assert references, f"no reference images in {folder}: run pytest --update-golden"
    assert len(pages) == len(references), (
        f"{case}: {len(pages)} pages, the reference has {len(references)}; "
        "review and run pytest --update-golden if intended"
    )
    failures = []
    for reference, page in zip(references, pages, strict=True):
        changed, mean, image = difference(reference, page)
        if changed > MAX_CHANGED or mean > MAX_MEAN:
            target = tmp_path / "diff" / f"{case}-{page.name}"
            target.parent.mkdir(exist_ok=True)
            image.save(target)
            shutil.copy(page, target.with_name(target.stem + "-actual.png"))
            failures.append(
                f"{page.name}: {changed:.2%} of pixels differ (mean {mean:.2f}); {target}"
            )
    assert not failures, f"{case} looks different from {folder}:\n  " + "\n  ".join(failures)
