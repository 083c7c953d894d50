"""A throwaway git repository for tests: write files, commit, read back commit ids."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

from .conftest import AWAY, HOME, PERSON_A, PERSON_B, PERSON_C, require_tool

#: A meeting with everything the diff compares: objectives, programme, topics, press.
MEETING = """\
title: Example talks
date: 2020-01-02
marking: OFFICIAL
host: home
delegations: [home, away]
objectives:
  - Agree a joint statement on trade.
  - Keep the channel open for the next round.
programme:
  - time: 10:00
    end: 10:30
    title: Welcome ceremony
  - time: 10:30
    end: 11:30
    title: Restricted talks
topics:
  - title: Trade
    background: Trade grew by a tenth last year.
    points:
      - We welcome the growth in trade between our two countries.
      - We propose a working group on customs procedures.
    if_raised:
      - On tariffs, our position is unchanged.
"""


def base_tree() -> dict[str, str]:
    return {
        "delegations/people/anna-alpha.yaml": PERSON_A,
        "delegations/people/boris-beta.yaml": PERSON_B,
        "delegations/people/can-gamma.yaml": PERSON_C,
        "delegations/m/meeting.yaml": MEETING,
        "delegations/m/home.yaml": HOME,
        "delegations/m/away.yaml": AWAY,
    }


class GitRepo:
    """A git working tree at ``top`` with a local identity; nothing global is touched."""

    def __init__(self, top: Path) -> None:
        self.git_path = require_tool("git")
        self.top = top
        top.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Writer")
        self.git("config", "user.email", "writer@example.org")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [self.git_path, *args],
            cwd=self.top,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        return result.stdout.strip()

    def write(self, files: dict[str, str | bytes | None]) -> None:
        """Write (str or bytes) or delete (``None``) files below the top."""
        for name, content in files.items():
            path = self.top / name
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.top / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, message: str, when: int = 1_600_000_000) -> str:
        """Commit everything with a fixed date (``when``, seconds); return the commit id."""
        stamp = f"@{when} +0000"
        self.git("add", "-A")
        self.git(
            "commit",
            "-q",
            "-m",
            message,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
        return self.git("rev-parse", "HEAD")
