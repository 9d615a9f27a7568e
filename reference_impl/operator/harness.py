"""An operator process in a world: the controller, its informer wiring, and user verbs.

Both worlds (``fake.FakeWorld``, ``localetcd.LocalEtcdWorld``) expose ``kube``, ``runtime``,
``clock``, ``trace`` and ``cluster_config``; this class does what the operator's main() and a
user with kubectl would do against them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_impl.operator import controller as ctrl
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.trace import Note


class Operator:
    def __init__(self, world: Any, namespace: str = "default") -> None:
        self.world = world
        self.namespace = namespace
        self.controller: ctrl.Controller | None = None
        self.start()

    # -- the operator process ------------------------------------------------------------

    def start(self) -> None:
        c = ctrl.new(
            ctrl.Config(namespace=self.namespace, cluster_config=self.world.cluster_config)
        )
        self.controller = c
        self.world.kube.cluster_watchers.append(c.watch)
        # The informer's initial list: every existing resource arrives as an add.
        for (ns, _), cr in sorted(self.world.kube.clusters.items()):
            if ns == self.namespace:
                c.on_add_etcd_clus(cr.deepcopy())
        self.world.runtime.run_pending()

    def stop(self) -> None:
        c = self.controller
        if c is None:
            return
        self.world.kube.cluster_watchers.remove(c.watch)
        c.stop()
        self.world.runtime.run_pending()
        self.controller = None

    def restart(self) -> None:
        self._note("operator-restart", "")
        self.stop()
        self.start()

    # -- kubectl ---------------------------------------------------------------------------

    def create(self, cr: EtcdCluster) -> EtcdCluster:
        out: EtcdCluster = self.world.kube.create_cluster(self.namespace, cr)
        self.world.runtime.run_pending()
        return out

    def edit(self, name: str, edit: Callable[[EtcdCluster], None], what: str) -> None:
        self._note("user-edit", f"{name}: {what}")
        self.world.kube.edit_cluster(self.namespace, name, edit)
        self.world.runtime.run_pending()

    def set_size(self, name: str, size: int) -> None:
        self.edit(name, lambda cr: setattr(cr.spec, "size", size), f"size={size}")

    def set_version(self, name: str, version: str) -> None:
        self.edit(name, lambda cr: setattr(cr.spec, "version", version), f"version={version}")

    def set_paused(self, name: str, paused: bool) -> None:
        self.edit(name, lambda cr: setattr(cr.spec, "paused", paused), f"paused={paused}")

    def delete(self, name: str) -> None:
        self._note("user-delete", name)
        self.world.kube.delete_cluster(self.namespace, name)
        self.world.runtime.run_pending()

    def kill(self, pod_name: str) -> None:
        self._note("kill-pod", pod_name)
        self.world.kill_pod(self.namespace, pod_name)

    # -- observing -------------------------------------------------------------------------

    def get(self, name: str) -> EtcdCluster:
        cr: EtcdCluster = self.world.kube.get_cluster(self.namespace, name)
        return cr

    def running_pods(self, name: str) -> list[str]:
        pods = self.world.kube.list_pods(self.namespace, {"etcd_cluster": name})
        return sorted(p["metadata"]["name"] for p in pods if p["status"].get("phase") == "Running")

    def pod_versions(self, name: str) -> dict[str, str]:
        pods = self.world.kube.list_pods(self.namespace, {"etcd_cluster": name})
        return {
            p["metadata"]["name"]: p["metadata"]["annotations"].get("etcd.version", "")
            for p in pods
            if p["status"].get("phase") == "Running"
        }

    def run_for(self, seconds: float) -> None:
        rt = self.world.runtime
        rt.run_until(rt.clock.now() + seconds)

    def wait_until(self, cond: Callable[[], bool], timeout: float, step: float = 1.0) -> bool:
        """Advance time in ``step`` increments until ``cond()``; False after ``timeout``."""
        rt = self.world.runtime
        end = rt.clock.now() + timeout
        while True:
            if cond():
                return True
            if rt.clock.now() >= end:
                return False
            rt.run_until(min(end, rt.clock.now() + step))

    def retry(self, retries: int, cond: Callable[[], bool]) -> bool:
        """retryutil.Retry(10s, retries, f): check now, then after each 10 s tick."""
        for i in range(retries + 1):
            if cond():
                return True
            if i < retries:
                self.run_for(10.0)
        return False

    def wait_size_reached(self, name: str, size: int, retries: int) -> list[str] | None:
        """e2eutil.WaitUntilSizeReached: ``status.members.ready`` has ``size`` names."""
        ready: list[str] = []

        def cond() -> bool:
            nonlocal ready
            ready = list(self.get(name).status.members.ready)
            return len(ready) == size

        return ready if self.retry(retries, cond) else None

    def wait_pod_size_reached(self, name: str, size: int, retries: int) -> list[str] | None:
        """e2eutil.WaitUntilPodSizeReached: ``size`` Running pods."""
        names: list[str] = []

        def cond() -> bool:
            nonlocal names
            names = self.running_pods(name)
            return len(names) == size

        return names if self.retry(retries, cond) else None

    def wait_size_and_version_reached(
        self, name: str, version: str, size: int, retries: int
    ) -> bool:
        """e2eutil.WaitSizeAndVersionReached: ``size`` Running pods at ``version``."""
        return self.retry(
            retries,
            lambda: sum(1 for v in self.pod_versions(name).values() if v == version) == size,
        )

    def _note(self, kind: str, detail: str) -> None:
        self.world.trace.notes.append(Note(self.world.clock.now(), "", kind, detail))
