"""What the page embeds per node, bounded so that a page of thousands of papers still opens:
long abstracts are cut with a note the reader sees, long lists and quotes are shortened.

>>> text, shown = cap_abstract("x" * 6000)
>>> shown, text[shown:][:40]
(5000, ' \u2026 [abstract cut to its first 5,000 of 6')
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PAGE_ABSTRACT", "PAGE_LIST", "PAGE_QUOTE", "PAGE_TITLE", "cap_abstract", "cap_list", "cap_text"]

PAGE_ABSTRACT = 5_000  # characters of an abstract (arXiv's are at most 1,920)
PAGE_TITLE = 1_000  # characters of a title
PAGE_QUOTE = 1_000  # characters of an evidence sentence or mention quoted as text, of a list item
PAGE_LIST = 100  # authors, categories, aliases


def cap_abstract(text: str, limit: int = PAGE_ABSTRACT) -> tuple[str, int]:
    """(`text`, or its first `limit` characters and a visible note; how many characters of
    `text` it shows)."""
    if len(text) <= limit:
        return text, len(text)
    note = (
        f" \u2026 [abstract cut to its first {limit:,} of {len(text):,} characters for this page; "
        "graph.json and kg.ttl hold it whole]"
    )
    return text[:limit] + note, limit


def cap_text(text: str, limit: int = PAGE_QUOTE) -> str:
    """`text`, or its first `limit` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def cap_list(items: Sequence[str], limit: int = PAGE_LIST) -> list[str]:
    """The first `limit` items, each cut to `PAGE_QUOTE` characters."""
    return [cap_text(item) for item in items[:limit]]
