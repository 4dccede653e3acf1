"""Train the kg NER model (Method, Dataset, Metric, Task) on the gold corpora.

:func:`train` (``kg train OUTDIR --corpora ...``) trains one model, offline:

1. reads the corpora with :mod:`kg.eval.gold` (labels mapped to ours) and cuts a
   reproducible held-out split of TDMSci train (10% of its sentences, in chunks of
   10 consecutive sentences so neighbours of a held-out sentence are held out too);
2. trains small floret vectors (cbow, 100 dims, 20k buckets) on SciREX full text,
   SciERC train, the TDMSci train split and CS-NER train titles (no dev/held-out text);
3. writes DocBins with *label-aware* annotation: each corpus says which of our labels
   it annotates exhaustively (:data:`CORPUS_LABELS`). Gold spans of other labels
   (SciERC Material, which is only approximately Dataset) and, optionally, spans a
   previous model (``--silver MODEL``) predicts with a label the corpus does not
   annotate (Method in TDMSci) are marked *missing* rather than ``O``, so the model is
   neither taught nor penalized there;
4. runs ``spacy train`` (``kg/data/ner.cfg``) with SciERC dev + the TDMSci held-out
   split as dev set, then scores ``model-best`` with :func:`kg.eval.scoring.score` and
   writes ``scores.json``; :func:`ship` installs models as the ensemble kg runs.

:func:`train_ensemble` (``kg train OUTDIR``) runs the shipped recipe: a silver model, then one
member per seed of :data:`MEMBER_SEEDS` (see kg/data/ner_model/MODEL.md);
:func:`evaluate_model` (``kg train --evaluate MODEL``) scores a model alone on the dev sets.

Data: SciERC train (Luan et al. 2018), TDMSci train minus held-out (Hou et al. 2021,
Apache-2.0), SciREX train abstracts (Jain et al. 2020, Apache-2.0), optionally CS-NER
PwC train titles (D'Souza & Auer 2022). Test splits are never read.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.eval.gold import GoldDoc, read_conll, read_scierc, read_scirex
from kg.eval.scoring import Prediction, format_table, score
from kg.records import LABELS

__all__ = [
    "CORPUS_LABELS",
    "DEFAULT_CONFIG",
    "MEMBER_OVERRIDES",
    "MEMBER_SEEDS",
    "build_vectors",
    "dev_scores",
    "evaluate_model",
    "load_corpora",
    "make_predictor",
    "ship",
    "split_heldout",
    "throughput",
    "to_spacy_doc",
    "train",
    "train_ensemble",
    "unlabelled_lines",
]

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "data" / "ner.cfg"
#: the shipped ensemble: one member per training seed, each DEFAULT_CONFIG with these overrides
MEMBER_SEEDS = (0, 1, 2)
MEMBER_OVERRIDES = {"components.tok2vec.model.encode.width": 48}

#: which of our labels each corpus annotates exhaustively (others become "missing")
CORPUS_LABELS: dict[str, frozenset[str]] = {
    "scierc": frozenset({"Method", "Task", "Metric"}),  # Material is not quite Dataset
    "scirex": frozenset(LABELS),
    "tdmsci": frozenset({"Task", "Dataset", "Metric"}),
    "csner": frozenset({"Task", "Method"}),
}

#: training corpora whose texts (besides SciREX full text) are the unlabelled text (vectors, encoder pretraining)
UNLABELLED_CORPORA = ("scierc", "tdmsci", "csner")

#: labels scored on each dev set
DEV_LABELS: dict[str, tuple[str, ...]] = {
    "scierc_dev": ("Method", "Task", "Metric"),
    "tdmsci_heldout": ("Task", "Dataset", "Metric"),
    "csner_dev_abs": ("Method", "Task"),
}


def split_heldout(
    docs: Sequence[GoldDoc], fraction: float = 0.1, seed: int = 0, chunk: int = 10
) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Split `docs` into (train, held-out): a seeded `fraction` of chunks of `chunk` docs.

    >>> docs = [GoldDoc(str(i), "x") for i in range(100)]
    >>> tr, ho = split_heldout(docs)
    >>> len(tr), len(ho), split_heldout(docs)[1] == ho
    (90, 10, True)
    """
    chunks = [list(docs[i : i + chunk]) for i in range(0, len(docs), chunk)]
    order = list(range(len(chunks)))
    random.Random(seed).shuffle(order)
    n_held = max(1, round(len(chunks) * fraction))
    held = set(order[:n_held])
    train = [d for i, c in enumerate(chunks) if i not in held for d in c]
    heldout = [d for i, c in enumerate(chunks) if i in held for d in c]
    return train, heldout


