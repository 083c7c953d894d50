"""Untrusted input: the adversarial corpus under tests/cases/hostile/, and build-time attacks.

Each corpus case is built with ``briefgen build``; it must fail with exactly its
located messages and exit 1, and leave a pre-existing book.pdf byte-identical
with no other file beside it.  ``setup.txt`` creates what git cannot hold:
``symlink PATH TARGET``, ``write PATH`` (a small
secret-looking file), ``fifo PATH``, ``append-bio PATH N`` (a bio of N words).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli.main import main

from .conftest import DataTree

HOSTILE = Path(__file__).parent / "cases" / "hostile"
PREVIOUS = b"%PDF-1.7\n% the copy the principal holds\n"
LOCATED = re.compile(r"^(\S+):(\d+):(\d+): error: .* \[(BG\d{3})\]$")


def case_names() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if (p / "expected.txt").is_file())


def prepare(case: Path, root: Path) -> None:
    if (case / "data").is_dir():
        shutil.copytree(case / "data", root, dirs_exist_ok=True)
    setup = case / "setup.txt"
    for line in setup.read_text().splitlines() if setup.exists() else []:
        verb, path, *rest = line.split()
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if verb == "symlink":
            target.symlink_to(rest[0])
        elif verb == "write":
            target.write_text("[remote]\n\ttoken = secret\n", encoding="utf-8")
        elif verb == "fifo":
            os.mkfifo(target)
        elif verb == "append-bio":
            with target.open("a", encoding="utf-8") as stream:
                stream.write("bio: " + "word " * int(rest[0]) + "\n")
        else:
            raise AssertionError(f"unknown setup verb {verb}")


def test_the_hostile_corpus_has_at_least_twenty_cases() -> None:
    assert len(case_names()) >= 20


@pytest.mark.parametrize("name", case_names())
def test_hostile_case_fails_located_and_leaves_the_old_pdf(
    name: str, data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = HOSTILE / name
    root = data_tree()
    prepare(case, root)
    out = tmp_path / "out"
    (out / "m").mkdir(parents=True)
    (out / "m" / "book.pdf").write_bytes(PREVIOUS)
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", ".", "--out", str(out), *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    found = sorted(
        f"{m[1]}:{m[2]}:{m[3]} {m[4]}"
        for line in result.stderr.splitlines()
        if (m := LOCATED.match(line))
    )
    expected = sorted((case / "expected.txt").read_text().split("\n")[:-1])
    assert found == expected, result.stderr
    assert all(len(line) < 400 for line in result.stderr.splitlines())
    assert (out / "m" / "book.pdf").read_bytes() == PREVIOUS
    assert [p.name for p in (out / "m").iterdir()] == ["book.pdf"]


# --- Attacks on the build itself -------------------------------------------------------------

import http.server  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from briefgen.build.run import build_project  # noqa: E402
from briefgen.errors import RenderError  # noqa: E402
from briefgen.options import BuildOptions  # noqa: E402
from briefgen.project.load import load_project  # noqa: E402
from briefgen.project.themes import builtin_templates  # noqa: E402

from .conftest import require_tool  # noqa: E402


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_no_request_leaves_the_build(
    listener: tuple[str, list[str]],
    data_tree: DataTree,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, requests = listener
    templates = tmp_path / "templates"
    shutil.copytree(builtin_templates(), templates)
    book = templates / "book.html.j2"
    book.write_text(
        book.read_text(encoding="utf-8")
        .replace("</head>", f'<link rel="stylesheet" href="{url}/evil.css"></head>')
        .replace("<body>", f'<body><img src="{url}/pixel.png">'),
        encoding="utf-8",
    )
    css = templates / "book.css"
    css.write_text(
        f"@import url({url}/imported.css);\n"
        f"@font-face {{ font-family: Evil; src: url({url}/font.woff) }}\n"
        f"body {{ background: url({url}/bg.png) }}\n" + css.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    project = load_project(data_tree())
    for fmt in ("pdf", "html"):  # one policy for both outputs
        with pytest.raises(RenderError, match="refers to resources outside it"):
            build_project(
                project, BuildOptions(out_dir=tmp_path / "out", format=fmt, template_dir=templates)
            )
    root = data_tree(
        **{
            "people/boris-beta.yaml": "name:\n  given: Boris\n  family: Beta\n"
            f"office: Adviser\nphoto: {url}/boris.png\n"
        }
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", ".", "--out", str(tmp_path / "out2")])
    assert result.exit_code == 1
    time.sleep(0.2)
    assert requests == []
    assert not (tmp_path / "out").exists()


def test_timeout_stops_a_slow_build_and_keeps_the_old_pdf(
    data_tree: DataTree, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "m").mkdir(parents=True)
    (out / "m" / "book.pdf").write_bytes(PREVIOUS)
    result = CliRunner().invoke(
        main, ["build", str(data_tree()), "--out", str(out), "--timeout", "0.01"]
    )
    assert result.exit_code == 1
    # The first step to overrun the budget stops the build: a template or the PDF layout.
    assert re.search(r"meeting m: .*took longer than 0.01 seconds", result.stderr)
    assert (out / "m" / "book.pdf").read_bytes() == PREVIOUS
    assert [p.name for p in (out / "m").iterdir()] == ["book.pdf"]


def big_meeting(data_tree: DataTree, people: int) -> Path:
    files: dict[str, str | None] = {}
    members = ""
    for n in range(people):
        files[f"people/p-{n}.yaml"] = (
            f"name:\n  given: Person{n}\n  family: Number{n}\n"
            f"office: Adviser\nbio: {'Served in many posts. ' * 40}\n"
        )
        members += f"  - person: p-{n}\n"
    files["m/away.yaml"] = AWAY_BIG.format(members=members)
    return data_tree(**files)


AWAY_BIG = "name: Away Federation\nmembers:\n  - person: anna-alpha\n{members}"


def test_killed_build_leaves_previous_outputs_intact(data_tree: DataTree, tmp_path: Path) -> None:
    root = big_meeting(data_tree, 150)
    out = tmp_path / "out"
    (out / "m").mkdir(parents=True)
    (out / "m" / "book.pdf").write_bytes(PREVIOUS)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(root), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (out / "m" / "book.pdf").read_bytes() == PREVIOUS
    assert [p.name for p in (out / "m").iterdir()] == ["book.pdf"]


def test_concurrent_builds_into_one_folder_give_a_whole_pdf(
    data_tree: DataTree, tmp_path: Path
) -> None:
    root = data_tree()
    out = tmp_path / "out"
    command = [sys.executable, "-m", "briefgen", "build", str(root), "--out", str(out)]
    processes = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    reader = PdfReader(out / "m" / "book.pdf")
    assert len(reader.pages) >= 3
    assert "Example talks" in reader.pages[0].extract_text()
    assert sorted(p.name for p in (out / "m").iterdir()) == [
        "book.html",
        "book.pdf",
        "place-cards.pdf",
        "pocket.pdf",
        "seating.svg",
    ]


INJECTIONS = [
    "{{ 7*7 }}",
    "{% include 'book.css' %}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
]


def test_injections_print_literally_in_the_pdf(data_tree: DataTree, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    lines = "".join(f'      - "{text}"\n' for text in INJECTIONS)
    root = data_tree(
        **{
            "m/meeting.yaml": (
                'title: "{{ 7*7 }} talks"\ndate: 2020-01-02\nmarking: OFFICIAL\nhost: home\n'
                "delegations: [home, away]\ntopics:\n  - title: Hostile\n    points:\n"
                + lines
                + '    if_raised:\n      - "[click me](javascript:alert(1))"\n'
            )
        }
    )
    [pdf] = build_project(load_project(root), BuildOptions(out_dir=tmp_path, format="pdf"))
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    plain = text.translate(str.maketrans("‘’“”", "''\"\""))  # typographic quotes are fine
    for injection in INJECTIONS:
        assert injection in plain
    assert "49 talks" not in text
    assert "[click me](javascript:alert(1))" in text
    raw = pdf.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"javascript:" not in raw
