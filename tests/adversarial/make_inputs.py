"""Generate hostile inputs for `kg build` / `kg extract` into a directory.

Every case is produced by code here (nothing hand-pasted, nothing large committed), so
the suite can recreate them in a temporary directory at test time:

    python tests/adversarial/make_inputs.py /tmp/hostile            # the fast cases
    python tests/adversarial/make_inputs.py /tmp/hostile --heavy    # + 10 MB line, 1M lines

Each `Case` names its input file, what `kg` must do with it (``ok``: build and write
valid outputs; ``refuse``: one-line error, exit 1; ``either``: one of the two) and, for
the ``ok`` cases, strings that must never appear in any output file (credentials).
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CASES", "LISTING_HEAD", "SECRETS", "Case", "make_corpus", "make_inputs"]

# strings planted in URLs' userinfo: they must not reach any output file
SECRETS = ("ghp_S3cr3tT0k3nXYZ", "hunter2pass", "s3cr3t-user-9f1c")

LISTING_HEAD = "new\n\nDaily Papers\n\nMar 20\n\n"

_TITLES = [
    "Multi-Objective GFlowNets",
    "LoRA: Low-Rank Adaptation of Large Language Models",
    "Graph Neural Networks for Trajectory Prediction",
]
_ABSTRACT = (
    "We propose {name}, a method evaluated on ImageNet and CIFAR-10 in terms of top-1 accuracy. "
    "It reaches 85.3% top-1 accuracy on ImageNet. Code: https://github.com/example/{slug}."
)


def _abstract(i: int) -> str:
    return _ABSTRACT.format(name=f"Method{i}", slug=f"repo-{i}")


def _listing(pairs: list[tuple[str, str]], newline: str = "\n") -> str:
    body = "".join(f"{t}\n\n{a}\n\n" for t, a in pairs)
    return (LISTING_HEAD + body).replace("\n", newline)


def _jsonl(records: list[object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _good_pairs(n: int = 3) -> list[tuple[str, str]]:
    return [(_TITLES[i % len(_TITLES)] + f" {i}", _abstract(i)) for i in range(n)]


@dataclass(frozen=True)
class Case:
    """One hostile input: file name, content factory, expected outcome."""

    name: str
    filename: str
    content: Callable[[], bytes]
    expect: str  # "ok" | "refuse" | "either"
    heavy: bool = False
    model: bool = False  # a heavy case the NER model must run on too (the others use rules + gazetteer)
    secrets: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = field(default=())  # must not appear in kg.ttl as IRIs

    def write(self, directory: Path) -> Path:
        path = directory / self.name / self.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content())
        return path


def _utf8(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def _binary() -> bytes:
    rng = random.Random(9)
    return bytes(rng.randrange(256) for _ in range(64 * 1024))


def _high_bytes() -> bytes:
    # no NUL (so not detected as binary) but not valid UTF-8 either
    rng = random.Random(7)
    return LISTING_HEAD.encode() + bytes(rng.randrange(0x80, 0x100) for _ in range(8192))


def _utf16(bom: bool, endian: str = "le") -> Callable[[], bytes]:
    text = _listing(_good_pairs())

    def make() -> bytes:
        if bom:
            return text.encode("utf-16")  # native order with BOM
        return text.encode(f"utf-16-{endian}")

    return make


def _controls() -> bytes:
    ctrl = "".join(chr(c) for c in range(0x20) if c not in (0x0A, 0x0D)) + "\x7f\x85\u2028\u2029\u200b\ufeff"
    rec = [
        {"id": "ctrl-1", "title": f"Control{ctrl}Characters in a title",
         "abstract": f"We propose Ctrl{ctrl}Net on ImageNet.{ctrl}"},
        {"id": f"ctrl-{ctrl}-2", "title": "NUL\x00byte", "abstract": "Abstract\x00with NUL\x00."},
    ]
    return _jsonl(rec).encode("utf-8")


def _raw_controls_listing() -> bytes:
    # raw control bytes (including NUL) after the first 4 KiB, so not detected as binary
    pad = _listing(_good_pairs(40))
    return (pad + "Raw\x00control\x01title\x1b[31m\n\nAbstract\x00with\x07bell\x08 and NUL.\n").encode()


def _raw_controls_jsonl() -> bytes:
    # raw (unescaped) control characters inside JSON strings: invalid strict JSON
    return b'{"id": "raw-ctrl", "title": "Tab\tand\x01ctrl", "abstract": "Bell\x07 and escape\x1b."}\n'


def _number_list_abstract() -> bytes:
    """One 200 kB sentence of values "..., respectively": a list pattern that backtracks would
    take minutes on it (it did, before results.py bounded the list's reach)."""
    values = ", ".join(str(i) for i in range(30_000))
    abstract = f"FooNet gets a top-1 accuracy of {values} on CIFAR-10 and ImageNet, respectively."
    return _jsonl([{"id": "numbers", "title": "FooNet: a thing", "abstract": abstract}]).encode()


def _many_names_abstract() -> bytes:
    """A 200 kB abstract naming 25,000 datasets: merging the model's spans with the gazetteer's
    scanned every mention for every model span, and took over 150 s on it (now a few)."""
    names = ", ".join(["CIFAR-10", "ImageNet", "MNIST", "COCO"] * 6_250)
    return _jsonl([{"id": "names", "title": "FooNet: a thing", "abstract": f"We test on {names}."}]).encode()


def _many_acronyms_abstract() -> bytes:
    """A 200 kB abstract defining 5,000 acronyms: finding each definition read all the text
    before it, and each acronym's uses and aliases were matched against every mention (83 s)."""
    abstract = " ".join(f"We use Alpha Beta Gamma Net{i} (ABGN{i})." for i in range(5_000))
    return _jsonl([{"id": "acronyms", "title": "FooNet: a thing", "abstract": abstract}]).encode()


def _long_abstract() -> bytes:
    words = ["gradient", "flow", "network", "transformer", "dataset", "accuracy", "benchmark", "ImageNet"]
    rng = random.Random(3)
    parts: list[str] = []
    size = 0
    while size < 10 * 1024 * 1024:
        w = rng.choice(words)
        parts.append(w)
        size += len(w) + 1
    return _jsonl([{"id": "long-1", "title": "A very long abstract", "abstract": " ".join(parts)}]).encode()


def _long_listing_line() -> bytes:
    return (LISTING_HEAD + "Title\n\n" + "x" * (10 * 1024 * 1024) + "\n").encode()


def _million_lines() -> bytes:
    # one million lines: a few papers separated by huge runs of blank / whitespace lines
    pairs = _good_pairs(4)
    blank = "\n" * 249_990
    out = LISTING_HEAD
    for t, a in pairs:
        out += f"{t}\n \n{a}\n" + blank
    return out.encode()


def _million_line_field() -> bytes:
    # a CSV whose one quoted abstract spans a million lines
    body = "\n".join("w" if i % 10 else "We use BERT." for i in range(1_000_000))
    return f'id,title,abstract\nm1,"A million-line abstract","{body}"\n'.encode()


def _wrong_types() -> bytes:
    return _jsonl([{"id": "ok-1", "title": "Fine", "abstract": "Fine."},
                   {"id": "bad", "title": ["a", "list"], "abstract": "x"}]).encode()


def _dict_abstract() -> bytes:
    return _jsonl([{"id": "bad", "title": "T", "abstract": {"nested": True}}]).encode()


def _numeric_fields() -> bytes:
    return _jsonl([
        {"id": 12345, "title": 3.14, "abstract": 1e308, "url": 7, "date": 2020, "authors": [1, None, "A. B."]},
        {"id": 2, "title": True and "Boolean-free title", "abstract": "x", "categories": [1, 2], "doi": 10.1},
    ]).encode()


def _bool_field() -> bytes:
    return _jsonl([{"id": "b", "title": True, "abstract": "x"}]).encode()


def _missing_and_extra() -> bytes:
    return _jsonl([
        {"title": "Only a title: SimNet"},
        {"abstract": "Only an abstract about ResNet on ImageNet."},
        {"id": "extra", "title": "Extra fields", "abstract": "A.", "x": {"deep": [1, 2, {"z": None}]},
         "TITLE": "dup key case", "": "empty key", "authors_parsed": "not a list", "versions": [1, 2]},
        {"id": None, "title": "Null id", "abstract": None, "url": None, "authors": None},
    ]).encode()


def _neither() -> bytes:
    return _jsonl([{"id": "x", "title": "", "abstract": "   "}]).encode()


def _not_objects() -> bytes:
    return b'{"id": "1", "title": "T", "abstract": "A"}\n[1, 2, 3]\n"a string"\n'


def _duplicates() -> bytes:
    return _jsonl([
        {"id": "dup", "title": "First version", "abstract": "We use BERT on SQuAD."},
        {"id": "dup", "title": "Second, different version", "abstract": "We use GPT-2 on WikiText."},
        {"id": "dup", "title": "First version", "abstract": "We use BERT on SQuAD."},
        {"id": "DUP", "title": "Case-different id", "abstract": "A."},
    ]).encode()


def _malformed_json() -> bytes:
    return b'{"id": "1", "title": "T", "abstract": "A"}\n{"id": "2", "title": \n'


def _deep_nesting() -> bytes:
    return b'{"id": "deep", "title": "T", "abstract": "A", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"


def _huge_int() -> bytes:
    return b'{"id": ' + b"9" * 10_000 + b', "title": "Huge int id", "abstract": "A."}\n'


def _nan_inf() -> bytes:
    return b'{"id": NaN, "title": Infinity, "abstract": -Infinity}\n{"id": "n2", "title": 1e999, "abstract": "x"}\n'


def _surrogates() -> bytes:
    # JSON escapes for lone surrogates decode to str that UTF-8 cannot encode
    return (b'{"id": "sur\\ud800", "title": "Lone \\udc00 surrogate", '
            b'"abstract": "High \\ud83d alone, pair \\ud83d\\ude00 fine.", "url": "https://x.org/\\udfff"}\n')


_SCRIPTS = [
    "<script>alert('title')</script>",
    "</script><img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "<!-- comment --> ]]> <![CDATA[ x ]]>",
    "{{constructor.constructor('alert(3)')()}}",
    "'; DROP TABLE papers; --",
    "\u2028\u2029 line separators",
]


