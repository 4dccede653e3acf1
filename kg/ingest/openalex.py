"""OpenAlex works (API results, snapshot lines): their fields as kg's record fields.

The abstract is rebuilt from ``abstract_inverted_index`` (word -> positions) by sorting
(position, word) pairs, so a position such as 10**12 costs nothing; positions that are not
whole numbers from 0 to the abstract limit are an `InputError`.

>>> work = {"id": "https://openalex.org/W42", "display_name": "T", "publication_year": 2021,
...         "abstract_inverted_index": {"graphs": [1], "Learning": [0]}}
>>> record = openalex_record(work, "f.json:1")
>>> record["id"], record["abstract"], record["year"]
('W42', 'Learning graphs', 2021)
"""

from __future__ import annotations

from typing import Any

from kg.errors import InputError
from kg.ingest.limits import DEFAULT_LIMITS, Limits

__all__ = ["inverted_abstract", "is_openalex", "openalex_record", "strings_at"]

_PREFIXES = ("https://openalex.org/", "http://openalex.org/")
_MAX_WORDS = 10_000_000  # word positions allowed when the abstract limit is off


def is_openalex(record: dict[str, Any]) -> bool:
    """True for an OpenAlex work (keys normalized to lower case)."""
    ident = record.get("id")
    return (
        "abstract_inverted_index" in record
        or "authorships" in record
        or (isinstance(ident, str) and ident.lower().startswith(_PREFIXES))
    )


def inverted_abstract(index: Any, where: str, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The text of an inverted index ``{word: [positions]}``, words in position order."""
    if index is None:
        return None
    most = limits.abstract or _MAX_WORDS  # a word takes at least one character
    if not isinstance(index, dict):
        raise InputError(f"{where}: abstract_inverted_index must map words to positions; fix or remove the record")
    pairs: list[tuple[int, str]] = []
    for word, positions in index.items():
        if not isinstance(positions, list) or len(pairs) + len(positions) > most:
            raise InputError(
                f"{where}: abstract_inverted_index must map each word to a list of at most {most} positions "
                f"({limits.option('abstract')}); fix or remove the record"
            )
        for position in positions:
            if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < most:
                raise InputError(
                    f"{where}: abstract_inverted_index has a word position that is not a whole number "
                    f"from 0 to {most - 1} ({limits.option('abstract')}); fix or remove the record"
                )
            pairs.append((position, str(word)))
    pairs.sort()
    return " ".join(word for _, word in pairs)


def strings_at(items: Any, *path: str) -> list[str]:
    """The string at `path` in each item of the list `items` (the item itself for no path);
    other shapes are passed over. Also reads Semantic Scholar's lists."""
    found = []
    for item in items if isinstance(items, list) else ():
        for key in path:
            item = item.get(key) if isinstance(item, dict) else None
        if isinstance(item, str):
            found.append(item)
    return found


def openalex_record(work: dict[str, Any], where: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """kg's fields of one work: clean ``W...`` id, title, rebuilt abstract, DOI, date,
    authors, topics and concepts as categories, landing page (else DOI) as URL."""
    ident = work.get("id")
    if isinstance(ident, str) and ident.lower().startswith(_PREFIXES):
        ident = ident.rsplit("/", 1)[-1]
    location = work.get("primary_location")
    landing = location.get("landing_page_url") if isinstance(location, dict) else None
    doi = work.get("doi")
    categories = [*strings_at(work.get("topics"), "display_name"), *strings_at(work.get("concepts"), "display_name")]
    return {
        "id": ident,
        "title": work.get("title") or work.get("display_name"),
        "abstract": inverted_abstract(work.get("abstract_inverted_index"), where, limits),
        "doi": doi,
        "url": landing if isinstance(landing, str) and landing else doi,
        "date": work.get("publication_date"),
        "year": work.get("publication_year"),
        "authors": strings_at(work.get("authorships"), "author", "display_name"),
        "categories": list(dict.fromkeys(categories)),
    }
