import io
import json

import pytest

from kg.errors import InputError
from kg.ingest import Deduplicator, read_papers
from kg.ingest.ids import paper_id
from kg.nlp.urls import find_links
from tests.conftest import ROOT
from tests.conftest import write_file as write

LISTING = """new

Get trending papers in your email inbox!

Subscribe

Daily Papers

byAK and the research community

Mar 20

First Title

First abstract. It has two sentences.

Second Title

Second abstract.
"""


def test_listing(tmp_path):
    papers = list(read_papers([write(tmp_path, "a.txt", LISTING)]))
    assert [p.title for p in papers] == ["First Title", "Second Title"]
    assert papers[0].abstract == "First abstract. It has two sentences."
    assert papers[0].sources == (f"{tmp_path}/a.txt:13",)


def test_seeds_276_records_260_papers():
    papers = list(read_papers([ROOT / "seeds"]))
    assert len(papers) == 276
    dedup = Deduplicator()
    unique = list(dedup.unique(papers))
    assert len(unique) == 260
    merged = [dedup.merged(p) for p in unique if p.id in dedup.extra_sources]
    assert merged and all(len(p.sources) >= 2 for p in merged)


def test_ids_are_stable_and_follow_priority():
    assert paper_id("2101.00001", "10.1/x", "T", "") == "2101.00001"
    assert paper_id(None, "10.1/X", "T", "") == "doi:10.1/x"
    assert paper_id(None, None, "A  Title!", "") == paper_id(None, None, "a title", "")


def test_jsonl_arxiv_snapshot_fields(tmp_path):
    rec = {
        "id": "0704.0001", "submitter": "x", "authors": "A. One and B. Two",
        "title": "Calculation of\n  prompt diphoton", "abstract": "  We compute.\n",
        "categories": "hep-ph cs.LG", "doi": "10.1103/PhysRevD.76.013009",
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
        "authors_parsed": [["One", "A.", ""], ["Two", "B.", ""]],
    }
    path = write(tmp_path, "arxiv.json", json.dumps(rec) + "\n")
    (paper,) = read_papers([path])
    assert paper.id == "0704.0001"
    assert paper.title == "Calculation of prompt diphoton"
    assert paper.date == "2007-04-02"
    assert paper.authors == ("A. One", "B. Two")
    assert paper.categories == ("hep-ph", "cs.LG")
    assert paper.url == "https://arxiv.org/abs/0704.0001"


def test_json_array_and_csv_and_tsv(tmp_path):
    arr = write(tmp_path, "a.json", json.dumps([{"title": "T1", "abstract": ""}, {"abstract": "A2"}]))
    csv = write(tmp_path, "b.csv", 'id,title,abstract\n1,"T, with comma",A\n')
    tsv = write(tmp_path, "c.tsv", "title\tabstract\nT3\tA3\n")
    titles = [p.title for p in read_papers([arr, csv, tsv])]
    assert titles == ["T1", "", "T, with comma", "T3"]


def test_directory_walk_and_stdin(tmp_path, monkeypatch):
    write(tmp_path, "x.jsonl", '{"title": "T"}\n')
    write(tmp_path, "notes.md", "ignored")
    assert [p.title for p in read_papers([tmp_path])] == ["T"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"title": "S"}\n')))
    assert [p.title for p in read_papers(["-"])] == ["S"]


