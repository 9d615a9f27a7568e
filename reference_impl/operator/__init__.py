"""Python mirror of the CoreOS etcd-operator v0.9.4 (commit c8a1c646).

Layout: one module per Go file mirrored (``api/``, ``etcdutil/``, ``k8sutil/``, ``cluster/``,
``controller.py``, ``backup/``, ``restore/``), plus two worlds behind the same interfaces
(``fake.py`` in memory, ``localetcd.py`` with real etcd processes), a decision ``trace``, a
``scenario`` runner and a ``plot``.
"""
