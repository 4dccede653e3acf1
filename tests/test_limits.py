"""Input limits: every reader skips, cuts or refuses what passes them, reads in bounded
pieces, warns in one line naming file, line and limit, and counts what it left out."""

import gzip
import io
import json
import random

import pytest

from kg.errors import InputError, KGError
from kg.ingest import LimitLog, Limits, read_papers
from kg.ingest import bounded as bounded_module
from kg.ingest.bounded import CHUNK, Source
from kg.ingest.jsonarray import SKIPPED, iter_array
from kg.ingest.limits import WARNINGS_PER_LIMIT
from tests.conftest import run_kg as _kg

GOOD = {"id": "g1", "title": "LoRA", "abstract": "We use LoRA on GLUE."}


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def read(tmp_path, name, content, **limits):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    log = LimitLog(Limits(**limits))
    return list(read_papers([path], log=log)), log, path


def test_parse_keys_suffixes_and_errors():
    limits = Limits.parse("line=32M, abstract=200k,ratio=0,title=5_000")
    assert (limits.line, limits.abstract, limits.ratio, limits.title) == (32_000_000, 200_000, 0, 5_000)
    assert Limits.parse(None) == Limits() == Limits.parse(" ")
    for bad, message in [("lines=5", "unknown limit 'lines=5'"), ("title", "unknown limit"),
                         ("title=-5", "not a number"), ("title=5x", "not a number")]:
        with pytest.raises(KGError, match=message) as info:
            Limits.parse(bad)
        assert "\n" not in str(info.value)
    with pytest.raises(KGError, match="whole number >= 0"):
        Limits(title=-1)


def test_jsonl_line_past_the_limit_is_skipped_while_reading(tmp_path, capsys):
    content = jsonl(GOOD) + json.dumps({"id": "big", "title": "x" * 500}) + "\n" + jsonl({**GOOD, "id": "g2"})
    papers, log, path = read(tmp_path, "a.jsonl", content, line=200)
    assert [p.id for p in papers] == ["g1", "g2"]
    assert papers[1].sources == (f"{path}:3",)  # line numbers unchanged by the skip
    assert log.report() == {"records_skipped": 1, "limits_hit": {"line": 1}}
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"warning: {path}:2: line longer than 200 characters: record skipped "
                   "(--limits line=200; raise it with --limits line=N)"]


def test_record_title_abstract_authors_url_id(tmp_path, capsys):
    records = [
        {"id": "r1", "title": "t" * 101, "abstract": "A."},  # title past the limit: skipped
        {"id": "r2", "title": "T2", "abstract": "word " * 100},  # abstract cut
        {"id": "r3", "title": "T3", "authors": ["Ann Lee", "Bo Chen", "Cy Dee"], "categories": "cs.LG stat.ML"},
        {"id": "x" * 60, "title": "Long id", "doi": "10.1/" + "d" * 60, "url": "https://e.org/" + "u" * 80},
        {"id": "r5", "title": "T5", "abstract": "a" * 1000},  # a record (line) past `record`
    ]
    papers, log, path = read(tmp_path, "r.jsonl", jsonl(*records), title=100, abstract=50, authors=15,
                             categories=8, url=50, id=40, record=700)
    assert [p.title for p in papers] == ["T2", "T3", "Long id"]
    t2, t3, long_id = papers
    assert len(t2.abstract) <= 50 and t2.abstract.startswith("word word")
    assert t3.authors == ("Ann Lee", "Bo Chen") and t3.categories == ("cs.LG",)
    assert long_id.id.startswith("long-id-") and long_id.url is None and long_id.doi is None
    assert log.skipped == 2
    assert log.hits == {"title": 1, "abstract": 1, "authors": 1, "categories": 1, "id": 2, "url": 1, "record": 1}
    err = capsys.readouterr().err
    assert f"warning: {path}:1: title of 101 characters: record skipped (--limits title=100;" in err
    assert f"warning: {path}:2: abstract of 499 characters cut to 50 (--limits abstract=50;" in err
    size = len(json.dumps(records[-1]))
    assert f"warning: {path}:5: record of {size} characters: record skipped (--limits record=700;" in err
    assert all(line.startswith("warning: ") for line in err.splitlines())


