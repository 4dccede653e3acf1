#!/usr/bin/env python3
"""Make N synthetic but realistic abstracts for scale tests (never for quality figures).

Sentences of the papers in ``seeds/`` and, when ``../shared/data`` is there, of the SciREX
full texts (about 70,000 sentences of ML papers: a real vocabulary, so tokenizer caches
and NER work as on real abstracts) are recombined; each paper gets a new method
name (proposed in the title and the abstract), a few known datasets, metrics and
tasks in its own words, sometimes a result ("85.3% top-1 accuracy on ImageNet") and a
code link. The output is JSONL with the usual metadata, deterministic for a seed.

Usage::

    .venv/bin/python bench/make_corpus.py 10000 -o bench/work/corpus-10k.jsonl --seed 0
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like stdlib modules (html.py): never import from it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from kg.ingest import read_papers  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
SYLLABLES = (
    "ar", "bel", "cor", "da", "el", "fa", "gen", "hy", "in", "jo", "ka", "lu", "mo", "ne",
    "or", "pi", "qua", "ro", "si", "ta", "u", "ve", "wi", "xe", "yo", "ze", "tron", "vis",
)
SUFFIXES = ("", "", "Net", "Former", "GAN", "-v2", "-XL", "Diff", "BERT", "Flow", "++", "-Lite")
DATASETS = (
    "ImageNet", "CIFAR-10", "CIFAR-100", "MS COCO", "Cityscapes", "ADE20K", "Pascal VOC",
    "SQuAD", "GLUE", "SuperGLUE", "MNLI", "WMT14", "LibriSpeech", "Kinetics-400", "KITTI",
    "ShapeNet", "nuScenes", "MNIST", "CelebA", "FFHQ", "LSUN", "OGB", "Cora", "WikiText-103",
    "HumanEval", "GSM8K", "MMLU", "Visual Genome", "VQA v2", "ScanNet",
)
METRICS = (
    ("accuracy", "%"), ("top-1 accuracy", "%"), ("F1", ""), ("BLEU", ""), ("mIoU", "%"),
    ("mAP", "%"), ("FID", ""), ("perplexity", ""), ("word error rate", "%"), ("AUC", ""),
)
TASKS = (
    "image classification", "object detection", "semantic segmentation", "machine translation",
    "question answering", "speech recognition", "language modeling", "image generation",
    "node classification", "code generation", "action recognition", "3D reconstruction",
)
HOSTS = ("github.com", "github.com", "github.com", "gitlab.com", "huggingface.co")
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML", "cs.RO", "cs.SD")


def method_name(rng: random.Random) -> str:
    base = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    if rng.random() < 0.4:
        base = base[: rng.randint(2, 4)].upper() + base[4:]
    return base[0].upper() + base[1:] + rng.choice(SUFFIXES)


def load_seeds(seeds: Path) -> tuple[list[str], list[str]]:
    papers = list(read_papers([seeds]))
    sentences = [
        s for p in papers for s in _SENTENCE_END.split(p.abstract)
        if 30 < len(s) < 400 and "://" not in s and "github" not in s.lower()  # links are added below
    ]
    titles = [p.title for p in papers if p.title]
    return sentences, titles


def load_scirex_sentences(shared: Path) -> list[str]:
    """Sentences of the SciREX train papers (Apache-2.0), detokenized; [] when absent."""
    from kg.eval.gold import detokenize

    folder = shared / "data" / "scirex" / "train_docs"
    sentences = []
    for path in sorted(folder.glob("*.json*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            words = doc["words"]
            for start, end in doc["sentences"]:
                text = detokenize(words[start:end], glue_hyphens=True)[0]
                if 30 < len(text) < 400 and not text.startswith("section") and "http" not in text:
                    sentences.append(text)
    return sentences


def make_paper(i: int, rng: random.Random, sentences: list[str], titles: list[str], seed: int = 0) -> dict:
    name = method_name(rng)
    task = rng.choice(TASKS)
    data = rng.sample(DATASETS, rng.randint(1, 3))
    metric, unit = rng.choice(METRICS)
    body = rng.sample(sentences, rng.randint(4, 8))
    parts = [
        body[0],
        f"In this paper, we propose {name}, a new approach to {task}.",
        *body[1:-1],
        f"We evaluate {name} on {', '.join(data[:-1]) + ' and ' if len(data) > 1 else ''}{data[-1]}.",
    ]
    if rng.random() < 0.5:
        value = round(rng.uniform(20, 99), 1)
        parts.append(f"{name} achieves {value}{unit} {metric} on {data[0]}, outperforming prior work.")
    parts.append(body[-1])
    if rng.random() < 0.4:
        user = "".join(rng.choice(SYLLABLES) for _ in range(2))
        parts.append(f"Code is available at https://{rng.choice(HOSTS)}/{user}/{name.lower()}.")
    title_tail = rng.choice(titles)
    return {
        "id": f"synth-{seed}-{i:07d}",
        "title": f"{name}: {title_tail}" if rng.random() < 0.7 else f"{title_tail} with {name}",
        "abstract": " ".join(parts),
        "date": f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "authors": [f"{rng.choice(SYLLABLES).title()}{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES).title()}"
                    for _ in range(rng.randint(1, 5))],
        "categories": sorted(rng.sample(CATEGORIES, rng.randint(1, 2))),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of papers")
    ap.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="seed listings to recombine")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="shared data folder whose SciREX sentences join the pool (skipped when absent)")
    args = ap.parse_args(argv)
    sentences, titles = load_seeds(args.seeds)
    sentences += load_scirex_sentences(args.shared)
    rng = random.Random(args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    with Path(tmp).open("w", encoding="utf-8") as fh:
        for i in range(args.n):
            fh.write(json.dumps(make_paper(i, rng, sentences, titles, args.seed), ensure_ascii=False) + "\n")
    tmp.replace(args.output)
    print(f"{args.n} papers -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
