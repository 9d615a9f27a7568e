"""Stage 5, notes: symbol-anchored annotations and their drift check.  In: the
annotation files and the corpus.  Out: notes with resolved anchors, or the anchors
that no longer match the pinned source."""
