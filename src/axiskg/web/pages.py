"""Researchers' pages (HTML). Placeholder until the web interface lands."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []


async def render_entity(request: Request, iri: str) -> Response:
    """HTML face of an entity IRI (placeholder)."""
    return HTMLResponse(f"<!doctype html><title>{iri}</title><h1>{iri}</h1>")
