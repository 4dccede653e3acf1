"""Which way a metric improves: ``"higher"`` or ``"lower"`` is better, or None when unknown.

The table is package data, ``kg/data/metric_directions.tsv`` (a name and ``higher``,
``lower`` or ``none`` per line); names match by their entity key, so case, hyphens and
spaces do not matter, and a metric node ID works as well as a name. A name the table does
not know falls back to its last word: an error, loss, distance, divergence, latency, time,
regret or perplexity is lower-is-better, an accuracy, precision, recall or F1
higher-is-better; anything else has no direction. A ``none`` row stops the fallback.

>>> metric_direction("FID"), metric_direction("metric:top1accuracy"), metric_direction("Top-5 Error")
('lower', 'higher', 'lower')
>>> metric_direction("average reconstruction error"), metric_direction("FLOPs"), metric_direction("speed")
('lower', None, None)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from kg.resolve import entity_key

__all__ = ["DIRECTIONS_PATH", "Direction", "directions", "metric_direction"]

Direction = Literal["higher", "lower"]
DIRECTIONS_PATH = Path(__file__).resolve().parent / "data" / "metric_directions.tsv"
# the last word of a name the table does not know (keys have no separators: "worderrorrate")
_LOWER_ENDINGS = ("error", "errorrate", "loss", "distance", "divergence", "latency", "time", "regret", "perplexity")
_HIGHER_ENDINGS = ("accuracy", "precision", "recall", "f1")
_VALUES: dict[str, Direction | None] = {"higher": "higher", "lower": "lower", "none": None}


@cache
def directions() -> dict[str, Direction | None]:
    """The table: entity key -> direction (None for a ``none`` row)."""
    rows = [line.split("\t") for line in DIRECTIONS_PATH.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {entity_key(name): _VALUES[direction] for name, direction in rows[1:]}  # after the header


def _key(name: str) -> str:
    return name.split(":", 1)[1] if name.startswith("metric:") else entity_key(name)


def metric_direction(name: str, *aliases: str) -> Direction | None:
    """The direction of the metric called `name` (or any of its `aliases`): the table's,
    else the one its last word implies, else None."""
    keys = [_key(n) for n in (name, *aliases) if n]
    table = directions()
    for key in keys:
        if key in table:
            return table[key]
    for key in keys:
        if key.endswith(_LOWER_ENDINGS):
            return "lower"
        if key.endswith(_HIGHER_ENDINGS):
            return "higher"
    return None
