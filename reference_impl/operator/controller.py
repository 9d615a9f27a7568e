"""Mirror of pkg/controller/controller.go and informer.go: one cluster loop per EtcdCluster.

The informer turns watch notifications into ``Added``/``Modified``/``Deleted`` events;
``handle_cluster_event`` starts, updates or stops the matching :class:`Cluster`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from reference_impl.mirrors import mirrors
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.cluster import cluster as cluster_pkg
from reference_impl.operator.k8sutil.k8sutil import (
    ANNOTATION_CLUSTER_WIDE,
    ANNOTATION_SCOPE,
    MAX_NAME_LENGTH,
)

_PKG = "github.com/coreos/etcd-operator/pkg/controller"
log = logging.getLogger(__name__)

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"


class ControllerError(Exception):
    """Mirrors nothing: the ``error`` handleClusterEvent returns, as an exception.

    >>> str(ControllerError("ignore failed cluster (ex). Please delete its CR"))
    'ignore failed cluster (ex). Please delete its CR'
    """

    pass


@dataclass
class Event:
    """Mirrors ``controller.Event``: an informer notification (type and object).

    >>> Event(ADDED, EtcdCluster()).type
    'ADDED'
    """

    type: str
    object: EtcdCluster


@dataclass
class Config:
    """Mirrors ``controller.Config``.

    >>> Config(namespace="default").cluster_wide
    False
    """

    namespace: str = ""
    cluster_wide: bool = False
    service_account: str = ""
    # Go passes KubeCli/EtcdCRCli and builds cluster.Config from them; here the world
    # supplies the whole cluster.Config (clients, runtime, clock, trace).
    cluster_config: Callable[[], cluster_pkg.Config] = field(default=cluster_pkg.Config)


@mirrors(f"{_PKG}.Controller")
class Controller:
    """Mirrors ``controller.Controller``.

    >>> from reference_impl.operator.examples import example_controller
    >>> ctl, cr, w = example_controller()
    >>> ctl.handle_cluster_event(Event(ADDED, cr))  # False: the event was ours and handled
    False
    >>> sorted(ctl.clusters)
    ['default/ex']
    """

    def __init__(self, cfg: Config) -> None:
        self.config = cfg
        self.clusters: dict[str, cluster_pkg.Cluster | None] = {}

    @mirrors(f"(*{_PKG}.Controller).handleClusterEvent")
    def handle_cluster_event(self, event: Event) -> bool:
        """Mirrors ``(*controller.Controller).handleClusterEvent``.

        Return True when the resource is not ours; raise ControllerError on a bad event.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.handle_cluster_event(Event(ADDED, cr))
        False
        >>> try:
        ...     ctl.handle_cluster_event(Event(ADDED, cr))
        ... except ControllerError as err:
        ...     print(err)
        unsafe state. cluster (ex) was created before but we received event (ADDED)
        """
        clus = event.object
        if not self.managed(clus):
            return True

        if clus.status.is_failed():
            if event.type == DELETED:
                self.clusters.pop(get_namespaced_name(clus), None)
                return False
            raise ControllerError(f"ignore failed cluster ({clus.name}). Please delete its CR")

        clus.set_defaults()
        try:
            clus.spec.validate()
        except ValueError as err:
            raise ControllerError(
                "invalid cluster spec. please fix the following problem with the cluster "
                f"spec: {err}"
            ) from err

        key = get_namespaced_name(clus)
        if event.type == ADDED:
            if key in self.clusters:
                raise ControllerError(
                    f"unsafe state. cluster ({clus.name}) was created before "
                    f"but we received event ({event.type})"
                )
            nc = cluster_pkg.new(self.make_cluster_config(), clus)
            if nc is None:
                raise ControllerError(
                    f"cluster name cannot be more than {MAX_NAME_LENGTH} "
                    "characters long, please delete the CR\n"
                )
            self.clusters[key] = nc
        elif event.type == MODIFIED:
            if key not in self.clusters:
                raise ControllerError(
                    f"unsafe state. cluster ({clus.name}) was never created "
                    f"but we received event ({event.type})"
                )
            c = self.clusters[key]
            if c is not None:
                c.update(clus)
        elif event.type == DELETED:
            if key not in self.clusters:
                raise ControllerError(
                    f"unsafe state. cluster ({clus.name}) was never created "
                    f"but we received event ({event.type})"
                )
            c = self.clusters.pop(key)
            if c is not None:
                c.delete()
        return False

    @mirrors(f"(*{_PKG}.Controller).makeClusterConfig")
    def make_cluster_config(self) -> cluster_pkg.Config:
        """Mirrors ``(*controller.Controller).makeClusterConfig``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.make_cluster_config().runtime is w.runtime
        True
        """
        cfg = self.config.cluster_config()
        cfg.service_account = self.config.service_account
        return cfg

    # -- informer.go --------------------------------------------------------------------

    @mirrors(f"(*{_PKG}.Controller).onAddEtcdClus")
    def on_add_etcd_clus(self, obj: EtcdCluster) -> None:
        """Mirrors ``(*controller.Controller).onAddEtcdClus``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.on_add_etcd_clus(cr)
        >>> sorted(ctl.clusters)
        ['default/ex']
        """
        self.sync_etcd_clus(obj)

    @mirrors(f"(*{_PKG}.Controller).onUpdateEtcdClus")
    def on_update_etcd_clus(self, old: EtcdCluster | None, new: EtcdCluster) -> None:
        """Mirrors ``(*controller.Controller).onUpdateEtcdClus``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.on_add_etcd_clus(cr)
        >>> ctl.on_update_etcd_clus(None, cr)  # known: a Modify event for its loop
        >>> len(ctl.clusters["default/ex"].event_ch.items)
        1
        """
        self.sync_etcd_clus(new)

    @mirrors(f"(*{_PKG}.Controller).onDeleteEtcdClus")
    def on_delete_etcd_clus(self, obj: EtcdCluster) -> None:
        """Mirrors ``(*controller.Controller).onDeleteEtcdClus``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.on_add_etcd_clus(cr)
        >>> ctl.on_delete_etcd_clus(cr)
        >>> ctl.clusters
        {}
        """
        try:
            self.handle_cluster_event(Event(DELETED, obj))
        except ControllerError as err:
            log.warning("fail to handle event: %s", err)

    @mirrors(f"(*{_PKG}.Controller).syncEtcdClus")
    def sync_etcd_clus(self, clus: EtcdCluster) -> None:
        # Add and update notifications are both "sync": whether the cluster is known decides.
        """Mirrors ``(*controller.Controller).syncEtcdClus``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.sync_etcd_clus(cr)  # unknown: an Add
        >>> sorted(ctl.clusters)
        ['default/ex']
        """
        typ = MODIFIED if get_namespaced_name(clus) in self.clusters else ADDED
        try:
            self.handle_cluster_event(Event(typ, clus))
        except ControllerError as err:
            log.warning("fail to handle event: %s", err)

    @mirrors(f"(*{_PKG}.Controller).managed")
    def managed(self, clus: EtcdCluster) -> bool:
        """Mirrors ``(*controller.Controller).managed``.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.managed(cr)
        True
        >>> cr.metadata.annotations["etcd.database.coreos.com/scope"] = "clusterwide"
        >>> ctl.managed(cr)  # a namespaced operator leaves cluster-wide resources alone
        False
        """
        v = clus.metadata.annotations.get(ANNOTATION_SCOPE)
        if v is not None:
            return self.config.cluster_wide and v == ANNOTATION_CLUSTER_WIDE
        return not self.config.cluster_wide

    def watch(self, typ: str, obj: EtcdCluster) -> None:
        """Mirrors nothing: the informer's ResourceEventHandlerFuncs wiring.

        A watch callback for FakeKube/LocalKube: the informer's event handler funcs.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.watch(ADDED, cr)
        >>> elsewhere = {"metadata": {"name": "y", "namespace": "other"}}
        >>> ctl.watch(ADDED, EtcdCluster.from_dict(elsewhere))
        >>> sorted(ctl.clusters)  # another namespace's resource is not this operator's
        ['default/ex']
        """
        if (
            self.config.namespace
            and not self.config.cluster_wide
            and (obj.namespace != self.config.namespace)
        ):
            return
        if typ == DELETED:
            self.on_delete_etcd_clus(obj)
        elif typ == ADDED:
            self.on_add_etcd_clus(obj)
        else:
            self.on_update_etcd_clus(None, obj)

    def stop(self) -> None:
        """Mirrors nothing: the operator process exiting.

        The operator process exits: every cluster goroutine ends with it.

        >>> from reference_impl.operator.examples import example_controller
        >>> ctl, cr, w = example_controller()
        >>> ctl.watch(ADDED, cr)
        >>> loop = ctl.clusters["default/ex"]
        >>> ctl.stop()
        >>> loop.stop_ch.closed, ctl.clusters
        (True, {})
        """
        for c in self.clusters.values():
            if c is not None:
                c.delete()
        self.clusters.clear()


@mirrors(f"{_PKG}.New")
def new(cfg: Config) -> Controller:
    """Mirrors ``controller.New``.

    >>> new(Config(namespace="default")).clusters
    {}
    """
    return Controller(cfg)


@mirrors(f"{_PKG}.getNamespacedName")
def get_namespaced_name(c: EtcdCluster) -> str:
    """Mirrors ``controller.getNamespacedName``.

    >>> get_namespaced_name(EtcdCluster.from_dict({"metadata": {"name": "ex", "namespace": "ns1"}}))
    'ns1/ex'
    """
    return f"{c.namespace}/{c.name}"
