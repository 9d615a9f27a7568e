"""Mirror of the three mains of etcd-operator v0.9.4 (cmd/operator, cmd/backup-operator,
cmd/restore-operator): their flags and the decisions they make before handing over to a
controller -- which environment they insist on, which endpoints lock they elect a leader on,
and when the CRD they created counts as ready."""

from __future__ import annotations

from reference_impl.operator.cmd.mains import (
    ENV_OPERATOR_POD_NAME,
    ENV_OPERATOR_POD_NAMESPACE,
    CRDCondition,
    LeaderElectionConfig,
    MainError,
    OperatorFlags,
    backup_operator_leader_election_config,
    crd_ready,
    leader_election_config,
    parse_flags,
    restore_operator_leader_election_config,
    wait_crd_ready,
)

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