def _html_titles() -> bytes:
    recs = [
        {"id": f"x{i}", "title": f"{s} A Study of BERT", "abstract": f"We use BERT on SQuAD. {s}",
         "authors": [s], "categories": [s]}
        for i, s in enumerate(_SCRIPTS)
    ]
    return _jsonl(recs).encode()


_IRI_CHARS = '<>"{}|\\^` %#/?&=;@!$\'()*+,[]'


def _iri_breaking() -> bytes:
    recs = [
        {"id": f"id{_IRI_CHARS}1", "title": f"Title {_IRI_CHARS} Net", "abstract": f"We propose {_IRI_CHARS}Net.",
         "url": "https://example.org/a b/<c>/{d}|e\\f^g`h\"i", "doi": f"10.1000/{_IRI_CHARS}"},
        {"id": "  spaced id  ", "title": "IDs with spaces", "abstract": "A.",
         "url": "https://exa mple.org/x"},
        {"id": "../../etc/passwd", "title": "Path traversal id", "abstract": "A.", "url": "file:///etc/passwd"},
        {"id": "_:blank", "title": "Blank-node-looking id", "abstract": "A.", "url": "urn:isbn:123"},
        {"id": "%00%2F%zz", "title": "Percent id", "abstract": "A.", "url": "https://x.org/%zz%"},
        {"id": "arxiv:2101.00001 <x>", "title": "Arxiv-ish", "abstract": "A.", "doi": "10.1/a b<c>"},
    ]
    return _jsonl(recs).encode()