def test_listing_abstract_line_skipped_with_its_title(tmp_path, capsys):
    listing = "Daily Papers\n\nFirst\n\n" + "a" * 300 + "\n\nSecond\n\nShort abstract.\n\nThird\n\n" + "b" * 80 + "\n"
    papers, log, path = read(tmp_path, "l.txt", listing, line=200, abstract=50)
    assert [(p.title, len(p.abstract)) for p in papers] == [("Second", 15), ("Third", 50)]
    assert log.hits == {"line": 1, "abstract": 1} and log.skipped == 1
    assert f"{path}:5: abstract line longer than 200 characters (title at line 3)" in capsys.readouterr().err


def test_listing_line_past_the_limit_where_a_title_belongs_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"l.txt:1: expected a title line but found more than 10 characters") as info:
        read(tmp_path, "l.txt", "x" * 50 + "\n\nabstract\n", line=10)
    assert "--limits line=10" in str(info.value)


def test_csv_line_skipped_and_rows_keep_their_lines(tmp_path, capsys):
    content = 'id,title,abstract\n1,T1,A1\n2,T2,"' + "z" * 500 + '"\n3,T3,"multi\nline"\n4,T4,A4\n'
    papers, log, path = read(tmp_path, "c.csv", content, line=100)
    assert [(p.title, p.sources) for p in papers] == [
        ("T1", (f"{path}:2",)), ("T3", (f"{path}:5",)), ("T4", (f"{path}:6",))]
    assert log.hits == {"line": 1} and f"{path}:3: line longer than 100" in capsys.readouterr().err


def test_csv_row_over_lines_past_the_record_limit_is_an_error(tmp_path):
    content = 'id,title,abstract\n1,T1,"' + "w\n" * 300 + '"\n'
    with pytest.raises(InputError, match=r"c.csv:\d+: a CSV row of more than 200 characters over several lines"):
        read(tmp_path, "c.csv", content, record=200, line=100)


def test_json_array_element_skipped_and_others_kept(tmp_path, capsys):
    doc = json.dumps([GOOD, {"id": "big", "title": "t", "abstract": "q" * 1000}, {**GOOD, "id": "g3"}], indent=1)
    papers, log, path = read(tmp_path, "a.json", doc, record=300)
    assert [(p.id, p.sources) for p in papers] == [("g1", (f"{path}:#1",)), ("g3", (f"{path}:#3",))]
    assert log.hits == {"record": 1}
    assert f"warning: {path}:7: record #2 longer than 300 characters: record skipped" in capsys.readouterr().err


def test_json_object_document_streams_its_list_and_bounds_the_rest(tmp_path, capsys):
    big = {**GOOD, "id": "big", "abstract": "q" * 1000}
    wrapper = json.dumps({"meta": {"note": "n" * 500}, "papers": [GOOD, big, {**GOOD, "id": "g2"}]}, indent=2)
    papers, log, path = read(tmp_path, "w.json", wrapper, record=1000)
    assert [(p.id, p.sources) for p in papers] == [("g1", (f"{path}:#1",)), ("g2", (f"{path}:#3",))]
    assert log.hits == {"record": 1} and "record #2 longer than 1000 characters" in capsys.readouterr().err
    after = json.dumps({"papers": [GOOD, {**GOOD, "id": "g2"}], "meta": {"note": "n" * 500}}, indent=2)
    papers, _, _ = read(tmp_path, "w.json", after, record=400)
    assert [p.id for p in papers] == ["g1", "g2"]  # what follows the list is not held
    with pytest.raises(InputError, match="no papers left: 1 skipped past --limits"):
        read(tmp_path, "w.json", wrapper, record=400)
    assert "JSON object of more than 400 characters besides a list of records" in capsys.readouterr().err


