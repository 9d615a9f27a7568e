"""Mirror of pkg/cluster: one EtcdCluster's lifecycle and reconcile loop.

``state`` (the struct) <- ``member``, ``upgrade``, ``reconcile`` (functions over the state)
<- ``cluster`` (the loop); see :mod:`.state`.  The function ``reconcile.reconcile`` is not
re-exported here: ``reconcile`` stays the name of its module.
"""

from __future__ import annotations

from reference_impl.operator.cluster.cluster import (
    Cluster,
    ReconcileResult,
    is_spec_equal,
    new,
)
from reference_impl.operator.cluster.error import (
    ERR_CREATED_CLUSTER,
    ClusterError,
    CreatedClusterError,
    FatalError,
    WrappedError,
    cause,
    is_fatal_error,
    new_fatal_error,
    wrap,
)
from reference_impl.operator.cluster.member import (
    get_member_name,
    new_member,
    pods_to_member_set,
    update_members,
)
from reference_impl.operator.cluster.reconcile import (
    ErrLostQuorum,
    add_one_member,
    need_upgrade,
    pick_one_old_member,
    reconcile_members,
    remove_dead_member,
    remove_member,
    remove_one_member,
    remove_pvc,
    resize,
)
from reference_impl.operator.cluster.state import (
    EVENT_MODIFY_CLUSTER,
    POD_TERMINATION_GRACE_PERIOD,
    RECONCILE_INTERVAL,
    ClusterEvent,
    ClusterState,
    Config,
)
from reference_impl.operator.cluster.upgrade import (
    upgrade_one_member,
)

__all__ = [
    "ERR_CREATED_CLUSTER",
    "EVENT_MODIFY_CLUSTER",
    "POD_TERMINATION_GRACE_PERIOD",
    "RECONCILE_INTERVAL",
    "Cluster",
    "ClusterError",
    "ClusterEvent",
    "ClusterState",
    "Config",
    "CreatedClusterError",
    "ErrLostQuorum",
    "FatalError",
    "ReconcileResult",
    "WrappedError",
    "add_one_member",
    "cause",
    "get_member_name",
    "is_fatal_error",
    "is_spec_equal",
    "need_upgrade",
    "new",
    "new_fatal_error",
    "new_member",
    "pick_one_old_member",
    "pods_to_member_set",
    "reconcile_members",
    "remove_dead_member",
    "remove_member",
    "remove_one_member",
    "remove_pvc",
    "resize",
    "update_members",
    "upgrade_one_member",
    "wrap",
]
