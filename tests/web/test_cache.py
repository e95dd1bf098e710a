"""The per-release caches hold what --cache-mb says: the memory of their entries (bodies, headers, keys and
the objects around them), not only the bodies, within one budget for both."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from axiskg.serve import ServeSettings
from axiskg.web.app import create_app

BUDGET = 1 << 20


def _deep_size(obj: Any, seen: set[int]) -> int:
    """Bytes of `obj` and of everything it holds (each object once: a body two caches share counts once)."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(_deep_size(x, seen) for x in obj)
    elif hasattr(obj, "__dict__"):
        size += _deep_size(vars(obj), seen)
    return size


def test_the_caches_hold_no_more_memory_than_cache_mb(tiny_out: Path) -> None:
    """Small answers are where the entries' objects outweigh their bodies: 4,000 of them, each cached, in
    a cache of 1 MB (before, the two caches held ~7 MB: each weighed its bodies alone, each had the whole
    budget)."""
    settings = ServeSettings(
        release=tiny_out, cache_bytes=BUDGET, access_log=False, query_workers=1, client_budget=0
    )
    app = create_app(settings)
    with TestClient(app) as client:
        for i in range(4000):
            r = client.get(
                "/sparql",
                params={"query": f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT 3 # {i}"},
                headers={"Accept": "text/csv"},
            )
            assert r.status_code == 200
        state = app.state.server.state
        seen: set[int] = set()
        held = sum(_deep_size(c._items, seen) for c in (state.cache, state.raw_cache))
        assert len(state.raw_cache) > 200 and len(state.cache) > 200  # the answers were cached
        assert held <= BUDGET
        again = client.get(
            "/sparql",
            params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # 3999"},
            headers={"Accept": "text/csv"},
        )
        assert again.status_code == 200 and again.text == r.text  # the newest answer is still there
