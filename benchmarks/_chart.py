"""The benchmark chart: query latency, concurrency and the limit, as ratios (matplotlib).

``draw(report, path)`` is called by ``run.py`` after a run that included ``query`` or
``concurrency``; matplotlib comes with the ``bench`` and ``dev`` extras. Three panels:

1. query p50 / official p50 per kind, engine and ODM (lower is better), with the budgets;
2. queries/s / official queries/s with 8 threads and with 64 tasks (higher is better);
3. each client as a fraction of the limit (bare grpcio replaying the same requests at the
   same concurrency; 1.0 is the server-bound ceiling).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

KINDS = ("near_vector", "bm25", "hybrid", "fetch_filtered", "references")
COLORS = {"engine": "#1f77b4", "odm": "#2ca02c", "official": "#7f7f7f"}


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _bars(ax: Any, groups: list[str], series: dict[str, list[float | None]]) -> None:
    width = 0.8 / max(len(series), 1)
    for n, (side, values) in enumerate(series.items()):
        xs = [i + (n - (len(series) - 1) / 2) * width for i in range(len(groups))]
        heights = [v if v is not None else 0.0 for v in values]
        bars = ax.bar(xs, heights, width, label=side, color=COLORS.get(side))
        for bar, value in zip(bars, values, strict=True):
            if value is not None:
                ax.annotate(
                    f"{value:.2f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, fontsize=8)
    ax.legend(fontsize=8, loc="lower right")


def draw(report: dict[str, Any], path: Path, *, budgets: dict[str, float]) -> bool:
    """Draw the chart of ``report`` to ``path`` (png or svg); False when nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    query = _get(report, "results", "query") or {}
    conc = _get(report, "results", "concurrency", "lanes") or {}
    if not query and not conc:
        return False
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    w, o = query.get("weavorm", {}), query.get("official", {})
    kinds = [k for k in KINDS if _get(w, "kinds", k)]

    ax = axes[0]
    series: dict[str, list[float | None]] = {}
    for side in ("engine", "odm"):
        values: list[float | None] = []
        for kind in kinds:
            mine = _get(w, "kinds", kind, side, "p50_ms")
            theirs = _get(o, "kinds", kind, "official", "p50_ms")
            values.append(mine / theirs if mine and theirs else None)
        series[side] = values
    _bars(ax, [k.replace("_", "\n") for k in kinds], series)
    ax.axhline(1.0, color="black", linewidth=0.8)
    for name, value in budgets.items():
        ax.axhline(value, color="red", linestyle="--", linewidth=0.8)
        ax.annotate(f"{name} budget {value:.2f}x", (len(kinds) - 0.6, value), fontsize=7)
    ax.set_title("query p50 / official client (lower is better)", fontsize=10)

    ax = axes[1]
    modes = [("threads", "8 threads\nsync client"), ("tasks", "64 tasks\nasync client")]
    series = {}
    for side in ("engine", "odm"):
        series[side] = [
            (
                _get(conc, f"{side}_{m}", "queries_per_s")
                / _get(conc, f"official_{m}", "queries_per_s")
            )
            if _get(conc, f"{side}_{m}", "queries_per_s")
            and _get(conc, f"official_{m}", "queries_per_s")
            else None
            for m, _ in modes
        ]
    _bars(ax, [label for _, label in modes], series)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_title("queries/s / official client (higher is better)", fontsize=10)

    ax = axes[2]
    groups = [*(k.replace("_", "\n") for k in kinds), "8 threads", "64 tasks"]
    series = {}
    for side in ("engine", "odm", "official"):
        values = []
        for kind in kinds:
            data = o if side == "official" else w  # each against its own requests replayed
            limit = _get(data, "kinds", kind, "grpc_floor", "p50_ms")
            mine = _get(data, "kinds", kind, side, "p50_ms")
            values.append(limit / mine if limit and mine else None)
        for m, _ in modes:
            limit = _get(conc, f"limit_{m}", "queries_per_s")
            mine = _get(conc, f"{side}_{m}", "queries_per_s")
            values.append(mine / limit if limit and mine else None)
        series[side] = values
    _bars(ax, groups, series)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_title("fraction of the limit: bare grpcio, same requests (1.0 = ceiling)", fontsize=10)

    machine = report.get("machine", {})
    load = machine.get("load_average_at_start") or [0.0]
    fig.suptitle(
        f"weavorm {_get(report, 'clients', 'weavorm')} vs weaviate-client "
        f"{_get(report, 'clients', 'weaviate-client')}, Weaviate "
        f"{_get(report, 'server', 'version')}, {machine.get('cpus')} shared CPUs "
        f"(load {load[0]:.1f} at start), {report.get('profile')} run, {report.get('started')}",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
