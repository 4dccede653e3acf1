"""A small hand-made graph that exercises every term of the RDF export.

Four papers in two source files:

- p1 (arXiv 2101.00001, 2021-01-15) proposes SuperNet (alias SN), uses ResNet, is
  evaluated on CIFAR-10 and ImageNet, measured by accuracy and FID, addresses image
  classification, has code on GitHub and reports SuperNet 95.1 % accuracy on CIFAR-10
  and an FID of 4.2 on ImageNet.
- p2 (DOI, 2021-01-20) uses ResNet, is evaluated on CIFAR-10, measured by accuracy and
  reports ResNet 93.2 % accuracy on CIFAR-10.
- p3 (2021-02-03) uses ResNet and Transformer, evaluated on ImageNet (top-1 accuracy
  81.0 and an FID of 2.9 to 3.6, a range, for Transformer), addresses image
  classification, has code.
- p4 (2021-02-10, title only) uses Transformer, evaluated on SQuAD, measured by F1,
  addresses question answering.
"""

from __future__ import annotations

from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper, Repo, Result


def _m(text: str, label: str, field: str, source_text: str, key: str, *, role: str = "",
       score: float = 0.9, source: str = "gazetteer", name: str = "") -> Mention:
    start = source_text.index(text)
    return Mention(text=text, label=label, start=start, end=start + len(text), field=field,
                   name=name or text, id=f"{label.lower()}:{key}", score=score, source=source,
                   role=role)


A1 = ("We propose SuperNet (SN), a new architecture that improves on ResNet. "
      "SN reaches 95.1% accuracy on CIFAR-10 and strong results on ImageNet for image "
      "classification. SN has an FID of 4.2 on ImageNet. Code: https://github.com/example/supernet")
A2 = "We revisit ResNet on CIFAR-10. ResNet reaches 93.2% accuracy on CIFAR-10."
A3 = ("We compare ResNet and Transformer models for image classification on ImageNet. "
      "The Transformer reaches 81.0 top-1 accuracy on ImageNet and an FID of 2.9 to 3.6. "
      "See https://github.com/example/vit-study")
T4 = "Transformer models for question answering on SQuAD measured by F1"


def records() -> list[Extraction]:
    url1 = "https://github.com/example/supernet"
    url3 = "https://github.com/example/vit-study"
    p1 = Paper(id="2101.00001", title="SuperNet: a network", abstract=A1,
               url="https://arxiv.org/abs/2101.00001", date="2021-01-15",
               authors=("Ada Lovelace", "Alan Turing"), categories=("cs.LG",),
               sources=("seeds/a.txt:3",))
    p2 = Paper(id="doi:10.1000/xyz.2", title="Revisiting ResNet", abstract=A2,
               doi="10.1000/xyz.2", date="2021-01-20", sources=("seeds/a.txt:9",))
    p3 = Paper(id="p3", title="Comparing architectures", abstract=A3, date="2021-02-03",
               sources=("seeds/b.jsonl:1",))
    p4 = Paper(id="p4", title=T4, date="2021-02-10", sources=("seeds/b.jsonl:2",))
    e1 = Extraction(
        paper=p1,
        entities=(
            _m("SuperNet", "Method", "abstract", A1, "supernet", role="proposed", score=0.95),
            _m("SN", "Method", "abstract", A1, "supernet", role="proposed", score=0.8,
               source="abbrev", name="SuperNet"),
            _m("ResNet", "Method", "abstract", A1, "resnet"),
            _m("CIFAR-10", "Dataset", "abstract", A1, "cifar10"),
            _m("ImageNet", "Dataset", "abstract", A1, "imagenet"),
            _m("accuracy", "Metric", "abstract", A1, "accuracy"),
            _m("image classification", "Task", "abstract", A1, "imageclassification", source="ner",
               score=0.7),
            _m("FID", "Metric", "abstract", A1, "fid"),
        ),
        repos=(Repo(url=url1, kind="code", raw=url1, field="abstract", start=A1.index(url1),
                    end=A1.index(url1) + len(url1), host="github.com"),),
        results=(Result(metric="metric:accuracy", value=95.1, unit="%", method="method:supernet",
                        dataset="dataset:cifar10", text="95.1%", field="abstract",
                        start=A1.index("95.1%"), end=A1.index("95.1%") + 5),
                 Result(metric="metric:fid", value=4.2, method="method:supernet", dataset="dataset:imagenet",
                        text="FID of 4.2", start=A1.index("FID of 4.2"), end=A1.index("FID of 4.2") + 10)),
    )
    e2 = Extraction(
        paper=p2,
        entities=(
            _m("ResNet", "Method", "abstract", A2, "resnet"),
            _m("CIFAR-10", "Dataset", "abstract", A2, "cifar10"),
            _m("accuracy", "Metric", "abstract", A2, "accuracy"),
        ),
        results=(Result(metric="metric:accuracy", value=93.2, unit="%", method="method:resnet",
                        dataset="dataset:cifar10", text="93.2%", field="abstract",
                        start=A2.index("93.2%"), end=A2.index("93.2%") + 5),),
    )
    e3 = Extraction(
        paper=p3,
        entities=(
            _m("ResNet", "Method", "abstract", A3, "resnet"),
            _m("Transformer", "Method", "abstract", A3, "transformer"),
            _m("image classification", "Task", "abstract", A3, "imageclassification"),
            _m("ImageNet", "Dataset", "abstract", A3, "imagenet"),
            _m("top-1 accuracy", "Metric", "abstract", A3, "top1accuracy"),
            _m("FID", "Metric", "abstract", A3, "fid"),
        ),
        repos=(Repo(url=url3, kind="project-page", raw=url3, field="abstract",
                    start=A3.index(url3), end=A3.index(url3) + len(url3), host="github.com"),),
        results=(Result(metric="metric:top1accuracy", value=81.0, unit="",
                        method="method:transformer", dataset="dataset:imagenet", text="81.0",
                        field="abstract", start=A3.index("81.0"), end=A3.index("81.0") + 4),
                 Result(metric="metric:fid", value=2.9, value_max=3.6, method="method:transformer",
                        dataset="dataset:imagenet", text="FID of 2.9 to 3.6", start=A3.index("FID of"),
                        end=A3.index("FID of") + 17)),
        aliases=(("method:transformer", "Transformers"),),
    )
    e4 = Extraction(
        paper=p4,
        entities=(
            _m("Transformer", "Method", "title", T4, "transformer"),
            _m("question answering", "Task", "title", T4, "questionanswering"),
            _m("SQuAD", "Dataset", "title", T4, "squad"),
            _m("F1", "Metric", "title", T4, "f1"),
        ),
    )
    return [e1, e2, e3, e4]


def fixture_graph():  # type: ignore[no-untyped-def]
    G = build_graph(records(), admission=False)
    G.graph["build_date"] = "2024-05-01T12:00:00Z"
    G.graph["version"] = "0.1.0"
    return G
