"""Run extraction in this process, in a local process pool, or on a Dask cluster.

All three run the same task, `extract_chunk(spec, papers) -> [JSON]`, over chunks of
papers; each worker process loads the pipeline once (`PipelineSpec.load` is cached per
process). `ordered_map` keeps a bounded number of chunks in flight and yields the
results in submission order, so the build is deterministic and its memory does not
grow with the corpus.

>>> import json
>>> from kg.records import Paper
>>> spec = PipelineSpec(use_model=False)
>>> with open_executor(spec) as ex:
...     [(tag, out)] = ordered_map(ex, extract_chunk, spec, [(1, [Paper(id="p", title="We use BERT.")])])
>>> tag, json.loads(out[0])["entities"][0]["text"]
(1, 'BERT')
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.codec import parts_json
from kg.errors import KGError
from kg.records import Paper

__all__ = [
    "PipelineSpec",
    "extract_chunk",
    "open_executor",
    "ordered_map",
    "parse_scheduler",
]

@dataclass(frozen=True)
class PipelineSpec:
    """Which pipeline to run: picklable, so workers can load the same one.

    `gazetteer_path` None means the shipped gazetteer.
    """

    use_model: bool = True
    gazetteer_path: str | None = None

    def load(self) -> Any:
        """The pipeline, built once per process."""
        return _load(self)

    def version(self) -> str:
        """`pipeline_version()`, plus the gazetteer's content when it is not the shipped one."""
        return _version(self)


@functools.lru_cache(maxsize=4)
def _load(spec: PipelineSpec) -> Any:
    from kg.nlp.pipeline import build_pipeline, load_pipeline

    if spec.gazetteer_path is None:
        return load_pipeline(spec.use_model)
    return build_pipeline(use_model=spec.use_model, gazetteer_path=Path(spec.gazetteer_path))


@functools.lru_cache(maxsize=4)
def _version(spec: PipelineSpec) -> str:
    from kg.nlp.pipeline import pipeline_version

    base = pipeline_version(spec.use_model)
    if spec.gazetteer_path is None:
        return base
    digest = hashlib.sha256(base.encode())
    path = Path(spec.gazetteer_path)
    for file in sorted(path.glob("*.jsonl")) if path.is_dir() else [path]:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# a process extracts its first papers outside spaCy's memory zone: they fill the tokenizer's
# cache, which a memory zone does not add to (8,000 papers: 42.7 s, against 41.8 s without
# zones and 47.0 s with a zone from the first paper)
WARM_PAPERS = 1024
_warmed = 0  # papers this process extracted outside a memory zone
_collect = False  # whether this process collects a chunk's garbage cycles (a pool worker)


def extract_chunk(spec: PipelineSpec, papers: list[Paper]) -> list[str]:
    """Extract `papers` (in order) with the pipeline of `spec`; one `parts_json` each.

    This is the task workers run; it loads the pipeline on first use in a process. After
    the first `WARM_PAPERS`, the strings and words spaCy's vocabulary learns from a chunk
    are dropped with it (spaCy's memory zone: no Doc outlives it), so a worker does not
    grow with every new word of a big corpus (8,000 papers: 236 instead of 253 MB).
    """
    global _warmed
    from kg.nlp.extract import extract_papers

    nlp = spec.load()
    with nlp.memory_zone() if _warmed >= WARM_PAPERS else contextlib.nullcontext():
        out = [parts_json(rec) for rec in extract_papers(papers, nlp)]
    if _warmed < WARM_PAPERS:
        _warmed += len(papers)
    if _collect:
        gc.collect()
    _return_free_memory()
    return out


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


def _return_free_memory() -> None:
    """Hand the heap pages freed by the last chunk back to the OS (glibc's malloc_trim).

    glibc keeps them otherwise: an extraction worker's RSS climbs to about twice what it
    uses (about 450 MB instead of 250 MB measured on a 10k corpus).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def process_running(pid: int) -> bool:
    """Whether process `pid` runs (or one of another user, which cannot be told apart)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def exit_with(parent: int) -> None:
    """Exit this worker when the build process `parent` is gone (e.g. killed with SIGKILL):
    pool workers hold their own task pipe open and would otherwise wait forever, and the
    store loader would go on loading into a staging folder that is no more."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not process_running(parent):
                os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def _warm(spec: PipelineSpec) -> None:
    """Load the pipeline (each Dask worker, before its first chunk)."""
    spec.load()


def _start_worker(spec: PipelineSpec, parent: int) -> None:
    """Start a pool worker: watch the build process, load the pipeline, and free each
    chunk's Docs when it ends.

    A Doc and the spans its extension attributes hold form a reference cycle, so only the
    cyclic collector frees Docs, and its full collections wait until a quarter more objects
    than the oldest generation holds reached it: a worker carried up to about 600 dead Docs
    (RSS after a chunk 216-270 MB instead of 204-220 MB, `bench/worker_memory.py`). The
    pipeline's objects are frozen (`gc.freeze`: left out of every collection), so the
    collection after each chunk looks at the chunk's objects only (about 10 ms, against
    0.2 s for a full one).
    """
    global _collect
    exit_with(parent)
    spec.load()
    gc.freeze()
    _collect = True


class _Done:
    """A finished 'future' for the in-process executor."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


