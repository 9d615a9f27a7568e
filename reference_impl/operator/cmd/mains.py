"""What the operators' ``main`` functions decide before a controller runs (v0.9.4).

All three mains (``cmd/operator``, ``cmd/backup-operator``, ``cmd/restore-operator``) have the
same shape: parse flags in ``init``, insist on two environment variables (the downward API's pod
namespace and name), take the host name as the leader-election identity, build an *endpoints*
resource lock named after the operator in the pod's namespace, and call client-go's
``leaderelection.RunOrDie`` with a 15 s lease, a 10 s renew deadline and a 2 s retry period.
Only the leader runs the controller; losing the lease is fatal (``logrus.Fatalf``), so a
replacement pod starts from scratch.  The controller then creates its CRD and polls until the
API server reports it ``Established`` (``k8sutil.WaitCRDReady``).

RunOrDie itself (client-go) is outside the locked corpus; what is mirrored here is what the
mains decide, as data a test or a notebook can look at.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from reference_impl.mirrors import mirrors

_CMD = "github.com/coreos/etcd-operator/cmd"
_K8SUTIL = "github.com/coreos/etcd-operator/pkg/util/k8sutil"

# pkg/util/constants/constants.go
ENV_OPERATOR_POD_NAME = "MY_POD_NAME"
ENV_OPERATOR_POD_NAMESPACE = "MY_POD_NAMESPACE"


class MainError(ValueError):
    """Where the Go main calls ``logrus.Fatalf`` (the process exits with status 1).

    Mirrors nothing on its own: the mains' fatal exits, as an exception.

    >>> str(MainError("must set env (MY_POD_NAME)"))
    'must set env (MY_POD_NAME)'
    """


@dataclass(frozen=True)
class OperatorFlags:
    """The flags of ``cmd/operator`` with their v0.9.4 defaults.

    Mirrors nothing on its own: the values ``init`` of cmd/operator fills in (see
    :func:`parse_flags`).

    >>> OperatorFlags().gc_interval
    datetime.timedelta(seconds=600)
    """

    listen_addr: str = "0.0.0.0:8080"
    chaos_level: int = -1
    print_version: bool = False
    create_crd: bool = True
    gc_interval: timedelta = timedelta(minutes=10)
    cluster_wide: bool = False


def _go_bool(text: str) -> bool:
    # Go's flag package takes strconv.ParseBool's spellings for -flag=value
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean value {text!r}")


def _go_duration(text: str) -> timedelta:
    from reference_impl.eviction.goparse import GoError, parse_duration_ns

    try:
        return timedelta(microseconds=parse_duration_ns(text) / 1000)
    except GoError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


@mirrors(f"{_CMD}/operator.init#1")
def parse_flags(argv: Sequence[str] = ()) -> OperatorFlags:
    """Mirrors operator.init#1 (cmd/operator/main.go ``init``): the operator's flags.

    Go's ``flag`` package accepts ``-name value``, ``-name=value`` and ``--name``; booleans take
    only the ``=`` form (``-create-crd=false``).  An unknown flag makes ``flag.Parse`` exit, here
    a :class:`MainError`.

    >>> parse_flags(["-cluster-wide", "-gc-interval=90s"]).cluster_wide
    True
    >>> parse_flags(["-create-crd=false"]).create_crd
    False
    >>> parse_flags(["-no-such-flag"])
    Traceback (most recent call last):
    ...
    reference_impl.operator.cmd.mains.MainError: flag provided but not defined: -no-such-flag
    """
    defaults = OperatorFlags()
    values: dict[str, object] = {}
    bools = {"version": "print_version", "create-crd": "create_crd", "cluster-wide": "cluster_wide"}
    valued: dict[str, tuple[str, Callable[[str], object]]] = {
        "listen-addr": ("listen_addr", str),
        "chaos-level": ("chaos_level", int),
    }
    valued["gc-interval"] = ("gc_interval", _go_duration)
    # Go's flag syntax is walked by hand: argparse differs on '=' for booleans and on '--'
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg in ("-", "--"):
            break  # flag.Parse stops at the first non-flag argument
        name, eq, value = arg.lstrip("-").partition("=")
        if name in bools:
            try:
                values[bools[name]] = _go_bool(value) if eq else True
            except argparse.ArgumentTypeError as err:
                raise MainError(f"invalid value for flag -{name}: {err}") from None
        elif name in valued:
            field_name, convert = valued[name]
            if not eq:
                i += 1
                if i >= len(args):
                    raise MainError(f"flag needs an argument: -{name}")
                value = args[i]
            try:
                values[field_name] = convert(value)
            except (ValueError, argparse.ArgumentTypeError) as err:
                raise MainError(f"invalid value {value!r} for flag -{name}: {err}") from None
        else:
            raise MainError(f"flag provided but not defined: -{name}")
        i += 1
    return OperatorFlags(**{**defaults.__dict__, **values})


@dataclass(frozen=True)
class LeaderElectionConfig:
    """What a main hands to client-go's ``leaderelection.RunOrDie``.

    Mirrors nothing on its own: the value built by the mains (see
    :func:`leader_election_config`).

    >>> LeaderElectionConfig("ns", "etcd-operator", "host-1").lease_duration
    datetime.timedelta(seconds=15)
    """

    lock_namespace: str
    lock_name: str  # an Endpoints object of that name holds the leader annotation
    identity: str  # the host name: the pod name inside Kubernetes
    lock_kind: str = "endpoints"  # resourcelock.EndpointsResourceLock
    lease_duration: timedelta = timedelta(seconds=15)
    renew_deadline: timedelta = timedelta(seconds=10)
    retry_period: timedelta = timedelta(seconds=2)
    on_stopped_leading: str = "fatal: leader election lost"


def _election(lock_name: str, environ: Mapping[str, str], hostname: str) -> LeaderElectionConfig:
    namespace = environ.get(ENV_OPERATOR_POD_NAMESPACE, "")
    if not namespace:
        raise MainError(f"must set env ({ENV_OPERATOR_POD_NAMESPACE})")
    if not environ.get(ENV_OPERATOR_POD_NAME, ""):
        raise MainError(f"must set env ({ENV_OPERATOR_POD_NAME})")
    return LeaderElectionConfig(namespace, lock_name, hostname)


@mirrors(f"{_CMD}/operator.main")
def leader_election_config(environ: Mapping[str, str], hostname: str) -> LeaderElectionConfig:
    """Mirrors operator.main: the environment it insists on and the lock it elects on.

    The lock is the Endpoints object ``etcd-operator`` in the pod's own namespace; the identity
    is the host name.  Two replicas of the operator share the lock, one leads; a leader that
    cannot renew within 10 s stops leading and exits.

    >>> env = {"MY_POD_NAMESPACE": "default", "MY_POD_NAME": "etcd-operator-7d9"}
    >>> c = leader_election_config(env, "etcd-operator-7d9")
    >>> (c.lock_kind, c.lock_namespace, c.lock_name, c.identity)
    ('endpoints', 'default', 'etcd-operator', 'etcd-operator-7d9')
    >>> leader_election_config({"MY_POD_NAME": "x"}, "x")
    Traceback (most recent call last):
    ...
    reference_impl.operator.cmd.mains.MainError: must set env (MY_POD_NAMESPACE)
    """
    return _election("etcd-operator", environ, hostname)


@mirrors(f"{_CMD}/backup-operator.main")
def backup_operator_leader_election_config(
    environ: Mapping[str, str], hostname: str
) -> LeaderElectionConfig:
    """Mirrors backup-operator.main: the same election as the etcd operator's, on the
    Endpoints lock ``etcd-backup-operator``; the leader runs the backup controller.

    >>> env = {"MY_POD_NAMESPACE": "default", "MY_POD_NAME": "b-1"}
    >>> backup_operator_leader_election_config(env, "b-1").lock_name
    'etcd-backup-operator'
    """
    return _election("etcd-backup-operator", environ, hostname)


@mirrors(f"{_CMD}/restore-operator.main")
def restore_operator_leader_election_config(
    environ: Mapping[str, str], hostname: str
) -> LeaderElectionConfig:
    """Mirrors restore-operator.main: the same election on the Endpoints lock
    ``etcd-restore-operator`` (v0.9.4 first creates the Service ``etcd-restore-operator``
    through which restored seed members download their backup).

    >>> env = {"MY_POD_NAMESPACE": "default", "MY_POD_NAME": "r-1"}
    >>> restore_operator_leader_election_config(env, "r-1").lock_name
    'etcd-restore-operator'
    """
    return _election("etcd-restore-operator", environ, hostname)


@dataclass(frozen=True)
class CRDCondition:
    """One entry of a CRD's ``status.conditions`` (apiextensions v1beta1).

    Mirrors nothing on its own: the input of :func:`crd_ready`.

    >>> CRDCondition("Established", "True").status
    'True'
    """

    type: str
    status: str
    reason: str = ""


@mirrors(f"{_K8SUTIL}.WaitCRDReady$1")
def crd_ready(conditions: Iterable[CRDCondition]) -> bool:
    """Mirrors k8sutil.WaitCRDReady$1: one poll of the CRD's conditions.

    ``Established=True`` -> ready.  ``NamesAccepted=False`` -> a name conflict, an error that
    ends the wait.  Conditions are read in order, so an ``Established=True`` listed before a
    ``NamesAccepted=False`` wins (a quirk kept from the Go loop, which returns at the first
    decisive condition).  Anything else -> not yet.

    >>> crd_ready([CRDCondition("NamesAccepted", "True"), CRDCondition("Established", "True")])
    True
    >>> crd_ready([CRDCondition("NamesAccepted", "True")])
    False
    >>> crd_ready([CRDCondition("NamesAccepted", "False", "PluralConflict")])
    Traceback (most recent call last):
    ...
    reference_impl.operator.cmd.mains.MainError: Name conflict: PluralConflict
    """
    for cond in conditions:
        if cond.type == "Established" and cond.status == "True":
            return True
        if cond.type == "NamesAccepted" and cond.status == "False":
            raise MainError(f"Name conflict: {cond.reason}")
    return False


@mirrors(f"{_K8SUTIL}.WaitCRDReady")
def wait_crd_ready(polls: Iterable[Sequence[CRDCondition]]) -> int:
    """Mirrors k8sutil.WaitCRDReady: ``retryutil.Retry(5s, 20, ...)`` over :func:`crd_ready`.

    ``polls`` are the conditions the API server reports at each poll: one now, then one every
    5 s (Retry's loop runs ``maxRetries + 1`` = 21 times).  Returns the number of the poll that
    saw the CRD ready; raises :class:`MainError` ("wait CRD created failed: ...") on a name
    conflict or after 21 polls.  The controller's ``Start`` retries the whole initialisation
    every 30 s (``initRetryWaitTime``) after such an error, forever.

    >>> not_yet = [CRDCondition("NamesAccepted", "True")]
    >>> wait_crd_ready([not_yet, not_yet, [CRDCondition("Established", "True")]])
    3
    >>> wait_crd_ready([not_yet] * 25)
    Traceback (most recent call last):
    ...
    reference_impl.operator.cmd.mains.MainError: wait CRD created failed: still failing after ...
    """
    for number, conditions in enumerate(polls, start=1):
        if number > 21:  # i == maxRetries breaks after the 21st call of f
            break
        try:
            if crd_ready(conditions):
                return number
        except MainError as err:
            raise MainError(f"wait CRD created failed: {err}") from None
    raise MainError("wait CRD created failed: still failing after 20 retries")


__all__ = [
    "ENV_OPERATOR_POD_NAME",
    "ENV_OPERATOR_POD_NAMESPACE",
    "CRDCondition",
    "LeaderElectionConfig",
    "MainError",
    "OperatorFlags",
    "backup_operator_leader_election_config",
    "crd_ready",
    "leader_election_config",
    "parse_flags",
    "restore_operator_leader_election_config",
    "wait_crd_ready",
]
