"""Plot a simulation: each signal against its thresholds, pressure shaded, evictions marked."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from reference_impl.eviction.api import get_threshold_quantity
from reference_impl.eviction.simulator import (
    SimulationResult,
    condition_for,
    signals_in_use,
)
from reference_impl.quantity import BINARY_SI, new_quantity

_MI = 1024 * 1024


def _scale(signal: str) -> tuple[float, str]:
    if "inodes" in signal.lower():
        return 1.0, "inodes"
    return float(_MI), "MiB"


def plot_result(result: SimulationResult, path: str | Path) -> Path:
    """Write a PNG with one panel per signal that has a threshold.

    >>> import pathlib
    >>> soft_yaml = (
    ...     pathlib.Path(__file__).resolve().parents[2]
    ...     / "examples"
    ...     / "eviction"
    ...     / "soft-memory.yaml"
    ... )
    >>> import tempfile, os
    >>> from reference_impl.eviction.scenario import load_scenario
    >>> from reference_impl.eviction.simulator import run_scenario
    >>> result = run_scenario(load_scenario(soft_yaml))
    >>> out = plot_result(result, os.path.join(tempfile.mkdtemp(), "soft.png"))
    >>> str(out).endswith("soft.png") and os.path.getsize(out) > 0
    True
    """
    signals = signals_in_use(result.scenario) or ["memory.available"]
    fig, axes = plt.subplots(
        len(signals), 1, figsize=(15, 4.2 * len(signals)), sharex=True, squeeze=False
    )
    minutes = [t.offset_seconds / 60 for t in result.ticks]
    for ax, signal in zip(axes[:, 0], signals, strict=True):
        divisor, unit = _scale(signal)
        available = [
            t.observations[signal][0] / divisor if signal in t.observations else float("nan")
            for t in result.ticks
        ]
        ax.plot(minutes, available, color="tab:blue", linewidth=2, label=f"{signal} (observed)")

        condition = condition_for(signal)
        shaded = False
        for i, tick in enumerate(result.ticks):
            if condition in tick.node_conditions:
                end = minutes[i + 1] if i + 1 < len(minutes) else minutes[i]
                ax.axvspan(minutes[i], end, color="tab:red", alpha=0.12, linewidth=0)
                shaded = True

        for threshold in result.scenario.settings.thresholds:
            if threshold.signal != signal:
                continue
            hard = threshold.grace_period.total_seconds() == 0
            values, reclaim = [], []
            for tick in result.ticks:
                capacity = tick.observations.get(signal, (0, 0))[1]
                cap_q = new_quantity(capacity, BINARY_SI)
                value = get_threshold_quantity(threshold.value, cap_q).value()
                values.append(value / divisor)
                if threshold.min_reclaim is not None:
                    extra = get_threshold_quantity(threshold.min_reclaim, cap_q).value()
                    reclaim.append((value + extra) / divisor)
            kind = "hard" if hard else f"soft, grace {threshold.grace_period.total_seconds():g}s"
            color = "tab:red" if hard else "tab:orange"
            ax.plot(
                minutes,
                values,
                color=color,
                linestyle="--",
                linewidth=1.5,
                label=f"{kind} threshold < {threshold.value.describe()}",
            )
            if reclaim:
                ax.plot(
                    minutes,
                    reclaim,
                    color=color,
                    linestyle=":",
                    linewidth=1.2,
                    label=f"{kind}: threshold + min-reclaim {threshold.min_reclaim.describe()}",  # type: ignore[union-attr]
                )

        # Headroom above the data for the eviction labels.
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top + 0.32 * (top - bottom))
        span = max(minutes[-1] - minutes[0], 1e-9) if minutes else 1.0
        level, previous_x = 0, None
        for eviction in result.evictions:
            x = eviction.offset_seconds / 60
            # Stack labels only when evictions are close together in time.
            crowded = previous_x is not None and x - previous_x < 0.12 * span
            level, previous_x = (level + 1 if crowded else 0), x
            ax.axvline(x, color="black", linewidth=1, alpha=0.7)
            resource = eviction.message.removeprefix("The node was low on resource: ").rstrip(".")
            name = eviction.pod.split("/")[-1]
            label = f"evict {name}\n{resource}, grace {eviction.grace_period_override}s"
            ax.annotate(
                label,
                xy=(x, 0.985),
                xycoords=ax.get_xaxis_transform(),  # x in minutes, y in axes fraction
                xytext=(4, -2 - 25 * (level % 3)),
                textcoords="offset points",
                fontsize=8.5,
                va="top",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.6", "alpha": 0.9},
            )
        ax.set_ylabel(f"{signal} ({unit})")
        handles, labels = ax.get_legend_handles_labels()
        if shaded and condition:
            handles.append(Patch(color="tab:red", alpha=0.12))
            labels.append(f"{condition} reported")
        handles.append(Line2D([], [], color="black", linewidth=1))
        labels.append("pod evicted")
        # Outside the plotting area, so it never hides the data.
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8.5,
            borderaxespad=0,
        )
        ax.grid(True, alpha=0.3)
    axes[-1, 0].set_xlabel("minutes since start")
    settings = result.scenario.settings.config
    fig.suptitle(
        f"{result.scenario.name}: release-1.10 (v1.10.11) kubelet eviction, "
        f"tick {result.scenario.tick.total_seconds():g}s, "
        f"transition period {settings.pressure_transition_period.total_seconds():g}s",
        fontsize=12,
    )
    # Leave room at the top so the title never overlaps the first panel.
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
