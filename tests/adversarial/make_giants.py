"""Generate giant hostile inputs (hundreds of MB once expanded) a chunk at a time, so that
making them holds no more than 1 MB in memory; gzip ones stay under 1 MB on disk.

    python tests/adversarial/make_giants.py /tmp/giants            # every case, 400 MB each
    python tests/adversarial/make_giants.py /tmp/giants --mb 40 --only json-document

Each `Giant` is one file: a good record and one giant field, line or document; `expect`
says what `kg build` must do with default limits (``ok``: build the good record and warn
about the giant one; ``refuse``: one-line error) and `key` which limit it passes.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["GIANTS", "GOOD_TITLE", "Giant", "write_giant"]

MB = 1 << 20
GOOD_TITLE = "LoRA: Low-Rank Adaptation of Large Language Models"
_GOOD = {
    "id": "good-1",
    "title": GOOD_TITLE,
    "abstract": "We propose LoRA and evaluate it on GLUE in terms of accuracy. Code: https://github.com/microsoft/LoRA.",
}
_GOOD_JSON = (
    '{"id": "good-1", "title": "' + _GOOD["title"] + '", "abstract": "' + _GOOD["abstract"] + '"}'
)
_LISTING_HEAD = "new\n\nDaily Papers\n\nMar 20\n\n"


def _run(fh: IO[bytes], size: int, byte: bytes = b"a") -> None:
    """`size` bytes of `byte`, a megabyte at a time."""
    chunk = byte * MB
    for _ in range(size // MB):
        fh.write(chunk)
    fh.write(byte * (size % MB))


def _json_field(fh: IO[bytes], size: int) -> None:
    fh.write(_GOOD_JSON.encode() + b'\n{"id": "giant", "title": "')
    _run(fh, size)
    fh.write(b'", "abstract": "x"}\n')


def _text_line(fh: IO[bytes], size: int) -> None:
    fh.write(f"{_LISTING_HEAD}{_GOOD['title']}\n\n{_GOOD['abstract']}\n\nA giant paper\n\n".encode())
    _run(fh, size)
    fh.write(b"\n")


def _json_document(fh: IO[bytes], size: int) -> None:
    fh.write(b"[" + _GOOD_JSON.encode() + b', {"id": "giant", "title": "t", "abstract": "')
    _run(fh, size)
    fh.write(b'"}]\n')


def _json_object(fh: IO[bytes], size: int) -> None:
    # a pretty-printed object document: one record of one giant field
    fh.write(b'{\n  "id": "giant",\n  "title": "t",\n  "abstract": "')
    _run(fh, size)
    fh.write(b'"\n}\n')


def _csv_field(fh: IO[bytes], size: int) -> None:
    fh.write(f'id,title,abstract\ngood-1,"{_GOOD["title"]}","{_GOOD["abstract"]}"\ngiant,t,"'.encode())
    _run(fh, size)
    fh.write(b'"\n')


@dataclass(frozen=True)
class Giant:
    """One giant input: file name, writer, compressed or not, expected outcome, limit passed."""

    name: str
    filename: str
    write: Callable[[IO[bytes], int], None]
    expect: str  # "ok" | "refuse"
    key: str  # the limit it passes
    args: tuple[str, ...] = ()  # extra `kg build` arguments
    stdin: bool = False  # fed on standard input as "-"

    @property
    def gzip(self) -> bool:
        return self.filename.endswith(".gz")


GIANTS: list[Giant] = [
    Giant("gz-json-field", "giant.jsonl.gz", _json_field, "refuse", "ratio"),
    Giant("gz-text-line", "giant.txt.gz", _text_line, "refuse", "ratio"),
    Giant("gz-json-field-no-ratio", "giant.jsonl.gz", _json_field, "ok", "line", ("--limits", "ratio=0")),
    Giant("gz-text-line-no-ratio", "giant.txt.gz", _text_line, "ok", "line", ("--limits", "ratio=0")),
    Giant("gz-expanded", "giant.jsonl.gz", _json_field, "refuse", "expanded", ("--limits", "ratio=0,expanded=100M")),
    Giant("json-document", "giant.json", _json_document, "ok", "record"),
    Giant("json-object", "giant.json", _json_object, "refuse", "record"),
    Giant("jsonl-line", "giant.jsonl", _json_field, "ok", "line"),
    Giant("listing-line", "giant.txt", _text_line, "ok", "line"),
    Giant("csv-line", "giant.csv", _csv_field, "ok", "line"),
    Giant("stdin-line", "giant.jsonl", _json_field, "ok", "line", stdin=True),
]


def write_giant(giant: Giant, directory: Path, size: int = 400 * MB) -> Path:
    """Write `giant` with a giant part of `size` bytes into `directory`; return its path."""
    path = directory / giant.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if giant.gzip else open
    with opener(path, "wb") as fh:  # type: ignore[operator]
        giant.write(fh, size)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--mb", type=int, default=400, help="size of the giant part in MB")
    parser.add_argument("--only", nargs="*", help="case names")
    args = parser.parse_args(argv)
    for giant in GIANTS:
        if args.only and giant.name not in args.only:
            continue
        path = write_giant(giant, args.directory / giant.name, args.mb * MB)
        print(f"{giant.name}\t{path}\t{path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
