from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from briefgen.errors import RenderError
from briefgen.project.load import load_project
from briefgen.render.book import BuildInfo, RenderOptions, make_environment, render_book
from briefgen.render.photos import fit_photo, pixels_for

from .conftest import EXAMPLE, EXAMPLE_MEETING, DataTree

FIXED_BUILD = BuildInfo(built=date(2017, 9, 27), commit="0123abc")


def render(root: Path, options: RenderOptions | None = None, build: BuildInfo | None = None) -> str:
    [meeting] = (
        load_project(root).meetings
        if root != EXAMPLE
        else load_project(root, [EXAMPLE_MEETING]).meetings
    )
    return render_book(meeting, make_environment(), options, build)


def test_example_book_is_self_contained() -> None:
    html = render(EXAMPLE)
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html)
    assert "<link" not in html
    assert "@import" not in html


def test_delegation_list_lines_in_precedence_order() -> None:
    html = render(EXAMPLE)
    lines = re.findall(r'class="printed" href="[^"]+">([^<]+)</a> — <span class="role">', html)
    assert lines[:3] == [
        "H.E. Mr Recep Tayyip Erdoğan",
        "H.E. Mr Vladimir Putin",
        "H.E. Mr Sergei Lavrov",
    ]
    assert "General of the Army Valery Gerasimov" in lines


def test_family_caps_option() -> None:
    html = render(EXAMPLE, RenderOptions(family_caps=True))
    assert "H.E. Mr Sergei LAVROV" in html


HOSTILE = "{{ 7*7 }} {% include 'book.css' %} <script>alert(1)</script> <img src=x onerror=y>"