def _iri_csv() -> bytes:
    return ('id,title,abstract,url\n'
            f'"c{_IRI_CHARS.replace(chr(34), chr(34) * 2)}","CSV {_IRI_CHARS.replace(chr(34), chr(34) * 2)}",'
            '"We use BERT.","https://github.com/a b/c d"\n').encode()


def _rtl_emoji() -> bytes:
    recs = [
        {"id": "rtl-1", "title": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 BERT \u202eevil\u202c",
         "abstract": "\u0646\u0633\u062a\u062e\u062f\u0645 BERT \u0639\u0644\u0649 SQuAD. \u200f\u200e\u2066x\u2069"},
        {"id": "emoji-\U0001f600", "title": "\U0001f468\u200d\U0001f469\u200d\U0001f467 Family \U0001f680 Net",
         "abstract": "We propose \U0001f525Net on ImageNet \U0001f1fa\U0001f1f8. e\u0301\u0301\u0301 Zalgo "
                     + "a" + "\u0336" * 50,
         "authors": ["\u674e\u534e", "M\u00fcller"]},
        {"id": "astral", "title": "\U00010348\U0001d11e\U0010fffd", "abstract": "\U000e0041 tag chars \ufdd0"},
    ]
    return _jsonl(recs).encode()


def _long_urls() -> bytes:
    long_path = "/".join("seg" + str(i) for i in range(20_000))
    recs = [
        {"id": "lu1", "title": "Long URL in the abstract",
         "abstract": f"Code: https://github.com/org/repo/{long_path} and https://x.org/{'a' * 300_000}.",
         "url": f"https://example.org/{'b' * 500_000}"},
        {"id": "lu2", "title": "Long host", "abstract": f"See https://{'a' * 70}.{'b' * 300}.com/x",
         "url": "https://" + "c." * 5000 + "com/"},
    ]
    return _jsonl(recs).encode()


