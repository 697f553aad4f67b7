from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dong(amount: Decimal | int) -> str:
    """An amount in đồng written the Vietnamese way: 75.000 đồng."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"
