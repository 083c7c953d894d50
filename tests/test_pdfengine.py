"""Without the ``pdf`` extra: check and HTML work, a PDF build says what to install."""

from __future__ import annotations

import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.outputs import pdfengine

from .conftest import EXAMPLE, DataTree


@pytest.fixture
def no_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdfengine.find_spec

    def find_spec(name: str) -> ModuleSpec | None:
        return None if name == "weasyprint" else real(name)

    monkeypatch.setattr(pdfengine, "find_spec", find_spec)


@pytest.mark.usefixtures("no_weasyprint")
@pytest.mark.parametrize("fmt", ["all", "pdf", "cards", "pocket"])
def test_a_pdf_build_without_weasyprint_names_the_extra_and_writes_nothing(
    data_tree: DataTree, tmp_path: Path, fmt: str
) -> None:
    root = data_tree()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), "--format", fmt])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "pip install 'briefgen[pdf]'" in result.output
    assert "missing: weasyprint" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*.*"))


@pytest.mark.usefixtures("no_weasyprint")
def test_check_and_an_html_build_need_no_weasyprint(data_tree: DataTree, tmp_path: Path) -> None:
    root = data_tree()
    assert CliRunner().invoke(main, ["check", str(root)]).exit_code == 0
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert (out / "m" / "book.html").is_file()


def test_importing_the_pdf_module_without_weasyprint_is_a_user_error() -> None:
    """The second guard, for callers that reach ``briefgen.outputs.pdf`` without asking first."""
    code = (
        "import sys; sys.modules['weasyprint'] = None\n"
        "from briefgen.errors import PdfEngineMissing\n"
        "try:\n"
        "    import briefgen.outputs.pdf\n"
        "except PdfEngineMissing as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "missing: weasyprint" in result.stdout
    assert "briefgen[pdf]" in result.stdout


def test_no_module_but_pdf_imports_weasyprint_at_the_top() -> None:
    """``check`` must start in an environment without the extra (the pre-commit hook's)."""
    code = (
        "import sys; sys.modules['weasyprint'] = None; sys.modules['pydyf'] = None\n"
        "from click.testing import CliRunner\n"
        "from briefgen.cli import main\n"
        f"r = CliRunner().invoke(main, ['check', {str(EXAMPLE)!r}])\n"
        "print(r.exit_code, r.output)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.startswith("0 "), result.stdout + result.stderr
