"""The bundled fonts: every output uses them, whatever fonts the machine has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from briefgen.outputs import fontcache
from briefgen.outputs.fontcache import pdf_font_faces, static_instances
from briefgen.outputs.fontuse import FontUse
from briefgen.outputs.pdf import SandboxedFetcher
from briefgen.render.fonts import STATIC_WEIGHTS, bundled_fonts, font_face_css

from .conftest import EXAMPLE_MEETING, require_tool

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
OUTPUTS = ("book.pdf", "place-cards.pdf", "pocket.pdf")
ONLY_DEJAVU = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def build_example(out: Path, theme: str, environ: dict[str, str]) -> None:
    """Build the example in a fresh process: fontconfig reads its configuration once."""
    command = [sys.executable, "-m", "briefgen", "build", str(EXAMPLE_MEETING)]
    command += ["--out", str(out), "--theme", theme, "--format", "all"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1600000000", **environ}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr


def fonts_of(pdf: Path) -> list[str]:
    tool = require_tool("pdffonts")
    lines = subprocess.run([tool, str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in lines.splitlines()[2:]]


def text_of(pdf: Path) -> str:
    tool = require_tool("pdftotext")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def only_dejavu(tmp_path: Path) -> dict[str, str]:
    if not DEJAVU.is_dir():
        if os.environ.get("BRIEFGEN_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{DEJAVU} is required (BRIEFGEN_REQUIRE_TOOLS=1): fonts-dejavu-core")
        pytest.skip(f"{DEJAVU} is not installed")
    config = tmp_path / "fonts.conf"
    config.write_text(ONLY_DEJAVU.format(fonts=DEJAVU, cache=tmp_path / "cache"), "utf-8")
    return {"FONTCONFIG_FILE": str(config)}


@pytest.mark.parametrize("theme", ["default", "compact"])
def test_outputs_are_the_same_with_only_dejavu_installed(tmp_path: Path, theme: str) -> None:
    require_tool("pdffonts")
    normal, dejavu = tmp_path / "normal", tmp_path / "dejavu"
    build_example(normal, theme, {})
    build_example(dejavu, theme, only_dejavu(tmp_path))
    family = "Noto-Serif" if theme == "default" else "Noto-Sans"
    for name in OUTPUTS:
        [a] = normal.glob(f"*/{name}")
        [b] = dejavu.glob(f"*/{name}")
        fonts = fonts_of(a)
        assert fonts == fonts_of(b), name
        assert fonts and all(f.split("+")[1].startswith(f"briefgen-{family}") for f in fonts), (
            f"{name}: one bundled family ({family}) and nothing else, got {fonts}"
        )
        assert text_of(a) == text_of(b), f"{name}: same text, same line breaks, same pages"
        assert a.read_bytes() == b.read_bytes(), f"{name}: the same file on both machines"


def test_the_fetcher_serves_the_declared_fonts_and_nothing_beside_them(tmp_path: Path) -> None:
    faces = pdf_font_faces(FontUse(frozenset({"briefgen Noto Serif"}), frozenset()))
    files = [face.path for face in faces]
    fetcher = SandboxedFetcher([tmp_path], files)
    css = font_face_css(faces)
    for path in files:
        assert fetcher.fetch(path.as_uri()).read() == path.read_bytes()
        assert path.as_uri() in css
    serif_variable = [f.path for f in bundled_fonts() if f.family == "briefgen Noto Serif"]
    neighbours = [*serif_variable, files[-1].parent / "LICENSE", bundled_fonts()[0].path.parent]
    for neighbour in neighbours:
        with pytest.raises(FatalURLFetchingError, match="refused"):
            fetcher.fetch(neighbour.as_uri())


def test_a_used_family_is_declared_as_static_weights_the_others_as_variable_fonts() -> None:
    faces = pdf_font_faces(FontUse(frozenset({"briefgen Noto Sans"}), frozenset()))
    sans = [(f.style, f.weight) for f in faces if f.family == "briefgen Noto Sans"]
    assert sans == [(style, w) for style, weights in STATIC_WEIGHTS.items() for w in weights]
    serif = [f for f in faces if f.family == "briefgen Noto Serif"]
    assert [f.path for f in serif] == [
        f.path for f in bundled_fonts() if f.family == "briefgen Noto Serif"
    ]
    assert all(f.weight is None for f in serif)
    css = font_face_css(faces)
    assert 'font-family: "briefgen Noto Sans"; src: url(' in css and "font-weight: 600;" in css


def test_static_instances_are_made_once_with_the_same_bytes_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = [(bundled_fonts()[0], 700)]
    [shared] = static_instances(wanted)  # the run's cache (tests/conftest.py)
    monkeypatch.setenv("BRIEFGEN_FONT_CACHE", str(tmp_path / "another-machine"))
    [made] = static_instances(wanted)
    assert made.parent == tmp_path / "another-machine" and made.read_bytes() == shared.read_bytes()
    calls: list[object] = []
    monkeypatch.setattr(fontcache, "_write_instance", lambda *args: calls.append(args))
    assert static_instances(wanted) == [made]
    assert calls == [], "kept, not made again"


def test_without_a_writable_cache_folder_the_instances_are_made_for_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv("BRIEFGEN_FONT_CACHE", str(blocked / "fonts"))
    monkeypatch.setattr(fontcache, "_private_folder", lambda: tmp_path / "private")
    made: list[Path] = []

    def write(source: Path, weight: int, target: Path) -> None:
        made.append(target)
        target.write_bytes(b"an instance")

    monkeypatch.setattr(fontcache, "_write_instance", write)
    [path] = static_instances([(bundled_fonts()[0], 400)])
    assert made == [path] and path.parent == tmp_path / "private"