def test_encodings(tmp_path):
    text = '{"title": "Caf\u00e9 \u2013 r\u00e9sum\u00e9"}\r\n'
    for i, data in enumerate(
        [text.encode("utf-8-sig"), text.encode("utf-16"), text.encode("utf-16-le")]
    ):
        (paper,) = read_papers([write(tmp_path, f"e{i}.jsonl", data)])
        assert paper.title == "Caf\u00e9 \u2013 r\u00e9sum\u00e9"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", "no papers found"),
        ("blank.jsonl", "\n  \n", "no papers found"),
        ("bad.jsonl", '{"title": "ok"}\n{"title": \n', "bad.jsonl:2: malformed JSON"),
        ("types.jsonl", '{"title": ["x"]}\n', "must be a string"),
        ("missing.jsonl", '{"id": "1"}\n', "neither a title nor an abstract"),
        ("last.txt", "Title\n\nAbstract\n\nDangling title\n", "last.txt:5: the last title has no abstract"),
        ("latin1.txt", "T\n\nCaf\xe9\n".encode("latin-1"), "not valid UTF-8"),
        ("garbage.txt", bytes(range(256)) * 4, "binary"),
        ("nohead.csv", "a,b\n1,2\n", "no 'title' or 'abstract' column"),
    ],
)
def test_bad_input_gives_one_line_errors(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        list(read_papers([path]))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_empty_dir(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_papers([tmp_path / "nope.txt"]))
    with pytest.raises(InputError, match="no input files"):
        list(read_papers([tmp_path]))


def test_control_characters_are_cleaned(tmp_path):
    path = write(tmp_path, "c.jsonl", '{"title": "A\\u0000B\\u0007 C", "abstract": "x\\ty"}\n')
    (paper,) = read_papers([path])
    assert paper.title == "A B C" and paper.abstract == "x y"


WRAPPED_TITLE = "Walrus-\nNet: Quasi-\nNewton Steps"
WRAPPED_ABSTRACT = (
    "We fine-tune with pre-\r\ntraining and post-\nhoc pruning, pre-\nand post-training alike.\n"
    "Code: https://github.com/walrus-lab/walrus-\nnet and https://gitee.com/walrus/w\n/tree/main ok."
)


@pytest.mark.parametrize("name", ["wrapped.jsonl", "wrapped.json", "wrapped.csv"])
def test_line_wrapped_words_and_links_are_joined_in_every_reader(tmp_path, name):
    record = {"id": "2401.00001", "title": WRAPPED_TITLE, "abstract": WRAPPED_ABSTRACT}
    if name.endswith(".jsonl"):
        content = json.dumps(record) + "\n"
    elif name.endswith(".json"):
        content = json.dumps([record], indent=2)
    else:
        quoted = [f'"{v}"' for v in record.values()]
        content = "id,title,abstract\n" + ",".join(quoted) + "\n"
    [paper] = read_papers([write(tmp_path, name, content)])
    assert paper.title == "Walrus-Net: Quasi-Newton Steps"
    assert paper.abstract == (
        "We fine-tune with pre-training and post-hoc pruning, pre- and post-training alike. "
        "Code: https://github.com/walrus-lab/walrus-net and https://gitee.com/walrus/w/tree/main ok."
    )
    links = find_links(paper.abstract)
    assert [(r.url, r.path) for r in links] == [
        ("https://github.com/walrus-lab/walrus-net", ""), ("https://gitee.com/walrus/w", "tree/main")]


def test_ordinary_line_breaks_become_spaces_and_links_end_at_prose():
    from kg.ingest.text import clean_text

    assert clean_text("one line\nand the next -\nwith a dash") == "one line and the next - with a dash"
    assert clean_text("page: https://walrus.github.io/\nfor more") == "page: https://walrus.github.io/ for more"
    assert clean_text("repo github.com/\nwalrus/net-v2.") == "repo github.com/walrus/net-v2."


def test_credentials_with_tex_characters_are_dropped_before_tex_is_decoded(tmp_path):
    link = "https://00000A~0:s3cr3t~pw@github.com/org/repo"
    record = {"title": f"T {link}", "abstract": f"Code: {link}.", "url": link}
    path = write(tmp_path, "c.jsonl", json.dumps(record) + "\n")
    (paper,) = read_papers([path])
    assert "s3cr3t" not in paper.title + paper.abstract + paper.url and "00000A" not in paper.abstract
    assert paper.url == "https://github.com/org/repo"
