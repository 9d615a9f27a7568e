"""The real world: every pod is a real etcd process on 127.0.0.1, membership is etcd's own.

The Kubernetes side is the fake one (``fake.FakeKube``: pods, services, resources), but a
pod's "container" is an ``/usr/bin/etcd`` process started from the flags of the pod's etcd
command line, with its own data directory (an emptyDir: it dies with the pod).  Killing the
process group is pod loss.  The operator talks to etcd through the v3 API's JSON gateway
(``/v3/cluster/member/...``) with urllib: no gRPC dependency.

Pods have Kubernetes DNS names (``<member>.<cluster>.<ns>.svc:2379``) that do not resolve
here, so the world plays DNS: every member name gets a client and a peer port on 127.0.0.1,
URLs are translated to those ports on the way into etcd and back on the way out (member
lists carry DNS-form peer URLs, which is what ``MemberNameFromPeerURL`` parses).

Cleanup: processes run in their own process groups and are killed, and the base directory
removed, by :meth:`LocalEtcdWorld.close` -- on return, on an exception, at exit (``atexit``)
and on SIGTERM and SIGINT (handlers raise ``SystemExit`` / ``KeyboardInterrupt``, so the
``finally`` of the run cleans up).  SIGKILL runs no Python code, so
every etcd child carries a parent-death signal (``PR_SET_PDEATHSIG``: the kernel kills it
when the operator process dies), and the base directory holds an owner marker (pid and
process start time): the next world removes base directories whose owner is gone, after
killing any etcd still running on them.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from reference_impl.operator.api import status as api_status
from reference_impl.operator.etcdutil.client import (
    ErrMemberNotFound,
    EtcdError,
    EtcdMemberInfo,
    TLSConfig,
)
from reference_impl.operator.fake import FakeKube, World
from reference_impl.operator.k8sutil.k8sutil import backup_url_of, etcd_flags
from reference_impl.operator.kube import Pod
from reference_impl.operator.runtime import RealClock, Runtime
from reference_impl.operator.trace import Trace

ETCD_BIN = "/usr/bin/etcd"
ETCDCTL_BIN = "/usr/bin/etcdctl"
REQUEST_TIMEOUT = 5.0  # constants.DefaultRequestTimeout


BASE_PREFIX = "localetcd-"
OWNER_MARKER = "owner.json"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_LIBC = ctypes.CDLL(None, use_errno=True) if os.name == "posix" else None


def etcd_available() -> bool:
    return os.access(ETCD_BIN, os.X_OK)


def _die_with_parent(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets SIGKILL when ``parent`` dies (Linux), even by SIGKILL."""

    def preexec() -> None:
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (``/proc/PID/stat`` field 22): pid + start
    time names one process even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


