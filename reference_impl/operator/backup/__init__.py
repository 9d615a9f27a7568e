"""Mirrors of pkg/backup (manager, writers, readers, util) and the backup operator's sync
(pkg/controller/backup-operator).  Storage is an interface: a local directory backend is
implemented; S3, ABS and GCS, which v0.9.4 supports, are documented extension points."""

from __future__ import annotations

from reference_impl.operator.backup.backup_manager import (
    BackupManager,
    SnapshotClientFactory,
    get_client_with_max_rev,
)
from reference_impl.operator.backup.backupapi import (
    API_V1,
    backup_url_for_restore,
)
from reference_impl.operator.backup.reader import (
    LocalDirReader,
    Reader,
)
from reference_impl.operator.backup.s3factory import (
    AWS_SECRET_CONFIG_FILE_NAME,
    AWS_SECRET_CREDENTIALS_FILE_NAME,
    SessionOptions,
    setup_aws_config,
)
from reference_impl.operator.backup.sync import (
    MAX_RETRIES,
    PERIODIC_FINALIZER,
    Backup,
    BackupRunner,
    contains_string,
    generate_tls_config,
    is_periodic_backup,
    validate,
)
from reference_impl.operator.backup.util import (
    BACKUP_FILENAME_SUFFIX,
    make_backup_name,
    parse_bucket_and_key,
)
from reference_impl.operator.backup.writer import (
    ExtensionPointWriter,
    LocalDirWriter,
    Writer,
)

__all__ = [
    "API_V1",
    "AWS_SECRET_CONFIG_FILE_NAME",
    "AWS_SECRET_CREDENTIALS_FILE_NAME",
    "BACKUP_FILENAME_SUFFIX",
    "MAX_RETRIES",
    "PERIODIC_FINALIZER",
    "Backup",
    "BackupManager",
    "BackupRunner",
    "ExtensionPointWriter",
    "LocalDirReader",
    "LocalDirWriter",
    "Reader",
    "SessionOptions",
    "SnapshotClientFactory",
    "Writer",
    "backup_url_for_restore",
    "contains_string",
    "generate_tls_config",
    "get_client_with_max_rev",
    "is_periodic_backup",
    "make_backup_name",
    "parse_bucket_and_key",
    "setup_aws_config",
    "validate",
]
