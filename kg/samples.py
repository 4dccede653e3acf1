"""Small graphs with known answers, for docstring examples, tests, benchmarks and demos.

They are built without admission (`kg.graph.build_graph(..., admission=False)`), so their
links and scores are what the records say, whatever admission model is shipped.

>>> example_graph().number_of_nodes() > 0
True
"""

from __future__ import annotations

import networkx as nx

from kg.graph import build_graph
from kg.records import Extraction, Mention, Paper, Repo, Result
from kg.resolve import entity_key

__all__ = ["build_example_graph", "example_graph", "results_graph", "synthetic_graph"]


def example_graph() -> nx.MultiDiGraph:
    """A six-paper graph with known answers, used by the docstring examples and tests.

    Methods GNN, Transformer, ResNet, diffusion model; datasets Cora, CIFAR-10,
    ImageNet; metrics accuracy, FID; tasks node classification, image classification,
    image generation; papers dated 2022–2024; three link code on GitHub, one only a
    project page.
    """
    specs = [
        ("p1", "2022-01-10", "GNN for graphs",
         "We propose GNN and compare with Transformer on Cora by accuracy for node classification. "
         "Code: github.com/a/gnn", ["GNN*", "Transformer", "Cora", "accuracy", "node classification"],
         [("https://github.com/a/gnn", "code")]),
        ("p2", "2022-06-01", "GNN study",
         "We use GNN on Cora and CIFAR-10 and report accuracy for node classification.",
         ["GNN", "Cora", "CIFAR-10", "accuracy", "node classification"], []),
        ("p3", "2023-02-03", "ResNet meets Transformer",
         "ResNet and Transformer on CIFAR-10 and ImageNet by accuracy for image classification. "
         "Code: github.com/c/rt", ["ResNet", "Transformer", "CIFAR-10", "ImageNet", "accuracy",
                                   "image classification"], [("https://github.com/c/rt", "code")]),
        ("p4", "2023-05-05", "ResNet again",
         "We train ResNet on CIFAR-10 and report accuracy for image classification.",
         ["ResNet", "CIFAR-10", "accuracy", "image classification"], []),
        ("p5", "2023-07-07", "Diffusion",
         "We propose a diffusion model with a Transformer on ImageNet by FID for image generation. "
         "Code: github.com/e/diff", ["diffusion model*", "Transformer", "ImageNet", "FID", "image generation"],
         [("https://github.com/e/diff", "code")]),
        ("p6", "2024-01-01", "Diffusion on small images",
         "A diffusion model on CIFAR-10 by FID for image generation. Project: e.github.io/small",
         ["diffusion model", "CIFAR-10", "FID", "image generation"],
         [("https://e.github.io/small", "project-page")]),
    ]
    labels = {
        "GNN": ("Method", "method:gnn"), "Transformer": ("Method", "method:transformer"),
        "ResNet": ("Method", "method:resnet"), "diffusion model": ("Method", "method:diffusionmodel"),
        "Cora": ("Dataset", "dataset:cora"), "CIFAR-10": ("Dataset", "dataset:cifar10"),
        "ImageNet": ("Dataset", "dataset:imagenet"), "accuracy": ("Metric", "metric:accuracy"),
        "FID": ("Metric", "metric:fid"), "node classification": ("Task", "task:nodeclassification"),
        "image classification": ("Task", "task:imageclassification"),
        "image generation": ("Task", "task:imagegeneration"),
    }
    records = []
    for pid, date, title, abstract, mentions, repos in specs:
        ents = []
        for text in mentions:
            role = "proposed" if text.endswith("*") else ""
            text = text.rstrip("*")
            label, eid = labels[text]
            start = abstract.index(text)
            ents.append(Mention(text=text, label=label, start=start, end=start + len(text),
                                field="abstract", name=text, id=eid, score=0.9,
                                source="gazetteer", role=role))
        reps = []
        for url, kind in repos:
            raw = url.split("//", 1)[1]
            start = abstract.index(raw)
            reps.append(Repo(url=url, kind=kind, raw=raw, start=start, end=start + len(raw),
                             host=raw.split("/", 1)[0]))
        paper = Paper(id=pid, title=title, abstract=abstract, date=date,
                      authors=("A. Author", "B. Author") if pid == "p1" else (),
                      sources=(f"example.jsonl:{pid[1:]}",))
        records.append(Extraction(paper=paper, entities=tuple(ents), repos=tuple(reps)))
    G = build_graph(records, admission=False)
    G.graph.update(name="example", sources=["example.jsonl"])
    return G


