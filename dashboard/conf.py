"""Decision 766 scoring configuration (domain.md §4.3–4.4).

Maxima and thresholds are configuration, not code: the sources disagree on the
group-5 split, and the Decision may be revised after Decree 118/2025. Override any
entry with the DASHBOARD_766 setting, e.g. {"5.2": {"max": 5}}.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings


@dataclass(frozen=True)
class IndicatorRule:
    max_points: Decimal
    threshold: Decimal  # percent; at or above it the indicator gets full points


DEFAULT_RULES: dict[str, dict[str, int]] = {
    # 2.1 dossiers handled early or on time: no threshold in the formula text.
    "2.1": {"max": 20, "threshold": 100},
    # 3.3 online share, within the 12-point full-online family; threshold 50 %.
    "3.3": {"max": 12, "threshold": 50},
    "4.1": {"max": 6, "threshold": 100},
    "4.2": {"max": 4, "threshold": 80},
    "4.3": {"max": 2, "threshold": 80},
    "4.4": {"max": 4, "threshold": 100},
    "4.5b": {"max": 2, "threshold": 100},
    "5.2": {"max": 6, "threshold": 100},
    "5.3": {"max": 6, "threshold": 100},
    "5.4": {"max": 6, "threshold": 90},
}


def indicator_rule(code: str) -> IndicatorRule:
    merged = {
        **DEFAULT_RULES[code],
        **getattr(settings, "DASHBOARD_766", {}).get(code, {}),
    }
    return IndicatorRule(
        max_points=Decimal(merged["max"]), threshold=Decimal(merged["threshold"])
    )


def indicator_points(*, rate: Decimal | None, rule: IndicatorRule) -> Decimal | None:
    """Full points at or above the threshold, else rate × max ÷ threshold; 2 decimals.
    No rate (a zero denominator) gives no points: N/A."""
    if rate is None:
        return None
    if rate >= rule.threshold or rule.threshold == 0:
        points = rule.max_points
    else:
        points = rate * rule.max_points / rule.threshold
    return points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
