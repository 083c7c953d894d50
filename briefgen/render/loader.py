"""The Jinja loader over a :class:`~briefgen.project.themes.TemplateSet`.

Apart from :mod:`briefgen.project.themes` so that reading a project (``check``)
never imports Jinja: only rendering needs a loader.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import jinja2

from briefgen.project.themes import TemplateSet, read_template


class TemplateSetLoader(jinja2.BaseLoader):
    """A Jinja loader over a :class:`TemplateSet`."""

    def __init__(self, templates: TemplateSet) -> None:
        self.templates = templates

    def get_source(
        self, _environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.templates.find(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        source = read_template(path)
        mtime = os.stat(path).st_mtime_ns

        def uptodate() -> bool:
            """Unchanged, and still the file ``template`` resolves to: an override added to
            (or removed from) the user's folder takes effect at the next render."""
            try:
                return os.stat(path).st_mtime_ns == mtime and self.templates.find(template) == path
            except OSError:
                return False

        return source, str(path), uptodate


def template_set(env: jinja2.Environment) -> TemplateSet:
    """The folders ``env`` reads its templates from."""
    assert isinstance(env.loader, TemplateSetLoader)
    return env.loader.templates
