"""Readers for gold (human-annotated) extraction data, mapped to the kg labels.

Every reader returns a list of :class:`GoldDoc`: the document text and its gold
spans as character offsets into that text, with labels mapped to ours
(``Method``, ``Dataset``, ``Metric``, ``Task``). Supported formats:

``scierc``
    SciERC in DyGIE JSON lines (``doc_key``, ``sentences`` of PTB tokens, ``ner``
    with inclusive document-level token indices). Tokens are detokenized
    (``-LRB-`` → ``(``, ````/``''`` → ``"``, no space before ``, . ) : ; 's n't`` …).
    Label map: Method→Method, Task→Task, Metric→Metric, Material→Dataset.
    The last one is *approximate*: SciERC's Material also covers corpora,
    languages and other resources, so score SciERC on Method/Task/Metric only.
    OtherScientificTerm and Generic are dropped.
``scirex``
    SciREX per-paper JSON (``words``, ``sections``, ``ner`` with exclusive end);
    a file or a directory of such files; only the title + abstract sections are read.
``conll``
    TDMSci (``token<TAB>offset<TAB>tag``, BIO) and CS-NER (``token<TAB>tag``,
    BIOES, whitespace tokens) — one document per blank-line separated block.
    TASK/RESEARCH_PROBLEM→Task, DATASET→Dataset, METRIC→Metric, METHOD→Method.
``jsonl``
    ``{"id", "title", "abstract", "entities": [{"text", "label"}]}``; entities may
    carry ``start``/``end`` (and ``field`` = "title"/"abstract" when the offsets are
    relative to that field, as in ``kg extract`` output). Entities without offsets
    only support unique-mention scoring (see :mod:`kg.eval.scoring`).

>>> docs = read_conll_lines(["Deep\\tO", "BERT\\tS-METHOD", "", "ImageNet\\tB-DATASET"])
>>> [(d.text, d.spans) for d in docs]
[('Deep BERT', ((5, 9, 'Method'),)), ('ImageNet', ((0, 8, 'Dataset'),))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

__all__ = [
    "LABEL_MAP",
    "GoldDoc",
    "detect_format",
    "detokenize",
    "map_label",
    "normalize_mention",
    "read_conll",
    "read_conll_lines",
    "read_gold",
    "read_jsonl",
    "read_scierc",
    "read_scirex",
]

Span = tuple[int, int, str]

#: upstream label (upper-cased) → kg label; labels not listed are dropped.
LABEL_MAP: dict[str, str] = {
    "METHOD": "Method",
    "TASK": "Task",
    "RESEARCH_PROBLEM": "Task",
    "METRIC": "Metric",
    "DATASET": "Dataset",
    "MATERIAL": "Dataset",  # SciERC/SciREX: approximate (corpora, languages, resources too)
}


def map_label(label: str) -> str | None:
    """Map an upstream label to a kg label, or None when the label is not ours.

    >>> map_label("RESEARCH_PROBLEM"), map_label("Material"), map_label("Generic")
    ('Task', 'Dataset', None)
    """
    return LABEL_MAP.get(label.strip().upper().replace("-", "_"))


_WS = re.compile(r"\s+")


def normalize_mention(text: str) -> str:
    """The key mentions are compared by: lower-cased, all whitespace removed.

    >>> normalize_mention(" Graph  Neural\\nNetworks ")
    'graphneuralnetworks'
    """
    return _WS.sub("", text).lower()


@dataclass(frozen=True)
class GoldDoc:
    """One gold document.

    `spans` are ``(start, end, label)`` character offsets into `text` (end exclusive),
    sorted. `mentions` are ``(label, text)`` pairs for gold data without offsets;
    `has_offsets` is False for such documents (exact-span scoring skips them).
    """

    id: str
    text: str
    spans: tuple[Span, ...] = ()
    mentions: tuple[tuple[str, str], ...] = ()
    has_offsets: bool = True

    def mention_set(self, labels: Iterable[str] | None = None) -> set[tuple[str, str]]:
        """The set of ``(label, normalized text)`` of this document's gold mentions."""
        keep = None if labels is None else set(labels)
        pairs = [(lab, self.text[s:e]) for s, e, lab in self.spans] + list(self.mentions)
        return {
            (lab, normalize_mention(t)) for lab, t in pairs if (keep is None or lab in keep) and normalize_mention(t)
        }

    def labels(self) -> set[str]:
        """Labels that occur in this document."""
        return {lab for _, _, lab in self.spans} | {lab for lab, _ in self.mentions}


