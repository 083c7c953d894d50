"""Typed models of the file kinds: person, delegation, meeting and briefgen.yaml.

Models forbid unknown keys, so a typo is an error rather than silently
ignored data; field types come from :mod:`briefgen.schema.fields`.  The field
names are the data contract in DOMAIN.md: extend, never rename.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from briefgen.schema.choices import HeadRank, Interpreters, NameOrder, Paper, ThemeName
from briefgen.schema.fields import (
    ClockTime,
    Country,
    Flag,
    Id,
    IsoDate,
    Language,
    Markdown,
    Positive,
    Text,
    Timezone,
)
from briefgen.schema.tables import DelegationOrder, FamilyPhoto, Seating


class StrictModel(BaseModel):
    """Base of every model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Name(StrictModel):
    """A person's name: given and family stored apart, in Latin script."""

    given: Text | None = Field(
        None,
        description="Given name(s) in Latin script; leave out for a person known by one name "
        "only, which then goes in family.",
        examples=["Sergei"],
    )
    family: Text = Field(
        description="Family name in Latin script (the only name of a person with one name).",
        examples=["Lavrov"],
    )
    patronymic: Text | None = Field(
        None,
        description="Patronymic, where the culture has one; not printed in lists.",
        examples=["Viktorovich"],
    )
    order: NameOrder = Field(
        "given-family",
        description="family-given prints the family name first (Chinese, "
        "Japanese, Korean, Hungarian names).",
        examples=["family-given"],
    )
    native: Text | None = Field(
        None, description="The full name in native script.", examples=["Сергей Викторович Лавров"]
    )
    pronunciation: Text | None = Field(
        None,
        description="How to say the name, stressed syllables in capitals.",
        examples=["sehr-GAY lah-VROF"],
    )
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other spellings seen in sources; they silence near-duplicate warnings.",
        examples=[["Sergey Lavrov"]],
    )


class Person(StrictModel):
    """A file in ``people/``: someone who may appear in any meeting."""

    name: Name = Field(
        description="The person's name.",
        examples=[{"given": "Sergei", "family": "Lavrov", "native": "Сергей Лавров"}],
    )
    honorific: Text | None = Field(
        None,
        description="H.E., The Hon., Dr, or a military rank; printed before the salutation.",
        examples=["H.E."],
    )
    salutation: Text | None = Field(None, description="Mr, Ms, Mx ...", examples=["Mr"])
    address: Text | None = Field(
        None,
        description="How to address the person in speech and on place cards; overrides the "
        "short form briefgen derives (e.g. Mr Lavrov).",
        examples=["President Erdoğan"],
    )
    office: Text | None = Field(
        None,
        description="Current office; the default role at meetings.",
        examples=["Minister of Foreign Affairs"],
    )
    born: IsoDate | None = Field(
        None, description="Date of birth, YYYY-MM-DD.", examples=["1950-03-21"]
    )
    rank: HeadRank | None = Field(
        None,
        description="Rank of the office for the 'rank' order of delegations; without it "
        "briefgen reads it from the office (President, Prime Minister, Minister).",
        examples=["head-of-government"],
    )
    since: IsoDate | None = Field(
        None,
        description="Date the person took the current office; breaks ties of rank.",
        examples=["2012-05-07"],
    )
    photo: Text | None = Field(
        None,
        description="Image path relative to people/, inside it (JPEG, PNG, GIF or WebP).",
        examples=["photos/sergei-lavrov.jpg"],
    )
    bio: Markdown | None = Field(
        None,
        description="Short biography in Markdown; raw HTML is shown as text.",
        examples=["Minister since *2004*."],
    )


class Member(StrictModel):
    """One line of a delegation's member list."""

    person: Id = Field(
        description="Id (file name without .yaml) of a person in people/.",
        examples=["sergei-lavrov"],
    )
    role: Text | None = Field(
        None,
        description="Role at this meeting; defaults to the person's office.",
        examples=["Minister of Foreign Affairs"],
    )
    support: Flag = Field(
        False,
        description="true for interpreters, note-takers, security: listed apart and not seated.",
        examples=[True],
    )
    precedence: Positive | None = Field(
        None, description="Explicit rank in the delegation; overrides the list order.", examples=[2]
    )


class Delegation(StrictModel):
    """A file ``<meeting>/<delegation-id>.yaml``; members in order of precedence."""

    name: Text = Field(description="Full name of the side.", examples=["Russian Federation"])
    short: Text | None = Field(None, description="Short name for headings.", examples=["Russia"])
    country: Country | None = Field(
        None, description="ISO 3166-1 alpha-2 country code.", examples=["RU"]
    )
    members: list[Member] = Field(
        min_length=1,
        description="Members in order of precedence, head of delegation first.",
        examples=[[{"person": "vladimir-putin"}, {"person": "sergei-lavrov"}]],
    )


