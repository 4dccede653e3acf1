"""Which input column (CSV/TSV) or JSON field holds which record field: ``--columns``.

>>> parse_columns("title=Paper Title, abstract=summary")
{'title': 'paper_title', 'abstract': 'summary'}
>>> apply_columns({"paper_title": "T", "x": 1}, {"title": "paper_title"})
{'x': 1, 'title': 'T'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.errors import InputError

__all__ = ["FIELDS", "apply_columns", "normalize_key", "parse_columns"]

FIELDS = ("id", "title", "abstract", "url", "doi", "date", "authors", "categories")
_SEPARATORS = re.compile(r"[\s\-]+")


def normalize_key(name: object) -> str:
    """A column or field name as kg compares it: lower case, spaces and hyphens as ``_``."""
    return _SEPARATORS.sub("_", str(name).strip().lower())


def parse_columns(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """{field: normalized column} from ``field=column,...`` (or a mapping); a bad spec is an
    `InputError` naming the item and the fields that can be mapped."""
    if not spec:
        return {}
    items = spec.items() if isinstance(spec, Mapping) else (
        item.partition("=")[::2] for item in spec.split(",") if item.strip())
    columns: dict[str, str] = {}
    for key, column in items:
        field, name = normalize_key(key), normalize_key(column)
        if field not in FIELDS or not name:
            raise InputError(
                f"--columns: cannot map {key.strip()}={column.strip()}; write field=column,... "
                f"with field one of {', '.join(FIELDS)}, e.g. --columns title=paper_title,abstract=summary"
            )
        if field in columns:
            raise InputError(f"--columns: {field} is mapped twice; map each field to one column")
        columns[field] = name
    return columns


def apply_columns(record: dict[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    """`record` (keys normalized) with each mapped column moved to its field's name."""
    for field, column in columns.items():
        if column in record and column != field:
            record[field] = record.pop(column)
    return record
