"""What the site shows: the per-build page model, listings, the note header, the graph drawing,
run pages and the templates they render. Knows nothing of MkDocs."""
