"""Compiled templates kept between builds (briefgen.outputs.codecache.TemplateCodeCache)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from briefgen.outputs.codecache import TemplateCodeCache
from briefgen.render.book import BOOK_TEMPLATE, make_environment


def _compiles(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates ``env`` compiles from source from now on."""
    compiled: list[str] = []
    original = env.compile

    def compile_(source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", compile_)
    return compiled


def test_a_second_build_loads_the_compiled_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = TemplateCodeCache(tmp_path / "templates")
    make_environment(code_cache=first).get_template(BOOK_TEMPLATE)
    assert not (tmp_path / "templates").exists(), "written only once the build succeeded"
    first.flush()
    assert sorted((tmp_path / "templates").glob("*.code"))
    # A new cache object: environments are kept per process for the same arguments.
    env = make_environment(code_cache=TemplateCodeCache(tmp_path / "templates"))
    compiled = _compiles(env, monkeypatch)
    assert env.get_template(BOOK_TEMPLATE).render  # type: ignore[truthy-function]
    assert compiled == []


def test_a_changed_or_foreign_file_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = TemplateCodeCache(tmp_path / "templates")
    make_environment(code_cache=first).get_template(BOOK_TEMPLATE)
    first.flush()
    for path in (tmp_path / "templates").glob("*.code"):
        data = bytearray(path.read_bytes())
        data[-1] ^= 1  # a flipped bit in the code: the seal no longer matches
        path.write_bytes(bytes(data))
    again = TemplateCodeCache(tmp_path / "templates")
    env = make_environment(code_cache=again)
    compiled = _compiles(env, monkeypatch)
    env.get_template(BOOK_TEMPLATE)
    assert any(name.endswith(BOOK_TEMPLATE) for name in compiled), compiled
    again.flush()  # sound files again
    # A copy in another folder is not sealed for it either.
    other = TemplateCodeCache(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    for path in (tmp_path / "templates").glob("*.code"):
        (tmp_path / "elsewhere" / path.name).write_bytes(path.read_bytes())
    env = make_environment(code_cache=other)
    compiled = _compiles(env, monkeypatch)
    env.get_template(BOOK_TEMPLATE)
    assert any(name.endswith(BOOK_TEMPLATE) for name in compiled), compiled


def test_a_build_into_a_new_output_folder_compiles_no_template_again(
    data_tree: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled templates are kept for the user, not in one output folder's cache."""
    from briefgen.build.run import build_project
    from briefgen.options import BuildOptions
    from briefgen.project.load import load_project

    project = load_project(data_tree())
    build_project(project, BuildOptions(out_dir=tmp_path / "first", format="html", jobs=1))
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any) -> Any:
        compiled.append(str(name))
        return original(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    written = build_project(project, BuildOptions(out_dir=tmp_path / "new", format="html", jobs=1))
    assert [path.name for path in written] == ["book.html"]
    assert compiled == []