def build_example_graph() -> nx.MultiDiGraph:
    """A three-paper graph used by docstrings, tests and the screenshot script."""
    a1 = (
        "We propose LoRA, a low-rank adaptation method. "
        "LoRA matches full fine-tuning on GLUE with top-1 accuracy of 90.1. "
        "Code: https://github.com/microsoft/LoRA"
    )
    p1 = Paper(id="p1", title="LoRA: Low-Rank Adaptation of Large Language Models",
               abstract=a1, url="https://arxiv.org/abs/2106.09685")
    a2 = "We fine-tune BERT with LoRA on GLUE for text classification."
    p2 = Paper(id="p2", title="Efficient fine-tuning for text classification", abstract=a2)
    a3 = "We study text classification on GLUE with BERT."
    p3 = Paper(id="p3", title="A study of BERT", abstract=a3, url="javascript:alert(1)")

    def m(p: Paper, text: str, label: str, key: str, role: str = "", n: int = 0) -> Mention:
        start = p.abstract.index(text, n)
        return Mention(text, label, start, start + len(text), "abstract", name=text,
                       id=f"{label.lower()}:{key}", score=0.9, source="gazetteer", role=role)

    recs = [
        Extraction(
            paper=p1,
            entities=(m(p1, "LoRA", "Method", "lora", "proposed"),
                      m(p1, "GLUE", "Dataset", "glue"),
                      m(p1, "top-1 accuracy", "Metric", "top1accuracy")),
            repos=(Repo(url="https://github.com/microsoft/lora", kind="code",
                        raw="https://github.com/microsoft/LoRA", start=a1.index("https://"),
                        end=len(a1), host="github.com"),),
            aliases=(("method:lora", "low-rank adaptation"),),
        ),
        Extraction(
            paper=p2,
            entities=(m(p2, "BERT", "Method", "bert"), m(p2, "LoRA", "Method", "lora"),
                      m(p2, "GLUE", "Dataset", "glue"),
                      m(p2, "text classification", "Task", "textclassification")),
        ),
        Extraction(
            paper=p3,
            entities=(m(p3, "BERT", "Method", "bert"), m(p3, "GLUE", "Dataset", "glue"),
                      m(p3, "text classification", "Task", "textclassification")),
        ),
    ]
    return build_graph(recs, admission=False)


def results_graph() -> nx.MultiDiGraph:
    """Three papers with results, for the leaderboard examples.

    On ImageNet: Quokka an FID of 2.7, Wombat 3.1 to 3.4 (a range) and Numbat 2.2; on
    CIFAR-10: Quokka 96.1% and Wombat 97.0% accuracy; Numbat a "sharpness" of 0.8 (a
    metric of unknown direction). Quokka's paper links its code (github.com/q/quokka).
    """
    specs: list[tuple[str, str, str, list[tuple[str, float, float | None, str, str]]]] = [
        ("q1", "Quokka reaches an FID of 2.7 on ImageNet and 96.1% accuracy on CIFAR-10. "
               "Code: https://github.com/q/quokka", "Quokka",
         [("FID", 2.7, None, "", "ImageNet"), ("accuracy", 96.1, None, "%", "CIFAR-10")]),
        ("q2", "Wombat has an FID of 3.1 to 3.4 on ImageNet and 97.0% accuracy on CIFAR-10.", "Wombat",
         [("FID", 3.1, 3.4, "", "ImageNet"), ("accuracy", 97.0, None, "%", "CIFAR-10")]),
        ("q3", "Numbat gets an FID of 2.2 on ImageNet and a sharpness of 0.8.", "Numbat",
         [("FID", 2.2, None, "", "ImageNet"), ("sharpness", 0.8, None, "", "ImageNet")]),
    ]
    records = []
    for pid, text, method, results in specs:
        names = {method: "Method", **{r[0]: "Metric" for r in results}, **{r[4]: "Dataset" for r in results}}
        ents = tuple(Mention(n, label, text.index(n), text.index(n) + len(n), "abstract", name=n,
                             id=f"{label.lower()}:{entity_key(n)}", score=0.9, source="gazetteer",
                             role="proposed" if label == "Method" else "")
                     for n, label in names.items() if n in text)
        res = tuple(Result(metric=f"metric:{entity_key(m)}", value=v, value_max=high, unit=unit,
                           method=f"method:{entity_key(method)}", dataset=f"dataset:{entity_key(d)}")
                    for m, v, high, unit, d in results)
        url = text.split("Code: ", 1)[1] if "Code: " in text else ""
        repos = (Repo(url=url, kind="code", raw=url, start=text.index(url), end=len(text), host="github.com"),
                 ) if url else ()
        records.append(Extraction(paper=Paper(id=pid, title=f"{method}: a model", abstract=text),
                                  entities=ents, results=res, repos=repos))
    return build_graph(records)


