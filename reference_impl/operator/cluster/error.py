"""Mirror of pkg/cluster/error.go: fatal errors end a cluster's loop for good."""

from __future__ import annotations

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


class ClusterError(Exception):
    """Base of the errors the cluster loop raises."""


class WrappedError(ClusterError):
    """github.com/pkg/errors.Wrap: a message in front, the original kept as the cause."""

    def __init__(self, cause: BaseException, message: str) -> None:
        super().__init__(f"{message}: {cause}")
        self.cause = cause


@mirrors(f"{_PKG}.fatalError")
class FatalError(ClusterError):
    """Mirrors ``cluster.fatalError``."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


ERR_CREATED_CLUSTER = "cluster failed to be created"


class CreatedClusterError(ClusterError):
    """errCreatedCluster: an operator found a cluster stuck in Creating (it cannot resume)."""

    def __init__(self) -> None:
        super().__init__(ERR_CREATED_CLUSTER)


def wrap(err: BaseException, message: str) -> WrappedError:
    return WrappedError(err, message)


def cause(err: BaseException) -> BaseException:
    """errors.Cause: unwrap WrappedError (and Python's ``raise ... from``) to the root."""
    while True:
        if isinstance(err, WrappedError):
            err = err.cause
        elif err.__cause__ is not None:
            err = err.__cause__
        else:
            return err


@mirrors(f"{_PKG}.newFatalError")
def new_fatal_error(reason: str) -> FatalError:
    """Mirrors ``cluster.newFatalError``."""
    return FatalError(reason)


@mirrors(f"{_PKG}.isFatalError")
def is_fatal_error(err: BaseException | None) -> bool:
    """Mirrors ``cluster.isFatalError``."""
    return err is not None and isinstance(cause(err), FatalError)
