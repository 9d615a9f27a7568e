"""Stage 1, sources: the lock (sources.toml), fetching and verifying the pinned Go
sources, and the cache they live in.  In: the lock and a network, archive or clone.
Out: a verified corpus directory in the cache."""