def _credentials() -> bytes:
    t, u, p = SECRETS
    recs = [
        {"id": "cred-1", "title": "Credentials in links",
         "abstract": f"Code: https://user:{t}@github.com/org/repo. Mirror: http://{u}@gitlab.com/a/b.git "
                     f"and ftp://anon:{p}@ftp.example.org/pub/data.",
         "url": f"https://{u}:{t}@github.com/org/repo"},
        {"id": "cred-2", "title": f"Title with https://x:{p}@example.org/page link",
         "abstract": f"Bare github.com/org/r and https://{t}@huggingface.co/m/n ok.",
         "url": f"HTTPS://{u}:{p}@EXAMPLE.org:8443/x?y=1#z"},
        {"id": "cred-3", "title": "Encoded credentials", "abstract": "A.",
         "url": f"https://{u}%40corp:{t}%3A@github.com/a/b"},
    ]
    return _jsonl(recs).encode()


def _credentials_listing() -> bytes:
    t, u, _ = SECRETS
    return _listing([("Credentials in a listing", f"Code at https://{u}:{t}@github.com/org/repo."),
                     ("Second", "Nothing here.")]).encode()


def _scheme_urls() -> bytes:
    recs = [
        {"id": "js-1", "title": "javascript: links", "abstract": "See javascript:alert(1) and JAVASCRIPT:alert(2).",
         "url": "javascript:alert(document.cookie)"},
        {"id": "js-2", "title": "Obfuscated", "abstract": "A.", "url": " JaVa\tScRiPt:alert(1)"},
        {"id": "data-1", "title": "data: links", "abstract": "data:text/html,<script>alert(1)</script>",
         "url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="},
        {"id": "vb-1", "title": "Other schemes", "abstract": "A.", "url": "vbscript:msgbox(1)"},
    ]
    return _jsonl(recs).encode()


def _csv_bad() -> bytes:
    return b'id,title,abstract\n1,"unterminated,quote\n2,ok,ok\x00nul\n'


def _csv_no_header() -> bytes:
    return b"a,b,c\n1,2,3\n"


def _listing_no_abstract() -> bytes:
    return (LISTING_HEAD + "A title without abstract\n").encode()


_ATOM_HEAD = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'


def _atom(entries: str) -> Callable[[], bytes]:
    return lambda: (_ATOM_HEAD + entries + "</feed>\n").encode()


