"""Compiled templates kept between builds (Jinja's bytecode cache), sealed like the other
cache files (:func:`~briefgen.outputs.cache.read_sealed`).

Apart from :mod:`briefgen.outputs.cache` so that what reads the cache without
rendering (the font lint's answers of ``check``) never imports Jinja.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache

from briefgen.outputs.cache import machine_key_path, read_sealed, write_sealed


def user_code_folder() -> Path:
    """Where this user's compiled templates are kept (:class:`TemplateCodeCache`): beside the
    cache secret, shared by every project and output folder, as Python's own bytecode is."""
    return machine_key_path().parent / "templates"


class TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds (Jinja's bytecode cache), for a fast first render.

    Kept per user (:func:`user_code_folder`), so that a build into a new output
    folder does not compile the templates again: each is known by its name and
    file, and Jinja compares the source's checksum and its own version.

    Compiled code is loaded with ``marshal``, so each file is sealed like a
    photo (an HMAC under this user's machine key, bound to the folder): a
    file not written here by this user, or changed since, is a miss.  Jinja
    checks the template's source against the checksum stored with the code.
    One file per template, replaced when the template changes, and written
    only by a build that succeeded (:meth:`flush`): a failed build leaves no
    output folder behind.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_sealed(self.folder, bucket.key, ".code")
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Note the compiled template; :meth:`flush` writes it once the build succeeded."""
        self._made[bucket.key] = bucket.bytecode_to_string()

    def flush(self) -> None:
        """Write the templates compiled since the last flush; failures are ignored."""
        made, self._made = self._made, {}
        for key, data in made.items():
            write_sealed(self.folder, key, ".code", data)
