"""Synthetic meetings in the normal data format, for benchmarks.

    python bench/synth.py OUT_DIR --people 100 [--photos 12] [--meetings 1]
    python bench/synth.py OUT_DIR --summit 40x8

writes OUT_DIR/delegations/ with people/, photos when asked, and one or more
meeting folders, each with two delegations sharing the people between them;
``--summit DxP`` writes one meeting of D delegations of P people each instead
(a head, ministers, an interpreter), ordered alphabetically from a drawn start.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BIO = (
    "Career diplomat. Served as *ambassador* in three capitals and led the "
    "negotiations on the regional trade agreement. Previously deputy director of "
    "the department for multilateral affairs; graduated in international law.\n\n"
    "Known for a pragmatic style; speaks three languages. Chaired the working group "
    "on energy security and the joint commission on transport corridors."
)


SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ten",
    "ru",
    "sa",
    "vo",
    "ba",
    "dre",
    "ni",
    "gor",
    "el",
    "pa",
    "zu",
    "han",
    "ti",
    "mar",
    "os",
    "we",
    "lyn",
    "qui",
    "der",
    "fa",
    "jo",
)
CYRILLIC = str.maketrans("abdefghijklmnopqrstuvwyz", "абдефгхийклмнопкрстуввыз")


def unique_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Distinct made-up names, unlike each other (real books do not list near-twins)."""
    seen: set[str] = set()
    names = []
    while len(names) < count:
        given = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        family = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).title()
        if given in seen or family in seen:
            continue
        seen.update((given, family))
        names.append((given, family))
    return names


def write_people(root: Path, count: int, photos: int, rng: random.Random) -> list[str]:
    people = root / "people"
    (people / "photos").mkdir(parents=True, exist_ok=True)
    ids = []
    names = unique_names(count, rng)
    for n in range(count):
        given, family = names[n]
        native = f"{given} {family}".lower().translate(CYRILLIC).title()
        person_id = f"person-{n:04d}"
        photo = ""
        if n < photos:
            photo = f"photo: photos/{person_id}.jpg\n"
            write_photo(people / "photos" / f"{person_id}.jpg", rng.randrange(1 << 30))
        (people / f"{person_id}.yaml").write_text(
            f"name:\n  given: {given}\n  family: {family}\n"
            f"  native: {native}\n  pronunciation: {given.upper()} {family.upper()}\n"
            f"honorific: H.E.\nsalutation: Mr\noffice: Minister number {n}\n"
            f"born: 19{50 + n % 40}-0{1 + n % 9}-1{n % 9}\n{photo}bio: |\n"
            + "".join(f"  {line}\n" for line in BIO.splitlines()),
            encoding="utf-8",
        )
        ids.append(person_id)
    return ids


def write_photo(path: Path, seed: int) -> None:
    """A 3000 px photo-like JPEG (noise over a gradient compresses like a photo)."""
    from PIL import Image

    noise = Image.effect_noise((3000, 3000), 40).convert("RGB")
    base = Image.linear_gradient("L").resize((3000, 3000)).convert("RGB")
    Image.blend(base, noise, 0.35 + (seed % 10) / 100).save(path, "JPEG", quality=90)


def write_meeting(root: Path, meeting_id: str, ids: list[str]) -> None:
    folder = root / meeting_id
    folder.mkdir(parents=True, exist_ok=True)
    half = max(1, len(ids) // 2)
    for side, members in (("home", ids[:half]), ("away", ids[half:] or ids[:1])):
        (folder / f"{side}.yaml").write_text(
            f"name: {side.title()} Republic\nmembers:\n"
            + "".join(f"  - person: {m}\n" for m in members),
            encoding="utf-8",
        )
    topics = "".join(
        f"  - title: Topic {t}\n    background: |\n      Background of topic {t}.\n"
        f"    points:\n      - Point one on topic {t}.\n      - Point two.\n"
        f"    if_raised:\n      - A responsive line.\n"
        for t in range(1, 5)
    )
    (folder / "meeting.yaml").write_text(
        f"title: Synthetic talks {meeting_id}\ndate: 2024-05-06\nmarking: OFFICIAL\n"
        f"host: home\ndelegations: [home, away]\nobjectives:\n  - Agree the plan.\n"
        f"programme:\n  - time: '10:00'\n    end: '11:00'\n    title: Talks\n"
        f"topics:\n{topics}press:\n  - A line for the press.\n",
        encoding="utf-8",
    )


COUNTRIES = " ".join(
    (
        "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA",
        "CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM",
        "FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE",
        "KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM",
        "MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA",
        "RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN",
        "TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW",
    )
).split()


def write_summit(root: Path, delegations: int, size: int, rng: random.Random) -> None:
    """One meeting of ``delegations`` delegations of ``size`` people (the last an interpreter)."""
    ids = write_people(root, delegations * size, 0, rng)
    folder = root / "summit"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for d in range(delegations):
        country = COUNTRIES[d % len(COUNTRIES)]
        name = f"d-{country.lower()}-{d}"
        names.append(name)
        members = ids[d * size : (d + 1) * size]
        lines = "".join(f"  - person: {m}\n" for m in members[:-1])
        lines += f"  - person: {members[-1]}\n    role: Interpreter\n    support: true\n"
        (folder / f"{name}.yaml").write_text(
            f"name: Delegation {d}\ncountry: {country}\nmembers:\n{lines}", encoding="utf-8"
        )
    (folder / "meeting.yaml").write_text(
        f"title: Synthetic summit of {delegations} delegations\ndate: 2024-05-06\n"
        f"marking: OFFICIAL\nhost: {names[0]}\ndelegations: [{', '.join(names)}]\n"
        f"order:\n  rule: alphabetical\n  start: {names[delegations // 2]}\n"
        "seating:\n  table: square\n  beside: 1\n"
        "objectives:\n  - Agree the communiqué.\n"
        "programme:\n  - time: '10:00'\n    end: '12:00'\n    title: Plenary session\n"
        "topics:\n  - title: The communiqué\n    points:\n      - We support the text.\n",
        encoding="utf-8",
    )


def make_summit(out: Path, delegations: int, size: int, seed: int = 1) -> Path:
    """Write a summit tree and return the delegations root."""
    root = out / "delegations"
    write_summit(root, delegations, size, random.Random(seed))
    return root


def make_tree(out: Path, people: int, photos: int = 0, meetings: int = 1, seed: int = 1) -> Path:
    """Write the tree and return the delegations root."""
    rng = random.Random(seed)
    root = out / "delegations"
    if meetings == 1:
        ids = write_people(root, people, photos, rng)
        write_meeting(root, "m-0001", ids)
        return root
    ids = write_people(root, people * meetings, photos, rng)
    for m in range(meetings):
        write_meeting(root, f"m-{m + 1:04d}", ids[m * people : (m + 1) * people])
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--photos", type=int, default=0)
    parser.add_argument("--meetings", type=int, default=1)
    parser.add_argument("--summit", help="DxP: one meeting of D delegations of P people")
    args = parser.parse_args()
    if args.summit:
        delegations, size = (int(n) for n in args.summit.lower().split("x"))
        print(make_summit(args.out, delegations, size))
        return
    print(make_tree(args.out, args.people, args.photos, args.meetings))


if __name__ == "__main__":
    main()
