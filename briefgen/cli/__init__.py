"""The command line: one thin module per command over the library API."""

from briefgen.cli.main import main

__all__ = ["main"]
