"""The JSON codec of extraction records, for worker results and the build cache.

`parts_json` writes the extraction parts of a record (not its paper), `paper_json` the
paper; `from_parts` reads them back without `dataclasses` deep copies.

>>> from kg.records import Extraction, Mention, Paper
>>> rec = Extraction(paper=Paper(id="p", title="BERT"), entities=(Mention("BERT", "Method", 0, 4, "title"),))
>>> from_parts(rec.paper, json.loads(parts_json(rec))) == rec
True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from kg.records import Extraction, Mention, Paper, Relation, Repo, Result

__all__ = ["PARTS", "from_parts", "paper_json", "parts_json"]

PARTS = ("entities", "repos", "relations", "results", "aliases")


def parts_json(rec: Extraction) -> str:
    """The extraction parts of `rec.to_dict()` (not the paper) as compact JSON."""
    data = rec.to_dict()
    return json.dumps({k: data[k] for k in PARTS}, ensure_ascii=False)


def _fast(cls: Any, names: frozenset[str]) -> Callable[[dict[str, Any]], Any]:
    """``cls(**data)`` when `data` has only known, scalar fields, else ``cls.from_dict(data)``."""

    def make(data: dict[str, Any]) -> Any:
        if names.issuperset(data) and not any(type(v) is list for v in data.values()):
            return cls(**data)
        return cls.from_dict(data)

    return make


def _names(cls: Any) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


_mention = _fast(Mention, _names(Mention))
_repo = _fast(Repo, _names(Repo))
_result = _fast(Result, _names(Result))


def _relation(data: dict[str, Any], raw: list[dict[str, Any]], entities: tuple[Mention, ...], i: int) -> Relation:
    ev = data["evidence"]
    same = i < len(raw) and raw[i] == ev  # a relation's evidence is usually the i-th entity
    return Relation(
        subject=data["subject"], predicate=data["predicate"], object=data["object"],
        evidence=entities[i] if same else _mention(ev), score=float(data.get("score", 1.0)),
    )


def from_parts(paper: Paper, parts: dict[str, Any]) -> Extraction:
    """The `Extraction` of `paper` from its parts (as `parts_json` wrote them)."""
    raw = parts.get("entities", [])
    entities = tuple(_mention(m) for m in raw)
    return Extraction(
        paper=paper,
        entities=entities,
        repos=tuple(_repo(r) for r in parts.get("repos", ())),
        relations=tuple(
            _relation(r, raw, entities, i) for i, r in enumerate(parts.get("relations", ()))
        ),
        results=tuple(_result(r) for r in parts.get("results", ())),
        aliases=tuple((a[0], a[1]) for a in parts.get("aliases", ())),
    )


def paper_json(paper: Paper) -> str:
    """``json.dumps(paper.to_dict())``, without `dataclasses.asdict`'s deep copies."""
    p = paper
    return json.dumps(
        {
            "id": p.id, "title": p.title, "abstract": p.abstract, "url": p.url, "date": p.date,
            "authors": list(p.authors), "doi": p.doi, "categories": list(p.categories),
            "sources": list(p.sources),
        },
        ensure_ascii=False,
    )
