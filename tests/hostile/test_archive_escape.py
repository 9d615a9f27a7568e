"""Archives that try to write outside the staging directory (issue 13, item 1).

The severe case is a chain of symlinks that each look harmless lexically
(``d1/d2/a -> ../..`` stays inside; ``d1/d2/b -> a/../../..`` normalizes to the tree root)
but that resolve, on disk, above the staging directory; a regular file under ``b/`` was
then written through them.  PEP 706's ``data`` filter is the reference: no member may be
written through a link, and every link must resolve inside the tree.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from annotate.sources.archive import UnsafeArchive, extract_stream

try:
    from annotate.sources.archive import WriteFailed
except ImportError:
    WriteFailed = OSError


def _tar(members: list[tuple[str, str, str | bytes]], top: str = "repo-abc") -> io.BytesIO:
    """(kind, name, link target or file content) -> an in-memory tar stream."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for kind, name, value in members:
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            if kind == "link":
                info.type = tarfile.SYMTYPE
                info.linkname = str(value)
                tar.addfile(info)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
                tar.addfile(info)
            elif kind == "hard":
                info.type = tarfile.LNKTYPE
                info.linkname = str(value)
                tar.addfile(info)
            else:
                data = value.encode() if isinstance(value, str) else value
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """``outside/`` (must stay as it is) and ``outside/x/y/stage`` (the staging dir): the
    staging dir sits three levels below ``outside`` so the link chain lands in it."""
    outside = tmp_path / "outside"
    stage = outside / "x" / "y" / "stage"
    stage.mkdir(parents=True)
    (outside / "victim.txt").write_text("original\n")
    return outside, stage


def _extract(stream: io.BytesIO, stage: Path) -> None:
    extract_stream(stream, stage, "sha256", lambda _p: True, strip_top=True)


def test_symlink_chain_cannot_write_outside_the_staging_dir(layout: tuple[Path, Path]) -> None:
    outside, stage = layout
    before = _tree(outside)
    stream = _tar(
        [
            ("link", "d1/d2/a", "../.."),
            ("link", "d1/d2/b", "a/../../.."),
            ("file", "d1/d2/b/victim.txt", "overwritten by the archive\n"),
            ("file", "d1/d2/b/planted.txt", "planted\n"),
        ]
    )
    with pytest.raises(UnsafeArchive, match=r"d1/d2/b.*symlink"):
        _extract(stream, stage)
    assert (outside / "victim.txt").read_text() == "original\n"
    assert not (outside / "planted.txt").exists()
    assert {p for p in _tree(outside) if not p.startswith("x/y/stage/")} == before


CASES = {
    "absolute path": ([("file", "/etc/evil", "x")], "absolute path", ""),
    "dot-dot path": ([("file", "../evil", "x")], "'..'", ""),
    "absolute link": ([("link", "l", "/etc")], "absolute path", "repo-abc"),
    "link out of the tree": ([("link", "d/l", "../../..")], "outside the tree", "repo-abc"),
    "file through a link": (
        [("link", "l", "d"), ("dir", "d", ""), ("file", "l/f.go", "package x\n")],
        "symlink",
        "repo-abc",
    ),
    "fifo": ([("fifo", "f.go", "")], "device or FIFO", "repo-abc"),
    "hard link": (
        [("file", "a.go", "x"), ("hard", "b.go", "repo-abc/a.go")],
        "hard link",
        "repo-abc",
    ),
    "second top directory": (
        [("file", "repo/a.go", "x"), ("file", "other/b.go", "y")],
        "outside the top directory",
        "",
    ),
    "link resolving out through another link": (
        [("link", "d/e/a", "../.."), ("link", "d/e/c", "a/../x")],
        "resolves outside the tree",
        "repo-abc",
    ),
    "file where a link stands": (
        [("link", "l.go", "a.go"), ("file", "a.go", "x"), ("file", "l.go", "y")],
        "symlink",
        "repo-abc",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unsafe_member_refuses_the_archive(case: str, layout: tuple[Path, Path]) -> None:
    members, message, top = CASES[case]
    outside, stage = layout
    before = _tree(outside)
    with pytest.raises(UnsafeArchive, match=message):
        _extract(_tar(members, top=top), stage)
    assert (outside / "victim.txt").read_text() == "original\n"
    # Nothing outside the staging dir appeared.
    assert {p for p in _tree(outside) if not p.startswith("x/y/stage/")} == before


def test_a_write_error_is_reported_as_a_write_error(layout: tuple[Path, Path]) -> None:
    _, stage = layout
    (stage / "a.go").mkdir()  # the file cannot be created where a directory stands
    with pytest.raises(WriteFailed, match=r"cannot write a\.go"):
        _extract(_tar([("file", "a.go", "package a\n")]), stage)


def test_fetch_from_a_hostile_archive_is_refused_and_writes_nothing_outside(sandbox) -> None:
    """The same chain through ``annotate fetch --from``: refused before any hash check, one
    line naming the member, and no file written above the staging directory."""
    stream = _tar(
        [
            ("file", "README.md", "x"),
            ("link", "d1/d2/a", "../.."),
            ("link", "d1/d2/b", "a/../../.."),  # stage/../../.. = the sandbox root
            ("file", "d1/d2/b/planted.txt", "planted\n"),
        ],
        top="etcd-operator-c8a1c646",
    )
    archive_path = sandbox.write("evil.tar", stream.getvalue())
    ran = sandbox.run("-m", "annotate", "fetch", "etcd-operator", "--from", str(archive_path))
    assert ran.code == 1, ran.err
    assert "Traceback" not in ran.err
    assert "d1/d2/b" in ran.err and "symlink" in ran.err, ran.err
    assert not list(sandbox.root.rglob("planted.txt"))
    assert not list((sandbox.cache / "corpora").glob(".staging-*"))
