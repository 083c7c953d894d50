from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from briefgen.load import load_project
from briefgen.render import RenderOptions, make_environment, render_book

from .conftest import EXAMPLE, DataTree

GOLDEN = Path(__file__).parent / "testdata" / "ankara-book.html"


def render(root: Path, options: RenderOptions | None = None) -> str:
    [meeting] = load_project(root).meetings
    return render_book(meeting, make_environment(), options)


def test_example_book_matches_golden(update_golden: bool) -> None:
    html = render(EXAMPLE)
    if update_golden:
        GOLDEN.write_text(html, encoding="utf-8")
    assert GOLDEN.exists(), "run pytest --update-golden to create the golden file"
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "book.html changed; review it and run pytest --update-golden if intended"
    )


def test_example_book_is_self_contained() -> None:
    html = render(EXAMPLE)
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html)
    assert "<link" not in html
    assert "@import" not in html


def test_delegation_list_lines_in_precedence_order() -> None:
    html = render(EXAMPLE)
    lines = re.findall(r'<span class="printed">([^<]+)</span></a> — <span class="role">', html)
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
    assert "{% include &#39;book.css&#39; %}" in body


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
    assert 'src="data:image/png;base64,' in html
    assert '<div class="photo monogram" role="img" aria-label="Anna Alpha">AA</div>' in html
