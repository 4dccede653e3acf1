"""Build the spaCy extraction pipeline: trained NER (when shipped) + rules and gazetteer.

>>> nlp = build_pipeline(use_model=False)
>>> nlp.pipe_names
['kg_abbreviations_v1', 'kg_gazetteer_v1', 'kg_rules_v1', 'kg_merge_v1']
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

import kg.nlp.abbrev  # registers the component
import kg.nlp.merge  # registers the component
import kg.nlp.rules  # registers the component
import kg.nlp.vote  # noqa: F401 - registers the component
from kg.nlp.gazetteer import DEFAULT_PATH as GAZETTEER_PATH
from kg.nlp.gazetteer import Gazetteer
from kg.nlp.hygiene import VERBS_PATH
from kg.nlp.vote import NerVote, member_paths

__all__ = [
    "COMPONENTS",
    "MODEL_PATH",
    "build_pipeline",
    "extraction_files",
    "load_ner",
    "load_pipeline",
    "pipeline_version",
]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "ner_model"
COMPONENTS = ("kg_abbreviations_v1", "kg_gazetteer_v1", "kg_rules_v1", "kg_merge_v1")
_CODE_FILES = (
    "abbrev.py", "gazetteer.py", "hygiene.py", "rules.py", "merge.py", "results.py", "urls.py", "vote.py",
    "pipeline.py", "extract.py",
)
_KG_CODE_FILES = ("model.py", "resolve.py", "records.py")  # predicates, entity IDs, records


def _has_model(path: Path) -> bool:
    return bool(member_paths(path))


def build_pipeline(
    use_model: bool = True,
    model_path: Path = MODEL_PATH,
    gazetteer_path: Path = GAZETTEER_PATH,
) -> Language:
    """A fresh pipeline: the vote of the shipped NER models when present (and wanted), then
    our components. `model_path` is one spaCy pipeline or a directory of ``member*`` ones."""
    nlp = load_ner(model_path) if use_model and _has_model(model_path) else spacy.blank("en")
    _tune_tokenizer(nlp)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    gazetteer: Gazetteer = nlp.get_pipe("kg_gazetteer_v1")  # type: ignore[assignment]
    gazetteer.initialize(path=gazetteer_path)
    nlp.max_length = 50_000_000
    return nlp


def _tune_tokenizer(nlp: Language) -> None:
    """Three changes to spaCy's English tokenizer, made before the gazetteer tokenizes its forms.

    - A sentence's final period after a digit and a capital is a token: spaCy's suffixes keep
      it in "ImageNet-1K.", "LAION-5B.", "in 3D.", where it hides the name from the gazetteer
      and lets a model's span run into the next sentence.
    - A slash between numbers ("CIFAR-10/100", "ImageNet-1k/22k") and an ampersand after a
      digit ("V1&V2") split: each part of such a list names a dataset (`Gazetteer._siblings`).
    - A cache of 100,000 chunks instead of 10,000: spaCy stops caching when it is full, and
      the gazetteer's forms alone fill 10,000, so the papers' own words never got in
      (tokenization of 2,000 synthetic papers: 1.81 s instead of 2.05 s)."""
    suffixes = [*(nlp.Defaults.suffixes or ()), r"(?<=[0-9][A-Z])\."]
    infixes = [*(nlp.Defaults.infixes or ()), r"(?:(?<=[0-9])|(?<=[0-9][A-Za-z]))/(?=[0-9])", r"(?<=[0-9])&(?=\w)"]
    tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]
    tokenizer.max_cache_size = 100_000
    tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


def load_ner(model_path: Path = MODEL_PATH) -> Language:
    """The NER alone: a blank English pipeline with the vote of `model_path`'s members."""
    nlp = spacy.blank("en")
    vote: NerVote = nlp.add_pipe(  # type: ignore[assignment]
        "kg_ner_vote_v1", config={"members": [str(p) for p in member_paths(model_path)]}
    )
    _use_numpy_blas(vote.members)
    return nlp


def _use_numpy_blas(pipelines: Iterable[Language]) -> None:
    """Run the pipelines' matrix products through numpy's BLAS, one thread per process.

    thinc's CPU backend calls BLIS by default, which is 4x slower than numpy's OpenBLAS
    on this project's machines (the whole extraction 1.67x; outputs identical on the
    seeds). One thread, because parallelism comes from --jobs / Dask workers, and a
    second BLAS thread only competes with them (measured: 1.16x instead of 1.67x).
    """
    threadpool_limits(limits=1, user_api="blas")
    ops = InferenceOps(use_blis=False)
    for nlp in pipelines:
        for _, pipe in nlp.pipeline:
            model = getattr(pipe, "model", None)
            if model is not None:
                for node in model.walk():
                    node.ops = ops


class InferenceOps(NumpyOps):
    """thinc's numpy ops with a 4x faster maxout for prediction: the element-wise maximum
    of the pieces, without the arg-max indices only backpropagation needs (calling
    backprop_maxout with them fails). Identical outputs; a quarter of tok2vec's time."""

    def maxout(self, X):  # type: ignore[no-untyped-def, override]
        return functools.reduce(numpy.maximum, (X[..., i] for i in range(X.shape[-1]))), None


@functools.lru_cache(maxsize=2)
def load_pipeline(use_model: bool = True) -> Language:
    """The default pipeline, built once per process."""
    return build_pipeline(use_model=use_model)


def extraction_files(use_model: bool = True) -> list[Path]:
    """Every file that decides extraction output: code, gazetteer and model."""
    here = Path(__file__).resolve().parent
    files = [here / name for name in _CODE_FILES] + [here.parent / name for name in _KG_CODE_FILES]
    files += [*sorted(GAZETTEER_PATH.glob("*.jsonl")), VERBS_PATH]
    if use_model and _has_model(MODEL_PATH):
        files += sorted(p for p in MODEL_PATH.rglob("*") if p.is_file() and p.suffix != ".md")  # not its notes
    return files


def pipeline_version(use_model: bool = True) -> str:
    """Hash of `extraction_files`, which key the extraction cache."""
    digest = hashlib.sha256()
    for path in extraction_files(use_model):
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(spacy.__version__.encode())
    return digest.hexdigest()[:16]