Audience = Annotated[
    list[Id],
    Field(
        description="Restrict this item to the editions for these audiences (see 'editions' "
        "in briefgen.yaml); without it the item is in every edition.",
        examples=[["principal"], ["staff"]],
    ),
]
ItemMarking = Annotated[
    Text | None,
    Field(
        description="Security marking of this item; the book's marking must be at least "
        "as high (check reports it otherwise).",
        examples=["SECRET"],
    ),
]


class Entry(StrictModel):
    """One line (a point, a press line, an objective) with an audience or a marking."""

    text: Markdown = Field(
        description="The line, in Markdown.", examples=["We propose *closer coordination*."]
    )
    audience: Audience = Field(default_factory=list)
    marking: ItemMarking = None


def _line_kind(value: Any) -> str:
    return "entry" if isinstance(value, dict | Entry) else "markdown"


#: Tags of the two shapes of a list line; validate.py drops them from error locations.
LINE_TAGS = frozenset({"markdown", "entry"})

#: A list entry is plain Markdown, or a mapping with text, audience and marking.
Line = Annotated[
    Annotated[Markdown, Tag("markdown")] | Annotated[Entry, Tag("entry")],
    Discriminator(_line_kind),
    Field(
        description="Markdown text, or a mapping {text, audience, marking} to restrict "
        "the line to some editions or give it a marking."
    ),
]


class Attachment(StrictModel):
    """A file embedded in the PDF (e.g. the text of an agreement to be signed)."""

    file: Text = Field(
        description="Path relative to the meeting folder, inside it.",
        examples=["attachments/joint-statement.pdf"],
    )
    description: Text | None = Field(
        None,
        description="What the file is; shown by PDF readers in the attachments list.",
        examples=["Draft joint statement, English text"],
    )


class ProgrammeItem(StrictModel):
    """One timed item of the programme."""

    time: ClockTime = Field(description="Local start time, HH:MM.", examples=["14:30"])
    end: ClockTime | None = Field(None, description="Local end time, HH:MM.", examples=["15:30"])
    title: Text = Field(description="What happens.", examples=["Restricted talks"])
    place: Text | None = Field(None, description="Where.", examples=["President's office"])
    attendees: list[Text] = Field(
        default_factory=list,
        description="Who attends, as free text.",
        examples=[["Heads of state", "Interpreters"]],
    )
    audience: Audience = Field(default_factory=list)
    marking: ItemMarking = None


class Topic(StrictModel):
    """One subject for the talks."""

    title: Text = Field(description="Heading of the topic.", examples=["Syria"])
    background: Markdown | None = Field(
        None,
        description="Background in Markdown.",
        examples=["Russia, Turkey and Iran agreed a *de-escalation zone* in Idlib."],
    )
    points: list[Line] = Field(
        default_factory=list,
        description="Points to make (lines to take), in Markdown.",
        examples=[["We remain committed to the Astana accords."]],
    )
    if_raised: list[Line] = Field(
        default_factory=list,
        description="Responsive lines if the other side raises the subject, in Markdown.",
        examples=[["On Iran's role: the arrangements were agreed by all three guarantors."]],
    )
    audience: Audience = Field(default_factory=list)
    marking: ItemMarking = None


