from django import template

from referrals import labels
from referrals.models import in_language

register = template.Library()


@register.filter
def text(obj, field: str) -> str:
    """A translated text field in the reader's language: {{ service|text:"name" }}."""
    return in_language(getattr(obj, field) or {})


@register.filter
def need_labels(codes) -> list[str]:
    """Need codes as words: {{ case.needs|need_labels|join:", " }}."""
    return [labels.need_label(code) for code in codes or []]


@register.filter
def kind_labels(codes) -> list[str]:
    """Service kinds (a case's orientation, a service's kinds) as words."""
    return [labels.kind_label(code) for code in codes or []]


@register.filter
def signal_text(evidence: dict) -> str:
    """The note of a proactive signal in the reader's language; "" for a quote of what someone
    wrote (shown as written)."""
    found = labels.SIGNAL_TEXTS.get((evidence or {}).get("rule"))
    return str(found) if found else ""


@register.filter
def event_text(event) -> str:
    """An event of a case's history as a sentence: {{ event|event_text }}."""
    return labels.event_text(event.action, event.detail)
