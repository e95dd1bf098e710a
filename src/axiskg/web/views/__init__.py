"""View modules of the researchers' pages: one module per page type, each turning the release into a template
context. `snapshot` holds the release in memory (built once per release), `links` maps IRIs to local URLs."""
