"""Stage 3, resolve: declarations, types and function-value flow across all files.
In: every included file's facts.  Out: go/ssa symbols, call edges, unresolved calls."""
