"""Build the spaCy extraction pipeline: trained NER (when shipped) + rules and gazetteer.

>>> nlp = build_pipeline(use_model=False)
>>> nlp.pipe_names
['kg_abbreviations_v1', 'kg_gazetteer_v1', 'kg_rules_v1', 'kg_merge_v1']
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import spacy
from spacy.language import Language

import kg.nlp.abbrev  # noqa: F401 - registers the component
import kg.nlp.merge  # noqa: F401 - registers the component
import kg.nlp.rules  # noqa: F401 - registers the component
from kg.nlp.gazetteer import DEFAULT_PATH as GAZETTEER_PATH
from kg.nlp.gazetteer import Gazetteer

__all__ = ["build_pipeline", "load_pipeline", "pipeline_version", "MODEL_PATH", "COMPONENTS"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "ner_model"
COMPONENTS = ("kg_abbreviations_v1", "kg_gazetteer_v1", "kg_rules_v1", "kg_merge_v1")
_CODE_FILES = ("abbrev.py", "gazetteer.py", "rules.py", "merge.py", "results.py", "urls.py")


def _has_model(path: Path) -> bool:
    return (path / "meta.json").exists()


def build_pipeline(
    use_model: bool = True,
    model_path: Path = MODEL_PATH,
    gazetteer_path: Path = GAZETTEER_PATH,
) -> Language:
    """A fresh pipeline: the shipped NER model when present (and wanted), then our components."""
    if use_model and _has_model(model_path):
        nlp = spacy.load(model_path, exclude=["parser", "tagger", "lemmatizer"])
    else:
        nlp = spacy.blank("en")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    gazetteer: Gazetteer = nlp.get_pipe("kg_gazetteer_v1")  # type: ignore[assignment]
    gazetteer.initialize(path=gazetteer_path)
    nlp.max_length = 50_000_000
    return nlp


@functools.lru_cache(maxsize=2)
def load_pipeline(use_model: bool = True) -> Language:
    """The default pipeline, built once per process."""
    return build_pipeline(use_model=use_model)


def pipeline_version(use_model: bool = True) -> str:
    """Hash of everything that decides extraction output: code, gazetteer and model."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    files = [here / name for name in _CODE_FILES] + [here.parent / "extract.py"]
    files += sorted(GAZETTEER_PATH.glob("*.jsonl"))
    if use_model and _has_model(MODEL_PATH):
        files += sorted(p for p in MODEL_PATH.rglob("*") if p.is_file())
    for path in files:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(spacy.__version__.encode())
    return digest.hexdigest()[:16]