def test_user_text_is_escaped_never_executed(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": f"""\
        name:
          given: "{HOSTILE}"
          family: Beta
        bio: |
          {HOSTILE}

          [click](javascript:alert(1)) ![pic](http://example.com/x.png)
        """
        }
    )
    html = render(root)
    body = html.split("<body>", 1)[1]
    assert "<script>" not in body
    assert "<img src=x" not in body
    assert 'href="javascript:' not in body
    assert 'src="http' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert body.count("{{ 7*7 }}") >= 2
    assert ">49<" not in body
    assert "{% include ‘book.css’ %}" in body  # printed as text, with typographic quotes


def test_markdown_renders_emphasis(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": "name:\n  given: B\n  family: Beta\n"
            "bio: Has *served* for **years**.\n"
        }
    )
    html = render(root)
    assert "<p>Has <em>served</em> for <strong>years</strong>.</p>" in html


def write_png(path: Path, size: tuple[int, int] = (60, 80)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 30, 30)).save(path, format="PNG")


def test_photo_embedded_as_data_uri_and_monogram_otherwise(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": "name:\n  given: Boris\n  family: Beta\n"
            "photo: photos/boris.jpg\n"
        }
    )
    write_png(root / "people/photos/boris.jpg")
    html = render(root)
    assert 'src="data:image/jpeg;base64,' in html
    assert '<div class="photo monogram" role="img" aria-label="Anna Alpha">AA</div>' in html


def encode(image: Image.Image, kind: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **params)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_big_photo_is_cropped_and_scaled_to_300_dpi_of_its_frame() -> None:
    data, kind = fit_photo(encode(Image.new("RGB", (4000, 4000), (90, 120, 160))), 32, 40)
    assert kind == "image/jpeg"
    assert decode(data).size == (pixels_for(32), pixels_for(40)) == (378, 472)


def test_small_photo_is_never_enlarged() -> None:
    data, _ = fit_photo(encode(Image.new("RGB", (120, 300), "white")), 32, 40)
    assert decode(data).size == (120, 150)


def test_photo_with_transparency_stays_png() -> None:
    data, kind = fit_photo(encode(Image.new("RGBA", (64, 80), (0, 0, 0, 0)), "PNG"), 32, 40)
    assert kind == "image/png"
    assert decode(data).mode == "RGBA"


def test_photo_exif_orientation_is_applied() -> None:
    upright = Image.new("RGB", (400, 500), (220, 0, 0))
    upright.paste((0, 0, 220), (0, 250, 400, 500))  # red above blue, as the camera saw it
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # how the sensor wrote it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    data, _ = fit_photo(encode(stored, exif=exif), 32, 40)
    image = decode(data).convert("RGB")
    assert image.height > image.width
    top, bottom = (
        image.getpixel((image.width // 2, 10)),
        image.getpixel((image.width // 2, image.height - 10)),
    )
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2], "the top of the printed photo should be red"
    assert bottom[2] > 150 > bottom[0], "the bottom of the printed photo should be blue"
    assert "exif" not in decode(data).info


def test_embedded_photo_in_the_book_is_the_scaled_one(data_tree: DataTree) -> None:
    root = data_tree(**{"people/boris-beta.yaml": PERSON_WITH_PHOTO.format(photo="photos/big.jpg")})
    (root / "people/photos").mkdir(parents=True)
    (root / "people/photos/big.jpg").write_bytes(encode(Image.new("RGB", (4000, 4000), "grey")))
    [uri] = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', render(root))
    assert decode(base64.b64decode(uri)).size == (378, 472)


PERSON_WITH_PHOTO = """\
name:
  given: Boris
  family: Beta
photo: {photo}
"""


def test_bio_markdown_escapes_html_and_renders_emphasis_and_lists(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "people/boris-beta.yaml": """\
            name:
              given: Boris
              family: Beta
            bio: |
              Said <script>alert(1)</script> and **bold** things.

              - first
              - second
            """
        }
    )
    html = render(root)
    assert (
        "<p>Said &lt;script&gt;alert(1)&lt;/script&gt; and <strong>bold</strong> things.</p>"
        in html
    )
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in html


PRECEDENCE = """\
name: Away Federation
members:
  - person: anna-alpha
  - person: boris-beta
    support: true
    role: Interpreter
  - person: can-gamma
    precedence: 1
"""


def test_explicit_precedence_reorders_and_support_staff_are_apart(data_tree: DataTree) -> None:
    root = data_tree(**{"m/away.yaml": PRECEDENCE, "m/home.yaml": HOME_WITH_DORA, **DORA})
    html = render(root)
    away = html.split('id="delegation-away"', 1)[1].split("</div>", 1)[0]
    main, support = away.split("<h4>Support staff</h4>")
    printed = re.findall(r'class="printed" href="[^"]+">([^<]+)</a>', main)
    assert printed == ["Mr Can Gamma", "H.E. Ms Anna Alpha"]
    assert re.findall(r'class="printed" href="[^"]+">([^<]+)</a>', support) == ["Mr Boris Beta"]
    assert "Interpreter" in support


HOME_WITH_DORA = """\
name: Home Republic
members:
  - person: dora-delta
"""
DORA = {"people/dora-delta.yaml": "name:\n  given: Dora\n  family: Delta\n"}


def test_cover_has_perspective_time_and_version_line(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": """\
            title: Example talks
            date: 2020-01-02
            start: 9:30
            end: 12:00
            timezone: Europe/Istanbul
            marking: official-sensitive
            caveats: [uk eyes only]
            host: home
            delegations: [home, away]
            perspective: away
            """
        }
    )
    build = BuildInfo(built=date(2019, 12, 31), commit="abc1234", committed=date(2019, 12, 30))
    html = render(root, build=build)
    cover = html.split('<section class="cover"', 1)[1].split("</section>", 1)[0]
    assert "Thursday 2 January 2020" in cover
    assert "09:30–12:00 (Istanbul, GMT+03:00)" in cover
    assert "<p>Briefing for Away Federation</p>" not in cover
    assert '<p class="cover-perspective">Briefing for Away Federation</p>' in cover
    furniture = html.split("<section", 1)[0]
    assert 'data-marking="OFFICIAL-SENSITIVE  UK EYES ONLY"' in furniture
    assert 'data-version="abc1234, 30 December 2019"' in furniture
    assert "Version abc1234 of 30 December 2019 · built 31 December 2019 · briefgen " in cover
    assert cover.index("Home Republic") < cover.index("Away Federation")
    without_git = render(root, build=BuildInfo(built=date(2019, 12, 31)))
    assert "Built 31 December 2019 · briefgen " in without_git


def test_paper_size_comes_from_a_fixed_list(data_tree: DataTree) -> None:
    root = data_tree()
    assert "@page { size: A4; }" in render(root)
    assert "@page { size: letter; }" in render(root, RenderOptions(paper="letter"))
    with pytest.raises(RenderError, match="unknown paper size"):
        render(root, RenderOptions(paper="A4; } body { display: none"))  # type: ignore[arg-type]


def test_contents_links_reach_every_section_and_person() -> None:
    html = render(EXAMPLE)
    contents = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    targets = re.findall(r'<a href="#([^"]+)">', contents)
    assert len(targets) == 10 + 12
    for target in targets:
        assert html.count(f'id="{target}"') == 1, f"contents link #{target} goes nowhere"
    assert targets[targets.index("biographies") + 1] == "bio-recep-tayyip-erdogan"


def test_programme_is_timed_and_sorted_with_attendees(data_tree: DataTree) -> None:
    root = data_tree(
        **{
            "m/meeting.yaml": """\
            title: Example talks
            date: 2020-01-02
            marking: OFFICIAL
            delegations: [home, away]
            programme:
              - time: 11:00
                title: Lunch
              - time: 9:00
                end: 9:30
                title: Arrival
                attendees: [Heads of delegation, Chiefs of protocol]
            """
        }
    )
    html = render(root)
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    assert cells[0][:3] == ["09:00", "09:30", "Arrival"]
    assert "Heads of delegation" in cells[0][4] and "Chiefs of protocol" in cells[0][4]
    assert cells[1][:3] == ["11:00", "", "Lunch"]


def test_age_on_the_meeting_date_is_shown(data_tree: DataTree) -> None:
    root = data_tree(
        **{"people/boris-beta.yaml": "name:\n  given: B\n  family: Beta\nborn: 1960-01-02\n"}
    )
    assert '2 January 1960 <span class="age">(aged 60 on the meeting date)</span>' in render(root)