_FILLER = (
    "we study the problem of learning robust representations from limited data and show that "
    "a simple objective with careful regularization improves generalization across settings "
    "our analysis reveals when the approach fails and how scaling the model changes the "
    "trade off between accuracy and efficiency experiments confirm the theory in practice"
).split()


def synthetic_graph(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """A paper-like graph of about `n_nodes` nodes (60% papers with ~900-character
    abstracts, 30% entities with Zipf-like popularity, 10% repositories), built through
    `build_graph` from extraction records; for benchmarks and demos."""
    import random

    rng = random.Random(seed)
    n_entities = max(4, int(n_nodes * 0.3))
    n_repos = int(n_nodes * 0.1)
    n_papers = max(1, n_nodes - n_entities - n_repos)
    share = {"Method": 0.4, "Dataset": 0.25, "Metric": 0.15, "Task": 0.2}
    vocab = {
        label: [f"{label[:2]}{i}-{rng.choice(_FILLER).title()}" for i in range(max(1, int(n_entities * s)))]
        for label, s in share.items()
    }
    weights = {label: [1 / (r + 1) ** 1.1 for r in range(len(v))] for label, v in vocab.items()}
    records = []
    for i in range(n_papers):
        picks: list[tuple[str, str]] = []
        for label, names in vocab.items():
            k = 2 if label == "Method" else 1
            chosen = {names[i % len(names)]} if i < len(names) * 2 else set()
            chosen.update(rng.choices(names, weights[label], k=k))
            picks.extend((label, name) for name in sorted(chosen))
        rng.shuffle(picks)
        text, spans = "", []
        for label, name in picks:
            before = " ".join(rng.choices(_FILLER, k=rng.randint(12, 22))).capitalize()
            after = " ".join(rng.choices(_FILLER, k=rng.randint(6, 12)))
            text += before + " "
            spans.append((label, name, len(text)))
            text += name + " " + after + ". "
        title = " ".join(rng.choices(_FILLER, k=8)).capitalize() + f" {i}"
        repos: tuple[Repo, ...] = ()
        if i % 6 == 0 and i // 6 < n_repos:
            url = f"https://github.com/lab{i % 97}/project-{i}"
            text += f"Code: {url}"
            repos = (Repo(url=url, kind="code", raw=url, start=len(text) - len(url),
                          end=len(text), host="github.com"),)
        paper = Paper(id=f"syn{i}", title=title, abstract=text.strip(),
                      url=f"https://arxiv.org/abs/2401.{i:05d}")
        mentions = tuple(
            Mention(name, label, start, start + len(name), "abstract", name=name,
                    id=f"{label.lower()}:{name.lower()}", score=round(0.5 + rng.random() / 2, 2),
                    source="synthetic", role="proposed" if label == "Method" and j == 0 else "")
            for j, (label, name, start) in enumerate(spans)
        )
        records.append(Extraction(paper=paper, entities=mentions, repos=repos))
    return build_graph(records, admission=False)
