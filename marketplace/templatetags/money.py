from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.formats import number_format

register = template.Library()

# Where the euro sign goes in each language, around the number in that language's own format
# (non-breaking spaces, so the sign never ends up alone on a line).
EURO_PATTERNS = {"fr": "{amount}\u00a0€", "nl": "€\u00a0{amount}", "en": "€{amount}"}


@register.filter
def euro(cents: int | None) -> str:
    """Integer cents as euro the reader's way: "8,50 €" in French, "€ 8,50" in Dutch, "€8.50" in
    English."""
    if cents is None:
        return ""
    amount = number_format(Decimal(cents) / 100, 2, force_grouping=True)
    language = (translation.get_language() or "fr")[:2]
    if language == "en" and amount.startswith("-"):
        return f"-€{amount[1:]}"  # English puts the minus before the sign
    return EURO_PATTERNS.get(language, EURO_PATTERNS["fr"]).format(amount=amount)