def load_corpora(shared_dir: str | Path, seed: int = 0) -> dict[str, list[GoldDoc]]:
    """Read every corpus the model uses from ``SHARED/data`` (or SHARED itself)."""
    root = Path(shared_dir)
    if (root / "data").is_dir():
        root = root / "data"
    tdm_train, tdm_held = split_heldout(read_conll(root / "tdmsci" / "train_1500_v2.conll"), seed=seed)
    return {
        "scierc": read_scierc(root / "scierc" / "train.json"),
        "scierc_dev": read_scierc(root / "scierc" / "dev.json"),
        "tdmsci": tdm_train,
        "tdmsci_heldout": tdm_held,
        "scirex": read_scirex(root / "scirex" / "train_docs"),
        "csner": read_conll(root / "csner-pwc" / "train.data"),
        "csner_dev_abs": read_conll(root / "csner-pwc" / "dev-abs.data"),
    }


def to_spacy_doc(
    nlp: Any,
    gold: GoldDoc,
    covered: Iterable[str] = LABELS,
    missing_spans: Iterable[tuple[int, int, str]] = (),
) -> Any:
    """A spaCy Doc with gold entities; tokens of uncovered labels' spans are missing.

    Gold spans whose label is in `covered` become entities (character spans that do
    not fall on token boundaries are expanded; overlaps keep the longest span); gold
    spans of other labels and `missing_spans` (e.g. a silver model's predictions) mark
    their tokens as missing; every other token is ``O``.
    """
    from spacy.util import filter_spans

    cov = set(covered)
    doc = nlp.make_doc(gold.text)
    ents = []
    missing: set[int] = set()
    for s, e, lab in gold.spans:
        span = doc.char_span(s, e, label=lab, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if lab in cov:
            ents.append(span)
        else:
            missing.update(range(span.start, span.end))
    for s, e, _ in missing_spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            missing.update(range(span.start, span.end))
    ents = filter_spans(ents)
    for ent in ents:
        missing.difference_update(range(ent.start, ent.end))
    doc.set_ents(ents, missing=[doc[i : i + 1] for i in sorted(missing)], default="outside")
    return doc


def _tokenized_lines(nlp: Any, texts: Iterable[str]) -> Iterable[str]:
    for doc in nlp.tokenizer.pipe(texts, batch_size=256):
        toks = [t.text for t in doc if not t.is_space]
        if toks:
            yield " ".join(toks)


def unlabelled_lines(shared_dir: str | Path, texts: Iterable[str]) -> Iterable[str]:
    """Unlabelled training text, one whitespace-tokenized line per sentence or text.

    SciREX train full text (one line per sentence, ~1.7 M words), then `texts`
    (tokenized by ``spacy.blank("en")``). Pass only *training* texts: no dev,
    held-out or test text. Used for the floret vectors (:func:`build_vectors`) and
    for `spacy pretrain` (`scripts/pretrain_encoder.py`).
    """
    import spacy

    root = Path(shared_dir)
    if (root / "data").is_dir():
        root = root / "data"
    for f in sorted((root / "scirex" / "train_docs").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        for s, e in d["sentences"]:
            yield " ".join(d["words"][s:e])
    yield from _tokenized_lines(spacy.blank("en"), texts)


def build_vectors(
    shared_dir: str | Path,
    out_dir: str | Path,
    texts: Iterable[str],
    dim: int = 100,
    bucket: int = 20000,
    epoch: int = 5,
    threads: int = 2,
) -> Path:
    """Train floret vectors on SciREX full text + `texts`; return a spaCy vectors dir.

    The table has ``bucket`` rows of ``dim`` floats (20k x 100 = 8 MB) and ships
    inside the model, so keep both small.
    """
    try:
        import floret
    except ImportError:
        raise KGError("training word vectors needs floret: pip install -e '.[train]' (or use --no-vectors)") from None
    import spacy
    from spacy.training.initialize import convert_vectors

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "vectors-text.txt"
    with corpus.open("w", encoding="utf-8") as fh:
        for line in unlabelled_lines(shared_dir, texts):
            fh.write(line + "\n")
    model = floret.train_unsupervised(
        str(corpus),
        model="cbow",
        mode="floret",
        dim=dim,
        bucket=bucket,
        minn=4,
        maxn=5,
        hashCount=2,
        minCount=3,
        epoch=epoch,
        thread=threads,
    )
    floret_path = out / "vectors.floret"
    model.save_floret_vectors(str(floret_path))
    vec_nlp = spacy.blank("en")
    convert_vectors(vec_nlp, floret_path, truncate=0, prune=-1, mode="floret")
    vec_dir = out / "vectors"
    vec_nlp.to_disk(vec_dir)
    corpus.unlink()
    floret_path.unlink()
    return vec_dir


def make_predictor(nlp: Any, batch_size: int = 64) -> Any:
    """Wrap a spaCy pipeline as a :func:`kg.eval.scoring.evaluate` predictor."""

    def predict(texts: list[str]) -> list[list[Prediction]]:
        return [
            [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=batch_size)
        ]

    return predict


def dev_scores(nlp: Any, corpora: dict[str, list[GoldDoc]]) -> dict[str, Any]:
    """Score `nlp` on every dev set in `corpora` (labels of :data:`DEV_LABELS`)."""
    predict = make_predictor(nlp)
    out = {}
    for name, labels in DEV_LABELS.items():
        if name in corpora:
            docs = corpora[name]
            out[name] = score(docs, predict([d.text for d in docs]), labels)
    return out


def throughput(nlp: Any, texts: Sequence[str], repeat: int = 3) -> dict[str, float]:
    """Tokens per second of `nlp.pipe` vs bare ``spacy.blank("en")`` tokenization of fresh text.

    Run it with one thread (``OMP_NUM_THREADS=1``) for a one-core figure.
    """
    import spacy

    blank = spacy.blank("en")
    n_tokens = sum(len(d) for d in blank.pipe(texts))

    def best(fn: Any) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    # a fresh tokenizer per repeat: its cache would make repeated texts unrealistically fast
    fresh = [spacy.blank("en") for _ in range(repeat)]
    t_blank = best(lambda: list(fresh.pop().pipe(texts, batch_size=256)))
    t_model = best(lambda: list(nlp.pipe(texts, batch_size=256)))
    return {
        "tokens": n_tokens,
        "blank_tokens_per_s": n_tokens / t_blank,
        "model_tokens_per_s": n_tokens / t_model,
        "ratio": t_blank / t_model,
    }


def _silver_missing(
    model_path: str | Path | None, docs: Sequence[GoldDoc], covered: frozenset[str]
) -> list[list[tuple[int, int, str]]]:
    """Spans a previous model predicts with labels the corpus does not annotate."""
    if model_path is None:
        return [[] for _ in docs]
    import spacy

    nlp = spacy.load(model_path)
    preds = make_predictor(nlp)([d.text for d in docs])
    return [[(s, e, lab) for s, e, lab, _ in p if lab not in covered] for p in preds]


def train(
    output_dir: str | Path,
    shared_dir: str | Path,
    *,
    config: str | Path = DEFAULT_CONFIG,
    corpora_used: Sequence[str] = ("scierc", "scirex", "tdmsci"),
    vectors: bool | str | Path = True,
    vector_dim: int = 100,
    vector_buckets: int = 20000,
    silver_model: str | Path | None = None,
    max_steps: int = 3000,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Convert the corpora, train the NER model and score it; return ``model-best``.

    `vectors` is True (train floret vectors), False (none) or a spaCy vectors dir.
    `corpora_used` names corpora of :data:`CORPUS_LABELS`; ``"tdmsci*2"`` adds one twice.
    `silver_model` is an earlier model whose predictions of labels a corpus does not
    annotate are marked missing in that corpus (see :func:`to_spacy_doc`).
    Writes ``OUTPUT_DIR/{corpus/, vectors/, model-best/, model-last/, scores.json}``.
    """
    import spacy
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpora = load_corpora(shared_dir, seed=seed)
    nlp = spacy.blank("en")

    train_bin, dev_bin = DocBin(), DocBin()
    stats: dict[str, int] = {}
    for spec in corpora_used:
        name, _, times = spec.partition("*")
        repeat = int(times or 1)
        cov = CORPUS_LABELS[name]
        docs = corpora[name]
        silver = _silver_missing(silver_model, docs, cov)
        for gold, miss in zip(docs, silver, strict=True):
            doc = to_spacy_doc(nlp, gold, cov, miss)
            for _ in range(repeat):
                train_bin.add(doc)
        stats[name] = len(docs) * repeat
    for name, cov in (("scierc_dev", CORPUS_LABELS["scierc"]), ("tdmsci_heldout", CORPUS_LABELS["tdmsci"])):
        docs = corpora[name]
        silver = _silver_missing(silver_model, docs, cov)
        for gold, miss in zip(docs, silver, strict=True):
            dev_bin.add(to_spacy_doc(nlp, gold, cov, miss))
    cdir = out / "corpus"
    cdir.mkdir(exist_ok=True)
    train_bin.to_disk(cdir / "train.spacy")
    dev_bin.to_disk(cdir / "dev.spacy")

    ov: dict[str, Any] = {
        "paths.train": str(cdir / "train.spacy"),
        "paths.dev": str(cdir / "dev.spacy"),
        "training.max_steps": max_steps,
        "system.seed": seed,
    }
    if vectors is True:
        # SciREX full text (inside build_vectors) + every *training* text; never dev/held-out
        texts = [d.text for name in UNLABELLED_CORPORA for d in corpora[name]]
        t0 = time.perf_counter()
        vec_dir = build_vectors(shared_dir, out / "vectors", texts, dim=vector_dim, bucket=vector_buckets)
        print(f"vectors: {time.perf_counter() - t0:.0f}s -> {vec_dir}", file=sys.stderr)
        ov["paths.vectors"] = str(vec_dir)
    elif vectors:
        ov["paths.vectors"] = str(vectors)
    else:
        ov["components.tok2vec.model.embed.include_static_vectors"] = False
    ov.update(overrides or {})

    t0 = time.perf_counter()
    spacy_train(Path(config), out, use_gpu=-1, overrides=ov)
    train_s = time.perf_counter() - t0
    best = out / "model-best"
    scores = dev_scores(spacy.load(best), corpora)
    report = {
        "corpora": stats,
        "silver_model": str(silver_model) if silver_model else None,
        "vectors": bool(vectors),
        "overrides": {k: v for k, v in ov.items() if not k.startswith("paths.")},
        "train_seconds": round(train_s),
        "scores": scores,
    }
    (out / "scores.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    for name, s in scores.items():
        print(f"\n== {name}\n{format_table(s)}", file=sys.stderr)
    return best


def ship(model_dirs: Sequence[str | Path], dest: str | Path) -> Path:
    """Install trained pipelines (tok2vec + ner, vocab) as ``dest/member0``, ``member1`` …,
    the ensemble :mod:`kg.nlp.vote` runs. Replaces what `dest` held except its
    ``MODEL.md``; the new directory is assembled beside `dest` and swapped in at the end,
    so a failure leaves the old model whole. Drops training-only paths from the configs.
    """
    from thinc.api import Config

    from kg.atomic import replace_path

    dst = Path(dest)
    stage = dst.with_name(f".{dst.name}.new")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    if (dst / "MODEL.md").exists():
        shutil.copy2(dst / "MODEL.md", stage / "MODEL.md")
    for i, src in enumerate(model_dirs):
        member = stage / f"member{i}"
        shutil.copytree(src, member)
        cfg = Config().from_disk(member / "config.cfg", interpolate=False)
        for key in list(cfg.get("paths", {})):
            cfg["paths"][key] = None
        cfg.to_disk(member / "config.cfg")
        meta = json.loads((member / "meta.json").read_text(encoding="utf-8"))
        meta.update(
            name=f"kg_ner_member{i}",
            version="0.2.0",
            description="kg NER (Method, Dataset, Metric, Task), one member of a vote; data, scores: ../MODEL.md",
        )
        (member / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    replace_path(stage, dst)
    return dst


def train_ensemble(output_dir: str | Path, shared_dir: str | Path, ship_to: str | Path | None = None) -> list[Path]:
    """The shipped recipe: a silver model on SciERC + SciREX (which also trains the floret
    vectors), then one member per seed of :data:`MEMBER_SEEDS` on SciERC + SciREX + TDMSci
    with the silver model marking missing labels. Returns the members' ``model-best``;
    with `ship_to`, installs them there (:func:`ship`)."""
    out = Path(output_dir)
    silver = train(out / "silver", shared_dir, corpora_used=("scierc", "scirex"))
    members = [
        train(
            out / f"member{seed}", shared_dir, corpora_used=("scierc", "scirex", "tdmsci"), vectors=False,
            silver_model=silver, overrides={**MEMBER_OVERRIDES, "system.seed": seed},
        )
        for seed in MEMBER_SEEDS
    ]
    if ship_to is not None:
        ship(members, ship_to)
    return members


def evaluate_model(model: str | Path, shared_dir: str | Path, seed: int = 0) -> dict[str, Any]:
    """Scores of NER `model` alone (a pipeline or a directory of member* ones) on each dev
    set, and its one-process throughput on SciERC dev under ``"throughput_scierc_dev"``."""
    from kg.nlp.pipeline import load_ner

    nlp = load_ner(Path(model))
    corpora = load_corpora(shared_dir, seed=seed)
    speed = throughput(nlp, [d.text for d in corpora["scierc_dev"]])
    return {**dev_scores(nlp, corpora), "throughput_scierc_dev": speed}