class _Serial:
    """Runs each task when it is submitted, in this process."""

    workers = 1
    description = "in-process"

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Done:
        return _Done(fn(*args))


class _Pool:
    """A process pool: forked workers (forkserver when this process has threads)."""

    def __init__(self, spec: PipelineSpec, jobs: int) -> None:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            # fork: fast, and no re-import of the caller's __main__ (scripts without a guard)
            ctx = multiprocessing.get_context("fork")
        else:  # threads make fork unsafe
            ctx = multiprocessing.get_context("forkserver")  # type: ignore[assignment]
            ctx.set_forkserver_preload(["kg.build.executors", "kg.nlp.extract"])
        self.workers = jobs
        self.description = f"{jobs} processes"
        self._pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=ctx, initializer=_start_worker, initargs=(spec, os.getpid())
        )
        # start the workers now: they load the pipeline while the build reads its input (a build
        # that adds papers reads the kept ones first), and fork before this process grows
        for _ in range(jobs):
            self._pool.submit(int)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _Dask:
    """A Dask client: a LocalCluster for ``local[:N]``, else the scheduler at the address."""

    def __init__(self, scheduler: str, spec: PipelineSpec) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise KGError(
                "--scheduler needs Dask: pip install 'dask[bag,distributed]' (or kg[dask])"
            ) from None
        self._cluster = None
        kind, value = parse_scheduler(scheduler)
        if kind == "local":
            n = value or (os.cpu_count() or 1)
            self._cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self._cluster)
            self.description = f"dask local cluster, {n} workers"
        else:
            try:
                self.client = Client(value)
            except (OSError, TimeoutError) as exc:
                raise KGError(
                    f"cannot reach the Dask scheduler at {value}: {exc}; "
                    "start it with `dask scheduler` or check the address"
                ) from None
            self.description = f"dask cluster at {value}"
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.client.run(_warm, spec)  # every worker loads the pipeline now, in parallel

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def parse_scheduler(value: str) -> tuple[str, Any]:
    """``local``/``local:N`` -> ("local", N or None); ``tcp://host:port`` -> ("address", value).

    >>> parse_scheduler("local:2"), parse_scheduler("tcp://10.0.0.1:8786")
    (('local', 2), ('address', 'tcp://10.0.0.1:8786'))
    """
    m = re.fullmatch(r"local(?::(\d+))?", value.strip())
    if m:
        n = int(m.group(1)) if m.group(1) else None
        if n == 0:
            raise KGError("--scheduler local:N needs N >= 1")
        return "local", n
    if re.fullmatch(r"(tcp|tls|ucx|inproc)://\S+", value.strip()):
        return "address", value.strip()
    raise KGError(
        f"bad --scheduler {value!r}; use local, local:N or a scheduler address like tcp://host:8786"
    )


@contextlib.contextmanager
def open_executor(spec: PipelineSpec, jobs: int = 1, scheduler: str | None = None) -> Iterator[Any]:
    """An executor for `ordered_map`: Dask if `scheduler`, a pool if `jobs` > 1, else in-process."""
    if scheduler:
        ex: Any = _Dask(scheduler, spec)
    elif jobs > 1:
        ex = _Pool(spec, jobs)
    else:
        ex = _Serial()
    try:
        yield ex
    finally:
        if hasattr(ex, "close"):
            ex.close()


def ordered_map(
    executor: Any, fn: Callable[..., Any], spec: PipelineSpec, items: Iterable[tuple[Any, list[Any]]],
    in_flight: int | None = None,
) -> Iterator[tuple[Any, list[Any]]]:
    """``(tag, fn(spec, chunk))`` for each ``(tag, chunk)``, run on `executor`, in input order.

    Empty chunks are not submitted. At most `in_flight` chunks (default: twice the
    workers, plus one) are pending, which bounds memory whatever the corpus size.
    """
    limit = in_flight or 2 * executor.workers + 1
    pending: deque[tuple[Any, Any]] = deque()
    for tag, chunk in items:
        pending.append((tag, executor.submit(fn, spec, chunk) if chunk else _Done([])))
        while len(pending) >= limit:
            done_tag, fut = pending.popleft()
            yield done_tag, fut.result()
    while pending:
        done_tag, fut = pending.popleft()
        yield done_tag, fut.result()
