"""What staff read for the referrals' stored codes: needs, service kinds, proactive signals and the
events of a case's history. The stored values stay the vocabulary of SCREENING.md."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import TIER_LABELS, Case, Consent, ServiceKind

NEED_LABELS = {
    "isolation": gettext_lazy("Isolation"),
    "psychological_distress": gettext_lazy("Psychological distress"),
    "suicide_risk": gettext_lazy("Risk of suicide"),
    "financial_hardship": gettext_lazy("Money difficulties"),
    "selfemployed_distress": gettext_lazy("Self-employed person in distress"),
    "medical": gettext_lazy("Medical need"),
    "frailty": gettext_lazy("Frailty"),
    "abuse": gettext_lazy("Abuse"),
    "caregiver_burnout": gettext_lazy("Carer exhaustion"),
}

# The patterns `services.signals_scan` notices over time, by rule: the case keeps the rule and an
# English note; staff read this text in their language.
SIGNAL_TEXTS = {
    "signal.cancels_everything": gettext_lazy("cancelled every visit lately"),
    "signal.company_rise": gettext_lazy("many requests for company lately"),
    "signal.silence_after_series": gettext_lazy("silence since a long series ended"),
    "signal.repeated_concerns": gettext_lazy("helppers reported concerns repeatedly"),
}


def need_label(code: str) -> str:
    return str(NEED_LABELS.get(code, code))


def kind_label(code: str) -> str:
    return str(ServiceKind(code).label) if code in ServiceKind.values else code


def choice_label(choices, code: str) -> str:
    """The label of a stored choice, or the code itself if it is not (or no longer) one."""
    return str(choices(code).label) if code in choices.values else code


def _tier(detail: dict) -> str:
    return str(TIER_LABELS.get(detail.get("tier"), detail.get("tier", "")))


def _opened(detail: dict) -> str:
    source = choice_label(Case.Source, detail.get("source", ""))
    if detail.get("rule") in SIGNAL_TEXTS:
        source = f"{source}: {SIGNAL_TEXTS[detail['rule']]}"
    if "tier" not in detail:
        return _("Opened · %(source)s") % {"source": source}
    return _("Opened (%(tier)s) · %(source)s") % {"tier": _tier(detail), "source": source}


def _moved(detail: dict) -> str:
    text = _("Moved from “%(from)s” to “%(to)s”") % {
        "from": choice_label(Case.Status, detail.get("from", "")),
        "to": choice_label(Case.Status, detail.get("to", "")),
    }
    if detail.get("outcome"):
        text = f"{text} ({choice_label(Case.Outcome, detail['outcome'])})"
    return text


def _consent(detail: dict) -> str:
    return _("Agreement recorded: %(purpose)s (%(channel)s)") % {
        "purpose": choice_label(Consent.Purpose, detail.get("purpose", "")),
        "channel": choice_label(Consent.Channel, detail.get("channel", "")),
    }


def _referred(detail: dict) -> str:
    if not detail.get("follow_up_on"):
        return _("Referred to a service")
    when = date_format(date.fromisoformat(detail["follow_up_on"]), "SHORT_DATE_FORMAT")
    return _("Referred to a service, to follow up on %(date)s") % {"date": when}


EVENTS = {
    "opened": _opened,
    "updated": lambda detail: _("Seen again; urgency now %(tier)s") % {"tier": _tier(detail)},
    "raised": lambda detail: (
        _("Urgency raised to %(tier)s by a coordinator's note") % {"tier": _tier(detail)}
    ),
    "moved": _moved,
    "consent": _consent,
    "consent_withdrawn": lambda detail: (
        _("Agreement withdrawn: %(purpose)s")
        % {"purpose": choice_label(Consent.Purpose, detail.get("purpose", ""))}
    ),
    "cancelled": lambda detail: _("Cancelled: the person withdrew their agreement to be contacted"),
    "referred": _referred,
    "sentinel_alert": lambda detail: _("Alert to the programme for self-employed people decided"),
}


def event_text(action: str, detail: dict | None) -> str:
    """One sentence for an event of a case's history (as services._event writes them); an
    action this does not know shows as its code."""
    describe = EVENTS.get(action)
    return describe(detail or {}) if describe else action
