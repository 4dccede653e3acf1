"""Turn one raw record (a JSON object or CSV row) into a `Paper`, checking its fields.

Accepts the arXiv metadata snapshot's field names unchanged (``id``, ``title``,
``abstract``, ``authors`` / ``authors_parsed``, ``doi``, ``categories``,
``versions``, ``update_date``), common synonyms (``paper_title``, ``summary``,
``abstract_text``, ``link``, ``publication_date``, ``year``, ...; names compared in lower
case, spaces and hyphens read as ``_``), OpenAlex works and Semantic Scholar papers.

>>> paper_from_record({"Paper Title": "T", "Summary": "A", "Year": 2021}, "f.csv:2").date
'2021'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from kg.errors import InputError
from kg.ingest.columns import apply_columns, normalize_key
from kg.ingest.ids import paper_id
from kg.ingest.limits import DEFAULT_LIMITS, LimitLog, Limits
from kg.ingest.openalex import is_openalex, openalex_record
from kg.ingest.semanticscholar import is_semantic_scholar, semantic_scholar_record
from kg.ingest.text import clean_text, web_url
from kg.records import Paper

__all__ = ["is_record", "paper_from_record"]

_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")
_YEAR = re.compile(r"^[12]\d{3}$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# the names each field is looked up by, first found wins (keys normalized by `normalize_key`)
_TITLE_KEYS = ("title", "paper_title", "article_title", "document_title")
_ABSTRACT_KEYS = ("abstract", "summary", "abstract_text", "abstract_note")
_ID_KEYS = ("id", "paper_id", "arxiv_id")
_URL_KEYS = ("url", "link", "paper_url", "landing_page_url")
_DATE_KEYS = ("date", "published", "publication_date", "published_date", "pub_date", "created", "update_date")
_YEAR_KEYS = ("year", "publication_year")
_RECORD_KEYS = frozenset((*_TITLE_KEYS, *_ABSTRACT_KEYS, "abstract_inverted_index"))


def is_record(value: Any, columns: Mapping[str, str] | None = None) -> bool:
    """True for a dict with a title or abstract field (under any name kg reads, or mapped by `columns`)."""
    if not isinstance(value, dict):
        return False
    mapped = {c for f, c in (columns or {}).items() if f in ("title", "abstract")}
    return any(key in _RECORD_KEYS or key in mapped for key in map(normalize_key, value))


def _lookup(record: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in record and record[name] not in (None, ""):
            return record[name]
    return None


def _string(record: dict[str, Any], where: str, *names: str) -> str | None:
    value = _lookup(record, *names)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(
            f"{where}: field {names[0]!r} must be a string, got {type(value).__name__}; "
            "fix the record or remove it"
        )
    return clean_text(value) or None


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for part in parsed:
            if isinstance(part, list) and part:
                names.append(clean_text(" ".join(str(p) for p in reversed(part[:2]) if p)))
        if names:
            return tuple(n for n in names if n)
    value = record.get("authors")
    if isinstance(value, list):
        return tuple(clean_text(a) for a in value if isinstance(a, str) and clean_text(a))
    if isinstance(value, str):
        parts = re.split(r",\s*|\s+and\s+|;\s*", clean_text(value))
        return tuple(p for p in parts if p)
    return ()


def _date(record: dict[str, Any]) -> str | None:
    for name in _DATE_KEYS:
        value = record.get(name)
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            return _ISO_DATE.match(value.strip()).group(0)  # type: ignore[union-attr]
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        if isinstance(created, str):
            try:
                return parsedate_to_datetime(created).date().isoformat()
            except (TypeError, ValueError):
                return None
    for name in _YEAR_KEYS:
        value = record.get(name)
        year = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if _YEAR.match(year):
            return year
    return None


def _within(items: tuple[str, ...], limit: int) -> tuple[str, ...]:
    """The first `items` whose lengths add up to at most `limit` (0: all)."""
    total = 0
    for i, item in enumerate(items):
        total += len(item)
        if limit and total > limit:
            return items[:i]
    return items


def _short_field(value: str | None, limit: int, where: str, key: str, what: str, log: LimitLog) -> str | None:
    """`value`, or None (with a warning) when it is longer than `limit`."""
    if value is not None and limit and len(value) > limit:
        log.cut(where, key, f"{what} of {len(value)} characters dropped")
        return None
    return value


def _categories(record: dict[str, Any]) -> tuple[str, ...]:
    value = record.get("categories")
    if isinstance(value, str):
        return tuple(clean_text(value).split())
    if isinstance(value, list):
        return tuple(c for c in (clean_text(v) for v in value if isinstance(v, str)) if c)
    return ()


def paper_from_record(
    record: Any,
    where: str,
    limits: Limits = DEFAULT_LIMITS,
    log: LimitLog | None = None,
    *,
    default_id: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Paper | None:
    """Check and convert one record; `where` (``file:line``) names it in errors and sources.

    `columns` ({field: column}) renames columns first; `default_id` is the ID of a record
    without one (the key it was filed under). None when the record passes a limit that
    leaves it out (a title past `limits.title`); longer abstracts, author and category
    lists are cut, longer URLs, IDs and DOIs dropped.
    """
    if not isinstance(record, dict):
        raise InputError(
            f"{where}: expected a JSON object with 'title' and 'abstract', "
            f"got {type(record).__name__}"
        )
    log = log or LimitLog(limits)
    lowered = apply_columns({normalize_key(k): v for k, v in record.items()}, columns or {})
    if is_openalex(lowered):
        lowered = openalex_record(lowered, where, limits)
    elif is_semantic_scholar(lowered):
        lowered = semantic_scholar_record(lowered)
    title = _string(lowered, where, *_TITLE_KEYS) or ""
    abstract = _string(lowered, where, *_ABSTRACT_KEYS) or ""
    if not title and not abstract:
        raise InputError(
            f"{where}: record has neither a title nor an abstract; "
            "every record needs at least one of them"
        )
    if limits.title and len(title) > limits.title:
        log.skip(where, "title", f"title of {len(title)} characters")
        return None
    if limits.abstract and len(abstract) > limits.abstract:
        log.cut(where, "abstract", f"abstract of {len(abstract)} characters cut to {limits.abstract}")
        abstract = abstract[: limits.abstract].rstrip()
    own_id = _string(lowered, where, *_ID_KEYS) or (clean_text(default_id) or None if default_id else None)
    own_id = _short_field(own_id, limits.id, where, "id", "id", log)
    doi = _string(lowered, where, "doi")
    doi = _short_field(_DOI_PREFIX.sub("", doi) if doi else None, limits.id, where, "id", "doi", log)
    # no javascript:, data:, file: links
    url = web_url(_short_field(_string(lowered, where, *_URL_KEYS), limits.url, where, "url", "url", log))
    if url is None and own_id and _ARXIV_ID.match(own_id):
        url = f"https://arxiv.org/abs/{own_id}"
    authors = _authors(lowered)
    kept = _within(authors, limits.authors)
    if len(kept) < len(authors):
        log.cut(where, "authors", f"author list of {sum(map(len, authors))} characters cut to {len(kept)} names")
    categories = _categories(lowered)
    kept_categories = _within(categories, limits.categories)
    if len(kept_categories) < len(categories):
        log.cut(where, "categories", f"category list of {sum(map(len, categories))} characters cut "
                f"to {len(kept_categories)} categories")
    return Paper(
        id=paper_id(own_id, doi, title, abstract),
        title=title,
        abstract=abstract,
        url=url,
        date=_date(lowered),
        authors=kept,
        doi=doi,
        categories=kept_categories,
        sources=(where,),
    )
