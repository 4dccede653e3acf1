"""Atomic file output: write to a temporary file beside the target, then rename.

A failed or killed write never leaves a half-written file and never destroys the
previous version.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(d / "a.txt") as f:
...     _ = f.write("hello")
>>> (d / "a.txt").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import KGError

__all__ = ["atomic_path", "atomic_write", "replace_path"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` atomically."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        Path(tmp).chmod(0o666 & ~_umask())
    except OSError as exc:
        raise KGError(
            f"cannot write to {target.parent}: {exc.strerror or exc}; "
            "choose a writable output directory with -o"
        ) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with tmp_path.open("rb+") as fh:
            os.fsync(fh.fileno())
        tmp_path.replace(target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise KGError(
            f"cannot write {target}: {exc.strerror or exc}; check free disk space and permissions"
        ) from exc
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces `target` atomically."""
    with atomic_path(target) as tmp:
        if "b" in mode:
            encoding = None
        with tmp.open(mode, encoding=encoding, newline="" if encoding else None) as fh:
            yield fh


def remove_path(path: Path) -> None:
    """Remove a file, a link or a whole directory, whatever is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def replace_path(item: Path, target: Path) -> None:
    """Move `item` (a file or a directory) to `target`, replacing what is there.

    A file is replaced atomically. A directory cannot be: the old one is first renamed to
    ``.old-<name>-<pid>`` (which the next build removes if this process dies in between).
    """
    if item.is_dir() and target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        target.replace(old)
        item.replace(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        item.replace(target)
