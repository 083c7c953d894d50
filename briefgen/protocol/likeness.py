"""Which names are nearly the same, without comparing every pair of them.

The near-duplicate lint compares every name with every later one: two
million pairs for a 1 000-person tree, a fifth of ``check``'s time even
with rapidfuzz scanning each row in C.  :func:`similar_later` finds the same
pairs from a few candidates each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rapidfuzz import fuzz, process


def similar_later(texts: Sequence[str], cutoff: float) -> list[list[int]]:
    """For each text, the indices (ascending) of the later texts whose ``fuzz.ratio`` with
    it is at least ``cutoff``: what ``process.extract`` over all later texts finds.

    ``fuzz.ratio`` is 100·(1 − d/(m + n)) for texts of lengths m and n whose Indel
    distance (insertions plus deletions) is d.  A pair reaching the cutoff has
    d ≤ r·(m + n) with r = 1 − cutoff/100, and as d ≥ |m − n|, n ≤ m·(1 + r)/(1 − r):
    so d is at most D(m) = r·(m + m·(1 + r)/(1 − r)).  Cut a text into D + 1 pieces:
    an insertion or a deletion spoils at most one piece, so every text within that
    distance holds one of the pieces whole.  The texts holding a piece are the
    candidates, and rapidfuzz decides each.  D is rounded up with a margin, which
    can only add candidates; a text too short for D + 1 pieces is compared with
    every later text.
    """
    rest = 1 - cutoff / 100
    plans = [_pieces(text, rest) for text in texts]
    wanted: dict[int, set[str]] = {}
    for pieces in plans:
        for piece in pieces or ():
            wanted.setdefault(len(piece), set()).add(piece)
    holders = _holders(texts, wanted)
    found = []
    for i, (text, pieces) in enumerate(zip(texts, plans, strict=True)):
        if pieces is None:
            candidates: Sequence[int] = range(i + 1, len(texts))
        else:
            near = {j for piece in pieces for j in holders.get(piece, ())}
            candidates = sorted(j for j in near if j > i)
        matches = process.extract(
            text,
            [texts[j] for j in candidates],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            limit=None,
        )
        found.append(sorted(candidates[k] for _, _, k in matches))
    return found


def _pieces(text: str, rest: float) -> list[str] | None:
    """``text`` cut into D + 1 pieces of nearly equal length (see :func:`similar_later`);
    ``None`` when it is too short for that, or the cutoff leaves nothing to exclude."""
    if not 0 <= rest < 1:
        return None
    size = len(text)
    longest = size * (1 + rest) / (1 - rest)
    parts = math.floor(rest * (size + longest)) + 2
    if parts > size:
        return None
    step, extra = divmod(size, parts)
    pieces, start = [], 0
    for number in range(parts):
        end = start + step + (1 if number < extra else 0)
        pieces.append(text[start:end])
        start = end
    return pieces


def _holders(texts: Sequence[str], wanted: dict[int, set[str]]) -> dict[str, list[int]]:
    """Each wanted piece → the indices of the texts that hold it."""
    holders: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        for size, pieces in wanted.items():
            for start in range(len(text) - size + 1):
                piece = text[start : start + size]
                if piece in pieces:
                    found = holders.setdefault(piece, [])
                    if not found or found[-1] != index:
                        found.append(index)
    return holders
