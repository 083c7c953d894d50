"""The ``briefgen`` command: a thin layer over the library, one module per command.

Exit codes: 0 success, 1 invalid input or failed build, 2 usage error.
Heavy modules (WeasyPrint above all) are imported inside the commands that
need them, so ``check`` stays fast.
"""

from __future__ import annotations

import os

import click

from briefgen import __version__
from briefgen.cli.build import build
from briefgen.cli.check import check
from briefgen.cli.diff import diff
from briefgen.cli.meetings import meetings
from briefgen.cli.new import new
from briefgen.cli.schema import schema
from briefgen.cli.seating import seating
from briefgen.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
def main() -> None:
    """Briefing books for meetings and delegations, from YAML to HTML and PDF."""


for command in (check, build, serve, diff, seating, schema, new, meetings):
    main.add_command(command)


def run() -> None:
    """The ``briefgen`` program (console script and ``python -m briefgen``): :func:`main` with
    pydantic's plugins off unless the environment says otherwise.

    pydantic looks for plugins (observability hooks) in the metadata of every installed
    distribution when it builds its first model: 0.01-0.02 s of every command, for hooks
    that have no business watching briefgen validate its own files.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    main()