# --------------------------------------------------------------------------- PTB detokenization

_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_NO_SPACE_BEFORE = {",", ".", ")", "]", "}", ":", ";", "?", "!", "%", "''", "...", "'"}
_CLITICS = {"'s", "'re", "'ve", "'ll", "'d", "'m", "n't", "'S", "N'T", "'RE", "'VE", "'LL", "'D"}
_NO_SPACE_AFTER = {"(", "[", "{", "``", "$", "#"}


def detokenize(tokens: Sequence[str], glue_hyphens: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """Join PTB tokens into text; return the text and each token's (start, end).

    With `glue_hyphens`, a ``-`` token is attached to both neighbours (SciREX splits
    hyphenated words; SciERC does not, so there a ``-`` token is a dash).

    >>> text, offs = detokenize(["A", "-LRB-", "B", "-RRB-", "is", "n't", "``", "x", "''", "."])
    >>> text
    'A (B) isn\\'t "x".'
    >>> [text[s:e] for s, e in offs][5]
    "n't"
    >>> detokenize(["state", "-", "of", "-", "the", "-", "art"], glue_hyphens=True)[0]
    'state-of-the-art'
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    prev: str | None = None
    prev_surface = ""
    for tok in tokens:
        surface = _PTB.get(tok, tok)
        space = prev is not None and not (
            tok in _NO_SPACE_BEFORE
            or (surface in _NO_SPACE_BEFORE
            and tok != "``")
            or tok in _CLITICS
            or prev in _NO_SPACE_AFTER
            or (prev_surface in _NO_SPACE_AFTER
            and prev != "''")
            or (glue_hyphens
            and (tok == "-" or prev == "-"))
        )
        if space:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(surface)))
        parts.append(surface)
        pos += len(surface)
        prev, prev_surface = tok, surface
    return "".join(parts), offsets


# --------------------------------------------------------------------------- SciERC


def _scierc_doc(obj: dict[str, Any], index: int) -> GoldDoc:
    tokens = [t for sent in obj["sentences"] for t in sent]
    text, offs = detokenize(tokens)
    spans: set[Span] = set()
    for sent_ner in obj.get("ner", []):
        for start, end, label in sent_ner:
            lab = map_label(label)
            if lab is None:
                continue
            spans.add((offs[start][0], offs[end][1], lab))
    return GoldDoc(id=str(obj.get("doc_key", index)), text=text, spans=tuple(sorted(spans)))


def read_scierc(path: str | Path) -> list[GoldDoc]:
    """Read SciERC DyGIE JSON lines (one abstract per line)."""
    return [_scierc_doc(obj, i) for i, obj in enumerate(_json_lines(path))]


# --------------------------------------------------------------------------- SciREX


_SCIREX_HEADERS = {"section", "subsection", "document"}


def _scirex_doc(obj: dict[str, Any], min_words: int = 30) -> GoldDoc:
    """Title + abstract of one SciREX paper: section 0, plus section 1 when 0 is short.

    Section headers (``section : Abstract``) are left out of the text.
    """
    sections = obj["sections"]
    words = obj["words"]
    keep_sections = [sections[0]]
    if sections[0][1] - sections[0][0] < min_words and len(sections) > 1:
        keep_sections.append(sections[1])
    end = keep_sections[-1][1]
    index: list[int] = []
    for s, e in keep_sections:
        i = s
        if i + 1 < e and words[i] in _SCIREX_HEADERS and words[i + 1] == ":":
            i += 2
            if i < e and words[i].lower() == "abstract":
                i += 1
        index.extend(range(i, e))
    text, offs = detokenize([words[i] for i in index], glue_hyphens=True)
    where = {w: n for n, w in enumerate(index)}
    spans: set[Span] = set()
    for start, stop, label in obj.get("ner", []):
        lab = map_label(label)
        if lab is None or stop > end or start >= stop:
            continue
        if start not in where or stop - 1 not in where:
            continue
        spans.add((offs[where[start]][0], offs[where[stop - 1]][1], lab))
    return GoldDoc(id=str(obj.get("doc_id", "")), text=text, spans=tuple(sorted(spans)))


def read_scirex(path: str | Path) -> list[GoldDoc]:
    """Read SciREX papers (a JSON file, a JSON-lines file or a directory of them).

    Only the title and abstract are kept (section 0, and section 1 when section 0 is
    just the title). Material maps to Dataset (in SciREX it is mostly datasets).
    """
    p = Path(path)
    files = sorted(p.glob("*.json*")) if p.is_dir() else [p]
    return [_scirex_doc(obj) for f in files for obj in _json_lines(f)]


# --------------------------------------------------------------------------- CoNLL


def _decode_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """BIO/BIOES/BILOU tags → (first token, last token exclusive, raw label) chunks.

    A stray I-/E-/L- tag without an open chunk of the same label starts a new chunk.
    """
    chunks: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None  # [start, label]
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if tag == "O" or not label:
            prefix, label = "O", ""
        if prefix in ("I", "E", "L") and cur is not None and cur[1] == label:
            if prefix in ("E", "L"):
                chunks.append((cur[0], i + 1, label))
                cur = None
            continue
        if cur is not None:
            chunks.append((cur[0], i, cur[1]))
            cur = None
        if prefix in ("S", "U") or prefix in ("E", "L"):
            chunks.append((i, i + 1, label))
        elif prefix in ("B", "I"):
            cur = [i, label]
    return chunks


def _conll_block(rows: list[list[str]], doc_id: str) -> GoldDoc:
    tokens: list[str] = []
    offsets: list[int | None] = []
    tags: list[str] = []
    for cols in rows:
        tokens.append(cols[0])
        if len(cols) >= 3 and cols[1].lstrip("-").isdigit():
            offsets.append(int(cols[1]))
            tags.append(cols[2])
        else:
            offsets.append(None)
            tags.append(cols[1] if len(cols) > 1 else "O")
    # rebuild the text: keep the original spacing (no space / one space) when offsets exist
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, tok in enumerate(tokens):
        if i > 0:
            prev_off, off = offsets[i - 1], offsets[i]
            glued = prev_off is not None and off is not None and off == prev_off + len(tokens[i - 1])
            if not glued:
                parts.append(" ")
                pos += 1
        starts.append(pos)
        parts.append(tok)
        pos += len(tok)
    text = "".join(parts)
    spans: set[Span] = set()
    for a, b, raw in _decode_tags(tags):
        lab = map_label(raw)
        if lab is not None:
            spans.add((starts[a], starts[b - 1] + len(tokens[b - 1]), lab))
    return GoldDoc(id=doc_id, text=text, spans=tuple(sorted(spans)))


def read_conll_lines(lines: Iterable[str], prefix: str = "doc") -> list[GoldDoc]:
    """Parse CoNLL lines (``token [offset] tag``, tab- or space-separated) into documents.

    Blank lines separate documents; ``-DOCSTART-`` lines are skipped. With several tag
    columns (nested annotation in CS-NER) the first one is used.
    """
    docs: list[GoldDoc] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            docs.append(_conll_block(rows, f"{prefix}-{len(docs)}"))
            rows.clear()

    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            flush()
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if cols[0].startswith("-DOCSTART-"):
            continue
        rows.append(cols)
    flush()
    return docs


def read_conll(path: str | Path) -> list[GoldDoc]:
    """Read a TDMSci or CS-NER CoNLL file (undecodable bytes are replaced)."""
    p = Path(path)
    with p.open(encoding="utf-8", errors="replace") as fh:
        return read_conll_lines(fh, prefix=p.stem)


# --------------------------------------------------------------------------- JSONL


def _jsonl_doc(obj: dict[str, Any], index: int) -> GoldDoc:
    title = str(obj.get("title") or "")
    abstract = str(obj.get("abstract") or obj.get("text") or "")
    sep = "\n" if title and abstract else ""
    text = title + sep + abstract
    base = {"title": 0, "abstract": len(title) + len(sep)}
    spans: set[Span] = set()
    mentions: list[tuple[str, str]] = []
    has_offsets = True
    for ent in obj.get("entities") or []:
        lab = map_label(str(ent.get("label", "")))
        if lab is None:
            continue
        s, e = ent.get("start"), ent.get("end")
        if isinstance(s, int) and isinstance(e, int):
            shift = base.get(str(ent.get("field", "")), 0)
            s, e = s + shift, e + shift
            if 0 <= s < e <= len(text) and (
                "text" not in ent or normalize_mention(text[s:e]) == normalize_mention(ent["text"])
            ):
                spans.add((s, e, lab))
                continue
        has_offsets = False
        mentions.append((lab, str(ent.get("text", ""))))
    doc_id = str(obj.get("id", index))
    return GoldDoc(doc_id, text, tuple(sorted(spans)), tuple(mentions), has_offsets)


def read_jsonl(path: str | Path) -> list[GoldDoc]:
    """Read ``{id, title, abstract, entities: [{text, label[, start, end, field]}]}`` lines.

    The document text is ``title + "\\n" + abstract``. A document whose entities lack
    (valid) offsets gets ``has_offsets=False`` and keeps them as `mentions`.
    """
    return [_jsonl_doc(obj, i) for i, obj in enumerate(_json_lines(path))]


# --------------------------------------------------------------------------- dispatch


def _json_lines(path: str | Path) -> Iterator[dict[str, Any]]:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read gold file {p}: {exc.strerror}; check the path") from exc
    stripped = raw.lstrip()
    if stripped.startswith("["):
        data = json.loads(raw)
        yield from data
        return
    if stripped.startswith("{") and "\n{" not in stripped:
        try:
            yield json.loads(raw)
            return
        except json.JSONDecodeError:
            pass
    for n, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{p}:{n}: not valid JSON ({exc.msg}); gold JSON files need one object a line"
                ) from exc


def detect_format(path: str | Path) -> str:
    """Guess the gold format of `path`: "scierc", "scirex", "conll" or "jsonl"."""
    p = Path(path)
    if p.is_dir():
        return "scirex"
    try:
        with p.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read gold file {p}: {exc.strerror}; check the path") from exc
    first = head.lstrip()[:1]
    if first in ("{", "["):
        if '"sentences"' in head and '"ner"' in head and '"words"' not in head:
            return "scierc"
        if '"words"' in head and '"sections"' in head:
            return "scirex"
        return "jsonl"
    if p.suffix.lower() in (".json", ".jsonl"):
        return "jsonl"
    return "conll"


_READERS = {
    "scierc": read_scierc,
    "scirex": read_scirex,
    "conll": read_conll,
    "tdmsci": read_conll,
    "csner": read_conll,
    "jsonl": read_jsonl,
}


def read_gold(path: str | Path, fmt: str | None = None) -> list[GoldDoc]:
    """Read a gold file in format `fmt` (detected from extension/content when None)."""
    fmt = (fmt or detect_format(path)).lower()
    if fmt not in _READERS:
        raise InputError(f"unknown gold format {fmt!r}; use one of {', '.join(sorted(_READERS))}")
    if not Path(path).exists():
        raise InputError(f"gold file {path} does not exist; check the path")
    return _READERS[fmt](path)
