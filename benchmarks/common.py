"""What every benchmark shares: the figure it reports, timing and formatting."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RATE = "/s"
MS = "ms"
ROUNDS = 5  # timed rounds of rate_of and ms_of (``--rounds``)


@dataclass
class Figure:
    """One measured figure, its goal, and the baseline measured in the same run."""

    name: str  # what --only takes
    title: str
    value: float
    unit: str  # RATE (higher is better) or MS (lower is better)
    goal: float
    baseline_name: str
    baseline_value: float
    strict: bool = False  # the goal is < (or >), not <= (or >=)
    engine: str = "sqlite"  # the splice engine measured
    sqlite_value: float | None = None  # SQLite's value on the same data, for the ratio engine/SQLite
    details: list[str] = field(default_factory=list)  # more lines to print
    extra: dict[str, Any] = field(default_factory=dict)  # more numbers for --json

    @property
    def passed(self) -> bool:
        if self.unit == RATE:
            return self.value > self.goal if self.strict else self.value >= self.goal
        return self.value < self.goal if self.strict else self.value <= self.goal

    @property
    def goal_text(self) -> str:
        op = (">" if self.unit == RATE else "<") + ("" if self.strict else "=")
        return f"{op} {fmt(self.goal, self.unit)}"

    @property
    def ratio(self) -> float:
        """splice's cost over the baseline's: 3.0 means three times the baseline's time."""
        if self.unit == RATE:
            return self.baseline_value / self.value if self.value else float("inf")
        return self.value / self.baseline_value if self.baseline_value else float("inf")

    @property
    def vs_sqlite(self) -> float | None:
        """This engine's cost over SQLite's on the same data (2.0: twice SQLite's time per operation)."""
        if self.engine == "sqlite" or not self.sqlite_value:
            return None
        if self.unit == RATE:
            return self.sqlite_value / self.value if self.value else float("inf")
        return self.value / self.sqlite_value

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "engine": self.engine,
            "title": self.title,
            "value": self.value,
            "unit": self.unit,
            "goal": self.goal,
            "goal_text": self.goal_text,
            "passed": self.passed,
            "baseline": {"name": self.baseline_name, "value": self.baseline_value, "unit": self.unit},
            "cost_ratio_vs_baseline": self.ratio,
            "cost_ratio_vs_sqlite": self.vs_sqlite,
            "details": self.details,
            **self.extra,
        }


def fmt(value: float, unit: str) -> str:
    if unit == RATE:
        return f"{value:,.0f}/s"
    if value < 1:
        return f"{value:.3f} ms"
    if value < 100:
        return f"{value:.2f} ms"
    return f"{value:,.0f} ms"


def ratio_text(ratio: float, of: str = "baseline") -> str:
    if ratio != ratio:  # nan
        return "n/a"
    return f"{ratio:.1f}x {of}'s cost" if ratio >= 1 else f"{1 / ratio:.1f}x faster than {of}"


def rounds_text(what: str = "round") -> str:
    return f"median of {ROUNDS} {what}s after 1 warm-up" if ROUNDS > 1 else f"1 {what} after 1 warm-up"


def rate_of(run: Callable[[], int], rounds: int | None = None, warmup: int = 1) -> float:
    """Operations per second of ``run`` (which returns how many it did): median of rounds."""
    rounds = rounds or ROUNDS
    for _ in range(warmup):
        run()
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        n = run()
        rates.append(n / (time.perf_counter() - started))
    return statistics.median(rates)


def ms_of(run: Callable[[], object], rounds: int | None = None, warmup: int = 1) -> float:
    """Milliseconds one call of ``run`` takes: median of rounds."""
    rounds = rounds or ROUNDS
    for _ in range(warmup):
        run()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of values, by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
