"""Stage 6, reading: what serves the notebooks and the book -- Go beside its Python
mirror, annotations with their anchors resolved.  It may use every stage below; no
stage below imports it."""
