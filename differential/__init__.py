"""Differential verification: the real release-1.10 kubelet eviction manager (Go) against
the Python mirror in ``reference_impl.eviction``, on generated scenarios.

See ``differential/README.md``; ``python -m differential --help``.
"""
