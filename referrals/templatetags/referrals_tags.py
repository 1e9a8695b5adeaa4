from django import template

from referrals.models import in_language

register = template.Library()


@register.filter
def text(obj, field: str) -> str:
    """A translated text field in the reader's language: {{ service|text:"name" }}."""
    return in_language(getattr(obj, field) or {})
