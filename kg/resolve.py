"""Entity resolution: normalized keys, stable entity IDs and canonical names.

Spelling variants (case, hyphens, spaces, plural) share one key; different
things (CIFAR-10 vs CIFAR-100, ImageNet vs ImageNet-21k) keep different keys.

>>> entity_key("CIFAR-10") == entity_key("cifar10") == entity_key("Cifar 10")
True
>>> entity_key("CIFAR-10") == entity_key("CIFAR-100")
False
>>> entity_key("graph neural networks") == entity_key("Graph Neural Network")
True
>>> entity_key("AugLocal method") == entity_key("AugLocal"), entity_key("diffusion model") == "diffusion"
(True, False)
>>> entity_id("Dataset", "CIFAR-10")
'dataset:cifar10'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["entity_key", "entity_id", "canonical_name", "singular"]

_SEPARATORS = re.compile(r"[\s\-_‐‑‒–—/·.]+")
_KEEP = re.compile(r"[^0-9a-z+#*&']")
_INVARIANT_S = ("ss", "us", "is", "as", "os")


_TYPE_WORDS = {
    "method", "methods", "framework", "model", "models", "algorithm", "approach", "architecture",
    "dataset", "datasets", "benchmark", "benchmarks", "corpus", "metric", "score", "task",
}


def _is_name(words: list[str]) -> bool:
    """A name such as "AugLocal" or "CIFAR-10": inner capitals or digits in some word."""
    return any(any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w) for w in words)


def singular(word: str) -> str:
    """English singular of one lower-case word, conservative (only regular plurals).

    >>> [singular(w) for w in ["networks", "models", "classes", "metrics", "loss", "analysis"]]
    ['network', 'model', 'class', 'metric', 'loss', 'analysis']
    """
    if len(word) <= 3 or not word.isalpha() or word.endswith(_INVARIANT_S):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def entity_key(name: str) -> str:
    """Normalized key of a name: NFKC, lower case, separators dropped, last word singular.

    >>> [entity_key(n) for n in ["Graph Neural Networks", "GNNs", "CIFAR-10 dataset", "NIDS", "BraTS"]]
    ['graphneuralnetwork', 'gnn', 'cifar10', 'nids', 'brats']
    """
    original = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", name).strip()) if w]
    words = [w.lower().replace("’", "'") for w in original]
    if not words:
        return ""
    if len(words) > 1 and words[-1] in _TYPE_WORDS and _is_name(name.split()[:-1]):
        words = words[:-1]
    if not original[len(words) - 1].endswith("S"):  # an "S" that ends an acronym (NIDS, BraTS) is no plural
        words[-1] = singular(words[-1])
    joined = "".join(words)
    if joined.endswith("'s") or joined.endswith("'"):
        joined = joined.rstrip("'s").rstrip("'") or joined
    return _KEEP.sub("", joined)


def entity_id(label: str, name: str) -> str:
    """Stable ID ``<label>:<key>`` of an entity (safe characters only)."""
    key = entity_key(name)
    if not key:
        key = "h" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{label.lower()}:{key}"


def canonical_name(names: Iterable[str]) -> str:
    """Most common full form among the spellings seen; ties go to the longer, then sorted first.

    An acronym only wins when no multi-word form was seen, and a form with a trailing
    type word ("AugLocal method") only when nothing else was.

    >>> canonical_name(["GNN", "graph neural networks", "GNN", "graph neural networks"])
    'graph neural networks'
    >>> canonical_name(["AugLocal method", "AugLocal method", "AugLocal"])
    'AugLocal'
    >>> canonical_name(["CIFAR-10 dataset", "CIFAR-10 dataset", "CIFAR-10"])
    'CIFAR-10'
    >>> canonical_name(["LLMs", "LLMs", "large language models"])
    'large language models'
    """
    counts = Counter(n.strip() for n in names if n.strip())
    if not counts:
        return ""
    def typed(name: str) -> bool:
        words = name.split()
        return len(words) > 1 and words[-1].lower() in _TYPE_WORDS and _is_name(words[:-1])

    multiword = any(" " in name and not typed(name) for name in counts)

    def rank(item: tuple[str, int]) -> tuple[int, int, int, int, str]:
        name, count = item
        letters = [c for c in name if c.isalpha()]
        acronym = " " not in name and sum(c.isupper() for c in letters) * 2 >= len(letters) > 0
        return (int(multiword and acronym), int(typed(name)), -count, -len(name), name)

    return sorted(counts.items(), key=rank)[0][0]
