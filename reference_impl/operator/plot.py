"""A timeline figure of a scenario run: sizes, reconcile branches, conditions, versions."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from reference_impl.operator import trace as tr
from reference_impl.operator.scenario import Result

# Branches drawn, top to bottom, with a colour each: calm greys, actions in colour,
# trouble in red.
_BRANCH_STYLE: dict[str, str] = {
    tr.NOOP: "#9e9e9e",
    tr.PAUSED: "#607d8b",
    tr.SKIP_PENDING: "#bdbdbd",
    tr.ADD_MEMBER: "#2e7d32",
    tr.REMOVE_MEMBER: "#ef6c00",
    tr.REMOVE_DEAD: "#c62828",
    tr.REMOVE_UNKNOWN: "#8e24aa",
    tr.UPGRADE_MEMBER: "#1565c0",
    tr.LOST_QUORUM: "#b71c1c",
    tr.ALL_DEAD: "#000000",
    tr.REBUILD_FAILED: "#6d4c41",
    tr.POLL_FAILED: "#6d4c41",
}
_CONDITIONS = [
    ("Available", "#43a047"),
    ("Scaling", "#fb8c00"),
    ("Upgrading", "#1e88e5"),
    ("Recovering", "#e53935"),
    ("paused", "#607d8b"),
]


def plot(result: Result, out: str | Path) -> Path:
    name = result.scenario.cluster.name
    cycles = result.trace.for_cluster(name)
    samples = result.samples
    fig, axes = plt.subplots(
        4, 1, figsize=(13, 10), sharex=True, gridspec_kw={"height_ratios": [3, 3, 1.6, 1.6]}
    )
    ax_sz, ax_br, ax_cond, ax_ver = axes
    t = [s.time for s in samples]

    # 1. sizes
    ax_sz.step(
        t,
        [s.spec_size for s in samples],
        where="post",
        color="black",
        ls="--",
        lw=1.2,
        label="spec.size",
    )
    ax_sz.step(
        t, [s.members for s in samples], where="post", color="#6a1b9a", lw=2.2, label="etcd members"
    )
    ax_sz.step(
        t, [s.pods for s in samples], where="post", color="#00897b", lw=1.6, label="running pods"
    )
    ax_sz.step(
        t,
        [s.ready for s in samples],
        where="post",
        color="#f9a825",
        lw=1.2,
        ls=":",
        label="status ready",
    )
    top = max([s.spec_size for s in samples] + [s.members for s in samples] + [1]) + 1.5
    ax_sz.set_ylim(0, top)
    ax_sz.set_ylabel("count")
    ax_sz.legend(loc="upper left", ncol=4, fontsize=9, framealpha=0.95)
    ax_sz.grid(alpha=0.3)
    for i, (at, what) in enumerate(result.applied):
        for ax in axes:
            ax.axvline(at, color="#d81b60", lw=0.9, alpha=0.6)
        # Event labels sit above the panel, alternating heights so neighbours do not collide.
        ax_sz.annotate(
            what,
            (at, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 3 + 11 * (i % 2)),
            textcoords="offset points",
            fontsize=8,
            color="#ad1457",
            ha="left",
            va="bottom",
        )
    world = "in-memory fake" if result.world == "fake" else "real etcd processes"
    scaled = (
        ""
        if result.time_scale == 1.0
        else (f"; run at {result.time_scale:g}x speed-up factor, times shown unscaled")
    )
    ax_sz.set_title(
        f"EtcdCluster {name!r} in the {world} world: reconcile every 8 s{scaled}",
        fontsize=12,
        pad=30,
    )

    # 2. branch per reconcile cycle
    used = [b for b in _BRANCH_STYLE if any(c.branch == b for c in cycles)]
    ypos = {b: i for i, b in enumerate(reversed(used))}
    for c in cycles:
        y = ypos[c.branch]
        color = _BRANCH_STYLE.get(c.branch, "black")
        if c.error:
            ax_br.scatter(c.time, y, marker="x", s=55, color=color, lw=2)
        else:
            ax_br.scatter(c.time, y, marker="o", s=30, color=color)
    ax_br.set_yticks(list(ypos.values()), list(ypos.keys()), fontsize=9)
    ax_br.set_ylim(-0.7, max(len(used) - 0.3, 0.7))
    ax_br.set_ylabel("reconcile branch")
    ax_br.grid(axis="x", alpha=0.3)
    ax_br.legend(
        handles=[
            Line2D([], [], marker="o", ls="", color="#555", label="succeeded"),
            Line2D(
                [],
                [],
                marker="x",
                ls="",
                color="#555",
                markeredgewidth=2,
                label="returned an error (retried next cycle)",
            ),
        ],
        loc="upper left",
        fontsize=8,
        ncol=2,
        framealpha=0.9,
    )

    # 3. conditions as spans between cycles
    for row, (cond, color) in enumerate(_CONDITIONS):
        for i, c in enumerate(cycles):
            end = cycles[i + 1].time if i + 1 < len(cycles) else result.scenario.duration
            on = c.branch == tr.PAUSED if cond == "paused" else cond in c.conditions
            if on:
                ax_cond.broken_barh([(c.time, end - c.time)], (row - 0.35, 0.7), color=color)
    ax_cond.set_yticks(range(len(_CONDITIONS)), [c for c, _ in _CONDITIONS], fontsize=9)
    ax_cond.set_ylim(-0.6, len(_CONDITIONS) - 0.4)
    ax_cond.invert_yaxis()
    ax_cond.set_ylabel("status")
    ax_cond.grid(axis="x", alpha=0.3)

    # 4. pods per etcd version
    versions = sorted({v for s in samples for v in s.versions})
    palette = ["#90caf9", "#1565c0", "#a5d6a7", "#2e7d32", "#ffcc80"]
    base = [0.0] * len(samples)
    for i, v in enumerate(versions):
        vals = [float(s.versions.get(v, 0)) for s in samples]
        ax_ver.fill_between(
            t,
            base,
            [b + x for b, x in zip(base, vals, strict=True)],
            step="post",
            color=palette[i % len(palette)],
            label=f"v{v}",
        )
        base = [b + x for b, x in zip(base, vals, strict=True)]
    ax_ver.set_ylabel("pods by\nversion")
    ax_ver.set_xlabel("time (s)")
    ax_ver.legend(loc="upper left", fontsize=8, ncol=len(versions) or 1, framealpha=0.9)
    ax_ver.grid(alpha=0.3)
    ax_ver.set_xlim(0, result.scenario.duration)

    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
