"""Mirrors of pkg/backup (manager, writers, readers, util) and the backup operator's sync
(pkg/controller/backup-operator).  Storage is an interface: a local directory backend is
implemented; S3, ABS and GCS, which v0.9.4 supports, are documented extension points."""
