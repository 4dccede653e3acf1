"""Stable paper IDs: the record's own id, else its DOI, else a slug of the normalized title."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["normalize_title", "paper_id"]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_title(title: str) -> str:
    """Lower case, accents folded, punctuation and spacing dropped to single spaces.

    >>> normalize_title("  Multi-Objective  GFlowNets! ")
    'multi objective gflownets'
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def paper_id(own_id: str | None, doi: str | None, title: str, abstract: str) -> str:
    """The paper's stable ID.

    >>> paper_id(None, None, "Multi-Objective GFlowNets", "")
    'multi-objective-gflownets-2960c115'
    >>> paper_id("2101.00001", None, "x", "")
    '2101.00001'
    """
    if own_id:
        return own_id
    if doi:
        return f"doi:{doi.strip().lower()}"
    basis = normalize_title(title) or normalize_title(abstract[:500])
    if not basis:
        basis = title or abstract
    digest = hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    slug = "-".join(basis.split()[:12])[:60].strip("-")
    return f"{slug}-{digest}" if slug else f"paper-{digest}"
