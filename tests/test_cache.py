"""The build cache (unchanged outputs are not rebuilt) and parallel builds (-j)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import briefgen.build.meeting
import briefgen.outputs.pdf
import briefgen.render.book
import briefgen.render.photos
from briefgen.build.run import build_project
from briefgen.cli.main import main
from briefgen.errors import BuildFailed
from briefgen.options import BuildOptions
from briefgen.outputs.cache import CACHE_DIR
from briefgen.project.load import load_project
from briefgen.project.themes import builtin_templates
from briefgen.render.book import RenderOptions

from .conftest import AWAY, EXAMPLE_MEETING, PERSON_A, DataTree

PHOTO_PERSON = PERSON_A + "photo: photos/anna.png\n"


def png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 150), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the book HTML and any PDF were rendered in this process."""
    counts = {"book": 0, "pdf": 0}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        briefgen.build.meeting, "render_book", counting("book", briefgen.build.meeting.render_book)
    )
    monkeypatch.setattr(
        briefgen.outputs.pdf, "render_pdf", counting("pdf", briefgen.outputs.pdf.render_pdf)
    )
    return counts


def build(root: Path, out: Path, **options: Any) -> list[str]:
    """Build in this process; the names of the files written, as OUT-relative paths."""
    written = build_project(load_project(root), BuildOptions(out_dir=out, **options))
    return sorted(str(p.relative_to(out)) for p in written)


def test_unchanged_outputs_are_not_rebuilt(
    data_tree: DataTree, tmp_path: Path, counted: dict[str, int]
) -> None:
    root, out = data_tree(), tmp_path / "out"
    assert build(root, out, format="html") == ["m/book.html"]
    assert counted["book"] == 1
    assert (out / CACHE_DIR / "meetings" / "m.json").is_file()
    assert build(root, out, format="html") == []
    assert counted["book"] == 1
    assert build(root, out, format="html", force=True) == ["m/book.html"]
    assert counted["book"] == 2


