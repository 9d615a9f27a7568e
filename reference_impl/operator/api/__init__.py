"""Mirror of pkg/apis/etcd/v1beta2: the EtcdCluster, EtcdBackup and EtcdRestore resources."""
