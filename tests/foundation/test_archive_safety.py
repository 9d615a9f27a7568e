"""Archives that try to write outside the tree, or carry devices, are refused whole."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from annotate.sources import fetch as fetching
from annotate.sources.archive import UnsafeArchive, extract_stream
from tests.foundation.helpers import FILES, cache_is_clean, make_corpus, tar_gz


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", size: int = 0):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.size = size
    return info


TOP = f"proj-{'0123456789abcdef' * 2}"


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (_member("../../escape.go", size=3), "contains '..'"),
        (_member(f"{TOP}/pkg/../../../escape.go", size=3), "contains '..'"),
        (_member("/etc/cron.d/evil", size=3), "absolute path"),
        (_member(f"{TOP}/pkg/link", tarfile.SYMTYPE, "../../../../etc/passwd"), "outside the tree"),
        (_member(f"{TOP}/pkg/abs", tarfile.SYMTYPE, "/etc/passwd"), "absolute path"),
        (_member(f"{TOP}/pkg/dev", tarfile.CHRTYPE), "device or FIFO"),
        (_member(f"{TOP}/pkg/blk", tarfile.BLKTYPE), "device or FIFO"),
        (_member(f"{TOP}/pkg/fifo", tarfile.FIFOTYPE), "device or FIFO"),
        (_member(f"{TOP}/pkg/hard", tarfile.LNKTYPE, "../../outside"), "contains '..'"),
    ],
)
def test_unsafe_member_refuses_the_archive(tmp_path: Path, member, message):
    archive = tmp_path / "evil.tar.gz"
    # the unsafe member comes after good files: nothing may survive anyway
    archive.write_bytes(tar_gz(FILES, top=TOP, commit_comment=None, extra=[member]))
    corpus = make_corpus()
    with pytest.raises(UnsafeArchive, match=message):
        fetching.fetch(corpus, source=archive, cache=tmp_path / "cache")
    assert cache_is_clean(tmp_path / "cache", corpus)
    assert not (tmp_path / "escape.go").exists()
    assert not any(p.name == "escape.go" for p in tmp_path.rglob("*"))


def test_symlink_inside_the_tree_is_kept(tmp_path: Path):
    data = tar_gz({"pkg/a.go": b"package a\n"}, top="t", commit_comment=None,
                  extra=[_member("t/pkg/alias.go", tarfile.SYMTYPE, "a.go")])  # fmt: skip
    digests, _ = extract_stream(io.BytesIO(data), tmp_path, "sha256", lambda p: True, True)
    assert (tmp_path / "pkg/alias.go").is_symlink()
    assert set(digests) == {"pkg/a.go", "pkg/alias.go"}


def test_member_outside_the_top_directory_is_refused(tmp_path: Path):
    data = tar_gz({"pkg/a.go": b"package a\n"}, top="t", commit_comment=None,
                  extra=[_member("other/x.go", size=1)])  # fmt: skip
    with pytest.raises(UnsafeArchive, match="outside the top directory"):
        extract_stream(io.BytesIO(data), tmp_path, "sha256", lambda p: True, True)


def test_garbage_is_a_broken_archive(tmp_path: Path):
    from annotate.sources.archive import BrokenArchive

    with pytest.raises(BrokenArchive, match="could not be read"):
        extract_stream(io.BytesIO(b"\x1f\x8b not really gzip"), tmp_path, "sha256", bool, True)
