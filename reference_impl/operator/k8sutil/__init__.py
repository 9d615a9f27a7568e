"""Mirror of pkg/util/k8sutil: pod manifests, names, labels, readiness."""
