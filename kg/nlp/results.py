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
result each. A range ("53.1%~58.3%", "53.1-58.3%", "53.1% to 58.3%", "between 53.1% and
58.3%") is one result from its low end (`value`) to its high end (`value_max`); "from 53.1% to
58.3%" is a change, not a range. A bare rank that an error word follows is that error: "25.1%
top-1 (7.8% top-5) error" reports top-1 error and top-5 error (`rank_metric_name`).

The method: a value the text gives to another method stays with it when that method is a
mention the graph keeps, and is dropped otherwise ("SiT's 9.17 FID", "LoRA (42.3% accuracy)",
"than SiT (9.17 FID)", "BarNet achieves 9.17 FID", "compared to 9.17 FID", "the baseline reaches
9.17 FID"; an unknown name as the subject drops the value only in a paper with a proposed
method). Else the paper's proposed method when the sentence names it or speaks of "our"/"the
proposed" work, else the last Method mention before the value in that sentence, else the
proposed one. A method that gets a result is one the graph keeps and a whole name: not a span
cut from a word ("-step sampling" of "two-step sampling").

On SciREX train (title + first section of 306 papers) this keeps 87 results, among them all
25 whose value is one of the paper's annotated result tuples (``scripts/check_scirex.py``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

from kg.nlp.merge import SCORES
from kg.nlp.rules import is_name_like
from kg.records import MIN_SCORE, Mention, Result

__all__ = ["find_results", "rank_metric_name"]

# a number, not part of a name ("Rank-1", "3D"), and its unit
_NUMBER = r"(?<![\w.\-])(\d{1,6}(?:[.,]\d+)?)(?:\s*(%|×|(?:percent|points?|pp|dB|x|times|ms|s)\b))?(?![A-Za-z])"
_FILLER = r"\s*(?:(?:mean|average|relative|absolute|overall|an?|the)\s+)?$"
_BEFORE = re.compile(_NUMBER + _FILLER, re.I)
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
# "53.1%~58.3%", "53.1-58.3%", "53.1% to 58.3%", "between 53.1% and 58.3%" (listings that drop LaTeX
# backslashes write "53.1%sim58.3%"); "from 53.1% to 58.3%" is a change, not a range
_RANGE = (r"(?<![\w.\-])(?:(between)\s+)?(\d{1,6}(?:[.,]\d+)?)(\s*%)?"
          r"(?:\s*(?:~|∼|–|—|-|\\?sim)\s*|\s+(to|and)\s+)(\d{1,6}(?:[.,]\d+)?)(\s*%)?(?![\w%]|[.,]\d)")
_RANGES = re.compile(_RANGE, re.I)
_RANGE_BEFORE = re.compile(_RANGE + _FILLER, re.I)  # "53.1-58.3% top-1 accuracy"
# "from 53.1% to", "by an additional 5% to": a change, its new value
_CHANGED = re.compile(r"(?:(?<!ranging )(?<!varying )\bfrom|\bby|\b(?:improv|increas|decreas|reduc|rais|lower|boost|"
                      r"drop|gain)\w*)\b[^,;.]{0,25}$", re.I)
# Whose value it is. A statement that is someone else's stays theirs (a Method mention) or is
# dropped: "SiT's 9.17 FID", "LoRA (42.3% accuracy)", "than BarNet (9.17 FID)", "compared to 9.17",
# "BarNet achieves 9.17 FID", "the baseline reaches 9.17 FID".
_CLAUSE_END = re.compile(r"[,;:]|\b(?:while|whereas|but)\b", re.I)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\s+(?:(?:best|reported|previous|prior|original)\s+)?$")
_OPEN = re.compile(r"\(\s*$")
_COMPARISON = re.compile(r"\b(?:than|over|outperform\w*|surpass\w*|beat\w*|exceed\w*|compared\s+(?:to|with)|"
                         r"versus|vs\.?|unlike|previous|prior|baseline)\b", re.I)
_REFERENCE = re.compile(
    r"(?:(?<!more )(?<!less )(?<!fewer )(?<!greater )\bthan|\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|"
    r"relative\s+to|versus|vs\.?|previous|prior|baseline|former)|(?<!ranging )(?<!varying )\bfrom)\s+"
    r"(?:(?:the|a|an|best|reported|previous|prior|baseline|state[- ]of[- ]the[- ]art|sota)\s+)*$", re.I)
_VERB = re.compile(r"\b(?:achiev|obtain|reach|attain|record|report|yield|deliver)\w*\s+(?:[\w\-]+\s+){0,5}$|"
                   r"\b(?:scor(?:es|ed)|gets?|got|has|have|had|gives?|gave|shows?|showed)\s+(?:[\w\-]+\s+){0,5}$", re.I)
_SUBJECT_TAIL = re.compile(r"(?:\s+(?:models?|networks?|methods?|also|only|still|further|even|then|now|already|"
                           r"consistently|significantly))*\s*$", re.I)
_OTHERS = re.compile(r"\s*(?:(?:the|our|their|its|an?|all|many|most)\s+)?(?:\([^()]*\)\s*)?(?:best\s+)?"
                     r"(?:previous|prior|baseline|existing|competing|other|original|vanilla)\b(?:\s+[\w\-]+){0,4}\s*",
                     re.I)
_NAME = re.compile(r"[A-Z][\w\-+./]*")  # a word that may be a system's name ("SiT", "DiT-XL/2"; not "D{=}2048")
_THEIRS = "theirs"  # a statement of someone who is no Method mention: no result
# "25.1% top-1 (7.8% top-5) error": a bare rank that an error word follows names that error
_BARE_RANK = re.compile(r"(?:top|rank)[\s\-]?(?:\d+|k)", re.I)
_ERROR_AFTER = re.compile(
    r"(?:\s*\)|\s*\([^()]{0,60}\)|\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|/\s*)(?:\d[\d.,]*\s*%?\s*)?[\w\-@]+){0,4}"
    r"\s*\)?\s*error(\s+rates?)?\b", re.I)


@dataclass(frozen=True)
class _SentenceFacts:
    """What the results of one sentence draw on, found once for all its metrics."""

    mentions: list[Mention]
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


class _Number(NamedTuple):
    """A stated number: its digits and unit, where it is (with its unit), and the whole statement."""

    digits: str
    unit: str
    start: int
    end: int
    statement: tuple[int, int]


def _stated_value(text: str, metric: Mention) -> _Number | None:
    """The number stated for `metric` ("85.3% top-1 accuracy", "an FID of 2.1", the high end of
    "53.1-58.3% accuracy")."""
    window = max(0, metric.start - 40)
    lead = text[window : metric.start]
    before = _BEFORE.search(lead)
    if before:
        unit = before.group(2) or ""
        return _Number(before.group(1), unit, window + before.start(1), window + before.end(2 if unit else 1),
                       (window + before.start(), metric.end))
    after = _AFTER.match(text[metric.end : metric.end + 40])
    if after:
        unit = after.group(2) or ""
        return _Number(after.group(1), unit, metric.end + after.start(1), metric.end + after.end(2 if unit else 1),
                       (metric.start, metric.end + after.end()))
    ranged = _RANGE_BEFORE.search(lead)
    if ranged:
        unit = (ranged.group(6) or "").strip()
        return _Number(ranged.group(5), unit, window + ranged.start(5), window + ranged.end(6 if unit else 5),
                       (window + ranged.start(), metric.end))
    return None


def _ranges(text: str) -> dict[int, re.Match[str]]:
    """The ranges of `text` by where each of their two numbers starts."""
    found: dict[int, re.Match[str]] = {}
    for m in _RANGES.finditer(text):
        word = (m.group(4) or "").lower()
        if (word == "and" and not m.group(1)) or (word == "to" and _CHANGED.search(text[max(0, m.start() - 40):
                                                                                       m.start()])):
            continue  # "and" only in "between A and B"; "from A to B" is a change
        found[m.start(2)] = found[m.start(5)] = m
    return found


def _as_range(number: _Number, ranges: dict[int, re.Match[str]]) -> tuple[float, float, _Number] | None:
    """(low, high, the first number with the whole statement) when `number` is one end of a range."""
    m = ranges.get(number.start)
    low, high = (_value(m.group(2)), _value(m.group(5))) if m else (None, None)
    if m is None or low is None or high is None or low == high:
        return None
    unit = "%" if m.group(3) or m.group(6) else number.unit
    statement = (min(number.statement[0], m.start()), max(number.statement[1], m.end()))
    first = _Number(m.group(2), unit, m.start(2), m.end(3 if m.group(3) else 2), statement)
    return min(low, high), max(low, high), first


def rank_metric_name(text: str, metric: Mention) -> str | None:
    """The metric a bare rank names: its error when an error word follows it ("top-1 error" for
    "top-1" in "25.1% top-1 (7.8% top-5) error", "top-5 error rate" in "top-1 and top-5 error
    rates"), else its accuracy ("96.2% top-5" reports top-5 accuracy). None for other metrics.

    >>> text = "25.1% top-1 (7.8% top-5) error; 96.2% top-5"
    >>> [rank_metric_name(text, Mention("top-5", "Metric", i, i + 5, "abstract", name="top-5")) for i in (18, 38)]
    ['top-5 error', 'top-5 accuracy']
    """
    name = metric.name or metric.text
    if not _BARE_RANK.fullmatch(name):
        return None
    found = _ERROR_AFTER.match(text, metric.end)
    return f"{name} accuracy" if found is None else f"{name} error{' rate' if found.group(1) else ''}"


def _credited(m: Mention, text: str | None) -> bool:
    """A method a result may name: one the graph keeps, a whole name ("two-step sampling" has no
    method "-step sampling" or "step sampling"). `text` is the mention's field, when at hand."""
    if m.score < MIN_SCORE or not m.text[:1].isalnum():
        return False
    return text is None or m.start == 0 or not (text[m.start - 1].isalnum() or text[m.start - 1] in "-_")


def _ending_at(mentions: list[Mention], end: int) -> Mention | None:
    """The mention that ends at `end`: of nested ones, the surest, then the shortest."""
    return max((m for m in mentions if m.end == end), key=lambda m: (m.score, m.start), default=None)


def _owner(text: str, start: int, sentence_start: int, mentions: list[Mention],
           proposed: Mention | None) -> Mention | str | None:
    """Whose value the statement at `start` is when the text says so: another Method mention,
    `_THEIRS` (someone the graph does not know), or None (the usual rules decide)."""
    lead_start = max(sentence_start, start - 80)
    lead = text[lead_start:start]

    def clause(pos: int, reach: int = 200) -> str:  # the clause up to `pos`, at most `reach` characters
        begin = max(sentence_start, pos - reach)
        ends = [m.end() for m in _CLAUSE_END.finditer(text, begin, pos)]
        return text[ends[-1] if ends else begin : pos]

    def named(m: Mention | None) -> Mention | str | None:
        if m is None or m.label != "Method":
            return None if m is not None else _THEIRS
        return m if _credited(m, text) else _THEIRS

    if (possessive := _POSSESSIVE.search(lead)) is not None:  # "SiT's 9.17 FID"
        owner_end = lead_start + possessive.start()
        owner = _ending_at(mentions, owner_end)
        return None if owner is None and _OURS.search(clause(owner_end)) else named(owner)
    if (bracket := _OPEN.search(lead)) is not None:  # "LoRA (42.3% accuracy)", "than SiT (9.17 FID)"
        before_end = len(text[: lead_start + bracket.start()].rstrip())
        owner = _ending_at(mentions, before_end)
        if owner is not None or _COMPARISON.search(clause(before_end, 60)):
            return named(owner)
        return None
    if _REFERENCE.search(lead):  # "compared to 9.17 FID", "from 9.17 to ..."
        return _THEIRS
    verb = _VERB.search(lead)
    if verb is None:
        return None
    verb_start = lead_start + verb.start()
    subject = clause(verb_start)
    subject_start = verb_start - len(subject)
    if _OTHERS.fullmatch(subject):  # "the baseline reaches 9.17 FID", "our baseline reaches ..."
        return _THEIRS
    if _OURS.search(subject) or (proposed is not None and any(
            m.id == proposed.id and subject_start <= m.start < verb_start for m in mentions)):
        return None
    tail = _SUBJECT_TAIL.search(subject)
    head_end = subject_start + (tail.start() if tail else len(subject))
    owner = _ending_at(mentions, head_end)
    if owner is not None:  # "BarNet achieves 9.17 FID"
        return named(owner)
    head = text[subject_start:head_end].split()[-1:]
    first = not text[sentence_start:head_end].split()[:-1]  # capitals there say nothing
    if (proposed is not None and head and _NAME.fullmatch(head[0]) and (is_name_like(head[0]) or not first)
            and not head[0].startswith(proposed.text)):
        return _THEIRS  # "SiT reaches 9.17 FID" in a paper that proposes another method
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
        mentions=same,
        datasets=datasets,
        in_graph=in_graph,
        methods=[m for m in same if m.label == "Method" and _credited(m, text)],
        ours=ours,
        respectively=_RESPECTIVELY.search(text, start, end) is not None,
        slash_runs=_slash_runs(text, in_graph),
    )


