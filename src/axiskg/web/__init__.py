"""The web face of axiskg: SPARQL endpoint, Linked Data and the researchers' pages.

Contract between the parts:
- `axiskg.web.app.create_app(settings) -> Starlette` (server part) builds the app; it sets
  `app.state.release` to the current `axiskg.release.Release` (reopened when a new release is built) and
  `app.state.settings`.
- `axiskg.web.pages.ROUTES` (UI part) is a list of starlette routes mounted by create_app.
- `axiskg.web.pages.render_entity(request, iri)` (UI part) renders the HTML face of an entity IRI; the
  Linked Data handler calls it when content negotiation picks text/html.
"""
