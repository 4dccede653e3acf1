"""Inputs as researchers have them: JSON wrappers and keyed objects, OpenAlex, Semantic Scholar,
arXiv Atom feeds, CSV/TSV synonyms and --columns, and folders holding files kg does not read."""

import json

import pytest

from kg.build import build
from kg.errors import InputError
from kg.ingest import read_papers
from kg.ingest.columns import parse_columns
from tests.conftest import FIXTURES
from tests.conftest import run_kg as run
from tests.conftest import write_file as write

INPUTS = FIXTURES / "inputs"
GOOD = {"title": "LoRA", "abstract": "We use LoRA on GLUE."}


def papers(*paths, **options):
    return list(read_papers([INPUTS / p if isinstance(p, str) else p for p in paths], **options))


def test_openalex_api_page():
    first, second = papers("openalex_page.json")
    assert first.id == "W3118615836"
    assert first.title == "Walrus: Sparse Attention for Long Documents"
    assert first.abstract == "We propose Walrus, a sparse attention model, and evaluate it on SQuAD with F1 score."
    assert first.doi == "10.48550/arxiv.2101.00001"
    assert first.url == "https://arxiv.org/abs/2101.00001"
    assert first.date == "2021-01-04"
    assert first.authors == ("Ada Lovelace", "Alan Turing")
    assert first.categories == ("Natural Language Processing Techniques", "Computer science")
    assert first.sources == (f"{INPUTS}/openalex_page.json:#1",)
    assert (second.id, second.title, second.abstract, second.date) == (
        "W3118615837", "Graph Neural Networks for Link Prediction", "", "2020")
    assert second.categories == ("Link prediction",)


def test_openalex_jsonl_and_list_give_the_same_papers(tmp_path):
    lines = papers("openalex_works.jsonl")
    assert [(p.id, p.abstract) for p in lines] == [
        ("W1", "We fine-tune with LoRA and fine-tune on GLUE."), ("W2", "Only words.")]
    assert lines[0].authors == ("Ed Hu",) and lines[0].date == "2022"
    works = [json.loads(line) for line in (INPUTS / "openalex_works.jsonl").read_text().splitlines()]
    listed = papers(write(tmp_path, "works.json", json.dumps(works, indent=1)))
    assert [(p.id, p.title, p.abstract) for p in listed] == [(p.id, p.title, p.abstract) for p in lines]


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ({"a": [10**12]}, "not a whole number from 0 to 199999"),
        ({"a": [-1]}, "not a whole number"),
        ({"a": ["0"]}, "not a whole number"),
        ({"a": 0}, "must map each word to a list"),
        (["a"], "must map words to positions"),
    ],
)
def test_openalex_bad_inverted_index_is_one_line(tmp_path, index, message):
    work = {"id": "https://openalex.org/W9", "title": "T", "abstract_inverted_index": index}
    path = write(tmp_path, "w.jsonl", json.dumps(work) + "\n")
    with pytest.raises(InputError, match=message) as info:
        papers(path)
    assert f"{path}:1: abstract_inverted_index" in str(info.value) and "\n" not in str(info.value)


def test_openalex_positions_count_against_the_abstract_limit(tmp_path):
    from kg.ingest.limits import Limits

    work = {"id": "https://openalex.org/W9", "title": "T", "abstract_inverted_index": {"w": list(range(50))}}
    path = write(tmp_path, "w.jsonl", json.dumps(work) + "\n")
    with pytest.raises(InputError, match="at most 20 positions"):
        papers(path, limits=Limits(abstract=20))


def test_semantic_scholar_api_page_and_jsonl():
    walrus, bare = papers("s2_search.json")
    assert walrus.id == "2101.00002" and walrus.doi == "10.1000/walrus.2"
    assert walrus.url.startswith("https://www.semanticscholar.org/paper/")
    assert walrus.date == "2021-02-10" and walrus.authors == ("Grace Hopper",)
    assert walrus.categories == ("Computer Science", "Mathematics")
    assert (bare.id, bare.abstract, bare.date, bare.doi) == (
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "", "2019", "10.1000/other")
    api, dataset = papers("s2_papers.jsonl")
    assert (api.id, api.authors, api.date) == ("abc123", ("Kate Smith",), "2020")
    assert (dataset.id, dataset.doi, dataset.categories) == ("CorpusId:77", "10.1000/s2.77", ("Computer Science",))


