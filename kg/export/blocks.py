"""Files written as blocks, one per paper's star, so a later build copies the unchanged ones.

A streamed exporter (graph.json, GraphML) writes its items one star at a time
(`kg.tablegraph.TableGraph.stars`); `BlockFile` notes where each star's bytes went, in one
or more *sections* of the file (graph.json: its edges, then its nodes). Given the previous
file, its `BlockIndex` and the stars that changed since, the next build copies the bytes of
every other star (``os.copy_file_range``: in the kernel, no Python in between) and renders
only the changed ones: time in proportion to the change, not to the graph.

>>> import io
>>> index = BlockIndex(sections=1)
>>> index.stars
{}
"""

from __future__ import annotations

import errno
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kg.atomic import atomic_write
from kg.errors import KGError

__all__ = ["BlockFile", "BlockIndex", "Previous", "copy_range"]

# a star's block in one section: (offset, size, whether it starts with the item separator)
Block = tuple[int, int, bool]


@dataclass
class BlockIndex:
    """Where each star's block of each section is, and the order of the stars."""

    sections: int
    stars: dict[str, list[Block]] = field(default_factory=dict)
    extra: Any = None  # what the format needs of each star besides its bytes (GraphML: its data keys)
    extra_ids: Any = None  # ... and of the whole file

    def save(self, path: Path) -> None:
        with atomic_write(path, "wb", encoding=None) as fh:
            pickle.dump(self.__dict__, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> BlockIndex:
        with path.open("rb") as fh:
            return cls(**pickle.load(fh))


@dataclass
class Previous:
    """The last build's file, its index and the stars whose blocks changed since."""

    path: Path
    index: BlockIndex
    changed: set[str]

    def reusable(self, star: str, section: int) -> Block | None:
        """The block of `star` in `section` of the previous file when the star did not change."""
        blocks = None if star in self.changed else self.index.stars.get(star)
        return None if blocks is None else blocks[section]


class BlockFile:
    """A binary file written in order, in sections of items: `lead` before a section's first
    item, `separator` before each other. Each star's items make a block, copied from the
    previous file (`copy_star`) or rendered (`write_star`)."""

    def __init__(
        self, fh: BinaryIO, lead: bytes, separator: bytes, index: BlockIndex, previous: Previous | None = None
    ) -> None:
        self._fd = fh.fileno()
        self._pending = bytearray()
        self._offset = os.lseek(self._fd, 0, os.SEEK_CUR)
        self._lead, self._separator = lead, separator
        self.empty = True  # no item yet in the current section
        self._index = index
        self._source = previous.path.open("rb") if previous is not None else None
        self._copy: list[int] = []  # the copy not yet made: [source offset, size]

    def write(self, data: bytes) -> None:
        """Bytes outside the stars' blocks (what starts or ends a section)."""
        self._flush_copy()
        self._pending += data
        self._offset += len(data)
        if len(self._pending) >= 1 << 20:
            self._flush()

    def start_section(self, data: bytes) -> None:
        self.write(data)
        self.empty = True

    def write_star(self, star: str, section: int, items: Iterable[bytes]) -> None:
        """Render `star`'s items in `section`."""
        start, separated = self._offset, not self.empty
        for item in items:
            self.write(self._lead if self.empty else self._separator)
            self.write(item)
            self.empty = False
        self._note(star, section, (start, self._offset - start, separated))

    def copy_star(self, star: str, section: int, block: Block) -> None:
        """Copy `star`'s block of `section` from the previous file, with the lead or the
        separator its place here needs."""
        offset, size, separated = block
        start, now = self._offset, not self.empty
        if size:
            if separated != now:  # its first item's prefix differs here: write it, copy the rest
                skip = len(self._separator if separated else self._lead)
                self.write(self._separator if now else self._lead)
                offset, size = offset + skip, size - skip
            self._copy_range(offset, size)
            self.empty = False
        self._note(star, section, (start, self._offset - start, now))

    def stars(
        self, papers: Iterable[str], section: int, previous: Previous | None, render: Callable[[str], Iterable[bytes]]
    ) -> None:
        """Each paper's star in `section`: copied when `previous` has it unchanged, else `render`ed."""
        for pid in papers:
            block = previous.reusable(pid, section) if previous is not None else None
            if block is not None:
                self.copy_star(pid, section, block)
            else:
                self.write_star(pid, section, render(pid))

    def _note(self, star: str, section: int, block: Block) -> None:
        blocks = self._index.stars.setdefault(star, [(0, 0, False)] * self._index.sections)
        blocks[section] = block

    def _copy_range(self, offset: int, size: int) -> None:
        if self._copy and self._copy[0] + self._copy[1] == offset:
            self._copy[1] += size
        else:
            self._flush_copy()
            self._flush()
            self._copy = [offset, size]
        self._offset += size

    def _flush_copy(self) -> None:
        if not self._copy:
            return
        self._flush()
        assert self._source is not None
        offset, size = self._copy
        self._copy = []
        copy_range(self._source.fileno(), self._fd, offset, size)

    def _flush(self) -> None:
        _write_all(self._fd, self._pending)
        self._pending.clear()

    def close(self) -> None:
        self._flush_copy()
        self._flush()
        if self._source is not None:
            self._source.close()


def copy_range(src: int, dst: int, offset: int, count: int) -> None:
    """Append `count` bytes of file `src` from `offset` to file `dst` (descriptors): in the
    kernel (``copy_file_range``: four times faster than reading and writing them), or read and
    written where the file systems cannot."""
    end = offset + count
    kernel = True
    while offset < end:
        if kernel:
            try:
                done = os.copy_file_range(src, dst, end - offset, offset)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                    raise
                kernel = False
                continue
        else:
            data = os.pread(src, min(end - offset, 1 << 20), offset)
            _write_all(dst, data)
            done = len(data)
        if done == 0:
            raise KGError("a previous output is shorter than its block index says; build again with --force")
        offset += done


def _write_all(fd: int, data: bytes | bytearray) -> None:
    with memoryview(data) as view:
        done = 0
        while done < len(view):
            done += os.write(fd, view[done:])


def open_previous(path: Path, index_path: Path | None, changed: set[str] | None) -> Previous | None:
    """The previous file and index when both are readable (else None: write everything)."""
    if index_path is None or changed is None or not path.exists():
        return None
    try:
        return Previous(path, BlockIndex.load(index_path), changed)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        return None


def star_blocks(G: Any) -> bool:
    """Whether `G` is read star by star (a `kg.tablegraph.TableGraph`)."""
    return hasattr(G, "star")