def _owner_alive(marker: Path) -> bool:
    try:
        owner = json.loads(marker.read_text())
        return _start_time(int(owner["pid"])) == str(owner["start"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _kill_etcd_under(base: Path) -> None:
    """Kill etcd processes whose data directory is under ``base`` (ours, left by a dead run)."""
    needle = f"--data-dir={base}/".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(arg.startswith(needle) for arg in cmdline):
            with contextlib.suppress(OSError):
                os.kill(int(proc.name), signal.SIGKILL)


def clean_stale_bases(parent: str | None = None) -> list[Path]:
    """Remove base directories left by worlds whose process is gone (SIGKILL, power loss).

    Only directories named ``localetcd-*`` that hold our owner marker are touched, and only
    when the marker's process (pid and start time) no longer exists.
    """
    removed = []
    for base in Path(parent or tempfile.gettempdir()).glob(BASE_PREFIX + "*"):
        marker = base / OWNER_MARKER
        if not marker.is_file() or _owner_alive(marker):
            continue
        _kill_etcd_under(base)
        shutil.rmtree(base, ignore_errors=True)
        removed.append(base)
    return removed


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dns:
    """Member name -> (client port, peer port), and URL translation both ways."""

    def __init__(self) -> None:
        self.ports: dict[str, tuple[int, int]] = {}
        self._by_port: dict[int, tuple[str, str]] = {}  # port -> (name, "client"|"peer")
        self._hostname: dict[str, str] = {}

    def ports_of(self, name: str) -> tuple[int, int]:
        if name not in self.ports:
            c, p = _free_port(), _free_port()
            while p == c:
                p = _free_port()
            self.ports[name] = (c, p)
            self._by_port[c] = (name, "client")
            self._by_port[p] = (name, "peer")
        return self.ports[name]

    def to_local(self, url: str) -> str:
        u = urlsplit(url)
        host = u.hostname or ""
        if host == "127.0.0.1":
            return url
        name = host.split(".")[0]
        self._hostname[name] = host
        c, p = self.ports_of(name)
        port = p if u.port == 2380 else c
        return f"http://127.0.0.1:{port}"

    def from_local(self, url: str) -> str:
        u = urlsplit(url)
        if u.hostname != "127.0.0.1" or u.port not in self._by_port:
            return url
        name, kind = self._by_port[u.port]
        host = self._hostname.get(name, name)
        return f"http://{host}:{2380 if kind == 'peer' else 2379}"


class LocalEtcdProcesses:
    """The pods' containers: real etcd processes."""

    def __init__(self, world: LocalEtcdWorld) -> None:
        self.world = world
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.data_dirs: dict[str, Path] = {}
        self.commands: dict[str, list[str]] = {}

    def start_process(self, pod: Pod, t: float) -> bool:
        f = etcd_flags(pod)
        name = f["name"]
        dns = self.world.dns
        c, p = dns.ports_of(name)
        dns.to_local(f["advertise-client-urls"])  # remember the DNS hostname
        initial = ",".join(
            f"{pair.partition('=')[0]}={dns.to_local(pair.partition('=')[2])}"
            for pair in f["initial-cluster"].split(",")
        )
        data_dir = self.world.base / "pods" / name
        data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            ETCD_BIN,
            f"--name={name}",
            f"--data-dir={data_dir / 'data'}",
            f"--listen-client-urls=http://127.0.0.1:{c}",
            f"--advertise-client-urls=http://127.0.0.1:{c}",
            f"--listen-peer-urls=http://127.0.0.1:{p}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{p}",
            f"--initial-cluster={initial}",
            f"--initial-cluster-state={f['initial-cluster-state']}",
            # Quieter and quicker than the defaults; nothing here depends on them.
            "--log-level=warn",
            "--snapshot-count=10000",
        ]
        if "initial-cluster-token" in f:
            cmd.append(f"--initial-cluster-token={f['initial-cluster-token']}")
        self.commands[name] = cmd
        self.data_dirs[name] = data_dir
        url = backup_url_of(pod)
        if url is not None and not self._restore(name, url, data_dir, f, p):
            return False
        return self._spawn(name)

    def _restore(
        self, name: str, url: str, data_dir: Path, f: dict[str, str], peer_port: int
    ) -> bool:
        """The seed pod's init containers: fetch the backup, ``etcdctl snapshot restore``."""
        snap = self.world.fetch_backup(url)
        if snap is None:
            return False
        backup = data_dir / "latest.backup"
        backup.write_bytes(snap)
        peer = f"http://127.0.0.1:{peer_port}"
        res = subprocess.run(
            [
                ETCDCTL_BIN,
                "snapshot",
                "restore",
                str(backup),
                f"--name={name}",
                f"--initial-cluster={name}={peer}",
                f"--initial-cluster-token={f.get('initial-cluster-token', '')}",
                f"--initial-advertise-peer-urls={peer}",
                f"--data-dir={data_dir / 'data'}",
            ],
            env={**os.environ, "ETCDCTL_API": "3"},
            capture_output=True,
            timeout=60,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        return res.returncode == 0

    def _spawn(self, name: str) -> bool:
        log = open(self.data_dirs[name] / "etcd.log", "ab")  # noqa: SIM115 - owned by Popen
        try:
            self.procs[name] = subprocess.Popen(
                self.commands[name],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent(os.getpid()),
            )  # own process group: killed as one; dies with the operator process
        finally:
            log.close()
        return True

    def alive(self, name: str) -> bool:
        p = self.procs.get(name)
        return p is not None and p.poll() is None

    def stop_process(self, name: str) -> None:
        p = self.procs.pop(name, None)
        if p is not None:
            _kill_group(p)
        d = self.data_dirs.pop(name, None)
        if d is not None:
            shutil.rmtree(d, ignore_errors=True)  # emptyDir: gone with the pod

    def restart_process(self, pod: Pod) -> None:
        """A new image restarts the container: same data dir (versions are only labels
        here, one etcd binary is installed)."""
        name = pod["metadata"]["name"]
        p = self.procs.pop(name, None)
        if p is not None:
            _kill_group(p, signal.SIGTERM)
            self._spawn(name)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop_process(name)


def _kill_group(p: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(p.pid, sig)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=10)


class LocalKube(FakeKube):
    """FakeKube whose pods' phases follow their etcd processes."""

    def list_pods(self, namespace: str, selector: dict[str, str]) -> list[Pod]:
        # a LocalKube belongs to the real-etcd world, whose etcd is these processes (FakeKube
        # declares its world as the fake one, whose etcd is simulated)
        procs = cast(LocalEtcdProcesses, self.world.etcd)
        for pod in self.pods.values():
            st = pod["status"]
            if st.get("phase") == "Running" and not procs.alive(pod["metadata"]["name"]):
                # etcd exited (removed from the cluster, or failed to join): with
                # restartPolicy Never the pod is Failed.
                st["phase"] = "Failed"
                st["conditions"] = [{"type": "Ready", "status": "False"}]
        return super().list_pods(namespace, selector)


def _post(base: str, path: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            out: dict[str, Any] = json.loads(resp.read() or b"{}")
            return out
    except urllib.error.HTTPError as err:
        try:
            msg = json.loads(err.read()).get("error", str(err))
        except ValueError:
            msg = str(err)
        if "member not found" in msg:
            raise ErrMemberNotFound() from None
        raise EtcdError(msg) from None
    except (urllib.error.URLError, OSError) as err:
        raise EtcdError(f"{base}: {err}") from None


def _expand_services(world: LocalEtcdWorld, endpoints: list[str]) -> list[str]:
    """A service DNS name (e.g. ``<cluster>-client``) stands for the pods it selects."""
    out: list[str] = []
    for ep in endpoints:
        host = (urlsplit(ep).hostname or "").split(".")[0]
        match = [(ns, v) for (ns, n), v in sorted(world.kube.services.items()) if n == host]
        if not match:
            out.append(ep)
            continue
        ns, svc = match[0]
        pods = world.kube.list_pods(ns, svc["spec"].get("selector", {}))
        out += [
            etcd_flags(p)["advertise-client-urls"]
            for p in pods
            if p["status"].get("phase") == "Running"
        ]
    return out


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


class LocalEtcdClient:
    """clientv3 over the JSON gateway: picks the first endpoint that answers."""

    def __init__(self, world: LocalEtcdWorld, endpoints: list[str], tls: TLSConfig | None) -> None:
        self.dns = world.dns
        self.scratch = world.base  # snapshots go under the world's base: cleaned up with it
        self.base = ""
        errors = []
        for ep in _expand_services(world, endpoints):
            base = self.dns.to_local(ep)
            try:
                _post(base, "/v3/maintenance/status", {}, 1.0)
            except EtcdError as err:
                errors.append(str(err))
                continue
            self.base = base
            break
        if not self.base:
            raise EtcdError(f"context deadline exceeded ({'; '.join(errors) or 'no endpoints'})")

    def member_list(self) -> list[EtcdMemberInfo]:
        resp = _post(self.base, "/v3/cluster/member/list", {}, REQUEST_TIMEOUT)
        return [
            EtcdMemberInfo(
                int(m["ID"]),
                m.get("name", ""),
                [self.dns.from_local(u) for u in m.get("peerURLs", [])],
                [self.dns.from_local(u) for u in m.get("clientURLs", [])],
            )
            for m in resp.get("members", [])
        ]

    def member_add(self, peer_urls: list[str]) -> EtcdMemberInfo:
        local = [self.dns.to_local(u) for u in peer_urls]
        resp = _post(self.base, "/v3/cluster/member/add", {"peerURLs": local}, REQUEST_TIMEOUT)
        m = resp["member"]
        return EtcdMemberInfo(int(m["ID"]), "", list(peer_urls), [])

    def member_remove(self, member_id: int) -> None:
        _post(self.base, "/v3/cluster/member/remove", {"ID": str(member_id)}, REQUEST_TIMEOUT)

    def put(self, key: str, value: str) -> None:
        _post(self.base, "/v3/kv/put", {"key": _b64(key), "value": _b64(value)}, REQUEST_TIMEOUT)

    def get(self, key: str) -> str | None:
        resp = _post(self.base, "/v3/kv/range", {"key": _b64(key)}, REQUEST_TIMEOUT)
        kvs = resp.get("kvs", [])
        return base64.b64decode(kvs[0]["value"]).decode() if kvs else None

    # -- what the backup manager needs ---------------------------------------------------

    def revision(self) -> int:
        resp = _post(
            self.base, "/v3/kv/range", {"key": _b64("/"), "serializable": True}, REQUEST_TIMEOUT
        )
        return int(resp["header"]["revision"])

    def status_version(self) -> str:
        return str(_post(self.base, "/v3/maintenance/status", {}, REQUEST_TIMEOUT)["version"])

    def snapshot(self) -> bytes:
        with tempfile.TemporaryDirectory(dir=self.scratch) as d:
            out = Path(d) / "snap.db"
            res = subprocess.run(
                [ETCDCTL_BIN, f"--endpoints={self.base}", "snapshot", "save", str(out)],
                env={**os.environ, "ETCDCTL_API": "3"},
                capture_output=True,
                timeout=60,
                preexec_fn=_die_with_parent(os.getpid()),
            )
            if res.returncode != 0:
                raise EtcdError(f"failed to receive snapshot ({res.stderr.decode().strip()})")
            return out.read_bytes()

    def close(self) -> None:
        pass


class LocalEtcdWorld(World):
    name = "etcd"

    def __init__(
        self, seed: int = 0, reconcile_interval: float = 1.0, base_dir: str | None = None
    ) -> None:
        if not etcd_available():
            raise RuntimeError(f"{ETCD_BIN} is not installed (Debian package etcd-server)")
        self.clock = RealClock()
        self.runtime = Runtime(self.clock)
        self.rng = random.Random(seed)
        self.startup_delay = 0.0
        self.strict_reconfig = True
        self.reconcile_interval = reconcile_interval
        clean_stale_bases(base_dir)
        self.base = Path(tempfile.mkdtemp(prefix=BASE_PREFIX, dir=base_dir))
        (self.base / OWNER_MARKER).write_text(
            json.dumps({"pid": os.getpid(), "start": _start_time(os.getpid())})
        )
        self.dns = Dns()
        self.etcd = LocalEtcdProcesses(self)
        self.kube = LocalKube(self)  # type: ignore[arg-type]
        self.trace = Trace()
        # url prefix -> handler, as in the fake world: the restore operator's HTTP endpoint
        self.backup_servers: dict[str, Callable[[str], bytes | None]] = {}
        api_status.now_func = self.clock.now
        self._closed = False
        atexit.register(self.close)
        self._previous_handlers: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            # SIGTERM's default kills without cleanup, and a shell starts background jobs
            # with SIGINT ignored: handle both, raising so that ``finally`` blocks (and
            # close()) run.  Restored by close().
            for signum in (signal.SIGTERM, signal.SIGINT):
                self._previous_handlers[signum] = signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self._closed:
            return  # cleaning up already: let it finish
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    def new_etcd_client(self, endpoints: list[str], tls: TLSConfig | None) -> LocalEtcdClient:
        return LocalEtcdClient(self, endpoints, tls)

    def wait_serving(self, namespace: str, cluster: str, timeout: float = 20.0) -> None:
        """Block until a write goes through (a leader exists)."""
        end = time.monotonic() + timeout
        while True:
            try:
                self.put(namespace, cluster, "__probe", "1")
                return
            except EtcdError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True  # from here on SIGTERM does not interrupt the cleanup
        self.etcd.close()
        shutil.rmtree(self.base, ignore_errors=True)
        atexit.unregister(self.close)
        if threading.current_thread() is threading.main_thread():
            for signum, handler in self._previous_handlers.items():
                signal.signal(signum, handler)
            self._previous_handlers.clear()
