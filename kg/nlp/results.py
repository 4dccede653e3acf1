"""Result statements: a value reported for a metric, e.g. "85.3% top-1 accuracy on ImageNet".

Works on the final mentions: a Metric mention with a number right before it
("85.3% top-1 accuracy", "2.1 FID") or right after it ("an FID of 2.1",
"accuracy of 85.3%", "BLEU = 30.1"). The dataset is the nearest Dataset mention in the
same sentence; the method is a Method mention before the value in that sentence, else
the method the paper proposes.
"""

from __future__ import annotations

import re

from kg.records import Mention, Result

__all__ = ["find_results"]

_NUMBER = r"(\d{1,6}(?:[.,]\d+)?)\s*(%|percent|points?|pp|dB|x|×|ms|s)?"
_BEFORE = re.compile(_NUMBER + r"\s*(?:(?:mean|average|relative|absolute|overall|an?|the)\s+)?$", re.I)
_AFTER = re.compile(
    r"^\s*(?:score\s+)?(?:of|=|:|is|was|reaches|at|to)?\s*"
    r"(?:about|around|only|just|up to|over|nearly|approximately|~)?\s*" + _NUMBER,
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for m in _SENTENCE.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _value(raw: str) -> float | None:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def find_results(text: str, mentions: list[Mention], field: str = "abstract") -> list[Result]:
    """Results stated in `text` (one field), linked to the mentions of that field."""
    results = []
    inside = [m for m in mentions if m.field == field]
    proposed = next((m for m in mentions if m.role == "proposed" and m.label == "Method"), None)
    for metric in (m for m in inside if m.label == "Metric"):
        before = _BEFORE.search(text[max(0, metric.start - 40) : metric.start])
        after = _AFTER.match(text[metric.end : metric.end + 40])
        if before:
            number, unit = before.group(1), before.group(2) or ""
            start, end = metric.start - len(before.group(0)), metric.end
        elif after:
            number, unit = after.group(1), after.group(2) or ""
            start, end = metric.start, metric.end + after.end()
        else:
            continue
        value = _value(number)
        if value is None:
            continue
        s_start, s_end = _sentence_bounds(text, metric.start)
        same = [m for m in inside if s_start <= m.start < s_end]
        datasets = [m for m in same if m.label == "Dataset"]
        dataset = min(datasets, key=lambda m: abs(m.start - metric.start), default=None)
        methods = [m for m in same if m.label == "Method" and m.start < metric.start]
        method = methods[-1] if methods else proposed
        results.append(
            Result(
                metric=metric.id,
                value=value,
                unit="%" if unit.lower() in ("%", "percent") else unit,
                method=method.id if method else "",
                dataset=dataset.id if dataset else "",
                text=text[start:end].strip(),
                field=field,
                start=start,
                end=end,
            )
        )
    return results
