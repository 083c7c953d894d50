"""A cache that cannot be fooled: it serves only outputs it wrote on this machine, for
this user, into this folder, from exactly these inputs (every file a template can load)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefgen.build.run import build_project
from briefgen.options import BuildOptions
from briefgen.outputs.cache import CACHE_DIR
from briefgen.project.load import load_project
from briefgen.project.themes import builtin_templates

from .conftest import DataTree

FORGED = b"<html>not what the data says</html>"


def build(root: Path, out: Path, templates: Path | None = None) -> list[str]:
    options = BuildOptions(out_dir=out, format="html", template_dir=templates)
    return [p.name for p in build_project(load_project(root), options)]


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1506556800")


def test_outputs_and_manifest_from_a_fresh_clone_are_built_again(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = data_tree(), tmp_path / "out"
    assert build(root, out) == ["book.html"]
    assert build(root, out) == []  # this machine wrote it: up to date
    # The committed output is tampered with and the manifest rewritten to match,
    # then the repository is cloned on another machine (another secret).
    manifest = out / CACHE_DIR / "meetings" / "m.json"
    document = json.loads(manifest.read_text())
    import hashlib

    (out / "m" / "book.html").write_bytes(FORGED)
    document["outputs"]["book.html"]["sha256"] = hashlib.sha256(FORGED).hexdigest()
    manifest.write_text(json.dumps(document))
    assert build(root, out) == ["book.html"]  # the MAC no longer matches
    assert (out / "m" / "book.html").read_bytes() != FORGED
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    assert build(root, out) == ["book.html"]


def test_a_manifest_copied_to_another_folder_is_not_trusted(
    data_tree: DataTree, tmp_path: Path
) -> None:
    root, out = data_tree(), tmp_path / "out"
    build(root, out)
    shutil.copytree(out, tmp_path / "copy")
    assert build(root, tmp_path / "copy") == ["book.html"]


def test_every_file_a_template_can_load_is_in_the_key(data_tree: DataTree, tmp_path: Path) -> None:
    root, out = data_tree(), tmp_path / "out"
    templates = root / "templates"
    (templates / "parts" / "deep").mkdir(parents=True)
    book = (builtin_templates() / "book.html.j2").read_text(encoding="utf-8")
    (templates / "book.html.j2").write_text(
        book.replace("<body>", '<body>{% include "parts/deep/note.html.j2" %}', 1)
    )
    note = templates / "parts" / "deep" / "note.html.j2"
    note.write_text("<p>first</p>")
    assert build(root, out, templates) == ["book.html"]
    assert build(root, out, templates) == []
    note.write_text("<p>second</p>")
    assert build(root, out, templates) == ["book.html"]
    assert "second" in (out / "m" / "book.html").read_text()


def test_a_hidden_include_is_refused_not_silently_outside_the_key(
    data_tree: DataTree, tmp_path: Path
) -> None:
    from briefgen.errors import BuildFailed

    root = data_tree()
    templates = root / "templates"
    (templates / ".hidden").mkdir(parents=True)
    (templates / ".hidden" / "x.html.j2").write_text("<p>hidden</p>")
    book = (builtin_templates() / "book.html.j2").read_text(encoding="utf-8")
    (templates / "book.html.j2").write_text(
        book.replace("<body>", '<body>{% include ".hidden/x.html.j2" %}', 1)
    )
    with pytest.raises(BuildFailed, match="hidden"):
        build(root, tmp_path / "out", templates)


def test_a_committed_downscaled_photo_is_not_used(data_tree: DataTree, tmp_path: Path) -> None:
    import io

    from PIL import Image

    def png(colour: tuple[int, int, int]) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (120, 150), colour).save(buffer, "PNG")
        return buffer.getvalue()

    root = data_tree(**{"people/anna-alpha.yaml": None})
    (root / "people" / "photos").mkdir()
    (root / "people" / "photos" / "anna.png").write_bytes(png((0, 0, 255)))
    from .conftest import PERSON_A

    (root / "people" / "anna-alpha.yaml").write_text(PERSON_A + "photo: photos/anna.png\n")
    out = tmp_path / "out"
    build(root, out)
    photos = sorted((out / CACHE_DIR / "photos").iterdir())
    assert photos
    import hashlib

    forged = png((255, 0, 0))
    for photo in photos:  # the old self-checking format: SHA-256 of the image first
        photo.write_bytes(hashlib.sha256(forged).digest() + forged)
    (out / "m" / "book.html").unlink()
    build(root, out)
    import base64

    html = (out / "m" / "book.html").read_text()
    assert base64.b64encode(forged).decode() not in html
    assert all(p.read_bytes()[64:] != forged for p in photos)
