"""Models of the protocol settings of a meeting: seating, order of delegations, family photo.

Apart from :mod:`briefgen.schema.models` so each file stays readable; the
keys are part of the same data contract (docs/format.md): extend, never rename.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from briefgen.schema.choices import (
    ChairPlace,
    Entrance,
    Interpreters,
    OrderRule,
    Placing,
    TableShape,
)
from briefgen.schema.fields import Flag, Id, Integer, Language, Positive, Text


class _Strict(BaseModel):
    """Unknown keys are errors, instances are immutable (as ``models.StrictModel``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class SeatOverride(_Strict):
    """An explicit seat for one member, instead of the seat precedence gives."""

    person: Id = Field(
        description="Id of a seated member of one of the delegations.", examples=["alexei-miller"]
    )
    offset: Integer = Field(
        description="Seat counted from the centre (0), positive to the seated person's own right.",
        examples=[-3],
    )


class Seating(_Strict):
    """Settings for the seating plan, place cards and pocket list of one meeting."""

    interpreters: Interpreters | None = Field(
        None,
        description="Where each principal's interpreter sits: behind the principal, or "
        "beside (at the principal's left; the others on that side move one seat outward). "
        "Default: 'interpreters' in briefgen.yaml, else behind.",
        examples=["beside"],
    )
    facing_entrance: Entrance = Field(
        "guests",
        description="Which side faces the entrance (so sits with its back to the far wall).",
        examples=["host"],
    )
    native_on_cards: Flag = Field(
        False,
        description="Print the native-script name under the name on place cards.",
        examples=[True],
    )
    seats: list[SeatOverride] = Field(
        default_factory=list,
        description="Explicit seats for members, overriding the seat their precedence gives.",
        examples=[[{"person": "sergei-lavrov", "offset": -1}]],
    )
    table: TableShape | None = Field(
        None,
        description="Shape of a multilateral table: round, square (hollow square or "
        "rectangle) or u. Default: round up to 12 delegations, square above; a meeting of "
        "two delegations without it keeps the bilateral plan.",
        examples=["square"],
    )
    placing: Placing = Field(
        "alternate",
        description="alternate: delegations in order at the chair's right, left, right ... "
        "(as the bilateral rule); around: in order round the table from the chair's right.",
        examples=["around"],
    )
    beside: Integer = Field(
        1,
        ge=0,
        le=6,
        description="Members seated at the table beside each head of delegation in a "
        "multilateral plan; the others sit in the row behind.",
        examples=[2],
    )
    places: Positive | None = Field(
        None,
        description="Places for delegations at the multilateral table (the chair's not "
        "counted); check warns when fewer than the delegations.",
        examples=[40],
    )
    booths: Flag = Field(
        False,
        description="Draw the interpreters' booths on the multilateral plan (facing the chair).",
        examples=[True],
    )
    audience: list[Id] = Field(
        default_factory=list,
        description="Restrict this item to the editions for these audiences (see 'editions' "
        "in briefgen.yaml); without it the item is in every edition.",
        examples=[["principal"], ["staff"]],
    )
    marking: Text | None = Field(
        None,
        description="Security marking of this item; the book's marking must be at least "
        "as high (check reports it otherwise).",
        examples=["SECRET"],
    )


class DelegationOrder(_Strict):
    """How the delegations of a meeting are ordered in the book, plans, cards and lists."""

    rule: OrderRule = Field(
        "listed",
        description="listed: as under 'delegations'; alphabetical: by the country's name in "
        "'language' (the delegation's name without a country); rank: by the head's rank "
        "(head of state, head of government, minister, other), then date in office ('since').",
        examples=["alphabetical"],
    )
    language: Language | None = Field(
        None,
        description="Language of the names for the alphabetical rule; default: the book's.",
        examples=["fr"],
    )
    start: Id | None = Field(
        None,
        description="Delegation drawn by lot: the order starts with it and goes on cyclically.",
        examples=["iran"],
    )
    chair: ChairPlace = Field(
        "first",
        description="Where the chair's delegation (chair, else host) goes: first, last, or "
        "in-order (where the rule puts it).",
        examples=["in-order"],
    )


class FamilyPhoto(_Strict):
    """The family photo line-up of the heads of delegation."""

    row: Positive = Field(
        10, le=60, description="Heads in each row, the front row first.", examples=[8]
    )
