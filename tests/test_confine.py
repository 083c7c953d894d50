"""confine's short walk (one lstat a plain step) decides exactly as resolving every step did."""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest

from briefgen.project.confine import Refusal, confine

#: Names a path below the root is made of: folders, files, links of every kind, hidden
#: names, a missing name and "..".
NAMES = ("d", "f.yaml", "in", "out", "up", "hid", ".h", "loop", "dangle", "fd", "nope", "..")


def resolve_every_step(
    root: Path, path: Path, within: Path | None = None, folder: bool = False
) -> Path | Refusal:
    """The rule as :func:`confine` stated it before the short walk: every folder on the way
    and the file resolved from scratch (the reference the short walk must agree with)."""
    try:
        real_root = root.resolve(strict=True)
        real_within = real_root if within is None else within.resolve(strict=True)
        if not real_within.is_relative_to(real_root):
            return Refusal("outside")
        base, full = root.absolute(), path.absolute()
        try:
            steps = full.relative_to(base).parts
        except ValueError:
            return Refusal("outside")
        current = base
        for name in steps:
            current = current / name
            if name.startswith(".") and name not in (".", ".."):
                return Refusal("hidden")
            real = current.resolve()
            if not real.is_relative_to(real_root):
                return Refusal("outside")
            if any(p.startswith(".") for p in real.relative_to(real_root).parts):
                return Refusal("hidden")
        target = full.resolve()
        if not target.is_relative_to(real_within):
            return Refusal("outside")
        mode = target.stat().st_mode
    except FileNotFoundError:
        return Refusal("missing")
    except RuntimeError:
        return Refusal("loop")
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno == 40:
            return Refusal("loop")
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "invalid path"
        return Refusal("unusable", reason)
    wanted = stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)
    return target if wanted else Refusal("not-file")


def make_level(folder: Path, outside: Path) -> None:
    """One level of the tree: a folder, a file and links in, out, up, hidden, looping, dangling."""
    (folder / "d").mkdir()
    (folder / "f.yaml").write_text("a: b\n", encoding="utf-8")
    (folder / ".h").mkdir()
    (folder / ".h" / "f.yaml").write_text("a: b\n", encoding="utf-8")
    os.symlink("d", folder / "in")
    os.symlink(outside, folder / "out")
    os.symlink("..", folder / "up")
    os.symlink(".h", folder / "hid")
    os.symlink("loop", folder / "loop")
    os.symlink("nowhere", folder / "dangle")
    os.symlink("f.yaml", folder / "fd")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.yaml").write_text("a: b\n", encoding="utf-8")
    (outside / "d").mkdir()
    real = tmp_path / "real-root"
    real.mkdir()
    make_level(real, outside)
    make_level(real / "d", outside)
    make_level(real / "d" / "d", outside)
    os.symlink(real, tmp_path / "root")  # the root itself reached through a link
    return tmp_path / "root"


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_the_short_walk_agrees_with_resolving_every_step(tree: Path, depth: int) -> None:
    withins = [None, tree / "d", tree / "in"] if depth < 3 else [None]
    checked = 0
    for names in itertools.product(NAMES, repeat=depth):
        for within, folder in itertools.product(withins, (False, True)):
            path = tree.joinpath(*names)
            expected = resolve_every_step(tree, path, within, folder)
            assert confine(tree, path, within=within, folder=folder) == expected, (names, within)
            checked += 1
    assert checked == 2 * len(withins) * len(NAMES) ** depth


def test_relative_paths_and_paths_outside_agree(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.parent)
    for path in ("root/d/f.yaml", "root/in/f.yaml", "root/../outside/f.yaml", "outside/f.yaml"):
        assert confine(Path("root"), Path(path)) == resolve_every_step(Path("root"), Path(path))
    assert confine(tree, tree) == resolve_every_step(tree, tree) == Refusal("not-file")
    assert confine(tree, tree, folder=True) == tree.resolve()
