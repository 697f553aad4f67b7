"""Server-rendered SVG charts: geometry only, drawn by the template (no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 720
HEIGHT = 240
PAD_LEFT = 48
PAD_BOTTOM = 28
PAD_TOP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    points: list[Point]
    polyline: str
    axis_y: float
    max_value: int
    ticks: list[tuple[float, str]]


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = int(10 ** (len(str(value)) - 1))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value  # pragma: no cover


def bar_line_chart(
    *, labels: Sequence[str], bars: Sequence[int], line: Sequence[Decimal | None]
) -> Chart:
    """Bars (counts, left scale) and a line (percentages 0–100, same height)."""
    count = max(len(labels), 1)
    plot_w = WIDTH - PAD_LEFT - 8
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / count
    top = _nice_max(max(bars, default=0))
    axis_y = PAD_TOP + plot_h
    drawn_bars = []
    points = []
    for index, (label, value) in enumerate(zip(labels, bars, strict=True)):
        height = plot_h * value / top
        x = PAD_LEFT + index * slot
        drawn_bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=round(axis_y - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=label,
                value=value,
            )
        )
        rate = line[index]
        if rate is not None:
            points.append(
                Point(
                    x=round(x + slot / 2, 1),
                    y=round(axis_y - plot_h * float(rate) / 100, 1),
                    label=label,
                    value=rate,
                )
            )
    ticks = [
        (round(axis_y - plot_h * step / 4, 1), f"{top * step // 4:,}")
        for step in range(5)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=drawn_bars,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        axis_y=axis_y,
        max_value=top,
        ticks=ticks,
    )
