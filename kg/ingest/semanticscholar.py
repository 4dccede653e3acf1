"""Semantic Scholar papers (Graph API results, dataset lines): their fields as kg's record fields.

The paper's id is its arXiv id when it has one (so it meets the same paper read from arXiv),
else its ``paperId``, else ``CorpusId:N``.

>>> paper = {"paperid": "649def34", "title": "T", "externalids": {"ArXiv": "2101.00001", "DOI": "10.1/x"},
...          "authors": [{"authorId": "1", "name": "Ada Lovelace"}], "fieldsofstudy": ["Computer Science"]}
>>> record = semantic_scholar_record(paper)
>>> record["id"], record["doi"], record["authors"], record["categories"]
('2101.00001', '10.1/x', ['Ada Lovelace'], ['Computer Science'])
"""

from __future__ import annotations

from typing import Any

from kg.ingest.openalex import strings_at

__all__ = ["is_semantic_scholar", "semantic_scholar_record"]


def is_semantic_scholar(record: dict[str, Any]) -> bool:
    """True for a Semantic Scholar paper (keys normalized to lower case)."""
    return "paperid" in record or "externalids" in record or "corpusid" in record


def semantic_scholar_record(paper: dict[str, Any]) -> dict[str, Any]:
    """kg's fields of one paper: id, title, abstract, DOI, URL, date (else year), authors,
    fields of study as categories."""
    external = paper.get("externalids")
    ids = {str(k).lower(): v for k, v in external.items()} if isinstance(external, dict) else {}
    corpus = paper.get("corpusid") or ids.get("corpusid")
    ident = ids.get("arxiv") or paper.get("paperid") or (f"CorpusId:{corpus}" if corpus else None)
    fields = [*strings_at(paper.get("fieldsofstudy")), *strings_at(paper.get("s2fieldsofstudy"), "category")]
    return {
        "id": ident,
        "title": paper.get("title"),
        "abstract": paper.get("abstract"),
        "doi": ids.get("doi"),
        "url": paper.get("url"),
        "date": paper.get("publicationdate"),
        "year": paper.get("year"),
        "authors": strings_at(paper.get("authors"), "name"),
        "categories": list(dict.fromkeys(fields)),
    }
