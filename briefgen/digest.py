"""Keys for caches: a SHA-256 over labelled parts, so two different inputs never collide."""

from __future__ import annotations

import hashlib
from pathlib import Path

#: Bump when the layout of the cache or the meaning of a key changes.
CACHE_FORMAT = 2


class KeyBuilder:
    """An incremental SHA-256 over labelled parts, so two different inputs never collide."""

    def __init__(self, kind: str) -> None:
        self._hash = hashlib.sha256(f"briefgen-cache:{CACHE_FORMAT}:{kind}".encode())

    def add(self, label: str, value: bytes | str) -> KeyBuilder:
        data = value.encode("utf-8") if isinstance(value, str) else value
        self._hash.update(f"\0{label}\0{len(data)}\0".encode())
        self._hash.update(data)
        return self

    def add_file(self, path: Path) -> KeyBuilder:
        """The path and the bytes of a file (a missing file hashes as missing)."""
        try:
            data = path.read_bytes()
        except OSError:
            return self.add(f"missing:{path}", b"")
        return self.add(f"file:{path}", hashlib.sha256(data).digest())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
