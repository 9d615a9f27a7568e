"""Mirror of pkg/cluster: one EtcdCluster's lifecycle and reconcile loop."""
