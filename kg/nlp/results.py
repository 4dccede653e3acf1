"""Result statements: a value reported for a metric, e.g. "85.3% top-1 accuracy on ImageNet".

Works on the final mentions: a Metric mention with a number right before it
("85.3% top-1 accuracy", "2.1 FID") or right after it ("an FID of 2.1",
"accuracy of 85.3%", "BLEU = 30.1"). A result is an absolute value: changes ("improves
F1 by 2.5", "a 10% error rate reduction", "15% higher accuracy", "4x speed") and numbers
inside a metric's name ("Rank-1 accuracy") are not results, and one number is one result
(the longest metric mention claims it). Descriptive mentions ("our framework") take no
part, and neither do settings ("at 70% sparsity"). The dataset is the one the statement
goes on to name ("... on CIFAR-10"), else the nearest Dataset mention in the same sentence
(one the graph keeps if any); a statement that goes on with values on other datasets ("an
FVD of 103.3 on UCF101 and 25.5 on K600", "FID scores of 2.51 and 3.25 on CIFAR-10 and
ImageNet, respectively", "82.9%/84.8% top-1 accuracy on Kinetics-400/Kinetics-600") gives one
result each. The method is the paper's
proposed method when the sentence names it or speaks of "our"/"the proposed" work, else the
last Method mention before the value in that sentence, else the proposed one.

On SciREX train (title + first section of 306 papers) this keeps 94 results (91 of the 123
single-value statements, and 3 further values of them), and all 25 whose value is one of
the paper's annotated result tuples.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from kg.nlp.merge import SCORES
from kg.records import MIN_SCORE, Mention, Result

__all__ = ["find_results"]

# a number, not part of a name ("Rank-1", "3D"), and its unit
_NUMBER = r"(?<![\w.\-])(\d{1,6}(?:[.,]\d+)?)(?:\s*(%|×|(?:percent|points?|pp|dB|x|times|ms|s)\b))?(?![A-Za-z])"
_BEFORE = re.compile(_NUMBER + r"\s*(?:(?:mean|average|relative|absolute|overall|an?|the)\s+)?$", re.I)
_AFTER = re.compile(
    r"^\s*(?:score\s+)?(?:of|=|:|is|was|reaches|at|to)?\s*"
    r"(?:about|around|only|just|up to|over|nearly|approximately|~)?\s*" + _NUMBER,
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# a change, not a value: "by 2.5", "improves 2.3% accuracy", "an improvement of 3%", "15% higher",
# "a 10% error rate reduction"
_CHANGE_WORDS = r"(?:improvements?|gains?|reductions?|increases?|decreases?|drops?|boosts?|speed-?ups?)"
_CHANGE_BEFORE = re.compile(
    r"\b(?:by|up to|(?:improv|increas|decreas|reduc|boost|rais|lower|gain)\w*|" + _CHANGE_WORDS + r"(?:\s+of)?)\s+"
    r"(?:(?:about|around|nearly|almost|approximately|more than|over|up to|an?|~)\s*)?$",
    re.I,
)
_CHANGE_AFTER = re.compile(r"^\s*(?:higher|lower|better|worse|more|fewer|less|faster|slower|relative|absolute|"
                           + _CHANGE_WORDS + r")\b", re.I)
_CHANGE_METRIC = re.compile(r"\b" + _CHANGE_WORDS + r"$", re.I)
_SPEED_UNITS = {"x", "×", "times"}
# "at 70% sparsity", "under 40% label noise": a setting of the experiment, not its result
_CONDITION_BEFORE = re.compile(r"\b(?:at|under|with)\s+(?:an?\s+)?$", re.I)
_SETTING_WORDS = re.compile(r"\b(?:sparsity|compression|pruning|noise|density|bits?|budget)\b", re.I)
# "5.5% error on the CIFAR-10.1 test set": the dataset the statement goes on to name
_ON_DATASET = re.compile(
    r"(?:\([^()]{0,30}\)|[^.;,()]|(?<=\d)\.(?=\d)){0,40}?\b(?:on|in)\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
_OURS = re.compile(r"\b(?:our|we|the proposed)\b", re.I)
# "FID scores of 2.51 and 3.25 on CIFAR-10 and ImageNet, respectively": values paired in order
# with the sentence's datasets
_VALUE_LIST = re.compile(_NUMBER + r"(?:\s*,\s*" + _NUMBER + r")*\s*,?\s+and\s+" + _NUMBER)
_NUMBER_RE = re.compile(_NUMBER)
_LIST_REACH = 200  # characters a list of values may reach on either side of the stated one
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# "82.9%/84.8% top-1 accuracy on Kinetics-400/Kinetics-600": values and datasets both written A/B
_VALUE_SLASHES = re.compile(_NUMBER + r"(?:\s*/\s*" + _NUMBER + r")+")
_SLASH = re.compile(r"\s*/\s*")
# "an FID of 2.1 on CIFAR-10 and 3.4 on ImageNet": the same metric's value on another dataset
_NEXT_VALUE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)" + _NUMBER + r"\s+(?:on|in)\s+(?:the\s+)?", re.I)


@dataclass(frozen=True)
class _SentenceFacts:
    """What the results of one sentence draw on, found once for all its metrics."""

    datasets: list[Mention]
    in_graph: list[Mention]  # the datasets the graph keeps
    methods: list[Mention]
    ours: bool  # names the proposed method or speaks of "our"/"the proposed" work
    respectively: bool
    slash_runs: list[list[Mention]]  # graph-kept datasets written "A/B", by where they start


def _slash_runs(text: str, datasets: list[Mention]) -> list[list[Mention]]:
    """The lists of datasets written "A/B" (two or more, all different) in a sentence."""
    runs: list[list[Mention]] = []
    for d in sorted(datasets, key=lambda m: m.start):
        if runs and _SLASH.fullmatch(text, runs[-1][-1].end, d.start):
            runs[-1].append(d)
        else:
            runs.append([d])
    return [run for run in runs if len(run) == len({d.id for d in run}) > 1]


class _Sentences:
    """The sentences of a text, split once: the (start, end) of the one holding a position.
    (Splitting again for every metric was quadratic on a long text of statements.)"""

    def __init__(self, text: str) -> None:
        splits = list(_SENTENCE.finditer(text))
        self.starts = [0] + [m.end() for m in splits]
        self.ends = [m.start() for m in splits] + [len(text)]

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.starts[i], self.ends[i]


def _value(raw: str) -> float | None:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _unit(raw: str) -> str:
    return "%" if raw.lower() in ("%", "percent") else raw


def _stated_value(text: str, metric: Mention) -> tuple[re.Match[str], int, int, int] | None:
    """The number stated for `metric`, where its window starts, and the (start, end) of the
    whole statement."""
    window = max(0, metric.start - 40)
    before = _BEFORE.search(text[window : metric.start])
    if before:
        return before, window, window + before.start(), metric.end
    after = _AFTER.match(text[metric.end : metric.end + 40])
    if after:
        return after, metric.end, metric.start, metric.end + after.end()
    return None


def _is_change(text: str, number: tuple[int, int], statement_end: int, unit: str, metric: Mention) -> bool:
    """True for a change or a condition rather than a value: "by 2.5 F1", "2.3% mAP boost",
    "4x", "at 70% sparsity"."""
    return (
        unit.lower() in _SPEED_UNITS
        or (_CONDITION_BEFORE.search(text[max(0, number[0] - 12) : number[0]]) is not None
            and _SETTING_WORDS.search(metric.text) is not None)
        or _CHANGE_METRIC.search(metric.text) is not None
        or _CHANGE_BEFORE.search(text[max(0, number[0] - 30) : number[0]]) is not None
        or any(_CHANGE_AFTER.match(text[end : end + 20]) for end in (number[1], statement_end))
    )


def _dataset_of(text: str, statement: tuple[int, int], kept: list[Mention]) -> Mention | None:
    """The dataset of a statement among `kept`: the one it goes on to name ("... error on
    CIFAR-10.1"), else the nearest ("CIFAR-10 (4.62% error) and CIFAR-100")."""
    start, end = statement
    after = min((m for m in kept if m.start >= end), key=lambda m: m.start, default=None)
    if after is not None and after.start - end <= 80 and _ON_DATASET.fullmatch(text[end : after.start]):
        return after
    return min(kept, key=lambda m: m.start - end if m.start >= end else max(0, start - m.end), default=None)


def _more_values(text: str, dataset: Mention, datasets: list[Mention]) -> Iterator[tuple[re.Match[str], Mention]]:
    """The values a statement goes on to give on other datasets, each with its dataset:
    "25.5 on K600" of "FVD scores of 103.3 on UCF101 and 25.5 on K600"."""
    pos = dataset.end
    while (m := _NEXT_VALUE.match(text, pos)) is not None:
        following = next((d for d in datasets if d.start == m.end()), None)
        if following is None or (m.group(2) or "").lower() in _SPEED_UNITS:
            return
        yield m, following
        pos = following.end


def _listed_numbers(pattern: re.Pattern[str], text: str, sentence: tuple[int, int],
                    number_start: int) -> list[re.Match[str]]:
    """The numbers of the list (`pattern`) in `sentence` that holds the number at `number_start`,
    searched within `_LIST_REACH` of it: the list patterns backtrack, quadratic in a sentence
    of numbers. None when one of them is a speed-up ("3x/4x"): those are changes, not values."""
    start, end = sentence
    window = (max(start, number_start - _LIST_REACH), min(end, number_start + _LIST_REACH))
    values = next((m for m in pattern.finditer(text, *window) if m.start() <= number_start < m.end()), None)
    numbers = [] if values is None else list(_NUMBER_RE.finditer(text, values.start(), values.end()))
    return [] if any((n.group(2) or "").lower() in _SPEED_UNITS for n in numbers) else numbers


def _respective_values(text: str, sentence: tuple[int, int], number_start: int,
                       datasets: list[Mention]) -> list[tuple[re.Match[str], Mention]]:
    """Each value of a list that holds the stated number, paired with the sentence's datasets
    in order, when the sentence (which says "respectively") names as many datasets as values."""
    numbers = _listed_numbers(_VALUE_LIST, text, sentence, number_start)
    named: dict[str, Mention] = {}
    for d in sorted(datasets, key=lambda m: m.start):
        named.setdefault(d.id, d)
    if not numbers or len(numbers) != len(named):
        return []
    return list(zip(numbers, named.values(), strict=True))


def _slash_values(text: str, sentence: tuple[int, int], number_start: int,
                  runs: list[list[Mention]]) -> list[tuple[re.Match[str], Mention]]:
    """Each value of "A/B" that holds the stated number, paired in order with datasets written
    the same way in the sentence ("82.9%/84.8% ... on Kinetics-400/Kinetics-600", "CIFAR-10/FFHQ
    ..., with FID scores of 1.91/2.43"): the nearest such list of as many datasets that starts
    within `_LIST_REACH` of the number (a bounded search: a sentence may hold thousands)."""
    if not runs:
        return []
    numbers = _listed_numbers(_VALUE_SLASHES, text, sentence, number_start)
    if not numbers:
        return []
    starts = [run[0].start for run in runs]
    near = runs[bisect.bisect_left(starts, number_start - _LIST_REACH) : bisect.bisect_right(
        starts, number_start + _LIST_REACH)]
    fitting = [run for run in near if len(run) == len(numbers)]
    if not fitting:
        return []
    nearest = min(fitting, key=lambda run: min(abs(run[0].start - number_start), abs(run[-1].end - number_start)))
    return list(zip(numbers, nearest, strict=True))


def _sentence_facts(text: str, sentence: tuple[int, int], mentions: list[Mention],
                    proposed: Mention | None) -> _SentenceFacts:
    start, end = sentence
    same = [m for m in mentions if start <= m.start < end]
    datasets = [m for m in same if m.label == "Dataset"]
    ours = proposed is not None and (
        any(m.id == proposed.id for m in same) or _OURS.search(text, start, end) is not None
    )
    in_graph = [m for m in datasets if m.score >= MIN_SCORE]
    return _SentenceFacts(
        datasets=datasets,
        in_graph=in_graph,
        methods=[m for m in same if m.label == "Method"],
        ours=ours,
        respectively=_RESPECTIVELY.search(text, start, end) is not None,
        slash_runs=_slash_runs(text, in_graph),
    )


def find_results(text: str, mentions: list[Mention], field: str = "abstract") -> list[Result]:
    """Results stated in `text` (one field), linked to the mentions of that field."""
    kept = [m for m in mentions if m.score > SCORES["descriptive"]]
    inside = [m for m in kept if m.field == field]
    proposed = next((m for m in kept if m.role == "proposed" and m.label == "Method"), None)
    claimed: dict[int, tuple[int, Result]] = {}  # number position -> (metric length, result)
    sentences = _Sentences(text)
    facts: dict[tuple[int, int], _SentenceFacts] = {}
    for metric in (m for m in inside if m.label == "Metric"):
        found = _stated_value(text, metric)
        if found is None:
            continue
        match, window, start, end = found
        number, unit = match.group(1), match.group(2) or ""
        n_start, n_end = window + match.start(1), window + match.end(2 if unit else 1)
        value = _value(number)
        if value is None or _is_change(text, (n_start, n_end), end, unit, metric):
            continue
        s_start, s_end = sentences.bounds(metric.start)
        if (s_start, s_end) not in facts:
            facts[s_start, s_end] = _sentence_facts(text, (s_start, s_end), inside, proposed)
        sentence = facts[s_start, s_end]
        # a dataset the graph keeps before a model-only guess
        dataset = _dataset_of(text, (start, end), sentence.in_graph or sentence.datasets)
        methods = [m for m in sentence.methods if m.start < metric.start]
        method = proposed if sentence.ours or not methods else methods[-1]
        result = Result(
            metric=metric.id,
            value=value,
            unit=_unit(unit),
            method=method.id if method else "",
            dataset=dataset.id if dataset else "",
            text=text[start:end].strip(),
            field=field,
            start=start,
            end=end,
        )
        length = metric.end - metric.start
        if n_start not in claimed or claimed[n_start][0] < length:
            claimed[n_start] = (length, result)
        respective = (_respective_values(text, (s_start, s_end), n_start, sentence.in_graph)
                      if sentence.respectively else []) \
            or _slash_values(text, (s_start, s_end), n_start, sentence.slash_runs)
        if respective:  # the statement, from the metric to the last value, for each of them
            bounds = (min(start, respective[0][0].start()), max(end, respective[-1][0].end()))
            further = [(more, other, bounds) for more, other in respective]
        elif dataset is not None and dataset.start >= end:  # "... on UCF101 and 25.5 on K600"
            more_values = _more_values(text, dataset, sentence.datasets)
            further = [(more, other, (more.start(1), other.end)) for more, other in more_values]
        else:
            continue
        for more, other, (first, last) in further:
            more_start, more_value = more.start(1), _value(more.group(1))
            held = claimed.get(more_start)
            if more_value is not None and (held is None or held[1] is result or held[0] < length):
                claimed[more_start] = (length, replace(
                    result, value=more_value, unit=_unit(more.group(2) or ""), dataset=other.id,
                    text=text[first:last].strip(), start=first, end=last))
    return [result for _, (_, result) in sorted(claimed.items())]
