"""Frozen, JSON-able records passed between the pipeline stages.

Flat records turn into dicts with ``dict(vars(self))``: `dataclasses.asdict` deep-copies
every value, which cost 2 ms per paper in extraction.

>>> p = Paper(id="arxiv:2101.00001", title="T", abstract="A")
>>> Paper.from_dict(p.to_dict()) == p
True
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from kg.model import LABELS

__all__ = [
    "LABELS",
    "MIN_SCORE",
    "Extraction",
    "Mention",
    "Paper",
    "Relation",
    "Repo",
    "Result",
]

MIN_SCORE = 0.5
"""Mentions scored below this stay in the records but make no node or edge of the graph."""
Field = Literal["title", "abstract"]


def _from(cls: Any, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
    return cls(**kwargs)


@dataclass(frozen=True)
class Paper:
    """One paper: at least a title or an abstract; `sources` lists every `file:line` it came from."""

    id: str
    title: str = ""
    abstract: str = ""
    url: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def text(self, which: str) -> str:
        """The text of field `which` ("title" or "abstract")."""
        return self.title if which == "title" else self.abstract

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return _from(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Mention:
    """A span of a paper's title or abstract that names an entity.

    `name` is the canonical name after resolution and `id` the entity's key
    (e.g. ``dataset:cifar-10``); `source` names the component that found it.
    """

    text: str
    label: str
    start: int
    end: int
    field: str
    name: str = ""
    id: str = ""
    score: float = 1.0
    source: str = ""
    role: str = ""  # "proposed" for the method a paper introduces, else ""
    nested: bool = False  # inside a longer mention ("speech synthesis" in "speech synthesis system")

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return _from(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Repo:
    """A code or project link: normalized `url`, `kind`, the `raw` text and where it was."""

    url: str
    kind: str
    raw: str
    field: str = "abstract"
    start: int = 0
    end: int = 0
    host: str = ""
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Repo:
        return _from(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Relation:
    """A typed link from the paper to an entity, with the mention that is its evidence."""

    subject: str
    predicate: str
    object: str
    evidence: Mention
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "evidence": self.evidence.to_dict(),
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(
            subject=data["subject"],
            predicate=data["predicate"],
            object=data["object"],
            evidence=Mention.from_dict(data["evidence"]),
            score=float(data.get("score", 1.0)),
        )


@dataclass(frozen=True)
class Result:
    """A value an abstract reports for a metric (on a dataset, by a method, when stated); a
    range ("53.1%~58.3%") has its low end in `value` and its high end in `value_max`."""

    metric: str
    value: float
    unit: str = ""
    method: str = ""
    dataset: str = ""
    text: str = ""
    field: str = "abstract"
    start: int = 0
    end: int = 0
    value_max: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return _from(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one paper; one line of `extractions.jsonl`."""

    paper: Paper
    entities: tuple[Mention, ...] = ()
    repos: tuple[Repo, ...] = ()
    relations: tuple[Relation, ...] = ()
    results: tuple[Result, ...] = ()
    aliases: tuple[tuple[str, str], ...] = field(default=())  # (entity id, alias text)

    def to_dict(self) -> dict[str, Any]:
        """The `kg extract` JSON object (DESIGN.md contract) plus the paper's metadata."""
        p = self.paper
        return {
            "id": p.id,
            "title": p.title,
            "abstract": p.abstract,
            "url": p.url,
            "date": p.date,
            "authors": list(p.authors),
            "doi": p.doi,
            "categories": list(p.categories),
            "sources": list(p.sources),
            "entities": [m.to_dict() for m in self.entities],
            "repos": [r.to_dict() for r in self.repos],
            "relations": [r.to_dict() for r in self.relations],
            "results": [r.to_dict() for r in self.results],
            "aliases": [list(a) for a in self.aliases],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        return cls(
            paper=Paper.from_dict(data),
            entities=tuple(Mention.from_dict(m) for m in data.get("entities", ())),
            repos=tuple(Repo.from_dict(r) for r in data.get("repos", ())),
            relations=tuple(Relation.from_dict(r) for r in data.get("relations", ())),
            results=tuple(Result.from_dict(r) for r in data.get("results", ())),
            aliases=tuple((a[0], a[1]) for a in data.get("aliases", ())),
        )