def _atom_entries() -> str:
    return "".join(
        f"<entry><id>http://arxiv.org/abs/2401.0000{i}v1</id><title>{_xml_escape(t)}</title>"
        f"<summary>{_xml_escape(a)}</summary><author><name>A. Author</name></author></entry>\n"
        for i, (t, a) in enumerate(_good_pairs())
    )


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE feed [{entities}]>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            "<entry><title>&lol9;</title><summary>&lol9;</summary></entry></feed>\n").encode()


def _external_entity() -> bytes:
    return (b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>\n')


def _deep_xml() -> bytes:
    return (_ATOM_HEAD + "<entry>" + "<x>" * 200_000 + "</x>" * 200_000 + "</entry></feed>").encode()


def _huge_atom_entry() -> bytes:
    summary = "word " * 4_000_000
    return (_ATOM_HEAD + f"<entry><title>T</title><summary>{summary}</summary></entry></feed>").encode()


def _openalex(index: object) -> Callable[[], bytes]:
    work = {"id": "https://openalex.org/W1", "title": "Absurd positions", "abstract_inverted_index": index}
    return lambda: (json.dumps({"meta": {"count": 1}, "results": [work]}) + "\n").encode()


def _openalex_many_positions() -> bytes:
    """A small file whose inverted index lists a million positions for one word."""
    work = {"id": "https://openalex.org/W2", "title": "T", "abstract_inverted_index": {"w": list(range(1_000_000))}}
    return (json.dumps(work) + "\n").encode()


def _inverted(text: str) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        index.setdefault(word, []).append(position)
    return index


def _openalex_good() -> bytes:
    works = [
        {"id": f"https://openalex.org/W{i}", "title": t, "publication_year": 2024,
         "authorships": [{"author": {"display_name": "A. Author"}}], "abstract_inverted_index": _inverted(a)}
        for i, (t, a) in enumerate(_good_pairs())
    ]
    return json.dumps({"meta": {"count": len(works)}, "results": works}, indent=1).encode()


def _semantic_scholar_good() -> bytes:
    papers = [{"paperId": f"s2-{i}", "externalIds": {"DOI": f"10.1/{i}"}, "title": t, "abstract": a,
               "authors": [{"name": "A. Author"}], "s2FieldsOfStudy": [{"category": "Computer Science"}]}
              for i, (t, a) in enumerate(_good_pairs())]
    return json.dumps({"total": len(papers), "data": papers}).encode()


def _semantic_scholar_wrong_types() -> bytes:
    return json.dumps({"data": [{"paperId": "x", "title": {"text": "T"}, "abstract": ["A"], "authors": "n"}]}).encode()


def _two_record_lists() -> bytes:
    record = {"title": "T", "abstract": "We use BERT."}
    return json.dumps({"papers": [record], "references": [record]}, indent=2).encode()


CASES: list[Case] = [
    Case("empty-txt", "empty.txt", lambda: b"", "refuse"),
    Case("empty-jsonl", "empty.jsonl", lambda: b"", "refuse"),
    Case("empty-csv", "empty.csv", lambda: b"", "refuse"),
    Case("whitespace-txt", "ws.txt", _utf8(" \n\t\n\r\n   \n\u00a0\u3000\n"), "refuse"),
    Case("whitespace-jsonl", "ws.jsonl", _utf8("\n\n   \n\t\n"), "refuse"),
    Case("binary", "garbage.txt", _binary, "refuse"),
    Case("binary-noext", "garbage.bin", _binary, "refuse"),
    Case("invalid-utf8", "latin.txt", _high_bytes, "refuse"),
    Case("utf16-bom", "utf16.txt", _utf16(True), "ok"),
    Case("utf16-le-nobom", "utf16le.txt", _utf16(False, "le"), "ok"),
    Case("utf16-be-nobom", "utf16be.txt", _utf16(False, "be"), "ok"),
    Case("utf16-jsonl", "u16.jsonl", lambda: _jsonl([{"id": "u", "title": "UTF-16 JSON", "abstract": "We use BERT."}]
                                                     ).encode("utf-16"), "ok"),
    Case("utf8-bom-jsonl", "bom.jsonl", lambda: codecs.BOM_UTF8 + _jsonl(
        [{"id": "b", "title": "BOM", "abstract": "We use BERT."}]).encode(), "ok"),
    Case("utf8-bom-csv", "bom.csv", lambda: codecs.BOM_UTF8 + b"id,title,abstract\n1,BOM CSV,We use BERT.\n", "ok"),
    Case("utf8-bom-txt", "bom.txt", lambda: codecs.BOM_UTF8 + _listing(_good_pairs()).encode(), "ok"),
    Case("crlf", "crlf.txt", lambda: _listing(_good_pairs(), "\r\n").encode(), "ok"),
    Case("lone-cr", "cr.txt", lambda: _listing(_good_pairs(), "\r").encode(), "ok"),
    Case("crlf-jsonl", "crlf.jsonl", lambda: _jsonl([{"id": "c", "title": "T", "abstract": "A"}] * 2
                                                     ).replace("\n", "\r\n").encode(), "ok"),
    Case("control-escapes", "ctrl.jsonl", _controls, "ok"),
    Case("raw-controls-listing", "rawctrl.txt", _raw_controls_listing, "either"),
    Case("raw-controls-jsonl", "rawctrl.jsonl", _raw_controls_jsonl, "either"),
    Case("wrong-type-list", "wrong.jsonl", _wrong_types, "refuse"),
    Case("wrong-type-dict", "wrongdict.jsonl", _dict_abstract, "refuse"),
    Case("wrong-type-bool", "bool.jsonl", _bool_field, "refuse"),
    Case("numeric-fields", "numeric.jsonl", _numeric_fields, "ok"),
    Case("missing-extra-fields", "fields.jsonl", _missing_and_extra, "ok"),
    Case("neither-title-nor-abstract", "neither.jsonl", _neither, "refuse"),
    Case("not-objects", "notobj.jsonl", _not_objects, "refuse"),
    Case("duplicate-ids", "dups.jsonl", _duplicates, "ok"),
    Case("malformed-json", "bad.jsonl", _malformed_json, "refuse"),
    Case("deep-nesting", "deep.jsonl", _deep_nesting, "refuse"),
    Case("huge-int", "hugeint.jsonl", _huge_int, "either"),
    Case("nan-infinity", "nan.jsonl", _nan_inf, "either"),
    Case("lone-surrogates", "sur.jsonl", _surrogates, "ok"),
    Case("html-script-titles", "xss.jsonl", _html_titles, "ok"),
    Case("iri-breaking", "iri.jsonl", _iri_breaking, "ok",
         forbidden=("<file:", "<javascript:", "<data:")),
    Case("iri-breaking-csv", "iri.csv", _iri_csv, "ok"),
    Case("rtl-emoji", "rtl.jsonl", _rtl_emoji, "ok"),
    Case("long-urls", "longurl.jsonl", _long_urls, "ok"),
    Case("credentials", "cred.jsonl", _credentials, "ok", secrets=SECRETS),
    Case("credentials-listing", "cred.txt", _credentials_listing, "ok", secrets=SECRETS),
    Case("javascript-data-urls", "js.jsonl", _scheme_urls, "ok",
         forbidden=("<javascript:", "<data:", "<vbscript:", "javascript:alert(document")),
    Case("csv-malformed", "bad.csv", _csv_bad, "either"),
    Case("csv-no-header", "nohead.csv", _csv_no_header, "refuse"),
    Case("listing-title-without-abstract", "orphan.txt", _listing_no_abstract, "refuse"),
    Case("atom-feed", "feed.atom", _atom(_atom_entries()), "ok"),
    Case("atom-malformed", "bad.xml", _atom("<entry><title>T</title>"), "refuse"),
    Case("atom-billion-laughs", "lol.xml", _billion_laughs, "refuse"),
    Case("atom-external-entity", "xxe.xml", _external_entity, "refuse"),
    Case("atom-deep-nesting", "deep.xml", _deep_xml, "refuse"),
    Case("xml-not-atom", "rss.xml", lambda: b'<rss version="2.0"><channel><title>T</title></channel></rss>', "refuse"),
    Case("openalex-page", "openalex.json", _openalex_good, "ok"),
    Case("openalex-absurd-position", "absurd.json", _openalex({"We": [0], "far": [10**12]}), "refuse"),
    Case("openalex-negative-position", "negative.json", _openalex({"We": [-5]}), "refuse"),
    Case("openalex-position-types", "postypes.json", _openalex({"We": [0.5, "1", None, True]}), "refuse"),
    Case("openalex-million-positions", "many.jsonl", _openalex_many_positions, "refuse"),
    Case("semantic-scholar-page", "s2.json", _semantic_scholar_good, "ok"),
    Case("semantic-scholar-wrong-types", "s2bad.json", _semantic_scholar_wrong_types, "refuse"),
    Case("json-two-record-lists", "two.json", _two_record_lists, "refuse"),
    Case("long-abstract-10mb", "long.jsonl", _long_abstract, "ok", heavy=True),
    Case("atom-entry-20mb", "huge.atom", _huge_atom_entry, "refuse", heavy=True),
    Case("long-listing-line-10mb", "longline.txt", _long_listing_line, "ok", heavy=True),
    Case("million-lines", "million.txt", _million_lines, "ok", heavy=True),
    Case("million-line-csv-field", "million.csv", _million_line_field, "ok", heavy=True),
    Case("respectively-number-list", "numbers.jsonl", _number_list_abstract, "ok", heavy=True),
    Case("many-names", "names.jsonl", _many_names_abstract, "ok", heavy=True, model=True),
    Case("many-acronyms", "acronyms.jsonl", _many_acronyms_abstract, "ok", heavy=True, model=True),
]


_DATASETS = ("ImageNet", "CIFAR-10", "CIFAR-100", "MS COCO", "SQuAD", "GLUE", "KITTI", "Cora", "MNIST", "WikiText-103")
_METRICS = ("top-1 accuracy", "F1 score", "BLEU", "FID", "mean average precision", "perplexity")
_TASKS = ("image classification", "question answering", "object detection", "machine translation",
          "link prediction", "language modeling")
_SENTENCES = (
    "We propose {m}, a {kind} for {t}.",
    "{m} is evaluated on the {d1} and {d2} datasets in terms of {x}.",
    "It reaches {v}% {x} on {d1}, improving over strong baselines.",
    "Experiments on {d2} show that {m} scales to large models.",
    "Code is available at https://github.com/lab{i}/{slug}.",
    "Unlike prior work on {t}, our approach needs no labels.",
)


def make_corpus(n: int, seed: int = 0) -> bytes:
    """`n` synthetic JSONL papers (deterministic for a seed), for crash and load tests."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = "".join(rng.choice(["Ar", "Bel", "Cor", "Da", "El", "Fa", "Gen", "Hy", "Lu", "Mo"]) for _ in range(2))
        name += rng.choice(["Net", "Former", "GAN", "-v2", "Flow", "BERT"])
        d1, d2 = rng.sample(_DATASETS, 2)
        fields = {"m": name, "kind": rng.choice(["method", "model", "framework"]), "t": rng.choice(_TASKS),
                  "d1": d1, "d2": d2, "x": rng.choice(_METRICS), "v": f"{rng.uniform(50, 99):.1f}",
                  "i": i, "slug": name.lower()}
        abstract = " ".join(s.format(**fields) for s in rng.sample(_SENTENCES, 4))
        out.append({"id": f"synth-{seed}-{i}", "title": f"{name}: {fields['t'].capitalize()} with {d1}",
                    "abstract": abstract, "date": f"2024-{1 + i % 12:02d}-01"})
    return _jsonl(out).encode()


def make_inputs(directory: str | Path, heavy: bool = False, names: list[str] | None = None) -> dict[str, Path]:
    """Write the cases into ``directory/<case>/<file>``; return {case name: path}."""
    directory = Path(directory)
    out = {}
    for case in CASES:
        if (case.heavy and not heavy) or (names is not None and case.name not in names):
            continue
        out[case.name] = case.write(directory)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--heavy", action="store_true", help="also the 10 MB and 1M-line cases")
    args = parser.parse_args(argv)
    for name, path in make_inputs(args.directory, heavy=args.heavy).items():
        print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
