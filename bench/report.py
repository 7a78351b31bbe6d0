"""The benchmark's report: one Markdown table with the machine and the date."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} CPUs, {int(memory) // 1024 // 1024} GiB, {platform.platform()}"


def report(rows: list[dict], extra: list[str], command: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        f"Command: `{command}`",
        "",
        "| scenario | requests | p50 ms | p95 ms | req/s | SQL floor ms | over floor ms "
        "| target p95 ms | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        target = row.get("target")
        met = "—" if target is None else ("yes" if row["p95"] <= target else "**no**")
        floor_ms = row.get("floor")
        floor_text = "" if floor_ms is None else f"{floor_ms:.1f}"
        over_text = "" if floor_ms is None else f"{row['p50'] - floor_ms:.1f}"
        target_text = "" if target is None else str(target)
        lines.append(
            f"| {row['name']} | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['rps']:.0f} | {floor_text} | {over_text} | {target_text} | {met} |"
        )
    return "\n".join([*lines, "", *extra, ""])
