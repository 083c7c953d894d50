"""What a preview request must show before it is answered, and what answers may show.

- **Host**: always checked, also when listening on every interface (DNS
  rebinding: a page on a hostile name that resolves to this machine).  Allowed
  are IP literals (a browser sends one only when the user typed it), the
  loopback names, this machine's names and those listed with ``--allow-host``.
- **Cross-site requests** may not start work: a request that lays out a PDF
  must come from the preview itself or the address bar (``Sec-Fetch-Site``
  ``same-origin`` or ``none``), and its ``Origin`` or ``Referer``, when
  sent, must name this server.
- **Paths**: messages shown in pages carry no absolute server path: paths
  inside the data folder become relative, any other becomes its last name.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Mapping
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names (lower case, no port) a request may name; IP literals are always allowed."""
    names = set(LOOPBACK_NAMES) | {name.strip().lower().rstrip(".") for name in extra}
    if bound not in ("", "0.0.0.0", "::"):
        names.add(bound.lower())
    else:
        for name in (socket.gethostname(), socket.getfqdn()):
            if name:
                names.add(name.lower())
    return frozenset(n for n in names if n)


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without port or IPv6 brackets, in lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(header: str, allowed: frozenset[str]) -> bool:
    name = host_name(header).rstrip(".")
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name in allowed


def same_origin(headers: Mapping[str, str] | Message) -> bool:
    """Whether a request comes from the preview's own pages (or the address bar)."""
    site = headers.get("Sec-Fetch-Site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return False
    host = host_name(headers.get("Host", ""))
    for name in ("Origin", "Referer"):
        value = headers.get(name)
        if value and value != "null" and host_name(urlsplit(value).netloc) != host:
            return False
        if value == "null":
            return False
    return True


_ABSOLUTE = re.compile(r"(?<![\w.~-])/(?:[^\s:;,'\"()<>\[\]]+/)*[^\s:;,'\"()<>\[\]]+")


def redact_paths(text: str, roots: Iterable[Path]) -> str:
    """``text`` with every absolute path made relative to ``roots``, or cut to its last name."""
    bases = [str(root) for root in roots]

    def relative(match: re.Match[str]) -> str:
        path = match.group()
        for base in bases:
            if path == base:
                return "."
            if path.startswith(base + "/"):
                return path[len(base) + 1 :]
        return "…/" + path.rsplit("/", 1)[-1]

    return _ABSOLUTE.sub(relative, text)
