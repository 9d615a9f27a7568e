"""Mirror of pkg/cluster/error.go: fatal errors end a cluster's loop for good."""

from __future__ import annotations

from reference_impl.mirrors import mirrors

_PKG = "github.com/coreos/etcd-operator/pkg/cluster"


class ClusterError(Exception):
    """Mirrors nothing: a common base for the errors below (Go uses plain ``error``).

    Base of the errors the cluster loop raises.

    >>> issubclass(FatalError, ClusterError)
    True
    """


class WrappedError(ClusterError):
    """Mirrors nothing: what ``errors.Wrap`` of github.com/pkg/errors returns.

    github.com/pkg/errors.Wrap: a message in front, the original kept as the cause.

    >>> e = wrap(ValueError("bad"), "get member name failed")
    >>> str(e), type(e.cause).__name__
    ('get member name failed: bad', 'ValueError')
    """

    def __init__(self, cause: BaseException, message: str) -> None:
        super().__init__(f"{message}: {cause}")
        self.cause = cause


@mirrors(f"{_PKG}.fatalError")
class FatalError(ClusterError):
    """Mirrors ``cluster.fatalError``.

    >>> FatalError("broken").reason
    'broken'
    """

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


ERR_CREATED_CLUSTER = "cluster failed to be created"


class CreatedClusterError(ClusterError):
    """Mirrors ``cluster.errCreatedCluster`` (a sentinel error value in Go).

    errCreatedCluster: an operator found a cluster stuck in Creating (it cannot resume).

    >>> str(CreatedClusterError())
    'cluster failed to be created'
    """

    def __init__(self) -> None:
        super().__init__(ERR_CREATED_CLUSTER)


def wrap(err: BaseException, message: str) -> WrappedError:
    """Mirrors nothing in the operator: github.com/pkg/errors ``Wrap`` (vendored).

    >>> str(wrap(RuntimeError("x"), "context"))
    'context: x'
    """
    return WrappedError(err, message)


def cause(err: BaseException) -> BaseException:
    """Mirrors nothing in the operator: github.com/pkg/errors ``Cause`` (vendored).

    errors.Cause: unwrap WrappedError (and Python's ``raise ... from``) to the root.

    >>> root = new_fatal_error("r")
    >>> cause(wrap(root, "a")) is root
    True
    """
    while True:
        if isinstance(err, WrappedError):
            err = err.cause
        elif err.__cause__ is not None:
            err = err.__cause__
        else:
            return err


@mirrors(f"{_PKG}.newFatalError")
def new_fatal_error(reason: str) -> FatalError:
    """Mirrors ``cluster.newFatalError``.

    >>> is_fatal_error(new_fatal_error("bad peer URL"))
    True
    """
    return FatalError(reason)


@mirrors(f"{_PKG}.isFatalError")
def is_fatal_error(err: BaseException | None) -> bool:
    """Mirrors ``cluster.isFatalError``.

    >>> is_fatal_error(wrap(new_fatal_error("r"), "outer")), is_fatal_error(None)
    (True, False)
    """
    return err is not None and isinstance(cause(err), FatalError)