@pytest.mark.parametrize(
    "change",
    [
        "bio",
        "meeting",
        "template",
        "option",
        "output edited",
        "output deleted",
        "cache deleted",
        "cache corrupted",
    ],
)
def test_a_change_rebuilds(data_tree: DataTree, tmp_path: Path, change: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(builtin_templates(), templates)
    root, out = data_tree(), tmp_path / "out"
    options: dict[str, Any] = {"format": "html", "template_dir": templates}
    assert build(root, out, **options) == ["m/book.html"]
    book = out / "m" / "book.html"
    if change == "bio":
        with (root / "people" / "anna-alpha.yaml").open("a", encoding="utf-8") as f:
            f.write("bio: Joined the ministry in 1999.\n")
    elif change == "meeting":
        meeting = root / "m" / "meeting.yaml"
        meeting.write_text(meeting.read_text().replace("Example talks", "Other talks"))
    elif change == "template":
        with (templates / "book.css").open("a", encoding="utf-8") as f:
            f.write("\n.changed-by-test { color: red; }\n")
    elif change == "option":
        options["render"] = RenderOptions(family_caps=True)
    elif change == "output edited":
        book.write_text("edited by hand")
    elif change == "output deleted":
        book.unlink()
    elif change == "cache deleted":
        shutil.rmtree(out / CACHE_DIR)
    elif change == "cache corrupted":
        (out / CACHE_DIR / "meetings" / "m.json").write_bytes(b'{"format": 1, "outputs": [')
    assert build(root, out, **options) == ["m/book.html"]
    text = book.read_text(encoding="utf-8")
    expected = {
        "bio": "Joined the ministry in 1999.",
        "meeting": "Other talks",
        "template": ".changed-by-test",
        "option": "ALPHA",
    }.get(change, "Example talks")
    assert expected in text
    assert build(root, out, **options) == []


def test_changed_photo_rebuilds_and_downscaled_photos_are_cached(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = data_tree(**{"people/anna-alpha.yaml": PHOTO_PERSON}), tmp_path / "out"
    photo = root / "people" / "photos" / "anna.png"
    photo.parent.mkdir()
    photo.write_bytes(png((200, 0, 0)))
    assert build(root, out, format="html") == ["m/book.html"]
    assert len(list((out / CACHE_DIR / "photos").iterdir())) == 1
    first = (out / "m" / "book.html").read_text()
    fitted: list[bytes] = []
    real_fit = briefgen.render.photos.fit_photo

    def fit(data: bytes, *args: Any) -> tuple[bytes, str]:
        fitted.append(data)
        return real_fit(data, *args)

    monkeypatch.setattr(briefgen.render.photos, "fit_photo", fit)
    assert build(root, out, format="html", force=True) == ["m/book.html"]
    assert fitted == []  # taken from the cache
    assert (out / "m" / "book.html").read_text() == first
    photo.write_bytes(png((0, 0, 200)))
    assert build(root, out, format="html") == ["m/book.html"]
    assert len(list((out / CACHE_DIR / "photos").iterdir())) == 2
    second = (out / "m" / "book.html").read_text()
    assert second != first
    # A damaged cached photo is made again, not embedded.
    for path in (out / CACHE_DIR / "photos").iterdir():
        path.write_bytes(path.read_bytes()[:50])
    assert build(root, out, format="html", force=True) == ["m/book.html"]
    assert len(fitted) == 2
    assert (out / "m" / "book.html").read_text() == second


def test_pdf_with_unchanged_html_is_reused(
    data_tree: DataTree, tmp_path: Path, counted: dict[str, int]
) -> None:
    root, out = data_tree(), tmp_path / "out"
    assert build(root, out, format="cards") == ["m/place-cards.pdf"]
    assert counted["pdf"] == 1
    cards = (out / "m" / "place-cards.pdf").read_bytes()
    with (root / "people" / "anna-alpha.yaml").open("a", encoding="utf-8") as f:
        f.write("bio: A bio is not on the place cards.\n")
    # The inputs changed, so the cards' HTML is made again; it is the same, so is the PDF.
    assert build(root, out, format="cards") == ["m/place-cards.pdf"]
    assert counted["pdf"] == 1
    assert (out / "m" / "place-cards.pdf").read_bytes() == cards


SECOND_AWAY = "name: Away Federation\ncountry: RU\nmembers:\n  - person: boris-beta\n"


def two_meetings(data_tree: DataTree) -> Path:
    meeting = (data_tree() / "m" / "meeting.yaml").read_text()
    return data_tree(
        **{
            "people/anna-alpha.yaml": PHOTO_PERSON,
            "m2/meeting.yaml": meeting,
            "m2/home.yaml": (data_tree() / "m" / "home.yaml").read_text(),
            "m2/away.yaml": SECOND_AWAY,
            "m/away.yaml": AWAY,
        }
    )


def test_a_failed_meeting_does_not_stop_the_others(data_tree: DataTree, tmp_path: Path) -> None:
    root, out = two_meetings(data_tree), tmp_path / "out"
    photo = root / "people" / "photos" / "anna.png"
    photo.parent.mkdir()
    photo.write_bytes(png((0, 120, 0)))
    project = load_project(root)
    photo.unlink()  # valid when loaded, gone when the book of m (not m2) renders
    with pytest.raises(BuildFailed) as failed:
        build_project(project, BuildOptions(out_dir=out, format="html", jobs=2))
    [failure] = failed.value.failures
    assert failure.startswith("meeting m: ")
    assert "anna.png" in failure
    assert failed.value.written == [out / "m2" / "book.html"]
    assert (out / "m2" / "book.html").is_file()
    assert not (out / "m").exists()


def test_cli_parallel_build_then_up_to_date(data_tree: DataTree, tmp_path: Path) -> None:
    root, out = two_meetings(data_tree), tmp_path / "out"
    photo = root / "people" / "photos" / "anna.png"
    photo.parent.mkdir()
    photo.write_bytes(png((0, 120, 0)))
    runner = CliRunner()
    args = ["build", str(root), "--out", str(out), "--format", "seating", "-j", "2"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(re.sub(r" \(\d+\.\d+ s\)$", "", line) for line in result.stdout.splitlines()) == [
        f"wrote {out / 'm' / 'seating.svg'}",
        f"wrote {out / 'm2' / 'seating.svg'}",
    ]
    again = runner.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "wrote" not in again.stdout
    assert "2 meeting(s) up to date" in again.stdout
    forced = runner.invoke(main, [*args, "--force"])
    assert forced.stdout.count("wrote") == 2


def test_html_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    code = (
        "import sys; from click.testing import CliRunner; from briefgen.cli.main import main; "
        f"r = CliRunner().invoke(main, ['build', {str(EXAMPLE_MEETING)!r}, '--format', 'html', "
        f"'--out', {str(tmp_path)!r}]); "
        "assert r.exit_code == 0, r.output; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    assert len(list(tmp_path.glob("*/book.html"))) == 1
