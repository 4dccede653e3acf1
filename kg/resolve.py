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
>>> entity_key("GNN architectures") == entity_key("GNN"), entity_key("graph neural nets")
(True, 'graphneuralnetwork')
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

__all__ = [
    "canonical_name",
    "entity_id",
    "entity_key",
    "is_alias",
    "long_form_words",
    "same_long_form",
    "singular",
    "without_type_word",
]

_SEPARATORS = re.compile(r"[\s\-_‐‑‒–—/·.]+")
_KEEP = re.compile(r"[^0-9a-z+#*&']")
_INVARIANT_S = ("ss", "us", "is", "as", "os")


# head nouns that say what kind of thing a name is; compared in the singular ("architectures")
_TYPE_WORDS = {
    "method", "framework", "model", "algorithm", "approach", "architecture",
    "dataset", "benchmark", "corpus", "metric", "score", "task",
}
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")
# "graph neural nets", "Pointer Net": a network; "U-Net", "ResNet", "nnU-Net" keep their keys
_NETS = {"net", "nets"}


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

    >>> [entity_key(n) for n in ["Graph Neural Networks", "GNNs", "CIFAR-10 dataset", "NIDS", "BraTS", "RLs"]]
    ['graphneuralnetwork', 'gnn', 'cifar10', 'nids', 'brats', 'rl']
    """
    original = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", name).strip()) if w]
    words = [w.lower().replace("’", "'") for w in original]
    if not words:
        return ""
    if len(words) > 1 and _typed(name):
        words = words[:-1]
    last = original[len(words) - 1]
    if _ACRONYM_PLURAL.fullmatch(last):  # "TLs": too short for `singular`
        words[-1] = words[-1][:-1]
    elif not last.endswith("S"):  # an "S" that ends an acronym (NIDS, BraTS) is no plural
        words[-1] = singular(words[-1])
    if len(words) > 1 and words[-1] in _NETS and len(words[-2]) >= 3 and not _is_name(original):
        words[-1] = "network"
    joined = "".join(words)
    if joined.endswith("'s") or joined.endswith("'"):
        joined = joined.rstrip("'s").rstrip("'") or joined
    return _KEEP.sub("", joined)


def _typed(name: str) -> bool:
    """True for a name followed by a type word ("AugLocal method", "GNN architectures")."""
    words = name.split()
    return len(words) > 1 and singular(words[-1].lower()) in _TYPE_WORDS and _is_name(words[:-1])


def without_type_word(name: str) -> str:
    """`name` without the trailing type word `entity_key` ignores.

    >>> without_type_word("GNN architectures"), without_type_word("diffusion models")
    ('GNN', 'diffusion models')
    """
    return name.rsplit(None, 1)[0] if _typed(name) else name


_IONAL = re.compile(r"ional$")


def long_form_words(name: str) -> tuple[str, ...]:
    """Words of a long form for comparison: lower case, singular, "-ional" read as "-ion".

    >>> long_form_words("Graph Convolutional Nets")
    ('graph', 'convolution', 'network')
    """
    words = [singular(w) for w in _SEPARATORS.split(unicodedata.normalize("NFKC", name).lower()) if w]
    if len(words) > 1 and words[-1] in _NETS:
        words[-1] = "network"
    return tuple(_IONAL.sub("ion", w) for w in words)


def same_long_form(a: str, b: str) -> bool:
    """True when two long forms of one acronym differ only by an "-al" ending or a head noun
    one of them leaves out.

    >>> same_long_form("graph convolutional", "Graph Convolution Networks")
    True
    >>> same_long_form("graph convolution network", "graph attention network")
    False
    """
    x, y = sorted((long_form_words(a), long_form_words(b)), key=len)
    return len(x) >= 2 and len(y) - len(x) <= 1 and y[: len(x)] == x


_NOT_ALIAS = re.compile(r"[vV]?\d+(?:[.,]\d+)*[kKmMbB]?|\W*\w?\W*")


def is_alias(text: str) -> bool:
    """False for a spelling that names nothing alone: a bare number, a version or one character.

    >>> [is_alias(t) for t in ("100", "V2", "v1.5", "22k", "x", "CIFAR100", "GNNs", "3D")]
    [False, False, False, False, False, True, True, True]
    """
    return not _NOT_ALIAS.fullmatch(text.strip())


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
    multiword = any(" " in name and not _typed(name) for name in counts)

    def rank(item: tuple[str, int]) -> tuple[int, int, int, int, str]:
        name, count = item
        letters = [c for c in name if c.isalpha()]
        acronym = " " not in name and sum(c.isupper() for c in letters) * 2 >= len(letters) > 0
        return (int(multiword and acronym), int(_typed(name)), -count, -len(name), name)

    return sorted(counts.items(), key=rank)[0][0]
