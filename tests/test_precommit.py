"""The README's pre-commit set-up, run as a user would: a data repository, its config, commits.

The hook is installed from a snapshot of this working tree committed to a
throwaway repository, with ``rev`` set by ``pre-commit autoupdate`` (a commit
SHA: briefgen has no release tags).  Installing the hook's environment takes
about 12 s and needs the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import EXAMPLE, REPO, require_tool
from .gitrepo import GitRepo

PLACEHOLDER_URL = "<URL of the briefgen repository>"


def pre_commit() -> str:
    """The pre-commit in this environment (a dev dependency), else on PATH."""
    beside = Path(sys.executable).with_name("pre-commit")
    return str(beside) if beside.is_file() else require_tool("pre-commit")


def readme_config() -> str:
    """The ``.pre-commit-config.yaml`` shown in the README."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(repos:\n.*?)```", readme, re.S)
    assert len(blocks) == 1, "the README shows one .pre-commit-config.yaml"
    return blocks[0]


def snapshot_of_this_tree(dest: Path) -> GitRepo:
    """This working tree (committed or not, minus ignored files) as one commit in ``dest``."""
    listed = subprocess.run(
        [require_tool("git"), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    repo = GitRepo(dest)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    repo.commit("snapshot of the briefgen working tree")
    return repo


def test_the_readme_config_has_a_quoted_commit_sha_and_the_default_data_folder() -> None:
    config = yaml.safe_load(readme_config())
    (entry,) = config["repos"]
    assert entry["repo"] == PLACEHOLDER_URL
    assert isinstance(entry["rev"], str), "an unquoted SHA of digits would be read as a number"
    (hook,) = entry["hooks"]
    assert hook["id"] == "briefgen-check"
    assert hook["args"][-1] == "delegations" and hook["files"] == "^delegations/"
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["briefgen-check"]


@pytest.mark.skipif(
    (REPO / ".git").exists() is False, reason="needs a git checkout of briefgen to snapshot"
)
def test_the_readme_config_installs_the_hook_without_weasyprint_and_checks_another_folder(
    tmp_path: Path,
) -> None:
    tool = snapshot_of_this_tree(tmp_path / "briefgen")
    data = GitRepo(tmp_path / "data")
    shutil.copytree(EXAMPLE, data.top / "my-data")
    config = readme_config().replace(PLACEHOLDER_URL, str(tool.top))
    config = config.replace("delegations", "my-data")
    (data.top / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    data.commit("data")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit(), *args], cwd=data.top, capture_output=True, text=True, env=env
        )

    updated = run("autoupdate")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    head = tool.git("rev-parse", "HEAD")
    assert f'rev: "{head}"' in (data.top / ".pre-commit-config.yaml").read_text(encoding="utf-8")

    good = run("run", "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "briefgen check" in good.stdout and "Passed" in good.stdout
    (env_dir,) = (tmp_path / "cache").glob("repo*/py_env-*")
    assert not list(env_dir.glob("lib/python*/site-packages/weasyprint"))

    data.edit("my-data/people/sergei-lavrov.yaml", "\noffice:", "\noffic:")
    data.git("add", "-A")
    bad = run("run", "--all-files")
    assert bad.returncode == 1
    assert "my-data/people/sergei-lavrov.yaml" in bad.stdout
    assert "unknown key 'offic'; did you mean 'office'? [BG201]" in bad.stdout
