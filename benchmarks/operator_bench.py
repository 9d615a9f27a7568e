"""etcd-operator reference: how fast the loop runs, and how fast a real cluster heals.

1. In-memory: reconcile cycles per second for a 5-member cluster in the fake world under
   random pod failures (each cycle: with probability ``--fail-rate`` a random pod is killed),
   with and without the decision trace.  Target: >= 10,000 cycles/s.
2. Real etcd (needs /usr/bin/etcd): kill one member of three, measure the time until three
   healthy members again (3 running pods, 3 etcd members, each answering, and a reconcile
   cycle that found nothing to do).  Median of ``--runs`` runs.

Prints figures; asserts nothing.  Usage:
    python benchmarks/operator_bench.py [--cycles 50000] [--runs 5] [--interval 8] [--skip-etcd]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference_impl.operator import trace
from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator
from reference_impl.operator.localetcd import LocalEtcdWorld, etcd_available

NS = "default"


def _cluster(name: str, size: int) -> EtcdCluster:
    return EtcdCluster.from_dict(
        {"metadata": {"name": name}, "spec": {"size": size, "version": "3.2.13"}}
    )


def bench_fake(cycles: int, fail_rate: float, with_trace: bool, seed: int = 0) -> float:
    world = FakeWorld(seed=seed)
    if not with_trace:
        cfg = world.cluster_config

        def no_trace():  # type: ignore[no-untyped-def]
            c = cfg()
            c.trace = None
            return c

        world.cluster_config = no_trace  # type: ignore[method-assign]
    op = Operator(world)
    op.create(_cluster("bench", 5))
    op.run_for(8.0 * 8)
    rng = random.Random(seed)
    assert op.controller is not None
    cl = op.controller.clusters[f"{NS}/bench"]
    assert cl is not None
    count = 0
    interval = world.reconcile_interval
    start = time.perf_counter()
    while count < cycles:
        if rng.random() < fail_rate:
            pods = op.running_pods("bench")
            if len(pods) > 3:  # keep a majority so the loop keeps working
                world.kill_pod(NS, rng.choice(pods))
        world.runtime.run_until(world.clock.now() + interval)
        count += 1
    elapsed = time.perf_counter() - start
    if with_trace:
        branches = trace.Trace(cycles=world.trace.cycles).branches("bench")
        mix = {b: branches.count(b) for b in sorted(set(branches))}
        print(f"    branch mix: {mix}")
    return count / elapsed


def heal_once(interval: float, seed: int) -> float:
    world = LocalEtcdWorld(seed=seed, reconcile_interval=interval)
    try:
        op = Operator(world)
        op.create(_cluster("bench", 3))

        def healthy() -> bool:
            pods = op.running_pods("bench")
            if len(pods) != 3:
                return False
            cycles = world.trace.for_cluster("bench")
            if not cycles or cycles[-1].branch != trace.NOOP:
                return False
            try:
                members = world.client_for(NS, "bench").member_list()
            except Exception:
                return False
            return len(members) == 3 and all(m.name for m in members)

        if not op.wait_until(healthy, 120.0, 0.2):
            raise RuntimeError("cluster did not come up")
        victim = op.running_pods("bench")[0]
        t0 = time.monotonic()
        op.kill(victim)
        if not op.wait_until(
            lambda: victim not in op.running_pods("bench") and healthy(), 300.0, 0.2
        ):
            raise RuntimeError("cluster did not heal")
        return time.monotonic() - t0
    finally:
        world.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=50_000)
    ap.add_argument("--fail-rate", type=float, default=0.05)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--interval",
        type=float,
        default=8.0,
        help="reconcile interval for the real-etcd runs (upstream: 8 s)",
    )
    ap.add_argument("--skip-etcd", action="store_true")
    args = ap.parse_args()

    print(f"in-memory, 5 members, fail rate {args.fail_rate:g} per cycle, {args.cycles} cycles")
    for with_trace in (True, False):
        rate = bench_fake(args.cycles, args.fail_rate, with_trace)
        print(f"  {'with' if with_trace else 'without'} trace: {rate:,.0f} reconcile cycles/s")

    if args.skip_etcd or not etcd_available():
        print("real etcd: skipped" + ("" if args.skip_etcd else " (/usr/bin/etcd missing)"))
        return 0
    print(f"real etcd 3.4, 3 members, reconcile every {args.interval:g} s, kill one member:")
    times = []
    for i in range(args.runs):
        t = heal_once(args.interval, seed=100 + i)
        times.append(t)
        print(f"  run {i + 1}: healthy 3 again after {t:.1f} s")
    print(f"  median {statistics.median(times):.1f} s (min {min(times):.1f}, max {max(times):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
