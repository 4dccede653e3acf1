import re

import pytest

from kg.ingest import read_papers
from kg.nlp.urls import find_links, normalize_link
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("raw", "url", "kind", "path"),
    [
        ("https://github.com/a/b.", "https://github.com/a/b", "code", ""),
        ("https://github.com/a/b,", "https://github.com/a/b", "code", ""),
        ("https://github.com/a/b).", "https://github.com/a/b", "code", ""),
        ("https://github.com/a/b.git.", "https://github.com/a/b", "code", ""),
        ("https://github.com/a/b.git{https://github.com/a/b}.", "https://github.com/a/b", "code", ""),
        ("github.com/user/repo.", "https://github.com/user/repo", "code", ""),
        ("https://github.com/NVIDIA/Megatron-LM#retro.", "https://github.com/NVIDIA/Megatron-LM", "code", "#retro"),
        ("https://github.com/g/r/tree/master/aqt.", "https://github.com/g/r", "code", "tree/master/aqt"),
        ("https://gitee.com/casia/easypruner.", "https://gitee.com/casia/easypruner", "code", ""),
        ("https://anonymous.4open.science/r/BIB-2023/README.md{here.}",
         "https://anonymous.4open.science/r/BIB-2023", "code", "README.md"),
        ("https://diffusekrona.github.io/{https://diffusekrona.github.io/}.",
         "https://diffusekrona.github.io", "project-page", ""),
        ("https://wxrui182.github.io/CoNo.github.io/.", "https://wxrui182.github.io/CoNo.github.io",
         "project-page", ""),
        ("https://huggingface.co/YiDuo1999/Llama-3-8B", "https://huggingface.co/YiDuo1999/Llama-3-8B",
         "model", ""),
        ("https://huggingface.co/datasets/u/d", "https://huggingface.co/datasets/u/d", "dataset", ""),
        ("https://user:token@github.com/a/b", "https://github.com/a/b", "code", ""),
        ("http://www.GitHub.com/a/b/", "https://github.com/a/b", "code", ""),
        ("https://example.org/page?x=1", "https://example.org/page?x=1", "other", ""),
    ],
)
def test_normalize(raw, url, kind, path):
    assert normalize_link(raw)[0::1][:2] == (url, kind)
    assert normalize_link(raw)[3] == path


@pytest.mark.parametrize(
    "text",
    [
        "We use GitHub Copilot and Node.js, e.g. in version 1.2.",
        "javascript:alert(1) and data:text/html;base64,AAAA are not links",
        "See Fig. 3.1 and Eq. (2). The U.S. is large.",
        "mail me at user@github.com/x please",
    ],
)
def test_no_false_links(text):
    assert find_links(text) == []


def test_credentials_never_kept():
    (repo,) = find_links("code at https://alice:s3cr3t@github.com/a/b.")
    assert "s3cr3t" not in repo.url and "alice" not in repo.url


def test_offsets_point_at_raw_text():
    text = "Code: github.com/user/repo. Page: https://x.github.io/p/)."
    for repo in find_links(text):
        assert text[repo.start : repo.end] == repo.raw


def test_all_seed_links_found_and_normalized():
    repos = [
        r
        for p in read_papers([ROOT / "seeds"])
        for f in ("title", "abstract")
        for r in find_links(p.text(f), f)
    ]
    assert len(repos) == 90
    texts = [p.title + " " + p.abstract for p in read_papers([ROOT / "seeds"])]
    starts = len(re.findall(r"(?<!\{)https?://", " ".join(texts)))
    bare = len(re.findall(r"(?<![/\w.])github\.com/", " ".join(texts)))
    assert starts + bare == len(repos)  # LaTeX copies "{https://...}" are not separate links
    for r in repos:
        assert r.url.startswith("https://") and not r.url.endswith((".", ",", ")", "/", ".git"))
        assert "{" not in r.url and r.kind in {"code", "project-page", "model"}
