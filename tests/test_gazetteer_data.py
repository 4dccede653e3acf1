"""The committed gazetteer files: schema, quality invariants, and reproducibility."""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data" / "gazetteer"
SCRIPT = ROOT / "scripts" / "build_gazetteer.py"
SHARED = ROOT.parent / "shared"
FILES = {
    "curated.jsonl": "curated",
    "axcell.jsonl": "axcell",
    "nlp_tdms.jsonl": "nlp-tdms",
    "pwc_datasets.jsonl": "pwc-datasets",
    "csner_pwc.jsonl": "csner-pwc",
    "scirex.jsonl": "scirex",
}
LABELS = {"Method", "Dataset", "Metric", "Task"}


def _load_script():
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_gazetteer", module)
    spec.loader.exec_module(module)
    return module


bg = _load_script()


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    out = []
    for name in FILES:
        out.extend(_rows(DATA / name))
    return out


@pytest.fixture(scope="module")
def lookup(rows) -> dict[tuple[str, str], set[str]]:
    """(label, exact string) -> canonical names."""
    table: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        for s in [r["name"], *r["aliases"]]:
            table[(r["label"], s)].add(r["name"])
    return table


def test_files_exist_with_notice():
    for name in FILES:
        assert (DATA / name).is_file(), name
    notice = (DATA / "NOTICE.md").read_text(encoding="utf-8")
    for needle in ("CC BY-SA 4.0", "Apache-2.0", "DataFinder", "NLP-TDMS", "AxCell", "IBM", "CS-NER", "SciREX"):
        assert needle in notice


def test_schema_every_line():
    for name, source in FILES.items():
        text = (DATA / name).read_text(encoding="utf-8")
        assert text.endswith("\n") and "\r" not in text
        for line in text.splitlines():
            r = json.loads(line)
            assert list(r) == ["name", "label", "aliases", "source", "case_sensitive"], line
            assert isinstance(r["name"], str) and r["name"].strip() == r["name"] != ""
            assert r["label"] in LABELS
            assert r["source"] == source
            assert isinstance(r["case_sensitive"], bool)
            assert isinstance(r["aliases"], list)
            assert all(isinstance(a, str) and a.strip() == a != "" for a in r["aliases"])
            assert len(set(r["aliases"])) == len(r["aliases"]), line
            assert r["name"] not in r["aliases"], line


def test_pattern_quality(rows):
    for r in rows:
        for s in [r["name"], *r["aliases"]]:
            assert re.search(r"[^\W\d_]", s), f"no letters: {s!r}"
            if not r["case_sensitive"]:
                assert len(s) > 2, f"short string matched lowercase: {s!r} in {r['name']}"
                assert s.lower() not in {"the", "our method", "a", "dataset", "time", "places"}


def test_minimum_counts(rows):
    entities = {(r["label"], r["name"]) for r in rows}
    count = {lab: sum(1 for lab2, _ in entities if lab2 == lab) for lab in LABELS}
    assert count["Method"] >= 300
    assert count["Metric"] >= 100
    assert count["Task"] >= 150
    assert count["Dataset"] >= 3000
    curated = {(r["label"], r["name"]) for r in rows if r["source"] == "curated"}
    for lab, minimum in (("Method", 300), ("Metric", 100), ("Task", 150)):
        assert sum(1 for lab2, _ in curated if lab2 == lab) >= minimum


