from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """Integer cents as euro in the reader's number format: "€ 8,50" in French and Dutch."""
    if cents is None:
        return ""
    return f"€\u00a0{number_format(Decimal(cents) / 100, 2, force_grouping=True)}"
