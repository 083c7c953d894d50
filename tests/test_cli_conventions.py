"""Command-line conventions: -q/-v, colour, shell completion, --limit, and build progress."""

from __future__ import annotations

import pickle
import re
import shutil
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from briefgen.build.run import Event, build_project
from briefgen.cli import progress as display_module
from briefgen.cli.common import PlainOutput, make_console
from briefgen.cli.main import main
from briefgen.cli.progress import BuildDisplay
from briefgen.options import BuildOptions
from briefgen.project.load import load_project

from .conftest import DataTree

WARNING_TREE = {"people/unused-person.yaml": "name:\n  given: Una\n  family: Used\n"}


def leaf_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += leaf_commands(command, f"{prefix}{name} ")
        else:
            found.append((prefix + name, command))
    return found


@pytest.mark.parametrize("name", [name for name, _ in leaf_commands(main)])
def test_every_command_has_quiet_and_verbose(name: str) -> None:
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output


def test_quiet_prints_errors_only_and_verbose_each_step(data_tree: DataTree) -> None:
    root = data_tree(**WARNING_TREE)
    runner = CliRunner()
    normal = runner.invoke(main, ["check", str(root)])
    assert normal.exit_code == 0 and "warning:" in normal.output and "ok:" in normal.output
    quiet = runner.invoke(main, ["check", "-q", str(root)])
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = runner.invoke(main, ["check", "-v", str(root)])
    assert re.search(r"^read and validated .* \(\d+\.\d\d s\)$", verbose.stderr, re.M)
    assert re.search(r"^linted \(\d+\.\d\d s\)$", verbose.stderr, re.M)
    both = runner.invoke(main, ["check", "-q", "-v", str(root)])
    assert both.exit_code == 2 and "contradict" in both.output

    broken = data_tree(**{"m/away.yaml": "name: Away\nmembers: []\nrol: x\n"})
    failed = runner.invoke(main, ["check", "-q", str(broken)])
    assert failed.exit_code == 1
    assert "error: unknown key 'rol'" in failed.stderr
    assert "warning:" not in failed.stderr


