"""Reading untrusted text files: encoding detection, line iteration, text cleaning."""

from __future__ import annotations

import codecs
import io
import re
import sys
import unicodedata
import zlib
from pathlib import Path
from typing import IO

from kg.errors import InputError
from kg.ingest.bounded import open_gzip
from kg.ingest.limits import DEFAULT_LIMITS, Limits
from kg.ingest.tex import decode_tex

__all__ = [
    "clean_text",
    "display_name",
    "open_text",
    "redact_credentials",
    "unwrap_lines",
    "web_url",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# scheme://userinfo@ -- the userinfo runs to the last "@" before the path (as urlsplit reads it)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,31}://)[^\s/?#@]*(?:@[^\s/?#@]*)*@")
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_WEB_SCHEMES = frozenset({"http", "https", "ftp"})
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")
_LINK = re.compile(r"(?:[a-z][a-z0-9+.\-]*://|www\.|[\w\-]+(?:\.[\w\-]+)+/)\S*", re.IGNORECASE)
_PATH_CHAR = re.compile(r"[/._\-~%=&?#0-9]")
_COORDINATION = re.compile(r"(?:and|or)\s")  # "pre-<break>and post-training" keeps its space
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def display_name(path: Path | str) -> str:
    """How a file is named in messages and in a paper's sources."""
    return "<stdin>" if str(path) == "-" else str(path)


def redact_credentials(text: str) -> str:
    """`text` with the user name and password of every ``scheme://user:pass@host`` dropped.

    Credentials pasted into an abstract or a URL field must not reach any output.

    >>> redact_credentials("Code: https://me:ghp_x@github.com/a/b and ftp://u@h.org/f")
    'Code: https://github.com/a/b and ftp://h.org/f'
    """
    return _USERINFO.sub(r"\1", text) if "@" in text else text


def web_url(url: str | None) -> str | None:
    """`url` when it is a web link (http, https, ftp or no scheme), else None.

    ``javascript:``, ``data:``, ``file:`` and other schemes are dropped, however spelled.

    >>> web_url("https://arxiv.org/abs/2101.00001"), web_url(" JaVa script:alert(1)")
    ('https://arxiv.org/abs/2101.00001', None)
    """
    if not url:
        return None
    m = _URL_SCHEME.match(_SPACES.sub("", url))
    if m and m.group(1).lower() not in _WEB_SCHEMES:
        return None
    return url


def unwrap_lines(text: str) -> str:
    """`text` on one line: a word or link wrapped after a hyphen is joined without a space (the
    hyphen is real: wrapping happens at spaces and after hyphens), a link whose path goes on
    after the break is joined, other line breaks become spaces.

    >>> unwrap_lines("Newton-\\nSparse pre-\\r\\ntraining, pre-\\nand post-hoc")
    'Newton-Sparse pre-training, pre- and post-hoc'
    >>> unwrap_lines("at https://github.com/a/b\\n/c and https://github.com/a/deep-\\nnet.\\nNext")
    'at https://github.com/a/b/c and https://github.com/a/deep-net. Next'
    """
    if "\n" not in text and "\r" not in text:
        return text
    lines = _LINE_BREAK.split(text)
    out = [lines[0]]
    tail, link = _last_word(lines[0])
    for line in lines[1:]:
        joined = _wrapped(tail, link, line)
        out += ["" if joined else " ", line]
        if joined and line and not any(c.isspace() for c in line):  # the word or link goes on
            tail, link = (tail + line)[-2:], link or bool(_LINK.search(line))
        else:
            tail, link = _last_word(line)
    return "".join(out)


def _last_word(line: str) -> tuple[str, bool]:
    """The last two characters of the last word of `line`, and whether that word holds a link."""
    word = line.rsplit(None, 1)[-1] if line.strip() else ""
    return word[-2:], bool(_LINK.search(word))


def _wrapped(tail: str, link: bool, line: str) -> bool:
    """True when `line` continues the word that ended the previous line: `tail` is its last two
    characters, `link` says whether it holds a link."""
    if not line:
        return False
    if len(tail) == 2 and tail[1] == "-" and (tail[0].isalnum() or tail[0] == "_"):
        return (line[0].isalnum() or line[0] == "_") and not _COORDINATION.match(line)
    if not link:
        return False
    rest = line.split(None, 1)[0].rstrip(".,;:!?)")
    return bool(rest) and (rest[0] in "/?#&=~%" or (tail.endswith("/") and bool(_PATH_CHAR.search(rest))))


def clean_text(text: object) -> str:
    """One line of plain text: line-wrapped words and links joined (`unwrap_lines`), control
    characters dropped, whitespace collapsed, TeX accents and ties decoded (``Fr\\'echet``,
    ``Fig.~2``), NFC, lone surrogates replaced by U+FFFD, credentials in URLs dropped.

    >>> clean_text("  A\\x00 title\\r\\n with\\tspaces ")
    'A title with spaces'
    """
    if text is None:
        return ""
    s = str(text)
    if _SURROGATE.search(s):
        s = _SURROGATE.sub("\ufffd", s)
    s = unicodedata.normalize("NFC", decode_tex(redact_credentials(s)))  # TeX ties (~) may split a userinfo
    s = _CONTROL.sub(" ", unwrap_lines(s))
    return redact_credentials(_SPACES.sub(" ", s).strip())


def _detect_encoding(head: bytes, name: str) -> str:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        raise InputError(
            f"{name}: looks like a binary file, not text; pass a .txt listing, JSON/JSONL, CSV or an Atom feed"
        )
    return "utf-8"


def open_text(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> IO[str]:
    """Open a text file (or `-` for stdin, or a `.gz` file expanding within `limits`) with
    its encoding detected."""
    name = display_name(path)
    try:
        if str(path) == "-":
            raw: IO[bytes] = sys.stdin.buffer
        elif str(path).endswith(".gz"):
            raw = open_gzip(path, name, limits)
        else:
            raw = Path(path).open("rb")  # noqa: SIM115 - closed by the caller through the wrapper
    except FileNotFoundError:
        raise InputError(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory where a file was expected") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror}); check permissions") from None
    buffered = io.BufferedReader(raw) if not hasattr(raw, "peek") else raw  # type: ignore[type-var]
    try:
        head = buffered.peek(4096)[:4096]  # type: ignore[attr-defined]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{name}: cannot read ({exc}); is it a valid file?") from None
    encoding = _detect_encoding(head, name)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline=None)
