"""Mirror of pkg/backup/backupapi/http.go: the URL a restore's seed pod downloads its backup from.

Both halves of the restore operator use it: ``restore.sync`` builds the URL into the seed pod,
``restore.http`` serves the path.  Keeping it here (where Go keeps it) is what lets those two
modules share it without importing each other.
"""

from __future__ import annotations

import posixpath

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/backup/backupapi"

API_V1 = "/v1"


@mirrors(f"{_PKG}.BackupURLForRestore")
def backup_url_for_restore(scheme: str, host: str, restore_name: str) -> str:
    """Mirrors ``backupapi.BackupURLForRestore``: ``scheme://host/v1/backup/<restore_name>``.

    Go builds the path with ``path.Join``, which drops empty elements and cleans the result;
    ``posixpath.normpath`` does the same for a path that starts with a single ``/``.

    >>> backup_url_for_restore("http", "restore-op:19999", "example")
    'http://restore-op:19999/v1/backup/example'
    >>> backup_url_for_restore("http", "h", "")  # path.Join drops the empty element
    'http://h/v1/backup'
    """
    path = posixpath.normpath("/".join(e for e in (API_V1, "backup", restore_name) if e))
    return f"{scheme}://{host}{path}"
