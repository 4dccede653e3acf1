"""A majority vote of several trained NER models: a span (start, end, label) becomes an
entity when more than half of the members predict exactly it.

One model's errors depend on its training seed (up to 0.09 F1 on a dev set, see
kg/data/ner_model/MODEL.md); spans most members agree on are the ones that do not.
Each member runs its own tok2vec and NER on the Doc in turn, with the previous member's
entities unset first (spaCy's NER keeps entities a Doc already has). The share
of members that predicted each entity is kept in ``doc._.kg_ner_votes`` for the
mention's confidence.

>>> voted = majority([[(2, 3, "Method"), (4, 5, "Dataset")], [(2, 3, "Method")], [(2, 4, "Method")]])
>>> voted
[(2, 3, 'Method', 0.6666666666666666)]
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from kg.errors import KGError

__all__ = ["NerVote", "majority", "member_paths"]

if not Doc.has_extension("kg_ner_votes"):
    Doc.set_extension("kg_ner_votes", default=None)

VotedSpan = tuple[int, int, str, float]


def member_paths(model_dir: Path) -> list[Path]:
    """The member models of `model_dir`: itself if it is one spaCy pipeline, else its
    ``member*`` subdirectories that are (sorted by name)."""
    if (model_dir / "meta.json").exists():
        return [model_dir]
    return sorted(p for p in model_dir.glob("member*") if (p / "meta.json").exists())


def majority(member_spans: Sequence[Iterable[tuple[int, int, str]]]) -> list[VotedSpan]:
    """Spans more than half of the members predicted, with the share that did, in order."""
    counts = Counter(span for spans in member_spans for span in set(spans))
    need = len(member_spans) // 2 + 1
    return sorted((s, e, label, n / len(member_spans)) for (s, e, label), n in counts.items() if n >= need)


def _load_member(path: Path, host: Language) -> Language:
    """A member pipeline on the host's vocab, so the host's Docs are valid input for it."""
    try:
        return spacy.load(path, vocab=host.vocab, exclude=["parser", "tagger", "lemmatizer"])
    except (OSError, ValueError, KeyError) as exc:
        raise KGError(
            f"{path}: cannot load NER model ({type(exc).__name__}: {exc}); "
            "reinstall kg, or retrain it with kg train"
        ) from None


class NerVote:
    """Sets ``doc.ents`` to the majority vote of the member models' entities."""

    def __init__(self, nlp: Language, members: Sequence[Path], batch_size: int = 32) -> None:
        if not members:
            raise ValueError("kg_ner_vote_v1 needs at least one member model")
        self.members = [_load_member(p, nlp) for p in members]
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(stream, batch_size or self.batch_size):
            docs = list(batch)
            votes = [self._member_spans(member, docs) for member in self.members]
            for i, doc in enumerate(docs):
                voted = majority([member[i] for member in votes])
                doc.ents = [Span(doc, s, e, label) for s, e, label, _ in voted]
                doc._.kg_ner_votes = {(s, e): share for s, e, _, share in voted}
                yield doc

    @staticmethod
    def _member_spans(member: Language, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        for doc in docs:  # unset, not "O": spaCy's NER keeps entities a Doc already has
            doc.set_ents([], default="missing")
        stream: Iterable[Doc] = docs
        for _, proc in member.pipeline:
            stream = proc.pipe(stream, batch_size=len(docs))  # type: ignore[attr-defined]
        return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in stream]


@Language.factory("kg_ner_vote_v1", default_config={"members": [], "batch_size": 32})
def make_ner_vote(nlp: Language, name: str, members: list[str], batch_size: int) -> NerVote:
    return NerVote(nlp, [Path(p) for p in members], batch_size)
