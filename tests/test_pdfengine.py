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


@pytest.mark.skipif(sys.platform != "linux", reason="the library lookup is Linux's")
def test_the_engine_is_imported_without_starting_a_process() -> None:
    """``ctypes.util.find_library`` runs ldconfig and gcc per library name: ~20 processes."""
    code = (
        "import subprocess, sys\n"
        "started = []\n"
        "real = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    started.append(args)\n"
        "    real(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "import briefgen.outputs.pdf\n"
        "import ctypes.util\n"
        "print(started, ctypes.util.find_library.__module__, 'weasyprint' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["[]", "ctypes.util", "True"], result.stdout


def test_an_engine_the_loader_alone_cannot_open_is_imported_the_usual_way() -> None:
    """Loading a library by soname fails once: the import runs again with the real lookup."""
    code = (
        "import sys, ctypes.util\n"
        "class Once:\n"
        "    failed = False\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'weasyprint.text.ffi' and not Once.failed:\n"
        "            Once.failed = True\n"
        "            print('cannot load library libpango-1.0.so.0')\n"
        "            raise OSError('cannot load library libpango-1.0.so.0')\n"
        "sys.meta_path.insert(0, Once())\n"
        "from briefgen.outputs.pdfengine import import_engine\n"
        "import_engine()\n"
        "import weasyprint.text.ffi\n"
        "print(Once.failed or sys.platform != 'linux', callable(weasyprint.HTML))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True"], result.stdout + result.stderr
