"""The preview against a hostile web page: DNS rebinding, cross-site requests that start
work, framing, and error pages that would show where the server keeps its files."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen.serve.app import PreviewServer
from briefgen.serve.guard import allowed_hosts, host_allowed, redact_paths, same_origin
from briefgen.serve.preview import ServeOptions

from .conftest import DataTree


def request(
    server: PreviewServer, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1][:-1]))
    try:
        connection.putrequest("GET", path, skip_host=headers is not None and "Host" in headers)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def wildcard(data_tree: DataTree) -> Iterator[PreviewServer]:
    """A server listening on every interface, with one extra allowed name."""
    running = PreviewServer(
        data_tree(), ServeOptions(host="0.0.0.0", port=0, allow_hosts=("briefs.example",))
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("attacker.example:8000", 403),  # DNS rebinding: a hostile name, this machine's address
        ("localhost.attacker.example", 403),
        ("127.0.0.1.nip.io", 403),
        ("", 403),
        ("localhost:8000", 200),
        ("127.0.0.1:8000", 200),
        ("192.168.1.20:8000", 200),
        ("[::1]:8000", 200),
        ("briefs.example", 200),
        ("BRIEFS.EXAMPLE.:8000", 200),
    ],
)
def test_a_wildcard_server_still_checks_the_host(
    wildcard: PreviewServer, host: str, status: int
) -> None:
    assert request(wildcard, "/m/", {"Host": host})[0] == status


def test_host_rules() -> None:
    allowed = allowed_hosts("10.0.0.5", ["Preview.Lan"])
    assert host_allowed("preview.lan:80", allowed) and host_allowed("10.0.0.5", allowed)
    assert not host_allowed("evil.example", allowed)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Referer": "https://attacker.example/page.html"},
    ],
)
def test_cross_site_requests_cannot_start_a_pdf(
    wildcard: PreviewServer, headers: dict[str, str]
) -> None:
    for path in ("/m/book.pdf", "/_briefgen/pdf/m"):
        status, answer, _ = request(wildcard, path, headers)
        assert status == 403, (path, headers)
        assert answer["X-Frame-Options"] == "DENY"
    assert wildcard.pdfs._jobs == {}


def test_same_origin_and_typed_requests_may() -> None:
    host = {"Host": "localhost:8000"}
    assert same_origin({**host, "Sec-Fetch-Site": "same-origin"})
    assert same_origin({**host, "Sec-Fetch-Site": "none"})
    assert same_origin({**host, "Referer": "http://localhost:8000/m/pdf"})
    assert same_origin(host)  # curl and other non-browser clients


def test_no_answer_can_be_framed_by_another_site(wildcard: PreviewServer) -> None:
    for path in ("/", "/m/", "/m/pdf", "/nowhere", "/_briefgen/reload-worker.js"):
        _, headers, _ = request(wildcard, path)
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
    status, headers, body = request(wildcard, "/m/book.pdf", {"Sec-Fetch-Site": "same-origin"})
    assert status == 200 and body.startswith(b"%PDF")
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]


def test_error_pages_show_no_absolute_server_path(data_tree: DataTree, tmp_path: Path) -> None:
    root = data_tree()
    (root / "m" / "meeting.yaml").write_text(
        (root / "m" / "meeting.yaml").read_text() + "attachments:\n  - file: gone.pdf\n"
    )
    running = PreviewServer(root, ServeOptions(host="127.0.0.1", port=0))
    running.start()
    try:
        _, _, body = request(running, "/m/")
    finally:
        running.stop()
    text = body.decode()
    assert "gone.pdf" in text
    assert str(tmp_path) not in text and str(root) not in text


def test_redact_paths() -> None:
    root = Path("/srv/ci/work/delegations")
    text = (
        "/srv/ci/work/delegations/m/att.pdf: cannot read; "
        "template /usr/lib/python3/site-packages/briefgen/templates/book.html.j2 failed"
    )
    shown = redact_paths(text, [root])
    assert shown == "m/att.pdf: cannot read; template …/book.html.j2 failed"
