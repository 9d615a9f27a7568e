"""Replay: the real release-1.10 kubelet eviction manager's recorded decisions against the
Python mirror in ``reference_impl.eviction``, on generated scenarios.

The Go side is data (recordings, format ``recording.schema.json``); nothing here builds or
runs upstream code. See ``README.md`` beside this module;
``python -m reference_impl.eviction replay --help``.
"""
