"""The build report: what `kg.build.build` returns and writes as ``build.json``."""

from __future__ import annotations

from typing import Required, TypedDict

__all__ = ["BuildDiff", "BuildReport", "ExtractionReport", "Incremental"]


class ExtractionReport(TypedDict):
    """Papers extracted now and reused from the cache, where the cache is, what ran extraction."""

    reused: int
    extracted: int
    cache: str | None
    executor: str


class BuildDiff(TypedDict, total=False):
    """What changed since the previous build into the same folder (node and edge IDs), by
    type, with a few names of entities added and removed; only ``previous_build`` (false)
    when there was none."""

    previous_build: Required[bool]
    nodes_added: int
    nodes_removed: int
    edges_added: int
    edges_removed: int
    nodes_added_by_type: dict[str, int]
    nodes_removed_by_type: dict[str, int]
    edges_added_by_type: dict[str, int]
    edges_removed_by_type: dict[str, int]
    entities_added_examples: list[str]
    entities_removed_examples: list[str]


class Incremental(TypedDict):
    """Papers added to the last build's kept tables (`kg.build.increment`)."""

    papers_kept: int
    papers_added: int
    stars_settled_again: int
    stars_written_again: int
    nodes_written_again: int


class BuildReport(TypedDict):
    """One build: inputs, counts, limits hit, graph size per type, extraction, diff, the
    formats written (and those a large build skipped, with why), timings.

    ``up_to_date`` is true when nothing changed and the previous outputs were kept;
    ``incremental`` says what a build that added papers to the last one's kept and wrote again.
    """

    kg_version: str
    pipeline_version: str
    build_date: str
    inputs: list[str]
    records: int
    papers: int
    duplicates_merged: int
    duplicate_conflicts: int
    records_skipped: int
    limits_hit: dict[str, int]
    limits: dict[str, int]
    nodes: int
    edges: int
    nodes_by_type: dict[str, int]
    edges_by_type: dict[str, int]
    up_to_date: bool
    extraction: ExtractionReport
    diff: BuildDiff | None
    incremental: Incremental | None
    formats: list[str]
    formats_skipped: dict[str, str]
    timings: dict[str, float]
