"""docs/github-workflow.yml, checked offline as GitHub and the linters would.

zizmor (security audits) and check-jsonschema (with the GitHub workflow
schema it ships) are dev dependencies; actionlint runs when it is on PATH.
What needs GitHub itself (that each pinned SHA is the release its comment
names, the run) cannot be tested here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO

WORKFLOW = REPO / "docs" / "github-workflow.yml"


def tool(name: str) -> str:
    """A dev dependency's command, from this environment."""
    path = Path(sys.executable).with_name(name)
    assert path.is_file(), f"{name} is missing: run make test (it installs .[dev])"
    return str(path)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def workflow() -> dict[object, object]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def broken_copy(tmp_path: Path) -> Path:
    """The workflow with a tag instead of a SHA, credentials kept and a misspelt key."""
    text = WORKFLOW.read_text(encoding="utf-8")
    text = re.sub(r"actions/checkout@\w+", "actions/checkout@v5", text, count=1)
    text = text.replace("persist-credentials: false", "persist-credentials: true", 1)
    text = text.replace("timeout-minutes: 15", "timeout-minute: 15", 1)
    path = tmp_path / "broken.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_workflow_is_valid_against_the_github_workflow_schema(tmp_path: Path) -> None:
    check = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    result = run(*check, str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert run(*check, str(broken_copy(tmp_path))).returncode == 1


def test_zizmor_finds_nothing_even_as_an_auditor(tmp_path: Path) -> None:
    zizmor = [tool("zizmor"), "--offline", "--no-progress", "--persona=auditor"]
    result = run(*zizmor, str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout
    broken = run(*zizmor, str(broken_copy(tmp_path)))
    assert broken.returncode != 0
    assert "unpinned-uses" in broken.stdout and "artipacked" in broken.stdout


def test_every_action_is_pinned_to_a_commit_with_its_release_named() -> None:
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action}{comment}"


def test_least_privilege_and_the_jobs_the_readme_describes() -> None:
    flow = workflow()
    assert flow["permissions"] == {}
    assert flow["concurrency"]["cancel-in-progress"] is True  # type: ignore[index]
    jobs = flow["jobs"]
    assert isinstance(jobs, dict)
    granted = {name: job["permissions"] for name, job in jobs.items()}
    assert granted == {
        "check": {"contents": "read"},
        "comment": {"pull-requests": "write"},
        "build": {"contents": "read"},
    }
    assert "steps" in jobs["comment"] and "uses" not in str(jobs["comment"]["steps"])
    text = WORKFLOW.read_text(encoding="utf-8")
    assert 'briefgen check "$DATA" --format github' in text
    assert 'briefgen meetings "$DATA" --json --changed-since "$BASE_SHA"' in text
    assert 'briefgen diff "$BASE_SHA" "$DATA" --format markdown' in text
    assert jobs["build"]["strategy"]["matrix"]["meeting"] == (
        "${{ fromJSON(needs.check.outputs.meetings) }}"
    )
    assert "pip install briefgen\n" not in text and "git+https://" in text
