"""Mirror of pkg/controller/restore-operator/http.go: serve a backup to the seed pod.

The seed pod's init container downloads ``http://<restore-operator>/v1/backup/<name>``; the
restore operator looks the EtcdRestore up by name and streams the snapshot from storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference_impl.mirrors import mirrors
from reference_impl.operator.api import backup_types as bt
from reference_impl.operator.backup.backupapi import API_V1, backup_url_for_restore
from reference_impl.operator.backup.reader import LocalDirReader, Reader

if TYPE_CHECKING:
    # One way only: sync.py never imports this module (what both need is in backup.backupapi).
    from reference_impl.operator.restore.sync import Restore

__all__ = ["BACKUP_HTTP_PATH", "backup_url_for_restore", "serve_backup"]

_PKG = "github.com/coreos/etcd-operator/pkg/controller/restore-operator"

# backupHTTPPath.  ``backup_url_for_restore`` is re-exported from backup.backupapi, where Go
# defines it, so that older imports from this module keep working.
BACKUP_HTTP_PATH = API_V1 + "/backup/"


@mirrors(f"(*{_PKG}.Restore).serveBackup")
def serve_backup(r: Restore, url_path: str) -> bytes:
    """Mirrors ``(*restore-operator.Restore).serveBackup``.

    >>> import random, tempfile, pathlib
    >>> from reference_impl.operator.api.meta import ObjectMeta
    >>> from reference_impl.operator.api.restore_types import EtcdRestore, RestoreSpec
    >>> from reference_impl.operator.restore.sync import Restore
    >>> d = tempfile.TemporaryDirectory()
    >>> _ = (pathlib.Path(d.name) / "ex.backup").write_bytes(b"snapshot")
    >>> r = Restore("default", "h", None, None, random.Random(0), local_root=d.name)
    >>> r.restores["ex"] = EtcdRestore(
    ...     ObjectMeta(name="ex"),
    ...     RestoreSpec(backup_storage_type="Local", local=bt.StorageSource(path="ex.backup")),
    ... )
    >>> serve_backup(r, BACKUP_HTTP_PATH + "ex")
    b'snapshot'
    >>> d.cleanup()
    """
    restore_name = url_path[len(BACKUP_HTTP_PATH) :]
    if not restore_name:
        raise ValueError("restore name is not specified")
    cr = r.restores.get(restore_name)
    if cr is None:
        raise ValueError(f"no restore CR found for restore-name ({restore_name})")
    st = cr.spec.backup_storage_type
    source = {
        bt.STORAGE_S3: cr.spec.s3,
        bt.STORAGE_ABS: cr.spec.abs,
        bt.STORAGE_GCS: cr.spec.gcs,
        bt.STORAGE_LOCAL: cr.spec.local,
    }
    if st not in source:
        raise ValueError(f"unknown backup storage type ({st}) for restore CR ({restore_name})")
    src = source[st]
    if src is None or not src.path:
        raise ValueError(
            f"invalid {st.lower()} restore source field (spec.{st.lower()}), "
            "must specify all required subfields"
        )
    reader: Reader
    if st == bt.STORAGE_LOCAL and r.local_root is not None:
        reader = LocalDirReader(r.local_root)
    else:
        raise NotImplementedError(
            f"{st} restore is supported by etcd-operator v0.9.4 but is "
            "an extension point here (implement backup.reader.Reader)"
        )
    try:
        return reader.open(src.path)
    except OSError as err:
        raise ValueError(f"failed to read backup file({src.path}): {err}") from err
