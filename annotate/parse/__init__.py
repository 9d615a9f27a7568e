"""Stage 2, parse: build constraints and per-file Go facts extracted with
tree-sitter-go.  In: one ``.go`` file's bytes.  Out: its facts (plain data, nothing
known about other files)."""
