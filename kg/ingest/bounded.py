"""Reading input in bounded pieces: lines past a limit are skipped while reading, and a
compressed file stops when it expands past its limits.

>>> import io
>>> src = Source(io.StringIO("short\\n" + "x" * 50 + "\\nlast"), "f.txt")
>>> list(src.lines(10))
[(1, 'short'), (2, None), (3, 'last')]
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.limits import RATIO_FLOOR, Limits

__all__ = ["CHUNK", "Source", "open_gzip"]

CHUNK = 1 << 20  # characters read at a time where no line is wanted


class Source:
    """A text stream read in pieces of bounded size, with push-back; read errors become
    one-line `InputError`s naming the line."""

    def __init__(self, fh: IO[str], name: str) -> None:
        self.fh = fh
        self.name = name
        self.line = 1  # the line being read, for messages
        self._back = ""

    def _io(self, read: Callable[[], str]) -> str:
        try:
            return read()
        except UnicodeDecodeError:
            raise InputError(
                f"{self.name}:{self.line}: bytes that are not valid UTF-8; re-save the file as UTF-8"
            ) from None
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{self.name}:{self.line}: cannot read ({exc}); is it a valid file?") from None

    def read(self, size: int = CHUNK) -> str:
        """Up to `size` characters; "" at the end."""
        if self._back:
            piece, self._back = self._back[:size], self._back[size:]
            return piece
        return self._io(lambda: self.fh.read(size))

    def readline(self, size: int = -1) -> str:
        """One line with its newline, or its first `size` characters (-1: no limit); "" at the end."""
        if not self._back:
            return self._io(lambda: self.fh.readline(size))
        stop = len(self._back) if size < 0 else min(size, len(self._back))
        end = self._back.find("\n", 0, stop)
        end = stop if end < 0 else end + 1
        piece, self._back = self._back[:end], self._back[end:]
        if piece.endswith("\n") or len(piece) == size:
            return piece
        return piece + self.readline(size - len(piece) if size >= 0 else -1)

    def unread(self, text: str) -> None:
        """Push `text` back: the next read starts with it."""
        self._back = text + self._back

    def lines(self, limit: int, keepends: bool = False) -> Iterator[tuple[int, str | None]]:
        """(line number, line) for each line; None for a line longer than `limit` characters
        (0: no limit), which is read in pieces and dropped, never held whole."""
        number = 0
        while True:
            number += 1
            self.line = number
            line = self.readline(limit + 1 if limit else -1)
            if not line:
                return
            if line.endswith("\n"):
                yield number, line if keepends else line[:-1]
            elif limit and len(line) > limit:
                line = ""
                while True:
                    rest = self.readline(CHUNK)
                    if not rest or rest.endswith("\n"):
                        break
                yield number, None
            else:
                yield number, line


class _Expanding(io.RawIOBase):
    """The decompressed bytes of a gzip file, counted against `Limits.expanded` and `ratio`."""

    def __init__(self, path: Path | str, name: str, limits: Limits) -> None:
        self._file = Path(path).open("rb")  # noqa: SIM115 - closed in close()
        self._gz = gzip.GzipFile(fileobj=self._file, mode="rb")
        self._name = name
        self._limits = limits
        self.expanded = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._gz.readinto(buffer)
        self.expanded += n
        limits = self._limits
        if limits.expanded and self.expanded > limits.expanded:
            raise InputError(
                f"{self._name}: expands to more than {limits.expanded} bytes ({limits.option('expanded')}); "
                "raise it with --limits expanded=N if the file is genuine"
            )
        if limits.ratio and self.expanded > RATIO_FLOOR and self.expanded > limits.ratio * self._file.tell():
            raise InputError(
                f"{self._name}: expands to more than {limits.ratio} times its compressed size "
                f"({limits.option('ratio')}): a compression bomb? raise it with --limits ratio=N if the file is genuine"
            )
        return n

    def close(self) -> None:
        try:
            self._gz.close()
        finally:
            self._file.close()
            super().close()


def open_gzip(path: Path | str, name: str, limits: Limits) -> IO[bytes]:
    """A buffered reader of the decompressed content of `path`, bounded by `limits`."""
    return io.BufferedReader(_Expanding(path, name, limits), buffer_size=1 << 16)
