"""Stage 5, render: call graphs, numbered excerpts and corpus overviews.  In: an
index and the corpus directory.  Out: SVG/DOT/JSON graphs, excerpts with permalinks,
HTML for notebooks."""
