"""One options resolver for build, preview, editions and copies.

:class:`BuildOptions` holds what the command line chose (``None``: not
chosen); :func:`resolve_options` fills what it leaves open from the project
(``briefgen.yaml``, then the theme), so every path renders the same book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError
from briefgen.limits import DEFAULT_LIMITS, Limits
from briefgen.project.load import Project
from briefgen.protocol.editions import edition_named
from briefgen.render.book import RenderOptions
from briefgen.schema.choices import Format, PdfVariant
from briefgen.schema.models import Edition

if TYPE_CHECKING:
    from briefgen.project.recipients import Recipient


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    out_dir: Path = Path("build")
    format: Format = "all"
    render: RenderOptions = field(default_factory=RenderOptions)
    #: Overrides the project's template folder (briefgen.yaml, or templates/ in the data root).
    template_dir: Path | None = None
    #: Overrides the project's theme.
    theme: str | None = None
    #: Seconds allowed for one meeting's PDF; None or 0 for no limit.
    timeout: float | None = DEFAULT_LIMITS.timeout
    #: Refuse to build from uncommitted inputs.
    final: bool = False
    #: A git revision: add a "Changes since" page and change bars against it.
    changes_since: str | None = None
    #: Name of the edition to build (an edition in briefgen.yaml); None: the full book.
    edition: str | None = None
    #: Archival or accessible PDF (tagged); None: a plain PDF.
    pdf_variant: PdfVariant | None = None
    #: Numbered copies, one PDF per recipient, instead of book.html and book.pdf.
    recipients: Sequence[Recipient] | None = None
    limits: Limits = DEFAULT_LIMITS
    #: Build every output even when the cache says it is up to date.
    force: bool = False
    #: Meetings rendered at the same time, each in its own process; 1: in this process.
    jobs: int = 1
    #: Keep OUT/.briefgen-cache/ (see briefgen.outputs.cache) and skip outputs it knows are current.
    cache: bool = True

    @property
    def cacheable(self) -> bool:
        """Whether the cache may be used: not for editions, copies, calendars or --changes-since,
        whose outputs live elsewhere or depend on more than the inputs."""
        return self.cache and not (
            self.edition
            or self.recipients is not None
            or self.format == "ics"
            or self.changes_since
        )


def edition_of(project: Project, name: str | None) -> Edition | None:
    """The edition called ``name`` in the project's briefgen.yaml (None for the full book)."""
    if name is None:
        return None
    edition = edition_named(project.config, name)
    if edition is None:
        known = ", ".join(e.name for e in project.config.editions) or "none defined"
        raise BriefgenError(
            f"{project.root}: no edition '{name}' in briefgen.yaml (editions: {known})"
        )
    return edition


def resolve_options(project: Project, options: BuildOptions) -> BuildOptions:
    """``options`` with what they leave open taken from the project (briefgen.yaml)."""
    config = project.config
    render = options.render
    return replace(
        options,
        template_dir=options.template_dir or project.template_dir,
        theme=options.theme or project.theme,
        render=replace(
            render,
            paper=render.paper or config.paper,
            family_caps=config.family_caps if render.family_caps is None else render.family_caps,
        ),
    )
