"""Mirror of pkg/apis/etcd/v1beta2/cluster.go: the EtcdCluster resource and its spec.

``EtcdCluster.from_dict`` reads the v1beta2 JSON/YAML form (``kubectl get etcdcluster -o
yaml``); a wrong field raises :class:`SpecError` naming the field path.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from reference_impl.mirrors import mirrors
from reference_impl.operator.api.cluster_tls import MemberSecret, StaticTLS, TLSPolicy
from reference_impl.operator.api.meta import ObjectMeta, OwnerReference
from reference_impl.operator.api.status import ClusterStatus

_PKG = "github.com/coreos/etcd-operator/pkg/apis/etcd/v1beta2"

DEFAULT_REPOSITORY = "quay.io/coreos/etcd"
DEFAULT_ETCD_VERSION = "3.2.13"
API_VERSION = "etcd.database.coreos.com/v1beta2"
KIND = "EtcdCluster"


class SpecError(ValueError):
    """Mirrors nothing: Go's decoder fails with a generic error; this one names the field.

    A resource document that does not parse; ``field`` is the dotted path at fault.

    >>> str(SpecError("spec.size", "must be an integer"))
    'spec.size: must be an integer'
    """

    def __init__(self, field_path: str, problem: str) -> None:
        super().__init__(f"{field_path}: {problem}")
        self.field = field_path


@dataclass
class PodPolicy:
    """Mirrors ``v1beta2.PodPolicy``: labels, node selector, resources and more for member pods.

    >>> PodPolicy(labels={"team": "db"}).labels
    {'team': 'db'}
    """

    labels: dict[str, str] = field(default_factory=dict)
    node_selector: dict[str, str] = field(default_factory=dict)
    anti_affinity: bool = False
    affinity: dict[str, Any] | None = None
    persistent_volume_claim_spec: dict[str, Any] | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    busybox_image: str = ""
    dns_timeout_in_second: int = 0


@dataclass
class ClusterSpec:
    """Mirrors ``v1beta2.ClusterSpec``: size, repository, version, paused, pod policy, TLS.

    >>> spec = ClusterSpec(size=3, version="3.2.13")
    >>> spec.size, spec.version, spec.paused
    (3, '3.2.13', False)
    """

    size: int = 0
    repository: str = ""
    version: str = ""
    paused: bool = False
    pod: PodPolicy | None = None
    tls: TLSPolicy | None = None

    def deepcopy(self) -> ClusterSpec:
        """Mirrors nothing: what Go's generated ``DeepCopy`` (or a struct copy) does.

        >>> a = ClusterSpec(size=3, pod=PodPolicy(labels={"x": "1"}))
        >>> b = a.deepcopy()
        >>> b.pod.labels["x"] = "2"
        >>> a.pod.labels["x"]
        '1'
        """
        return ClusterSpec(
            self.size,
            self.repository,
            self.version,
            self.paused,
            copy.deepcopy(self.pod) if self.pod is not None else None,
            copy.deepcopy(self.tls) if self.tls is not None else None,
        )

    @mirrors(f"(*{_PKG}.ClusterSpec).Validate")
    def validate(self) -> None:
        """Mirrors ``(*v1beta2.ClusterSpec).Validate``.

        >>> ClusterSpec(size=3, pod=PodPolicy(labels={"app": "mine"})).validate()
        Traceback (most recent call last):
        ...
        ValueError: spec: pod labels contains reserved label
        """
        if self.tls is not None:
            self.tls.validate()
        if self.pod is not None:
            for k in self.pod.labels:
                if k == "app" or k.startswith("etcd_"):
                    raise ValueError("spec: pod labels contains reserved label")


@dataclass
class EtcdCluster:
    """Mirrors ``v1beta2.EtcdCluster``: the custom resource (metadata, spec, status).

    >>> cr = EtcdCluster.from_dict({"metadata": {"name": "example"}, "spec": {"size": 3}})
    >>> cr.name, cr.spec.size, cr.status.phase
    ('example', 3, '')
    """

    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: ClusterSpec = field(default_factory=ClusterSpec)
    status: ClusterStatus = field(default_factory=ClusterStatus)
    api_version: str = API_VERSION

    @property
    def name(self) -> str:
        """Mirrors nothing: Go reads ``cl.Name`` through the embedded ObjectMeta.

        >>> EtcdCluster.from_dict({"metadata": {"name": "ex"}}).name
        'ex'
        """
        return self.metadata.name

    @property
    def namespace(self) -> str:
        """Mirrors nothing: Go reads ``cl.Namespace`` through the embedded ObjectMeta.

        >>> EtcdCluster.from_dict({"metadata": {"name": "ex", "namespace": "ns1"}}).namespace
        'ns1'
        """
        return self.metadata.namespace

    def deepcopy(self) -> EtcdCluster:
        # Field by field: copy.deepcopy of the whole resource dominated the fake world's
        # profile (every status write copies the resource a few times).
        """Mirrors nothing: what Go's generated ``DeepCopy`` (or a struct copy) does.

        >>> cr = EtcdCluster.from_dict({"metadata": {"name": "ex"}, "spec": {"size": 3}})
        >>> cp = cr.deepcopy()
        >>> cp.spec.size = 5
        >>> cr.spec.size
        3
        """
        return EtcdCluster(
            self.metadata.deepcopy(), self.spec.deepcopy(), self.status.deepcopy(), self.api_version
        )

    @mirrors(f"(*{_PKG}.EtcdCluster).AsOwner")
    def as_owner(self) -> OwnerReference:
        """Mirrors ``(*v1beta2.EtcdCluster).AsOwner``.

        >>> cr = EtcdCluster.from_dict({"metadata": {"name": "ex", "uid": "u1"}})
        >>> o = cr.as_owner()
        >>> o.kind, o.name, o.uid, o.controller
        ('EtcdCluster', 'ex', 'u1', True)
        """
        return OwnerReference(self.api_version, KIND, self.metadata.name, self.metadata.uid, True)

    @mirrors(f"(*{_PKG}.EtcdCluster).SetDefaults")
    def set_defaults(self) -> None:
        """Mirrors ``(*v1beta2.EtcdCluster).SetDefaults``.

        >>> cr = EtcdCluster.from_dict({"metadata": {"name": "ex"}, "spec": {"size": 3}})
        >>> cr.set_defaults()
        >>> cr.spec.repository, cr.spec.version
        ('quay.io/coreos/etcd', '3.2.13')
        """
        c = self.spec
        if not c.repository:
            c.repository = DEFAULT_REPOSITORY
        if not c.version:
            c.version = DEFAULT_ETCD_VERSION
        # Users write "v3.2.13" as often as "3.2.13"; the image tag adds the "v" back.
        c.version = c.version.lstrip("v")
        if c.pod is not None and c.pod.anti_affinity and c.pod.affinity is None:
            c.pod.affinity = {
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "labelSelector": {"matchLabels": {"etcd_cluster": self.metadata.name}},
                            "topologyKey": "kubernetes.io/hostname",
                        }
                    ]
                }
            }

    # -- the v1beta2 document form -------------------------------------------------------

    @classmethod
    def from_dict(cls, doc: Any) -> EtcdCluster:
        """Mirrors nothing: the JSON decoding Go gets from the struct's field tags.

        >>> try:
        ...     EtcdCluster.from_dict({"metadata": {"name": "ex"}, "spec": {"size": "three"}})
        ... except SpecError as err:
        ...     print(err)
        spec.size: a non-negative integer is required, got 'three'
        """
        d = _mapping(doc, "(document)")
        api_version = d.get("apiVersion", API_VERSION)
        if api_version != API_VERSION:
            raise SpecError("apiVersion", f"expected {API_VERSION}, got {api_version!r}")
        if d.get("kind", KIND) != KIND:
            raise SpecError("kind", f"expected {KIND}, got {d.get('kind')!r}")
        md = _mapping(d.get("metadata", {}), "metadata")
        name = md.get("name")
        if not isinstance(name, str) or not name:
            raise SpecError("metadata.name", "a non-empty string is required")
        meta = ObjectMeta(
            name=name,
            namespace=_str(md, "namespace", "metadata", "default"),
            uid=_str(md, "uid", "metadata", ""),
            labels=_str_map(md, "labels", "metadata"),
            annotations=_str_map(md, "annotations", "metadata"),
        )
        sd = _mapping(d.get("spec", {}), "spec")
        _known(sd, "spec", {"size", "repository", "version", "paused", "pod", "TLS"})
        size = sd.get("size", 0)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise SpecError("spec.size", f"a non-negative integer is required, got {size!r}")
        version = sd.get("version", "")
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            raise SpecError(
                "spec.version",
                f'quote the version, e.g. "3.2.13" (YAML read a number: {version!r})',
            )
        paused = sd.get("paused", False)
        if not isinstance(paused, bool):
            raise SpecError("spec.paused", f"true or false is required, got {paused!r}")
        spec = ClusterSpec(
            size=size,
            repository=_str(sd, "repository", "spec", ""),
            version=_str(sd, "version", "spec", ""),
            paused=paused,
            pod=_pod_policy(sd.get("pod")),
            tls=_tls_policy(sd.get("TLS")),
        )
        return cls(meta, spec)

    def to_dict(self) -> dict[str, Any]:
        """Mirrors nothing: the JSON form Go gets from the struct's field tags.

        >>> cr = EtcdCluster.from_dict({"metadata": {"name": "ex"}, "spec": {"size": 3}})
        >>> cr.to_dict()["spec"]["size"]
        3
        """
        spec: dict[str, Any] = {"size": self.spec.size, "version": self.spec.version}
        if self.spec.repository:
            spec["repository"] = self.spec.repository
        if self.spec.paused:
            spec["paused"] = True
        return {
            "apiVersion": self.api_version,
            "kind": KIND,
            "metadata": self.metadata.to_dict(),
            "spec": spec,
            "status": self.status.to_dict(),
        }


def _mapping(v: Any, path: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise SpecError(path, f"a mapping is required, got {type(v).__name__}")
    return v


def _known(d: dict[str, Any], path: str, allowed: set[str]) -> None:
    for k in d:
        if k not in allowed:
            raise SpecError(f"{path}.{k}", f"unknown field (known: {', '.join(sorted(allowed))})")


def _str(d: dict[str, Any], key: str, path: str, default: str) -> str:
    v = d.get(key, default)
    if not isinstance(v, str):
        raise SpecError(f"{path}.{key}", f"a string is required, got {v!r}")
    return v


def _str_map(d: dict[str, Any], key: str, path: str) -> dict[str, str]:
    v = d.get(key) or {}
    m = _mapping(v, f"{path}.{key}")
    for k, val in m.items():
        if not isinstance(val, str):
            raise SpecError(f"{path}.{key}.{k}", f"a string is required, got {val!r}")
    return dict(m)


def _pod_policy(v: Any) -> PodPolicy | None:
    if v is None:
        return None
    d = _mapping(v, "spec.pod")
    return PodPolicy(
        labels=_str_map(d, "labels", "spec.pod"),
        node_selector=_str_map(d, "nodeSelector", "spec.pod"),
        anti_affinity=bool(d.get("antiAffinity", False)),
        affinity=d.get("affinity"),
        persistent_volume_claim_spec=d.get("persistentVolumeClaimSpec"),
        annotations=_str_map(d, "annotations", "spec.pod"),
        busybox_image=_str(d, "busyboxImage", "spec.pod", ""),
        dns_timeout_in_second=int(d.get("DNSTimeoutInSecond", 0)),
    )


def _tls_policy(v: Any) -> TLSPolicy | None:
    if v is None:
        return None
    d = _mapping(v, "spec.TLS")
    st = d.get("static")
    if st is None:
        return TLSPolicy()
    sd = _mapping(st, "spec.TLS.static")
    member = None
    if sd.get("member") is not None:
        md = _mapping(sd["member"], "spec.TLS.static.member")
        member = MemberSecret(
            _str(md, "peerSecret", "spec.TLS.static.member", ""),
            _str(md, "serverSecret", "spec.TLS.static.member", ""),
        )
    return TLSPolicy(StaticTLS(member, _str(sd, "operatorSecret", "spec.TLS.static", "")))