def test_arxiv_atom_feed():
    walrus, old = papers("arxiv_feed.atom")
    assert walrus.id == "2101.00003"
    assert walrus.title == "Walrus-3: Sparse Attention & Memory"
    assert walrus.abstract == (
        "We propose Walrus-3, a sparse attention model, and evaluate it on SQuAD in terms of F1 score.")
    assert walrus.date == "2021-01-05" and walrus.authors == ("Ada Lovelace", "Alan Turing")
    assert walrus.doi == "10.1000/walrus.3" and walrus.categories == ("cs.CL", "cs.LG")
    assert walrus.url == "http://arxiv.org/abs/2101.00003v2"
    assert walrus.sources == (f"{INPUTS}/arxiv_feed.atom:7",)
    assert (old.id, old.url, old.date) == ("hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001", "1999-01-01")


def test_atom_is_recognized_by_content_and_read_compressed(tmp_path):
    import gzip

    feed = (INPUTS / "arxiv_feed.atom").read_bytes()
    assert [p.id for p in papers(write(tmp_path, "feed", feed))] == ["2101.00003", "hep-th/9901001"]
    assert len(papers(write(tmp_path, "feed.xml.gz", gzip.compress(feed)))) == 2


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol3;</title></entry></feed>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&secret;</title></entry></feed>
"""
ATOM = '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "f.xml:2: XML with a DOCTYPE is not read"),
        (EXTERNAL, "f.xml:2: XML with a DOCTYPE is not read"),
        (ATOM.format("<entry><title>T</title>"), "f.xml:1: malformed XML"),
        ("<feed><entry><title>T</entry></feed>", "f.xml:1: malformed XML (mismatched tag"),
        ('<rss version="2.0"><channel/></rss>', "f.xml:1: the XML root is <rss>, not an Atom feed"),
        (ATOM.format(""), "no papers found"),
        (ATOM.format("<entry><id>http://arxiv.org/api/errors#incorrect_id</id><title>Error</title>"
                     "<summary>incorrect id format for 1234</summary></entry>"),
         "the feed is an arXiv API error (incorrect id format for 1234)"),
        (ATOM.format("<entry><id>http://arxiv.org/abs/2101.00001</id></entry>"), "neither a title nor an abstract"),
    ],
)
def test_bad_atom_is_one_line(tmp_path, content, message):
    with pytest.raises(InputError) as info:
        papers(write(tmp_path, "f.xml", content))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_atom_entry_past_the_record_limit_stops_with_one_line(tmp_path):
    from kg.ingest.limits import Limits

    entry = "<entry><title>T</title><summary>{}</summary></entry>"
    path = write(tmp_path, "f.atom", ATOM.format(entry.format("short") + entry.format("x" * 300_000)))
    with pytest.raises(InputError, match=r"f.atom:1: an Atom entry .* runs past 100000 bytes") as info:
        papers(path, limits=Limits(record=100_000))
    assert "\n" not in str(info.value)
    assert len(papers(path)) == 2


def test_json_list_of_records_under_any_key(tmp_path):
    for doc in ({"items_found": [GOOD], "meta": {"count": 1}}, {"meta": {"n": 1, "tags": ["a"]}, "hits": [GOOD]}):
        for text in (json.dumps(doc), json.dumps(doc, indent=2)):  # one line (JSONL) and spread over lines
            [paper] = papers(write(tmp_path, "w.json", text))
            assert paper.title == "LoRA"


def test_jsonl_of_api_pages(tmp_path):
    pages = [{"data": [{**GOOD, "id": "a"}, {**GOOD, "id": "b"}]}, {"data": [{**GOOD, "id": "c"}]}]
    path = write(tmp_path, "pages.jsonl", "".join(json.dumps(p) + "\n" for p in pages))
    assert [(p.id, p.sources) for p in papers(path)] == [
        ("a", (f"{path}:1#1",)), ("b", (f"{path}:1#2",)), ("c", (f"{path}:2#1",))]


def test_records_keyed_by_id():
    one, two = papers("keyed.json")
    assert (one.id, one.title) == ("2101.00004", "Keyed Paper One")
    assert (two.id, two.title) == ("2101.00005", "Keyed Paper Two")  # the record's own id wins


@pytest.mark.parametrize("indent", [None, 2])
def test_two_lists_of_records_are_ambiguous(tmp_path, indent):
    doc = {"papers": [GOOD], "references": [GOOD]}
    with pytest.raises(InputError, match=r"more than one list of paper records \(under 'papers', 'references'\)"):
        papers(write(tmp_path, "w.json", json.dumps(doc, indent=indent)))


@pytest.mark.parametrize("indent", [None, 2])
def test_an_object_without_records_names_its_keys(tmp_path, indent):
    doc = {"meta": {"count": 0}, "results": []}
    with pytest.raises(InputError, match=r"no paper records in this JSON object \(keys 'meta', 'results'\)"):
        papers(write(tmp_path, "w.json", json.dumps(doc, indent=indent)))


def test_a_record_with_a_list_of_titled_references_stays_one_record(tmp_path):
    record = {"title": "Main", "abstract": "A", "references": [{"title": "Cited"}]}
    for text in (json.dumps(record), json.dumps(record, indent=2)):
        assert [p.title for p in papers(write(tmp_path, "r.json", text))] == ["Main"]


def test_csv_synonyms():
    [paper] = papers("synonyms.csv")
    assert paper.title == "Walrus-4: Sparse Attention"
    assert paper.abstract == "We propose Walrus-4 and evaluate it on SQuAD."
    assert (paper.url, paper.date) == ("https://example.org/w4", "2021-04-01")
    assert paper.authors == ("Ada Lovelace", "Alan Turing")


def test_unknown_header_lists_the_columns_and_says_how_to_map_them():
    with pytest.raises(InputError) as info:
        papers("custom_columns.tsv")
    message = str(info.value)
    assert "tsv:1: CSV header has no 'title' or 'abstract' column (found: headline, body, name)" in message
    assert "--columns title=COLUMN,abstract=COLUMN" in message and "\n" not in message


def test_columns_map_csv_and_json_fields(tmp_path):
    for columns in ("title=headline,abstract=body", {"title": "Headline", "abstract": "body"}):
        [paper] = papers("custom_columns.tsv", columns=columns)
        assert (paper.title, paper.abstract) == ("Custom Columns Paper", "We fine-tune BERT on GLUE.")
    path = write(tmp_path, "j.jsonl", json.dumps({"headline": "H", "body": "B", "title": "not this"}) + "\n")
    [paper] = papers(path, columns="title=headline,abstract=body")
    assert (paper.title, paper.abstract) == ("H", "B")
    with pytest.raises(InputError, match=r"--columns title=nope: no such column; the header has: headline, body, name"):
        papers("custom_columns.tsv", columns="title=nope")


@pytest.mark.parametrize(
    ("spec", "message"),
    [("title", "cannot map title="), ("name=x", "cannot map name=x"), ("title=", "cannot map title="),
     ("title=a,title=b", "title is mapped twice")],
)
def test_bad_columns_spec(spec, message):
    with pytest.raises(InputError, match=message) as info:
        parse_columns(spec)
    assert "\n" not in str(info.value)


def test_folder_names_the_files_it_does_not_read(capsys):
    assert [p.id for p in papers("folder")] == ["abc123", "CorpusId:77"]
    err = capsys.readouterr().err.splitlines()
    folder = INPUTS / "folder"
    assert err == [
        f"skipped {folder}/README: a file without an extension is not read; kg reads .txt, .jsonl, .ndjson, "
        ".json, .csv, .tsv, .xml, .atom (and .gz of them)",
        f"skipped {folder}/paper.pdf: PDF is not read; export titles and abstracts as JSON, CSV or text",
        f"skipped {folder}/sub/notes.docx: Word documents are not read; export titles and abstracts as JSON, CSV "
        "or text",
    ]  # .hidden.pdf is passed over silently


def test_many_skipped_files_give_a_count_and_the_first_few(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n")
    for i in range(8):
        (tmp_path / f"p{i}.pdf").write_text("x")
    papers(tmp_path)
    err = capsys.readouterr().err.splitlines()
    assert err[:5] == [f"skipped {tmp_path}/p{i}.pdf: PDF is not read; export titles and abstracts as JSON, "
                       "CSV or text" for i in range(5)]
    assert err[5:] == [f"skipped 3 more files in {tmp_path} (8 in all)"]


def test_folder_of_unread_files_is_one_line(tmp_path):
    (tmp_path / "p.pdf").write_text("x")
    with pytest.raises(InputError, match=r"no input files .*; 1 other files left out, e.g. .*p.pdf: PDF is not read"):
        papers(tmp_path)


def test_build_reads_every_format(tmp_path, capsys):
    names = ["openalex_page.json", "openalex_works.jsonl", "s2_search.json", "s2_papers.jsonl", "arxiv_feed.atom",
             "keyed.json", "synonyms.csv", "folder"]
    report = build([INPUTS / n for n in names], tmp_path / "out", use_model=False, show_progress=False)
    assert report["records"] == 15 and report["papers"] == 13  # folder/papers.jsonl repeats s2_papers.jsonl
    ids = {json.loads(line)["id"] for line in (tmp_path / "out" / "extractions.jsonl").read_text().splitlines()}
    assert {"W3118615836", "2101.00002", "2101.00003", "2101.00004", "walrus-4-sparse-attention-86558d11"} <= ids
    assert "skipped" in capsys.readouterr().err


def test_cli_build_and_extract_take_columns(monkeypatch, capsys, tmp_path):
    src = INPUTS / "custom_columns.tsv"
    code, _, err = run(monkeypatch, capsys, "build", src, "-o", tmp_path / "out", "--no-model", "--no-progress")
    assert code == 1 and "--columns title=COLUMN" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(monkeypatch, capsys, "build", src, "-o", tmp_path / "out", "--no-model", "--no-progress",
                         "--columns", "title=headline,abstract=body")
    assert code in (0, None), err
    assert "built 1 papers" in out
    report = json.loads((tmp_path / "out" / "build.json").read_text())
    assert report["papers"] == 1
    code, out, err = run(monkeypatch, capsys, "extract", src, "--no-model", "--columns", "title=headline,abstract=body")
    assert code in (0, None), err
    assert json.loads(out)["title"] == "Custom Columns Paper"
    code, _, err = run(monkeypatch, capsys, "extract", src, "--no-model", "--columns", "headline")
    assert code == 1 and "--columns: cannot map headline=" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_pdf_given_by_name_says_what_to_do(tmp_path):
    path = write(tmp_path, "paper.pdf", b"%PDF-1.4\n\x00\x01binary")
    with pytest.raises(InputError, match=r"paper.pdf: PDF is not read; export titles and abstracts as JSON"):
        papers(path)


def test_build_takes_columns_as_text_and_rebuilds_when_they_change(tmp_path):
    def run_build(columns):
        return build([INPUTS / "custom_columns.tsv"], tmp_path / "out", use_model=False, show_progress=False,
                     cache=tmp_path / "cache", columns=columns)

    assert run_build("title=headline,abstract=body")["papers"] == 1
    assert run_build({"title": "headline", "abstract": "body"}).get("up_to_date")
    assert not run_build("title=headline,abstract=name").get("up_to_date")
    [record] = (json.loads(line) for line in (tmp_path / "out" / "extractions.jsonl").read_text().splitlines())
    assert record["abstract"] == "some dataset name"
