"""Hostile inputs to the mirrors' command lines (issue 13, items 4 and 5).

``python -m reference_impl.eviction`` and ``python -m reference_impl.operator`` answer a
bad file or field with exit code 2 and one line naming the file and the field; never a
traceback, never a hang, nothing written outside the sandbox, no process left.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from .conftest import Sandbox, assert_refused

T = "2018-11-26T10:00:00Z"
MI = 2**20


def _pod(name: str, requests: dict | None = None, priority: Any = 0) -> dict:
    resources = {"requests": requests} if requests else {}
    return {
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
        "spec": {"priority": priority, "containers": [{"name": name, "resources": resources}]},
        "status": {"phase": "Running"},
    }


PODS = {"kind": "List", "items": [_pod("web", {"memory": "256Mi"}), _pod("cache")]}
MEMORY = {"time": T, "availableBytes": 50 * MI, "workingSetBytes": 4 * 2**30}
SUMMARY = {
    "node": {
        "nodeName": "n",
        "memory": MEMORY,
        "systemContainers": [{"name": "pods", "memory": dict(MEMORY)}],
        "fs": {"time": T, "availableBytes": 60 * 2**30, "capacityBytes": 100 * 2**30},
    },
    "pods": [
        {
            "podRef": {"name": n, "namespace": "default", "uid": f"uid-{n}"},
            "containers": [{"name": n, "memory": {"time": T, "workingSetBytes": 500 * MI}}],
        }
        for n in ("web", "cache")
    ],
}


def _with(doc: dict, path: str, value: Any) -> dict:
    out = copy.deepcopy(doc)
    *head, last = path.split(".")
    here: Any = out
    for key in head:
        here = here[int(key)] if isinstance(here, list) else here[key]
    if isinstance(here, list):
        here[int(last)] = value
    else:
        here[last] = value
    return out


DEEP_JSON = "[" * 100_000 + "]" * 100_000

# name -> (pods file content, summary file content, fragments of the message)
EXPLAIN_CASES: dict[str, tuple[str | bytes, str | bytes, tuple[str, ...]]] = {
    "priority a string": (
        json.dumps(_with(PODS, "items.0.spec.priority", "high")),
        json.dumps(SUMMARY),
        ("pods", "pod 'web'", "spec.priority must be an integer"),
    ),
    "priority past int32": (
        json.dumps(_with(PODS, "items.0.spec.priority", 10**30)),
        json.dumps(SUMMARY),
        ("pod 'web'", "not a 32-bit integer"),
    ),
    "request not a quantity": (
        json.dumps(_with(PODS, "items.0.spec.containers.0.resources.requests.memory", "lots")),
        json.dumps(SUMMARY),
        ("pod 'web'", "requests.memory", "'lots'"),
    ),
    "request with 5000 digits": (
        json.dumps(_with(PODS, "items.0.spec.containers.0.resources.requests.memory", "9" * 5000)),
        json.dumps(SUMMARY),
        ("pod 'web'", "requests.memory", "5000 digits"),
    ),
    "containers not a list": (
        json.dumps(_with(PODS, "items.0.spec.containers", "x")),
        json.dumps(SUMMARY),
        ("pod 'web'", "spec.containers must be a list"),
    ),
    "pods not UTF-8": (
        json.dumps(PODS).replace("cache", "caf\u00e9").encode("latin-1"),
        json.dumps(SUMMARY),
        ("pods", "not UTF-8"),
    ),
    "pods nested deeply": (DEEP_JSON, json.dumps(SUMMARY), ("pods", "nested too deeply")),
    "pods without uid": (
        json.dumps({"items": [{"metadata": {"name": "x"}}]}),
        json.dumps(SUMMARY),
        ("item 0 has no metadata.uid",),
    ),
    "summary not UTF-8": (json.dumps(PODS), b'{"node": "\xe9"}', ("summary", "not UTF-8")),
    "summary nested deeply": (json.dumps(PODS), DEEP_JSON, ("summary", "nested too deeply")),
    "summary not JSON": (json.dumps(PODS), "node: {}", ("summary", "not valid JSON")),
    "summary bytes a string": (
        json.dumps(PODS),
        json.dumps(_with(SUMMARY, "node.memory.availableBytes", "x")),
        ("summary.node.memory.availableBytes", "unsigned integer"),
    ),
    "summary podRef a number": (
        json.dumps(PODS),
        json.dumps(_with(SUMMARY, "pods.0.podRef", 5)),
        ("summary.pods[0].podRef", "expected an object"),
    ),
    "summary time not RFC 3339": (
        json.dumps(PODS),
        json.dumps(_with(SUMMARY, "node.memory.time", "yesterday")),
        ("summary.node.memory.time", "RFC 3339"),
    ),
}


@pytest.mark.parametrize("case", sorted(EXPLAIN_CASES))
def test_explain_refuses_a_bad_input(sandbox: Sandbox, case: str) -> None:
    pods, summary, fragments = EXPLAIN_CASES[case]
    p = sandbox.write("pods.json", pods)
    s = sandbox.write("summary.json", summary)
    ran = sandbox.run(
        "-m", "reference_impl.eviction", "explain", "--summary", str(s), "--pods", str(p)
    )
    assert_refused(ran, 1, *fragments)


def test_explain_accepts_the_good_input(sandbox: Sandbox) -> None:
    """The baseline the bad cases are variations of: it runs."""
    p = sandbox.write("pods.json", json.dumps(PODS))
    s = sandbox.write("summary.json", json.dumps(SUMMARY))
    ran = sandbox.run(
        "-m", "reference_impl.eviction", "explain", "--summary", str(s), "--pods", str(p)
    )
    assert ran.code == 0, ran.err
    assert "Would evict" in ran.out


SCENARIO = "name: x\ntick: 10s\nduration: {duration}\nnode: {{memory: 1Gi}}\n"
SIMULATE_CASES = {
    "negative duration": (SCENARIO.format(duration="-5m"), ("duration", "must be positive")),
    "absurd duration": (SCENARIO.format(duration="1000000h"), ("duration", "too long")),
    "NaN duration": (SCENARIO.format(duration=".nan"), ("duration", "finite")),
    "infinite duration": (SCENARIO.format(duration=".inf"), ("duration", "finite")),
    "not UTF-8": (b"name: caf\xe9\nduration: 1m\n", ("not UTF-8",)),
    "nested deeply": ("[" * 50_000 + "]" * 50_000, ("nested too deeply",)),
    "duplicate pods": (
        SCENARIO.format(duration="1m")
        + "pods:\n  - {name: a, usage: {memory: 1Mi}}\n  - {name: a, usage: {memory: 1Mi}}\n",
        ("pods[1].name", "duplicate pod default/a"),
    ),
}


@pytest.mark.parametrize("case", sorted(SIMULATE_CASES))
def test_simulate_refuses_a_bad_scenario(sandbox: Sandbox, case: str) -> None:
    text, fragments = SIMULATE_CASES[case]
    path = sandbox.write("scenario.yaml", text)
    ran = sandbox.run("-m", "reference_impl.eviction", "simulate", str(path), timeout=60)
    assert_refused(ran, 1, *fragments)


CLUSTER = (
    "cluster: {{apiVersion: etcd.database.coreos.com/v1beta2, kind: EtcdCluster, "
    'metadata: {{name: {name}}}, spec: {{size: 3, version: "3.2.13"}}}}\n'
)
OPERATOR_CASES = {
    "path-like cluster name": (CLUSTER.format(name='"../../x"'), (), ("DNS-1123", "'../../x'")),
    "upper-case cluster name": (CLUSTER.format(name="Ex"), (), ("metadata.name", "DNS-1123")),
    "dotted cluster name": (CLUSTER.format(name='"a.b"'), (), ("DNS-1123",)),
    "cluster name too long": (CLUSTER.format(name="a" * 60), (), ("at most 56",)),
    "infinite duration": (CLUSTER.format(name="ex") + "duration: .inf\n", (), ("duration",)),
    "negative duration": (CLUSTER.format(name="ex") + "duration: -1\n", (), ("duration",)),
    "absurd duration": (CLUSTER.format(name="ex") + "duration: 1e12\n", (), ("duration",)),
    "not UTF-8": (b"cluster: caf\xe9\n", (), ("not UTF-8",)),
    "nested deeply": ("[" * 50_000 + "]" * 50_000, (), ("nested too deeply",)),
    "unknown pod name": (
        CLUSTER.format(name="ex") + "duration: 20\nevents: [{at: 5, kill: nosuchpod}]\n",
        (),
        ("events[0].kill", "no pod named 'nosuchpod'"),
    ),
    "NaN time scale": (CLUSTER.format(name="ex"), ("--time-scale", "nan"), ("--time-scale",)),
    "negative time scale": (CLUSTER.format(name="ex"), ("--time-scale", "-1"), ("--time-scale",)),
    "zero time scale": (CLUSTER.format(name="ex"), ("--time-scale", "0"), ("--time-scale",)),
    "infinite time scale": (
        CLUSTER.format(name="ex"),
        ("--time-scale", "inf"),
        ("--time-scale",),
    ),
}


@pytest.mark.parametrize("case", sorted(OPERATOR_CASES))
def test_operator_simulate_refuses_a_bad_scenario(sandbox: Sandbox, case: str) -> None:
    text, extra, fragments = OPERATOR_CASES[case]
    path = sandbox.write("scenario.yaml", text)
    ran = sandbox.run("-m", "reference_impl.operator", "simulate", str(path), *extra, timeout=60)
    if extra:  # argparse: usage line + error line
        assert ran.code == 2 and "Traceback" not in ran.err, ran.err
        assert all(f in ran.err for f in fragments), ran.err
    else:
        assert_refused(ran, 1, *fragments)


def test_operator_json_into_a_missing_directory(sandbox: Sandbox) -> None:
    path = sandbox.write("scenario.yaml", CLUSTER.format(name="ex") + "duration: 5\n")
    out = sandbox.cache / "nodir" / "t.json"
    ran = sandbox.run(
        "-m", "reference_impl.operator", "simulate", str(path), "--trace", str(out), timeout=60
    )
    assert ran.code == 3 and "cannot write" in ran.err and "Traceback" not in ran.err
