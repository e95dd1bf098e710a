"""Query capacity shared by the HTTP worker processes (workers.WorkerPool's borrowed workers): a pool runs
more than its own share of queries at once only while the other HTTP workers have none."""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
import pytest
import uvloop

from axiskg.web.workers import WorkerPool

QUERY = {
    "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "format": "json",
    "max_rows": 10,
    "default_graphs": [],
    "named_graphs": [],
    "union": True,
    "allow_service": None,
}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("borrow-store") / "store"
    store = ox.Store(str(path))
    g, p = ox.NamedNode("urn:x:g"), ox.NamedNode("urn:x:p")
    store.extend(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), p, ox.Literal(str(i)), g) for i in range(60))
    store.flush()
    del store
    return str(path)


async def _peak(pool: WorkerPool, tasks: list[asyncio.Task[object]]) -> int:
    """The most queries the pool ran at once while `tasks` ran."""
    peak = 0
    while not all(t.done() for t in tasks):
        peak = max(peak, pool._handed_out())
        await asyncio.sleep(0.005)
    for t in tasks:
        assert t.result().ok  # type: ignore[attr-defined]
    return peak


@pytest.mark.parametrize("others_idle", [True, False])
def test_a_pool_borrows_only_while_the_other_http_workers_are_idle(store_dir: str, others_idle: bool) -> None:
    async def main() -> None:
        pool = WorkerPool(store_dir, 1, borrow=1, may_borrow=lambda: others_idle)
        await pool.start()
        try:
            tasks = [asyncio.ensure_future(pool.run(dict(QUERY), 60)) for _ in range(4)]
            peak = await _peak(pool, tasks)  # type: ignore[arg-type]
            assert pool.started_on_loan == (1 if others_idle else 0)
            assert peak == (2 if others_idle else 1)
            assert len(list(pool.pids)) == (2 if others_idle else 1)  # the borrowed worker stays, idle
        finally:
            pool.kill_all()

    uvloop.run(main())


def test_queued_queries_use_capacity_freed_while_they_wait(store_dir: str) -> None:
    """Queries that queued while the others were busy get the borrowed worker when they become idle."""
    allowed = [False]

    async def main() -> None:
        pool = WorkerPool(store_dir, 1, borrow=1, may_borrow=lambda: allowed[0])
        await pool.start()
        try:
            tasks = [asyncio.ensure_future(pool.run(dict(QUERY), 60)) for _ in range(3)]
            await asyncio.sleep(0)
            allowed[0] = True  # the other HTTP workers went idle
            tasks.append(asyncio.ensure_future(pool.run(dict(QUERY), 60)))
            assert await _peak(pool, tasks) == 2  # type: ignore[arg-type]
            assert pool.started_on_loan == 1
        finally:
            pool.kill_all()

    uvloop.run(main())