def test_no_alias_maps_to_two_names_of_one_label(rows):
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        for s in [r["name"], *r["aliases"]]:
            owners[(r["label"], bg.key(s))].add(r["name"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


def test_distinct_entries(lookup):
    def name(label: str, text: str) -> str:
        names = lookup[(label, text)]
        assert len(names) == 1, (text, names)
        return next(iter(names))

    assert name("Dataset", "CIFAR-10") == name("Dataset", "CIFAR10") == "CIFAR-10"
    assert name("Dataset", "CIFAR-100") == name("Dataset", "CIFAR100") == "CIFAR-100"
    assert name("Dataset", "CIFAR-10-C") == "CIFAR-10-C"
    assert name("Dataset", "ImageNet") == name("Dataset", "ImageNet-1k") == "ImageNet"
    assert name("Dataset", "ILSVRC-2012") == "ImageNet"
    assert name("Dataset", "ImageNet-21k") == "ImageNet-21k"
    assert name("Dataset", "Tiny-ImageNet") == name("Dataset", "Tiny ImageNet")
    assert name("Dataset", "Tiny ImageNet") not in {"ImageNet", "ImageNet-21k"}
    assert name("Dataset", "MS COCO") == name("Dataset", "COCO") == "COCO"
    assert name("Method", "BERT") == "BERT"
    assert name("Method", "RoBERTa") == "RoBERTa"
    assert name("Method", "ViT") == name("Method", "Vision Transformer")
    assert name("Method", "DDPM") == name("Method", "denoising diffusion probabilistic models")
    assert name("Metric", "FID") == name("Metric", "Fréchet Inception Distance")
    assert name("Metric", "top-1 accuracy") != name("Metric", "accuracy")
    assert name("Task", "dialogue state tracking") == "dialogue state tracking"


def test_case_sensitivity_of_ambiguous_names(rows):
    by = defaultdict(list)
    for r in rows:
        for s in [r["name"], *r["aliases"]]:
            by[s].append(r)
    # short acronyms and word-like names only match as written
    for s in ("IS", "GAN", "BERT", "COCO", "GLUE", "Adam", "ViT"):
        assert by[s] and all(r["case_sensitive"] for r in by[s]), s
    # their lowercase forms are not patterns at all
    for s in ("is", "glue", "adam", "places", "time"):
        assert not any(r["case_sensitive"] for r in by.get(s, [])) and not by.get(s), s


def test_script_reproduces_committed_files(tmp_path, capsys):
    if not (SHARED / "data" / "gazetteers").is_dir():
        pytest.skip(f"shared data not found at {SHARED}/data/gazetteers: cannot rebuild")
    assert bg.main(["--shared", str(SHARED), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "curated" in out and "collisions resolved" in out
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} is stale: run `python scripts/build_gazetteer.py` and commit the result"
        )


def test_key_normalization():
    assert bg.key("CIFAR-10") == bg.key("cifar10") == bg.key("CIFAR 10")
    assert bg.key("CIFAR-10-C") != bg.key("CIFAR-10")
    assert bg.key("COCO+") != bg.key("COCO")
    assert bg.is_abbreviation("AFLW", "Annotated Facial Landmarks in the Wild")
    assert not bg.is_abbreviation("babel", "Babel Cebuano")
    assert not bg.is_abbreviation("CIFAR-10", "CIFAR-100 WRN-28-10")


def test_name_lists(rows, lookup):
    """CS-NER and SciREX add named methods and tasks, not their lists' non-names."""
    by_source = defaultdict(set)
    for r in rows:
        by_source[r["source"]].add((r["label"], r["name"]))
    assert ("Method", "Manifold Mixup") in by_source["csner-pwc"]
    assert ("Method", "Soft-NMS") in by_source["csner-pwc"]
    assert ("Task", "Image Dehazing") in by_source["csner-pwc"]
    assert ("Method", "FractalNet") in by_source["scirex"]
    assert ("Task", "Facial Landmark Detection") in by_source["scirex"]
    names = {name for src in ("csner-pwc", "scirex") for _, name in by_source[src]}
    for bad in ("Interpretability", "Time Series", "EEG", "Minecraft", "Classification", "Translation",
                "Convolution", "Softmax", "Transformer Big", "DQN noop", "Books", "Recall 20", "SAN"):
        assert bad not in names, bad
    # a coined name spelled like a word matches only as written
    assert lookup[("Method", "ComplEx")] and not lookup.get(("Method", "complex"))


def test_name_list_rules():
    assert bg.scirex_name("Named_Entity_Recognition__NER_", "Task") == ("Named Entity Recognition", ["NER"])
    assert bg.scirex_name("BiDAF___Self_Attention", "Method") is None
    assert bg.scirex_name("Human3_6M", "Dataset") == ("Human3.6M", [])
    assert bg.scirex_name("WIDER_Face__Easy_", "Dataset") == ("WIDER Face", [])
    assert bg.scirex_name("Transformer-XL_-_12_layers", "Method") == ("Transformer-XL", [])

    def reason(label: str, text: str, source: str = "csner-pwc") -> str | None:
        return bg.name_reason(bg.Entry(text, label, source, [text]), text)

    assert reason("Task", "Constituency Parsing") is None
    assert reason("Task", "Emotion Recognition in Conversation") is None
    assert reason("Task", "Person Re-Identification") is None
    assert reason("Task", "Time Series") == "not an activity (task head)"
    assert reason("Method", "Interpretability") == "quality noun"
    assert reason("Method", "Improving neural networks by preventing co-adaptation") == "title-like phrase"
    assert reason("Method", "SAN") == "short acronym"
    assert reason("Method", "DQN noop", "scirex") == "configured variant"
    assert reason("Metric", "Books", "scirex") == "not a measure"
    rules = bg.Rules([], [], ["attention", "complex", "translation"])
    rules.domain = frozenset({"convolution"})
    for label, text, expected, cs in (
        ("Method", "Convolution", "plain word", False),  # a word of the field's prose
        ("Method", "Attention", "plain word", False),  # an everyday word
        ("Method", "Linformer", None, True),  # coined: as written
        ("Method", "ComplEx", None, True),  # coined, spelled like a word: as written
        ("Method", "FairNAS", None, False),
        ("Task", "Translation", "everyday word", False),
    ):
        e = bg.Entry(text, label, "csner-pwc", [text])
        assert bg.one_word_rule(e, text, rules) == expected, text
        assert (text in e.force_cs) is cs, text


def test_name_lists_read_no_evaluation_data():
    source = inspect.getsource(bg.build)
    assert '"train.data"' in source and "train_docs" in source
    assert "dev.data" not in source and "dev-abs" not in source
