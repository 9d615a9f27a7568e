"""Mirror of pkg/backup/util/util.go."""

from __future__ import annotations

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/backup/util"

BACKUP_FILENAME_SUFFIX = "etcd.backup"


@mirrors(f"{_PKG}.MakeBackupName")
def make_backup_name(ver: str, rev: int) -> str:
    """Mirrors ``util.MakeBackupName``.

    >>> make_backup_name("3.2.13", 42)
    '3.2.13_000000000000002a_etcd.backup'
    """
    return f"{ver}_{rev:016x}_{BACKUP_FILENAME_SUFFIX}"


@mirrors(f"{_PKG}.ParseBucketAndKey")
def parse_bucket_and_key(path: str) -> tuple[str, str]:
    """Mirrors ``util.ParseBucketAndKey``.

    >>> parse_bucket_and_key("mybucket/etcd/ex.backup")
    ('mybucket', 'etcd/ex.backup')
    """
    toks = path.split("/", 1)
    if len(toks) != 2 or not toks[0] or not toks[1]:
        raise ValueError(f"Invalid S3 path ({path})")
    return toks[0], toks[1]
