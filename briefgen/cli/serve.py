"""``briefgen serve``: the live preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefgen.cli.common import (
    DEFAULT_DATA,
    book_options,
    existing,
    handle_user_errors,
    limit_options,
    make_console,
    make_limits,
    output_options,
    verbosity,
)
from briefgen.schema.choices import Paper, ThemeName


@click.command()
@click.argument("meeting_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but 127.0.0.1 lets other machines read the books.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name requests may use besides the address, localhost and this machine's "
    "names (repeatable); any other Host is refused, also with --host 0.0.0.0.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the index in a web browser.")
@book_options
@click.option(
    "--edition",
    metavar="NAME",
    help="Preview the edition NAME of briefgen.yaml instead of the full book.",
)
@limit_options
@output_options
@handle_user_errors
def serve(
    meeting_dir: Path | None,
    port: int,
    host: str,
    allow_hosts: tuple[str, ...],
    open_browser: bool,
    family_caps: bool | None,
    paper: Paper | None,
    theme: ThemeName | None,
    templates: Path | None,
    edition: str | None,
    **kwargs: Any,
) -> None:
    """Preview the books in a browser, rebuilt and reloaded on every save.

    Serves an index of the meetings under MEETING_DIR (default: delegations;
    a single meeting folder works too) and each meeting's book.  Saving a
    data file or a template rebuilds the books it touches and reloads the
    open pages; a bad edit shows the errors in place of the book until it is
    fixed.  Each meeting has a PDF link that lays the PDF out on demand.
    Stop with Ctrl-C.  The book options are those of `build`, resolved the
    same way, so the preview shows the book a build writes.
    """
    from briefgen.options import BuildOptions
    from briefgen.render.book import RenderOptions
    from briefgen.serve.app import PreviewServer, serve_until_signal
    from briefgen.serve.preview import ServeOptions

    book = BuildOptions(
        render=RenderOptions(family_caps=family_caps, paper=paper),
        template_dir=templates,
        theme=theme,
        edition=edition,
        limits=make_limits(kwargs),
    )
    level = verbosity()
    options = ServeOptions(
        host=host, port=port, book=book, verbosity=level, allow_hosts=allow_hosts
    )
    console = make_console()

    def log(message: str) -> None:
        console.print(message)

    def info(message: str) -> None:
        if level >= 0:
            log(message)

    server = PreviewServer(existing(meeting_dir or DEFAULT_DATA), options, log)

    def announce() -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            log(f"warning: listening on {host}: other machines can read these books.")
        info(f"Serving {server.url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)

    serve_until_signal(server, on_start=announce)
    info("Stopped.")
