"""The near-duplicate search finds exactly the pairs that comparing every pair finds."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from briefgen.protocol.likeness import similar_later


def every_pair(texts: list[str], cutoff: float) -> list[list[int]]:
    """The search as it was: rapidfuzz over every later text."""
    return [
        sorted(
            i + 1 + j
            for _, _, j in process.extract(
                text, texts[i + 1 :], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            )
        )
        for i, text in enumerate(texts)
    ]


def variants(rng: random.Random, count: int) -> list[str]:
    """Names and near-copies of them: a letter changed, dropped, doubled, two swapped."""
    syllables = ("ka", "lo", "mi", "ten", "ru", "sa", "vo", "ba", "ni", "el", "ов", "ий", " ")
    names = []
    for _ in range(count):
        if names and rng.random() < 0.4:
            name = list(rng.choice(names))
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(name))
                action = rng.randrange(4)
                if action == 0:
                    name[at] = rng.choice("aeiouyk")
                elif action == 1 and len(name) > 1:
                    del name[at]
                elif action == 2:
                    name.insert(at, name[at])
                elif at + 1 < len(name):
                    name[at], name[at + 1] = name[at + 1], name[at]
            names.append("".join(name))
        else:
            names.append("".join(rng.choice(syllables) for _ in range(rng.randint(1, 9))))
    return names


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([50, 75, 85, 90, 92, 95, 99, 100]))
def test_the_same_pairs_as_comparing_every_pair(seed: int, cutoff: int) -> None:
    texts = variants(random.Random(seed), 60)
    assert similar_later(texts, cutoff) == every_pair(texts, cutoff)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcаб ", max_size=14), max_size=25), st.integers(0, 100))
def test_short_and_empty_texts_and_any_cutoff(texts: list[str], cutoff: int) -> None:
    assert similar_later(texts, cutoff) == every_pair(texts, cutoff)


def test_a_thousand_names_with_near_twins() -> None:
    texts = variants(random.Random(20), 1500)
    found = similar_later(texts, 92)
    assert found == every_pair(texts, 92)
    assert sum(map(len, found)) > 100, "the sample has near-twins to find"
