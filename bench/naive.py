"""The naive pipeline the benchmark compares against: one template, no care.

    python bench/naive.py DELEGATIONS_ROOT OUT.pdf

Reads every YAML file with yaml.safe_load, renders one Jinja template with
every person's name, office, bio (Markdown) and photo (the original file,
as WeasyPrint fetches it) and writes the PDF with WeasyPrint's defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import weasyprint
import yaml
from markdown_it import MarkdownIt

TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 2cm; @bottom-center { content: counter(page) } }
body { font-family: serif } .bio { break-before: page } img { width: 32mm; height: 40mm }
</style></head><body>
<h1>{{ meeting.title }}</h1>
{% for d in delegations %}<h2>{{ d.name }}</h2><ol>
{% for m in d.members %}<li>{{ people[m.person].name.given }} {{ people[m.person].name.family }}
</li>{% endfor %}</ol>{% endfor %}
{% for id, p in people.items() %}<div class="bio"><h2>{{ p.name.given }} {{ p.name.family }}</h2>
{% if p.photo %}<img src="people/{{ p.photo }}">{% endif %}
<p>{{ p.office }}</p>{{ md(p.bio or "") }}</div>{% endfor %}
</body></html>"""


def naive_html(root: Path) -> str:
    """The naive script's HTML for the first meeting under ``root`` (a delegations folder)."""
    people = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / "people").glob("*.yaml"))
    }
    folder = next(p.parent for p in sorted(root.glob("*/meeting.yaml")))
    meeting = yaml.safe_load((folder / "meeting.yaml").read_text(encoding="utf-8"))
    delegations = [
        yaml.safe_load((folder / f"{d}.yaml").read_text(encoding="utf-8"))
        for d in meeting["delegations"]
    ]
    used = {m["person"] for d in delegations for m in d["members"]}
    people = {k: v for k, v in people.items() if k in used}
    md = MarkdownIt()
    return jinja2.Template(TEMPLATE).render(
        meeting=meeting, delegations=delegations, people=people, md=md.render
    )


def main() -> None:
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    weasyprint.HTML(string=naive_html(root), base_url=str(root) + "/").write_pdf(out)


if __name__ == "__main__":
    main()
