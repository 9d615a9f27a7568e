"""Stage 4, index: the SQLite store of a corpus and the queries over it.  In: a
source tree (parsed and resolved here, incrementally).  Out: an index database;
symbols, callers, callees and paths read from it."""