class Meeting(StrictModel):
    """The file ``<meeting-id>/meeting.yaml``."""

    title: Text = Field(
        description="Full title of the meeting.",
        examples=["Russia–Turkey talks at presidential level"],
    )
    short_title: Text | None = Field(
        None,
        description="Used in page footers; defaults to title.",
        examples=["Russia–Turkey talks"],
    )
    date: IsoDate = Field(description="Date of the meeting, YYYY-MM-DD.", examples=["2017-09-28"])
    start: ClockTime | None = Field(
        None, description="Local start time, HH:MM.", examples=["14:00"]
    )
    end: ClockTime | None = Field(None, description="Local end time, HH:MM.", examples=["17:00"])
    timezone: Timezone | None = Field(
        None, description="IANA timezone of the local times.", examples=["Europe/Istanbul"]
    )
    venue: Text | None = Field(
        None, description="Building or place.", examples=["Presidential Complex"]
    )
    city: Text | None = Field(None, description="City.", examples=["Ankara"])
    marking: Text = Field(
        description="Security marking printed on every page.", examples=["OFFICIAL"]
    )
    caveats: list[Text] = Field(
        default_factory=list,
        description="Handling caveats printed with the marking.",
        examples=[["UK EYES ONLY"]],
    )
    language: Language = Field(
        "en",
        description="Language of the book's labels, dates and times: en, ru, tr and fr are "
        "shipped; another code works when templates/locale/<code>.po exists (labels without "
        "a translation print in English, and check warns).",
        examples=["ru"],
    )
    host: Id | None = Field(
        None, description="Id of the host delegation (listed first).", examples=["turkey"]
    )
    delegations: list[Id] = Field(
        min_length=1,
        description="Ids of the delegation files in this folder.",
        examples=[["turkey", "russia"]],
    )
    perspective: Id | None = Field(
        None, description="Id of the delegation this briefing is for.", examples=["russia"]
    )
    chair: Id | None = Field(
        None,
        description="Id of the delegation chairing the meeting; default: host.",
        examples=["turkey"],
    )
    order: DelegationOrder = Field(
        default_factory=DelegationOrder,
        description="Order of the delegations in the book, plans and lists; all optional.",
        examples=[{"rule": "alphabetical", "language": "fr", "start": "iran"}],
    )
    photo: FamilyPhoto | None = Field(
        None,
        description="Family photo line-up; printed for meetings of three or more "
        "delegations, or when given.",
        examples=[{"row": 8}],
    )
    objectives: list[Line] = Field(
        default_factory=list,
        description="What our side wants from the meeting, in Markdown.",
        examples=[["Confirm the shared commitment to the Astana accords."]],
    )
    programme: list[ProgrammeItem] = Field(
        default_factory=list,
        description="Timed schedule.",
        examples=[[{"time": "14:30", "end": "15:30", "title": "Restricted talks"}]],
    )
    topics: list[Topic] = Field(
        default_factory=list,
        description="Subjects for the talks.",
        examples=[[{"title": "Tourism", "points": ["We welcome the recovery."]}]],
    )
    press: list[Line] = Field(
        default_factory=list,
        description="Lines to take with the press, in Markdown.",
        examples=[["The talks were substantive."]],
    )
    seating: Seating = Field(
        default_factory=Seating,
        description="Seating plan and place-card settings; all optional.",
        examples=[{"interpreters": "beside", "facing_entrance": "guests"}],
    )
    attachments: list[Attachment] = Field(
        default_factory=list,
        description="Files embedded in the PDF as attachments, inside the meeting folder.",
        examples=[[{"file": "annex/agreement.pdf", "description": "Draft agreement"}]],
    )


class Edition(StrictModel):
    """One edition of the books: the content for some audiences, with its own marking."""

    name: Id = Field(
        description="Name given to --edition; also the output folder edition-<name>/.",
        examples=["principal"],
    )
    audiences: list[Id] = Field(
        min_length=1,
        description="Audiences whose items this edition includes, besides the items "
        "without an audience.",
        examples=[["principal"], ["principal", "staff"]],
    )
    marking: Text | None = Field(
        None,
        description="Marking of this edition's books instead of the meeting's; it must be at "
        "least the highest marking of the items included.",
        examples=["SECRET"],
    )
    label: Text | None = Field(
        None,
        description="Printed on the cover under 'Briefing book'.",
        examples=["Principal's edition"],
    )


class ProjectConfig(StrictModel):
    """The optional file ``briefgen.yaml`` at the data root: settings for all meetings.

    Command-line options override these settings.
    """

    markings: list[Text] | None = Field(
        None,
        description="The markings this office uses, lowest first; check warns about any "
        "other, and the order ranks them (an item's marking against the book's).",
        examples=[["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]],
    )
    editions: list[Edition] = Field(
        default_factory=list,
        description="Editions that --edition can build, each for some audiences.",
        examples=[[{"name": "principal", "audiences": ["principal"]}]],
    )
    theme: ThemeName | None = Field(
        None,
        description="Built-in look of the books: default (A4, serif, one topic and one person "
        "a page) or compact (US Letter, sans-serif, dense). --theme overrides it.",
        examples=["compact"],
    )
    paper: Paper | None = Field(
        None,
        description="Paper size of the PDFs; without it the theme decides (default: a4, "
        "compact: letter). --paper overrides it.",
        examples=["letter"],
    )
    family_caps: Flag | None = Field(
        None,
        description="true prints family names in capitals (Sergei LAVROV). "
        "--family-caps or --no-family-caps overrides it.",
        examples=[True],
    )
    templates: Text | None = Field(
        None,
        description="Folder of template overrides, relative to this file and inside the data "
        "folder (default: templates/ here, when it exists). --templates overrides it.",
        examples=["templates"],
    )
    interpreters: Interpreters | None = Field(
        None,
        description="Where each principal's interpreter is placed by default: behind the "
        "principal, or beside (at the principal's left) in seating plans.",
        examples=["beside"],
    )
