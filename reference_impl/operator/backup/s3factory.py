"""Mirror of pkg/util/awsutil/s3factory/client.go's setupAWSConfig: the S3 extension point.

Upstream turns the Secret named by ``spec.s3.awsSecret`` into AWS SDK session options:
shared ``credentials`` and ``config`` files written to a temporary directory, an optional
custom endpoint (any S3-compatible store: MinIO, Ceph RGW, ...) and path-style addressing.
We build the same options as plain data; an SDK-backed Writer would consume them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.kube import KubeError

_PKG = "github.com/coreos/etcd-operator/pkg/util/awsutil/s3factory"

AWS_SECRET_CREDENTIALS_FILE_NAME = "credentials"
AWS_SECRET_CONFIG_FILE_NAME = "config"


@dataclass
class SessionOptions:
    """Mirrors nothing in the operator: aws-sdk-go's ``session.Options`` (vendored).

    >>> SessionOptions(endpoint="http://minio:9000", s3_force_path_style=True).shared_config_enable
    True
    """

    endpoint: str = ""  # empty: AWS itself
    s3_force_path_style: bool = False
    shared_config_enable: bool = True
    shared_config_files: list[str] = field(default_factory=list)


@mirrors(f"{_PKG}.setupAWSConfig")
def setup_aws_config(
    kubecli: Any,
    ns: str,
    secret: str,
    endpoint: str,
    config_dir: str | os.PathLike[str],
    force_path_style: bool,
) -> SessionOptions:
    """Mirrors ``s3factory.setupAWSConfig``.

    >>> import tempfile
    >>> class Kube:
    ...     def get_secret(self, ns, name):
    ...         return {"credentials": b"[default]"}
    >>> d = tempfile.TemporaryDirectory()
    >>> opts = setup_aws_config(Kube(), "default", "aws", "", d.name, False)
    >>> [p.rsplit("/", 1)[1] for p in opts.shared_config_files]
    ['credentials']
    >>> d.cleanup()
    """
    options = SessionOptions(endpoint=endpoint, s3_force_path_style=force_path_style)
    try:
        se: dict[str, bytes] = kubecli.get_secret(ns, secret)
    except KubeError as err:
        raise ValueError(f"setup AWS config failed: get k8s secret failed: {err}") from err
    for key in (AWS_SECRET_CREDENTIALS_FILE_NAME, AWS_SECRET_CONFIG_FILE_NAME):
        data = se.get(key, b"")
        if data:
            f = Path(config_dir) / key
            f.write_bytes(data)
            f.chmod(0o600)
            options.shared_config_files.append(str(f))
    return options
