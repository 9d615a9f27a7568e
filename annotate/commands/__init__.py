"""Sub-commands of the ``annotate`` CLI; each module defines ``register(subparsers)``."""

# Set by ``annotate.cli.run`` (a process that exits after the command): an index build may
# leave its heap for the exit (annotate.index.build.leave_heap_to_exit).
leave_heap_to_exit = False
