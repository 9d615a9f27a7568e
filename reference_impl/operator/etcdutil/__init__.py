"""Mirror of pkg/util/etcdutil: members, member sets, and membership calls."""
