"""The floor of the chosen stack: the least an ASGI app on pyoxigraph can do to answer a SPARQL GET.

It takes the `query` parameter, runs it on the read-only store (default graph = union) and writes SPARQL
JSON: no protocol checks, negotiation, limits, deadline, fairness, caching headers or error handling. It is
not a server to deploy; run.py measures it beside native oxigraph and axiskg so that RESULTS.md shows how
much of the gap to native is the stack itself (a Python ASGI server plus pyoxigraph) and how much is ours.

    cd bench/server && FLOOR_STORE=../out/server-100000/current/store uvicorn --workers 2 floor_app:app
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote_plus

import pyoxigraph as ox

STORE = ox.Store.read_only(os.environ["FLOOR_STORE"])
JSON = ox.QueryResultsFormat.JSON


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    raw = scope["query_string"].split(b"query=", 1)[1].split(b"&", 1)[0]
    body = STORE.query(unquote_plus(raw.decode()), use_default_graph_as_union=True).serialize(format=JSON)
    headers = [(b"content-type", b"application/sparql-results+json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
