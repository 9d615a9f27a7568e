"""``explain`` against a Summary served over HTTP on 127.0.0.1, as a kubelet would serve it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reference_impl.eviction.__main__ import main
from reference_impl.eviction.explain import ExplainError, explain, load_summary

GI = 2**30
MI = 2**20
T = "2018-11-26T10:00:00Z"


def _pod(
    name: str, requests: dict | None = None, limits: dict | None = None, priority: int = 0
) -> dict:
    resources = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
        "spec": {"priority": priority, "containers": [{"name": name, "resources": resources}]},
        "status": {"phase": "Running"},
    }


def _summary(available: int) -> dict:
    def pod(name: str, ws: int) -> dict:
        return {
            "podRef": {"name": name, "namespace": "default", "uid": f"uid-{name}"},
            "containers": [{"name": name, "memory": {"time": T, "workingSetBytes": ws}}],
        }

    memory = {"time": T, "availableBytes": available, "workingSetBytes": 4 * GI - available}
    return {
        "node": {
            "nodeName": "worker-1",
            "memory": memory,
            "systemContainers": [{"name": "pods", "memory": dict(memory)}],
            "fs": {"time": T, "availableBytes": 60 * GI, "capacityBytes": 100 * GI},
        },
        "pods": [pod("web", 700 * MI), pod("cache", 900 * MI), pod("db", 1000 * MI)],
    }


PODS = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        _pod("web", {"memory": "256Mi"}, {"memory": "1Gi"}),
        _pod("cache"),
        _pod("db", {"memory": "1Gi", "cpu": "1"}, {"memory": "1Gi", "cpu": "1"}),
        {**_pod("done"), "status": {"phase": "Succeeded"}},
        {**_pod("elsewhere"), "spec": {"nodeName": "worker-2", "containers": [{"name": "x"}]}},
    ],
}


@pytest.fixture
def serve() -> Iterator:
    """Serve the JSON the test hands in at http://127.0.0.1:PORT/stats/summary."""
    servers = []

    def start(body: bytes) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/stats/summary":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/stats/summary"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_explain_hard_memory_pressure_over_http(serve, tmp_path: Path, capsys) -> None:
    url = serve(json.dumps(_summary(70 * MI)).encode())
    pods = tmp_path / "pods.json"
    pods.write_text(json.dumps(PODS))
    assert main(["explain", "--summary", url, "--pods", str(pods)]) == 0
    out = capsys.readouterr().out
    assert "node worker-1" in out
    assert "memory.available < 100Mi (hard)" in out  # the 1.10 default
    assert "Node conditions reported: MemoryPressure" in out
    assert "BestEffort rejected, Burstable admitted" in out
    assert (
        'Would evict: default/cache — reason Evicted, "The node was low on resource: memory." '
        "(grace period override 0s)" in out
    )
    assert "default/done" not in out  # terminated pods are not active
    assert "default/elsewhere" not in out  # another node's pod
    assert "3 of 5 pods are active on this node" in out


def test_explain_soft_threshold_reports_what_happens_after_the_grace_period(
    serve, tmp_path: Path
) -> None:
    url = serve(json.dumps(_summary(600 * MI)).encode())
    config = tmp_path / "kubelet.yaml"
    config.write_text(
        "kind: KubeletConfiguration\n"
        "evictionHard: {memory.available: 100Mi}\n"
        "evictionSoft: {memory.available: 1Gi}\n"
        "evictionSoftGracePeriod: {memory.available: 2m}\n"
        "evictionMaxPodGracePeriod: 45\n"
        "featureGates: {PodPriority: true}\n"
    )
    from reference_impl.eviction.kubeletconfig import load_eviction_settings

    result = explain(load_summary(url), PODS["items"], load_eviction_settings(config))
    assert result.evicted is None  # a fresh kubelet has not waited out the grace period
    assert result.first.node_conditions == ["MemoryPressure"]
    assert (
        result.hypothetical_after is not None and result.hypothetical_after.total_seconds() == 120
    )
    assert result.hypothetical_evicted == "default/cache"
    assert result.grace_override == 45
    assert result.ranking_details[0]["pod"] == "default/cache"
    assert result.ranking_details[0]["exceeds_request"] is True


def test_explain_rejects_a_malformed_summary(serve, tmp_path: Path, capsys) -> None:
    url = serve(json.dumps({"node": {"memory": {"availableBytes": "lots"}}}).encode())
    with pytest.raises(ExplainError, match=r"summary\.node\.memory\.availableBytes"):
        load_summary(url)
    pods = tmp_path / "pods.json"
    pods.write_text(json.dumps(PODS))
    assert main(["explain", "--summary", url, "--pods", str(pods)]) == 1
    assert "expected an unsigned integer" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ExplainError, match="not valid JSON"):
        load_summary(str(bad))


def test_explain_json_output(tmp_path: Path, capsys) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps(_summary(70 * MI)))
    pods = tmp_path / "pods.json"
    pods.write_text(json.dumps(PODS))
    assert main(["explain", "--summary", str(summary), "--pods", str(pods), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["evicted"] == "default/cache"
    assert doc["first_pass"]["observations"]["memory.available"]["available"] == 70 * MI
