"""The same build on a Dask cluster gives the same graph as in one process."""

import json

import pytest

from kg.build import build
from kg.build.executors import PipelineSpec, parse_scheduler
from kg.errors import KGError
from tests.conftest import FIXTURES, ROOT

distributed = pytest.importorskip("distributed")

SPEC = PipelineSpec(use_model=False, gazetteer_path=str(FIXTURES / "gazetteer"))
FILES = ("graph.json", "extractions.jsonl", "kg.graphml", "kg.ttl")


def test_parse_scheduler():
    assert parse_scheduler("local") == ("local", None)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://h:8786") == ("address", "tcp://h:8786")
    for bad in ("local:0", "h:8786", "yarn"):
        with pytest.raises(KGError):
            parse_scheduler(bad)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from kg.ingest import read_papers

    d = tmp_path_factory.mktemp("in")
    papers = list(read_papers([ROOT / "seeds" / "001_06cf4e0b7e06b3e4.txt"]))[:40]
    rows = [p.to_dict() for p in papers]
    (d / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:25]))
    (d / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[25:] + rows[:3]))
    return [d / "a.jsonl", d / "b.jsonl"]


def test_distributed_build_equals_single_process_build(corpus, tmp_path):
    single = build(corpus, tmp_path / "single", show_progress=False, pipeline=SPEC)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        report = build(
            corpus, tmp_path / "dask", show_progress=False, pipeline=SPEC,
            scheduler=cluster.scheduler_address, chunk_size=5, cache=tmp_path / "cache",
        )
        assert report["extraction"]["executor"].startswith("dask cluster at tcp://")
        assert report["extraction"]["extracted"] == single["papers"]
    for name in FILES:
        assert (tmp_path / "single" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    assert {k: report[k] for k in ("nodes", "edges", "papers")} == {
        k: single[k] for k in ("nodes", "edges", "papers")
    }


def test_unreachable_scheduler_is_a_clear_error(corpus, tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), pytest.raises(
        KGError, match="cannot reach the Dask scheduler"
    ):
        build(corpus, tmp_path / "o", show_progress=False, pipeline=SPEC,
              scheduler="tcp://127.0.0.1:1")
