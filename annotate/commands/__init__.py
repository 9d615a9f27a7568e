"""Sub-commands of the ``annotate`` CLI; each module defines ``register(subparsers)``."""