def test_warnings_stop_after_a_few_and_counting_goes_on(tmp_path, capsys):
    n = WARNINGS_PER_LIMIT + 5
    content = jsonl(GOOD) + "".join(json.dumps({"title": "t" * 50}) + "\n" for _ in range(n))
    _, log, _ = read(tmp_path, "w.jsonl", content, title=10)
    assert log.hits["title"] == n and log.skipped == n
    err = capsys.readouterr().err.splitlines()
    assert len(err) == WARNINGS_PER_LIMIT + 1
    assert err[-1] == "warning: further records past --limits title=10 are only counted"


def test_gzip_past_its_expanded_size_or_ratio_stops(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write((jsonl(GOOD) * 20_000).encode())  # 1.3 MB, compresses ~300 times
    assert len(list(read_papers([path]))) == 20_000
    with pytest.raises(InputError, match=r"a.jsonl.gz: expands to more than 100000 bytes \(--limits expanded=100000\)"):
        list(read_papers([path], Limits(expanded=100_000)))
    monkeypatch.setattr(bounded_module, "RATIO_FLOOR", 1000)
    with pytest.raises(InputError, match="expands to more than 100 times its compressed size") as info:
        list(read_papers([path], Limits(ratio=100)))
    assert "\n" not in str(info.value) and "--limits ratio=N" in str(info.value)
    assert len(list(read_papers([path], Limits(ratio=0)))) == 20_000


def test_corrupt_gzip_is_one_line(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    data = gzip.compress((jsonl(GOOD) * 1000).encode())
    path.write_bytes(data[:200] + bytes(len(data) - 200))
    with pytest.raises(InputError, match="cannot read"):
        list(read_papers([path]))


def test_stdin_line_past_the_limit(monkeypatch, capsys):
    data = (jsonl(GOOD) + json.dumps({"title": "y" * 5000}) + "\n").encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    log = LimitLog(Limits(line=1000))
    assert [p.id for p in read_papers(["-"], log=log)] == ["g1"]
    assert "warning: <stdin>:2: line longer than 1000 characters" in capsys.readouterr().err


class _Recording(io.StringIO):
    """A text file that records the longest piece it hands out."""

    longest = 0

    def readline(self, size=-1):  # type: ignore[override]
        line = super().readline(size)
        self.longest = max(self.longest, len(line))
        return line

    def read(self, size=-1):  # type: ignore[override]
        text = super().read(size)
        self.longest = max(self.longest, len(text))
        return text


def test_reading_holds_one_bounded_piece_at_a_time():
    fh = _Recording("a\n" + "x" * (5 * CHUNK) + "\nb\n")
    assert list(Source(fh, "f").lines(100)) == [(1, "a"), (2, None), (3, "b")]
    assert fh.longest <= CHUNK
    fh = _Recording('[1, "' + "x" * (5 * CHUNK) + '", 2]')
    assert [v for _, _, v in iter_array(Source(fh, "f"), 1000)] == [1, SKIPPED, 2]
    assert fh.longest <= CHUNK


def _random_value(rng: random.Random, depth: int = 0) -> object:
    atoms = [1, -2.5e10, 1.5e-7, True, None, 'a\\b"c', '[{]}"', "\\\\", '\\"\\"', "x" * 40, "\u00e9\U0001f600\n", ""]
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice(atoms)
    if r < 0.65:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {f"k{i}\"[": _random_value(rng, depth + 1) for i in range(rng.randrange(4))}


def test_json_array_reader_agrees_with_json_loads_across_chunk_edges():
    """Elements (strings with escapes and brackets, numbers) cut anywhere by the buffer:
    the same values as json.loads, and exactly those longer than the limit skipped."""
    rng = random.Random(11)
    for _ in range(1500):
        values = [_random_value(rng) for _ in range(rng.randrange(6))]
        texts = [json.dumps(v, ensure_ascii=rng.random() < 0.3) for v in values]
        limit, chunk = rng.choice([5, 20, 80, 0]), rng.randrange(1, 40)
        got = [v for _, _, v in iter_array(Source(io.StringIO("[" + ", ".join(texts) + "]"), "f"), limit, chunk)]
        want = [SKIPPED if limit and len(t) > limit else v for t, v in zip(texts, values, strict=True)]
        assert got == want


_T = '{"title": "a"}'


@pytest.mark.parametrize(
    ("doc", "message"),
    [(f"[{_T}, {_T}", "ends inside the array"), (f"[{_T} {_T}]", "expected ',' or ']'"),
     (f"[{_T},]", "Expecting value"), (f'[{_T}] {_T}', "extra data"), ('[{"title": "abc', "ends inside a value"),
     ("[" * 5000 + "]" * 5000, "nested too deeply")],
)
def test_malformed_json_arrays_are_one_line_errors(tmp_path, doc, message):
    path = tmp_path / "m.json"
    path.write_text(doc)
    with pytest.raises(InputError, match=message) as info:
        list(read_papers([path]))
    assert str(info.value).startswith(f"{path}:1: ") and "\n" not in str(info.value)


# --------------------------------------------------------------------------- the page


def test_page_cuts_long_abstracts_with_a_note_and_marks_only_what_it_shows():
    from kg.export.html import graph_payload
    from kg.export.html.caps import PAGE_ABSTRACT, PAGE_LIST
    from kg.graph import build_graph
    from kg.records import Extraction, Mention, Paper

    abstract = "We use BERT. " + "filler " * 2000 + "We use GPT-2 here."
    p = Paper(id="long", title="T " * 800, abstract=abstract, authors=tuple(f"Author {i}" for i in range(500)))

    def mention(text: str, label: str) -> Mention:
        start = abstract.index(text)
        return Mention(text, label, start, start + len(text), "abstract", name=text, id=f"m:{text}", score=0.9,
                       source="gazetteer")

    G = build_graph([Extraction(paper=p, entities=(mention("BERT", "Method"), mention("GPT-2", "Method")))])
    data = graph_payload(G)
    (info,) = [x for x in data["info"] if x["t"] == "Paper"]
    assert info["ab"].startswith(abstract[:PAGE_ABSTRACT])
    assert f"abstract cut to its first 5,000 of {len(abstract):,} characters" in info["ab"]
    assert info["cut"] == PAGE_ABSTRACT and len(info["au"]) == PAGE_LIST and len(info["n"]) == 1000
    by_text = {ev[8]: ev for ev in data["ev"]}
    assert by_text["BERT"][3:5] == [7, 11]  # shown: marked
    assert by_text["GPT-2"][3:5] == [-1, -1]  # past the cut: not marked, quoted as text instead
    assert isinstance(by_text["GPT-2"][5], str) and len(by_text["GPT-2"][5]) <= 1000


# --------------------------------------------------------------------------- the command line


def test_cli_limits_option(monkeypatch, capsys, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(GOOD, {"id": "t", "title": "A title far too long for the limit"}))
    code, _, err = _kg(monkeypatch, capsys, "extract", src, "--no-model", "--limits", "title=lots")
    assert code == 1 and err.strip() == (
        "kg: error: --limits: 'title=lots' is not a number; write key=N, e.g. title=5000 or line=32M")
    code, out, err = _kg(monkeypatch, capsys, "extract", src, "--no-model", "--limits", "title=20")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == ["g1"]
    assert err.strip() == (f"warning: {src}:2: title of 34 characters: record skipped "
                           "(--limits title=20; raise it with --limits title=N)")
    code, out, _ = _kg(monkeypatch, capsys, "build", "--help")
    assert code == 0 and "--limits" in out
