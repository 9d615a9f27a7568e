"""Mirror of pkg/controller/restore-operator: seed a new cluster from a backup."""
