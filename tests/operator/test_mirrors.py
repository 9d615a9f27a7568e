"""Every public function, method and class of the mirror modules declares its Go symbol, and
(with the fetched corpus) every declared symbol exists in etcd-operator v0.9.4."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from reference_impl.mirrors import registry

PKG_ROOT = "github.com/coreos/etcd-operator/"

# Modules that mirror Go files.  The rest of the package (worlds, runtime, trace, scenario,
# plot, harness, the kube/etcd client protocols) is our own machinery.
MIRROR_MODULES = [
    "reference_impl.operator.api.cluster",
    "reference_impl.operator.api.cluster_tls",
    "reference_impl.operator.api.status",
    "reference_impl.operator.etcdutil.member",
    "reference_impl.operator.etcdutil.etcdutil",
    "reference_impl.operator.k8sutil.k8sutil",
    "reference_impl.operator.k8sutil.pod_util",
    "reference_impl.operator.cluster.state",
    "reference_impl.operator.cluster.cluster",
    "reference_impl.operator.cluster.reconcile",
    "reference_impl.operator.cluster.member",
    "reference_impl.operator.cluster.upgrade",
    "reference_impl.operator.cluster.error",
    "reference_impl.operator.controller",
    "reference_impl.operator.backup.backup_manager",
    "reference_impl.operator.backup.util",
    "reference_impl.operator.backup.backupapi",
    "reference_impl.operator.backup.sync",
    "reference_impl.operator.backup.s3factory",
    "reference_impl.operator.restore.sync",
    "reference_impl.operator.restore.http",
    "reference_impl.operator.cmd.mains",
]

# Public names that are Python plumbing, not Go functions (serialisation, copies, accessors
# Go gets from struct fields or embedding, trace helpers).
NOT_GO = {
    "from_dict",
    "to_dict",
    "deepcopy",
    "copy",
    "names",
    "comparable",
    "condition_types",
    "name",
    "namespace",
    "etcd_flags",
    "backup_url_of",
    "main",
    "watch",
    "stop",
    "wrap",
    "cause",
    "url_prefix",
    "quorum",
    "now_func",
    # one arm of (*Cluster).run's select, declared on run itself
    "reconcile_once",
}


def _public_defs(mod: Any) -> list[tuple[str, Any]]:
    out = []
    for n, obj in vars(mod).items():
        if n.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj):
            out.append((n, obj))
        elif inspect.isclass(obj) and getattr(obj, "__mirrors__", None):
            for mn, m in vars(obj).items():
                if inspect.isfunction(m) and not mn.startswith("_") and mn not in NOT_GO:
                    out.append((f"{n}.{mn}", m))
    return out


@pytest.mark.parametrize("modname", MIRROR_MODULES)
def test_every_public_def_declares_its_go_symbol(modname: str) -> None:
    mod = importlib.import_module(modname)
    missing = [
        n
        for n, f in _public_defs(mod)
        if n.split(".")[-1] not in NOT_GO and not getattr(f, "__mirrors__", None)
    ]
    assert missing == []


def _go_pattern(sym: str) -> tuple[str, re.Pattern[str]]:
    # a closure (F$1) lives inside F; a package init block (init#1) is a `func init()`
    sym = re.sub(r"(\$\d+)+$", "", re.sub(r"\.init#\d+$", ".init", sym))
    m = re.match(r"^\(\*?([\w./-]+)\.(\w+)\)\.(\w+)$", sym)
    if m:
        pkg, recv, name = m.groups()
        return pkg, re.compile(rf"func \(\w*\s*\*?{recv}\) {name}\(")
    pkg, _, name = sym.rpartition(".")
    return pkg, re.compile(rf"(func {name}\(|type {name} |\b{name}\s+=|^\s*{name}\s+\w)", re.M)


@pytest.mark.corpus
def test_every_declared_symbol_exists_upstream(etcd_operator_corpus: tuple[Any, Path]) -> None:
    for modname in MIRROR_MODULES:
        importlib.import_module(modname)
    _, root = etcd_operator_corpus
    missing = []
    for m in registry():
        if m.corpus != "etcd-operator":
            continue
        pkg, pat = _go_pattern(m.go_symbol)
        d = root / pkg.removeprefix(PKG_ROOT)
        text = "\n".join(p.read_text() for p in d.glob("*.go") if not p.name.endswith("_test.go"))
        if not pat.search(text):
            missing.append(m.go_symbol)
    assert missing == []
