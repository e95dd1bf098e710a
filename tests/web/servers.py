"""Helpers of the web tests: a tiny hand-made release (known content, independent of data/) and the
server starters of tests/conftest.py (importable from test modules, which cannot import a conftest)."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox


def _root_conftest() -> ModuleType:
    """tests/conftest.py as a plain module (pytest's own conftest import is not reachable by name)."""
    spec = importlib.util.spec_from_file_location(
        "axiskg_tests_conftest", Path(__file__).parents[1] / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conftest = _root_conftest()
start_server = _conftest.start_server
stop_server = _conftest.stop_server
native_oxigraph = _conftest.native_oxigraph

BASE = "https://w3id.org/axiskg/"
AX = BASE + "id/"
AXO = BASE + "ontology#"
G = BASE + "graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"

TINY_TURTLE = {
    "actors": f"""
@prefix ax: <{AX}> . @prefix axo: <{AXO}> . @prefix skos: <{SKOS}> . @prefix rdfs: <{RDFS}> .
<{AX}person/alice> a axo:Person ; skos:prefLabel "Alice"@en ; rdfs:label "Alice"@en .
<{AX}org/acme> a axo:Organization ; skos:prefLabel "Acme"@en ; rdfs:label "Acme"@en .
<{AX}person/bob> a axo:Person ; skos:prefLabel "Bob"@en ; rdfs:label "Bob"@en .
""",
    "report-000": f"""
@prefix ax: <{AX}> . @prefix axo: <{AXO}> . @prefix rdf: <{RDF}> . @prefix org: <{ORG}> .
@prefix hedge: <{BASE}ontology/hedge#> .
<{AX}claim/000-alice-member> a axo:Claim ; rdf:subject <{AX}person/alice> ; rdf:predicate org:memberOf ;
    rdf:object <{AX}org/acme> ; axo:statedIn <{AX}report/r0> ; axo:hedge hedge:reportedly ;
    axo:attributionChain ( <{AX}source/insider> ) ; axo:quote "Alice is reportedly a member of Acme"@en .
<{AX}report/r0> a axo:Report .
<{AX}source/insider> a axo:Source .
""",
    "derived": f"""
@prefix ax: <{AX}> . @prefix axo: <{AXO}> . @prefix org: <{ORG}> .
<{AX}person/alice> org:memberOf <{AX}org/acme> .
<{AX}person/bob> org:memberOf <{AX}org/acme> .
<{AX}claim/000-alice-member> axo:claimAbout <{AX}person/alice> , <{AX}org/acme> .
""",
    "ontology": f"""
@prefix axo: <{AXO}> . @prefix rdfs: <{RDFS}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
<{BASE}ontology> a owl:Ontology .
axo:Person a owl:Class ; rdfs:label "Person"@en .
axo:Organization a owl:Class ; rdfs:label "Organization"@en .
""",
}


def make_release(out: Path, rid: str, turtle: dict[str, str]) -> Path:
    """Write a release directory by hand (store, release.json, a dump) and point out/current at it."""
    rdir = out / "releases" / rid
    rdir.mkdir(parents=True)
    store = ox.Store(str(rdir / "store"))
    graphs: dict[str, int] = {}
    for name, text in turtle.items():
        store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(G + name))
        graphs[G + name] = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(G + name))))
    store.flush()
    (rdir / "dumps").mkdir()
    store.dump(str(rdir / "dumps" / "axiskg.nq"), format=ox.RdfFormat.N_QUADS)
    del store
    meta = {
        "id": rid,
        "version": "test",
        "created": "2026-11-22T00:00:00+00:00",
        "triples": sum(graphs.values()),
        "graphs": graphs,
    }
    (rdir / "release.json").write_text(json.dumps(meta), encoding="utf-8")
    tmp = out / ".current-tmp"
    if tmp.is_symlink():
        tmp.unlink()
    tmp.symlink_to(Path("releases") / rid)
    os.replace(tmp, out / "current")
    return rdir


free_port = _root_conftest().free_port


# ---------------------------------------------------------------- a server's sockets, read from /proc


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (threads and processes may end while we look: those are skipped)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return out


def socket_fds(pid: int) -> dict[str, tuple[int, int]]:
    """{socket inode: (pid, fd)} over pid's process tree."""
    found: dict[str, tuple[int, int]] = {}
    for p in process_tree(pid):
        try:
            fds = os.listdir(f"/proc/{p}/fd")
        except OSError:  # gone
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{p}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                found[link[8:-1]] = (p, int(fd))
    return found


def tcp_sockets(port: int) -> list[tuple[str, int, str]]:
    """(state, remote port, inode) of the IPv4 TCP sockets whose local port is `port` (/proc/net/tcp; state
    0A: listening, 01: established)."""
    out = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port:
            out.append((f[3], int(f[2].split(":")[1], 16), f[9]))
    return out


def server_log(proc: Any, until: Callable[[str], bool], timeout: float = 10.0) -> str:
    """The server's log (start_server's file) once `until(text)` holds, or as it is after `timeout` seconds:
    the server writes its log lines in batches, up to a quarter of a second late (BatchedStreamHandler)."""
    deadline = time.monotonic() + timeout
    while True:
        text = Path(proc.log_path).read_text(errors="replace")
        if until(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)
