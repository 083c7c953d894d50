"""A meeting's place cards and pocket list laid out beside its book (build.run.split_jobs)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from briefgen.build.run import (
    Event,
    MeetingResult,
    build_project,
    merge_results,
    plan_meeting,
    split_jobs,
)
from briefgen.options import BuildOptions, resolve_options
from briefgen.project.load import load_project

from .conftest import DataTree

ALL = ["book.html", "book.pdf", "seating.svg", "place-cards.pdf", "pocket.pdf"]


def test_one_meeting_on_two_processes_writes_every_output_once(
    data_tree: DataTree, tmp_path: Path
) -> None:
    project = load_project(data_tree())
    events: list[Event] = []
    options = BuildOptions(out_dir=tmp_path / "out", format="all", jobs=2)
    written = build_project(project, options, progress=events.append)
    assert sorted(p.name for p in written) == sorted(ALL)
    assert [e.kind for e in events if e.kind in ("built", "failed")] == ["built"]
    for path in written:
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1
    again: list[Event] = []
    assert build_project(project, options, progress=again.append) == []
    assert [e.kind for e in again] == ["up to date"]


def test_the_book_and_the_material_are_separate_tasks_only_when_a_process_idles(
    data_tree: DataTree, tmp_path: Path
) -> None:
    project = load_project(data_tree())
    options = resolve_options(project, BuildOptions(out_dir=tmp_path / "out", format="all"))
    [record] = project.meetings
    job = plan_meeting(project, record, options, None, None)
    assert split_jobs([job], 1) == [job]
    book, material = split_jobs([job], 2)
    assert sorted(book.keys) == ["book.html", "book.pdf", "seating.svg"]
    assert sorted(material.keys) == ["place-cards.pdf", "pocket.pdf"]
    only_book = replace(job, keys={"book.pdf": job.keys["book.pdf"]})
    assert split_jobs([only_book], 2) == [only_book]


def test_a_failed_part_fails_the_whole_meeting(tmp_path: Path) -> None:
    made = MeetingResult("m", [(tmp_path / "book.pdf", b"%PDF")], None, {"book.pdf": "k"})
    failed = MeetingResult("m", [], "the worker process died")
    merged = merge_results([made, failed])
    assert merged.error == "the worker process died"
    assert merged.outputs == []
    both = merge_results([made, replace(made, outputs=[(tmp_path / "pocket.pdf", b"%PDF")])])
    assert [p.name for p, _ in both.outputs] == ["book.pdf", "pocket.pdf"]
