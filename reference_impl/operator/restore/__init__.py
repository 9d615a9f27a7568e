"""Mirror of pkg/controller/restore-operator: seed a new cluster from a backup."""

from __future__ import annotations

from reference_impl.operator.restore.http import (
    BACKUP_HTTP_PATH,
    serve_backup,
)
from reference_impl.operator.restore.sync import (
    Restore,
)

__all__ = [
    "BACKUP_HTTP_PATH",
    "Restore",
    "serve_backup",
]
