"""The package layout keeps its promises (docs/architecture.md): one direction, small modules.

Every ``briefgen`` import, at module level or inside a function, is read with
``ast``; a stage may import only itself and the stages before it, no two
modules import each other (directly or round a cycle), no module grows past
:data:`MAX_MODULE_LINES`, and no function past :data:`MAX_FUNCTION_LINES`
(not counting its docstring) unless the docstring says why (``Long because``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"

#: The pipeline, in order; a module's stage is its first dotted part below briefgen.
STAGES: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "codes", "limits", "digest"),
    ("schema",),
    ("protocol",),
    ("project",),
    ("render",),
    ("lint",),
    ("outputs",),
    ("vcs",),
    ("options",),
    ("build", "starter"),
    ("serve",),
    ("cli", "__main__"),
)
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def stage_of(module: str) -> int:
    part = module.split(".")[1] if "." in module else "__init__"
    for number, names in enumerate(STAGES):
        if part in names:
            return number
    raise AssertionError(f"{module}: not in any stage of tests/test_architecture.py STAGES")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The briefgen modules ``path`` imports; ``from briefgen.x import y`` counts module x.y."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("briefgen")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("briefgen"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {m for m in found if m in known and m != "briefgen"}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(path, known) - {name} for name, path in found.items()}


def test_every_import_points_to_the_same_or_an_earlier_stage() -> None:
    wrong = [
        f"{module} (stage {stage_of(module)}) imports {target} (stage {stage_of(target)})"
        for module, targets in graph().items()
        for target in sorted(targets)
        if stage_of(target) > stage_of(module)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_modules_stay_small() -> None:
    big = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, big


def test_long_functions_say_why() -> None:
    long: list[str] = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            doc = ast.get_docstring(node) or ""
            first = node.body[0]
            if doc and isinstance(first, ast.Expr):  # a command's docstring is its --help
                length -= (first.end_lineno or first.lineno) - first.lineno + 1
            if length > MAX_FUNCTION_LINES and "Long because" not in doc:
                long.append(f"{name}.{node.name}: {length} lines")
    assert not long, "\n".join(long)


def test_no_dead_code() -> None:
    """vulture finds nothing unused outside tests/vulture_whitelist.py (framework hooks)."""
    whitelist = Path(__file__).parent / "vulture_whitelist.py"
    found = subprocess.run(
        [sys.executable, "-m", "vulture", str(PACKAGE), str(whitelist), "--min-confidence", "60"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout + found.stderr


def test_every_choice_list_has_one_source() -> None:
    from briefgen.project.themes import THEMES
    from briefgen.schema.choices import ThemeName, names

    assert tuple(THEMES) == names(ThemeName)
