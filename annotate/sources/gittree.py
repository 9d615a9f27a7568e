"""Git tree ids computed in Python, so a file manifest can be tied to a commit's tree.

A git tree object is ``tree <len>\\0`` followed by entries ``<mode> <name>\\0<20-byte id>``
sorted by name (directories compare as if their name ended in ``/``).  Rebuilding
the root tree id from a flat ``path -> (mode, blob id)`` listing proves the listing
is exactly the tree git recorded -- no file added, dropped or altered.
"""

from __future__ import annotations

import hashlib


def _tree_object_id(entries: list[tuple[str, str, str]]) -> str:
    # entries: (mode, name, hex id); git sorts trees as if named "name/"
    def sort_key(entry: tuple[str, str, str]) -> bytes:
        mode, name, _ = entry
        return name.encode() + (b"/" if mode == "40000" else b"")

    body = b"".join(
        mode.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(oid)
        for mode, name, oid in sorted(entries, key=sort_key)
    )
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


def tree_id(files: dict[str, tuple[str, str]]) -> str:
    """Root tree id of a flat listing ``path -> (mode, object id)`` (as ``git ls-tree -r``)."""
    blobs: dict[str, list[tuple[str, str, str]]] = {"": []}
    subdirs: dict[str, set[str]] = {"": set()}
    for path, (mode, oid) in files.items():
        parent, _, name = path.rpartition("/")
        walk = parent
        while walk not in blobs:  # register missing ancestors, linking each to its parent
            blobs[walk] = []
            subdirs.setdefault(walk, set())
            up = walk.rpartition("/")[0]
            subdirs.setdefault(up, set()).add(walk)
            walk = up
        blobs[parent].append((mode, name, oid))

    ids: dict[str, str] = {}
    # deepest directories first, so each parent sees its subtrees' ids
    for directory in sorted(blobs, key=lambda d: d.count("/") + (d != ""), reverse=True):
        entries = list(blobs[directory])
        entries += [("40000", sub.rpartition("/")[2], ids[sub]) for sub in subdirs[directory]]
        ids[directory] = _tree_object_id(entries)
    return ids[""]