def find_results(text: str, mentions: list[Mention], field: str = "abstract") -> list[Result]:
    """Results stated in `text` (one field), linked to the mentions of that field."""
    kept = [m for m in mentions if m.score > SCORES["descriptive"]]
    inside = [m for m in kept if m.field == field]
    proposed = next((m for m in kept if m.role == "proposed" and m.label == "Method"
                     and _credited(m, text if m.field == field else None)), None)
    claimed: dict[int, tuple[int, Result]] = {}  # number position -> (metric length, result)
    sentences = _Sentences(text)
    facts: dict[tuple[int, int], _SentenceFacts] = {}
    ranges: dict[int, re.Match[str]] | None = None
    for metric in (m for m in inside if m.label == "Metric"):
        number = _stated_value(text, metric)
        value = None if number is None else _value(number.digits)
        if number is None or value is None or _is_change(
                text, (number.start, number.end), number.statement[1], number.unit, metric):
            continue
        if ranges is None:
            ranges = _ranges(text)
        ranged = _as_range(number, ranges)
        value_max, unit, (start, end) = None, number.unit, number.statement
        if ranged is not None:  # "improvements of 4.3-11.2 BLEU" is a change too
            value, value_max, low = ranged
            if _is_change(text, (low.start, low.end), low.statement[1], low.unit, metric):
                continue
            unit, (start, end) = low.unit, low.statement
        s_start, s_end = sentences.bounds(metric.start)
        if (s_start, s_end) not in facts:
            facts[s_start, s_end] = _sentence_facts(text, (s_start, s_end), inside, proposed)
        sentence = facts[s_start, s_end]
        owner = _owner(text, start, s_start, sentence.mentions, proposed)
        if owner == _THEIRS:
            continue
        methods = [m for m in sentence.methods if m.start < metric.start]
        method = owner if isinstance(owner, Mention) else proposed if sentence.ours or not methods else methods[-1]
        # a dataset the graph keeps before a model-only guess
        dataset = _dataset_of(text, (start, end), sentence.in_graph or sentence.datasets)
        result = Result(
            metric=metric.id,
            value=value,
            value_max=value_max,
            unit=_unit(unit),
            method=method.id if method else "",
            dataset=dataset.id if dataset else "",
            text=text[start:end].strip(),
            field=field,
            start=start,
            end=end,
        )
        length, n_start = metric.end - metric.start, number.start
        if n_start not in claimed or claimed[n_start][0] < length:
            claimed[n_start] = (length, result)
        if ranged is not None:
            continue
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
