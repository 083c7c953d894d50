"""``briefgen.yaml``: the project's settings and its template folder."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Problem, ValidationFailed
from briefgen.limits import DEFAULT_LIMITS
from briefgen.project.confine import confine
from briefgen.project.reader import Reader
from briefgen.project.themes import builtin_templates
from briefgen.protocol.editions import check_config
from briefgen.schema.models import ProjectConfig
from briefgen.schema.validate import validate_document
from briefgen.schema.yamlread import YamlDocument

PEOPLE_DIR = "people"
MEETING_FILE = "meeting.yaml"
CONFIG_FILE = "briefgen.yaml"
#: The template folder used when briefgen.yaml names none and it exists.
TEMPLATES_DIR = "templates"


def read_config(root: Path, reader: Reader) -> tuple[ProjectConfig, YamlDocument | None]:
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return ProjectConfig(), None
    document = reader.read(path)
    if document is None:
        return ProjectConfig(), None
    config, errors = validate_document(document, ProjectConfig)
    reader.problems.extend(errors)
    if config is not None:
        reader.problems.extend(check_config(config, document))
    return config or ProjectConfig(), document


def load_config(root: Path) -> ProjectConfig:
    """The project's briefgen.yaml alone (defaults when absent); raises ValidationFailed."""
    reader = Reader(root, DEFAULT_LIMITS)
    config, _ = read_config(root, reader)
    if any(p.severity == "error" for p in reader.problems):
        raise ValidationFailed(reader.problems)
    return config


def template_folder(
    root: Path, config: ProjectConfig, document: YamlDocument | None, reader: Reader
) -> Path | None:
    """The template folder named in briefgen.yaml, or templates/ in the data root.

    It must stay inside the data folder, after following links: the data
    arrives through pull requests, and a template folder elsewhere could
    make the book include any file on the machine.
    """
    named = config.templates
    folder = root / (named or TEMPLATES_DIR)
    if named is None and not folder.exists() and not folder.is_symlink():
        return None
    if isinstance(confine(root, folder, folder=True), Path):
        return folder
    message = (
        f"the template folder '{named or TEMPLATES_DIR}' is not a folder inside the data folder"
    )
    hint = "give a folder relative to briefgen.yaml, below it, e.g. templates"
    if named is not None and document is not None:
        reader.problems.append(document.problem(("templates",), "BG324", message, hint))
        return None
    reader.problems.append(Problem(folder, 1, 1, message, hint, "BG324"))
    return None


#: Bidirectional embedding, override and isolate controls: they can make printed text
#: read differently from what a reviewer sees in the diff ("Trojan Source").


def asset_folders(root: Path, meeting_folder: Path, template_dir: Path | None) -> list[Path]:
    """The folders a meeting's PDF may fetch files from, for build and preview alike:
    ``people/`` (photos), the meeting folder, the built-in templates and the
    user's template folder (when there is one)."""
    folders = [root / PEOPLE_DIR, meeting_folder, builtin_templates()]
    if template_dir is not None and template_dir not in folders:
        folders.append(template_dir)
    return folders