def test_quiet_build_writes_without_a_word(data_tree: DataTree, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", "-q", str(data_tree()), "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0 and result.output == ""
    assert (out / "m" / "book.html").is_file()


def test_colour_follows_no_color_and_force_color(
    data_tree: DataTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_tree(**WARNING_TREE)
    runner = CliRunner()
    piped = runner.invoke(main, ["check", str(root)])
    assert "\x1b[" not in piped.output
    forced = runner.invoke(main, ["check", str(root)], env={"FORCE_COLOR": "1"})
    assert "\x1b[1;33mwarning:\x1b[0m" in forced.stderr
    # A machine format stays plain whatever FORCE_COLOR says.
    github = runner.invoke(
        main, ["check", "--format", "github", str(root)], env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[" not in github.output
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    console = make_console()
    assert isinstance(console, Console)
    assert console.is_terminal and console.no_color
    assert not console.is_interactive, "a forced colour must not animate a log"


def test_plain_output_prints_what_rich_prints_off_a_terminal(
    data_tree: DataTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off a terminal the commands print without rich (:class:`PlainOutput`): the same text
    as rich's console there, which ``TTY_COMPATIBLE=0`` makes them use."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    root = data_tree(**WARNING_TREE)
    runner = CliRunner()
    for args in (["check", str(root)], ["check", "-v", str(root)], ["check", str(tmp_path)]):
        plain = runner.invoke(main, args)
        rich = runner.invoke(main, args, env={"TTY_COMPATIBLE": "0"})
        assert (plain.exit_code, plain.stdout, plain.stderr) == (
            rich.exit_code,
            rich.stdout,
            rich.stderr,
        )
        assert plain.stderr, "something was printed"
    assert isinstance(make_console(), PlainOutput)


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _briefgen_completion briefgen"),
        ("zsh", "#compdef briefgen"),
        ("fish", "complete --no-files --command briefgen"),
    ],
)
def test_shell_completion_script_is_produced(shell: str, marker: str) -> None:
    result = CliRunner().invoke(
        main, [], prog_name="briefgen", env={"_BRIEFGEN_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert marker in result.output


def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            "_BRIEFGEN_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        result = CliRunner().invoke(main, [], prog_name="briefgen", env=env)
        return result.output.splitlines()

    assert "plain,build" in complete("briefgen bu")
    assert "plain,--limit" in complete("briefgen build --li")


def test_limit_option_sets_limits_and_says_what_is_wrong(data_tree: DataTree) -> None:
    root = data_tree()
    runner = CliRunner()
    low = runner.invoke(main, ["check", str(root), "--limit", "people_per_meeting=2"])
    assert low.exit_code == 1
    assert "more than the limit of 2" in low.stderr
    assert "--limit people_per_meeting=N" in low.stderr
    ok = runner.invoke(
        main, ["check", str(root), "--limit", "people-per-meeting=3", "--limit", "depth=10"]
    )
    assert ok.exit_code == 0, ok.output
    typo = runner.invoke(main, ["check", str(root), "--limit", "people=5"])
    assert typo.exit_code == 2
    assert "unknown limit 'people'; did you mean 'people_per_meeting'?" in typo.output
    close = runner.invoke(main, ["check", str(root), "--limit", "image_pixel=5"])
    assert "did you mean 'image_pixels'?" in close.output
    for bad in ("people_per_meeting", "people_per_meeting=lots", "people_per_meeting=0"):
        result = runner.invoke(main, ["check", str(root), "--limit", bad])
        assert result.exit_code == 2, bad
        assert "Traceback" not in result.output
    # The flags of the last release still work, hidden.
    old = runner.invoke(main, ["check", str(root), "--max-people", "2"])
    assert old.exit_code == 1 and "more than the limit of 2" in old.stderr


def test_build_help_is_short() -> None:
    text = CliRunner().invoke(main, ["build", "--help"]).output
    assert "--max-" not in text
    assert "--limit KEY=VALUE" in text
    assert len(text.splitlines()) <= 75, len(text.splitlines())


# --- progress -----------------------------------------------------------------------------


def test_a_log_gets_one_line_per_output_with_its_time(data_tree: DataTree, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(data_tree()), "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"wrote {re.escape(str(out / 'm' / 'book.html'))} \(\d+\.\d+ s\)\n", result.stdout
    )


def test_verbose_build_names_each_step_with_its_time(data_tree: DataTree, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["build", "-v", str(data_tree()), "--format", "html", "--out", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    for line in (r"validated .*", r"m: HTML", r"m: write", r"m: built in"):
        assert re.search(rf"^{line} ?\(?\d+\.\d+ s\)?$", result.stderr, re.M), line


def test_workers_report_their_steps_back(data_tree: DataTree, tmp_path: Path) -> None:
    """Events travel from the worker processes to the parent (they pickle)."""
    assert pickle.loads(pickle.dumps(Event("m", "page", "book.pdf", "page 3"))).detail == "page 3"
    root = data_tree()
    shutil.copytree(root / "m", root / "m2")
    events: list[Event] = []
    options = BuildOptions(out_dir=tmp_path / "out", format="all", jobs=2)
    build_project(load_project(root), options, progress=events.append)
    for meeting in ("m", "m2"):
        mine = [(e.kind, e.output) for e in events if e.meeting == meeting]
        starts = [output for kind, output in mine if kind == "start"]
        assert starts[:2] == ["book.html", "book.pdf"] and starts[-1] == "write"
        assert ("page", "book.pdf") in mine
        assert mine[-1] == ("built", "")
        written = [e for e in events if e.meeting == meeting and e.kind == "written"]
        assert len(written) == 5 and all(e.seconds > 0 for e in written)


def test_a_long_step_prints_a_heartbeat_in_a_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(display_module, "HEARTBEAT", 0.2)
    with BuildDisplay(0) as display:
        display(Event("big", "start", "book.pdf"))
        display(Event("big", "page", "book.pdf", "page 412"))
        time.sleep(1.5)
        display(Event("big", "written", "build/big/book.pdf", seconds=1.5))
        display(Event("big", "built"))
    captured = capsys.readouterr()
    assert re.search(r"^big: PDF layout, page 412, \d+ s so far$", captured.err, re.M)
    assert captured.out == "wrote build/big/book.pdf (1.5 s)\n"
