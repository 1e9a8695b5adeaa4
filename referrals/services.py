"""Writes of referrals: screening where people write, cases, consent, referrals and alerts.

A human decides: nothing leaves the platform (a referral to a service, a sentinel alert) without
the person's recorded, explicit consent for that purpose and a coordinator's decision. Every
view and change of a case is written to the access log.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from referrals import selectors
from referrals.labels import SIGNAL_TEXTS
from referrals.models import (
    RESPONSE_TARGETS,
    TIERS,
    AccessLog,
    Case,
    CaseEvent,
    Consent,
    Referral,
    SentinelAlert,
    Service,
    VisitReport,
)
from referrals.screening import screen

# Stored evidence stays short: a few quotes of what fired, never the text around them.
MAX_EVIDENCE = 3
MAX_QUOTE = 80
CASE_FROM_TIER = "moderate"


@dataclass(frozen=True)
class Notice:
    """What the writer is shown after writing: crisis numbers, or a gentle suggestion."""

    tier: str
    crisis: bool
    services: list[Service] = field(default_factory=list)
    case: Case | None = None

    @property
    def has_suggestion(self) -> bool:
        return not self.crisis and bool(self.services)


def _at_least(tier: str, floor: str) -> bool:
    return TIERS.index(tier) >= TIERS.index(floor)


def notice_for(*, screening, person: selectors.Person) -> Notice:
    """What to show the writer of a screened text. Stores nothing."""
    if screening.tier == "crisis":
        return Notice(tier="crisis", crisis=True, services=selectors.crisis_lines(person))
    if not _at_least(screening.tier, "low"):
        return Notice(tier=screening.tier, crisis=False)
    return Notice(
        tier=screening.tier,
        crisis=False,
        services=selectors.services_for(kinds=list(screening.orientation), person=person, limit=3),
    )


def screen_for_person(
    *,
    user,
    text: str,
    source: str,
    source_ref: str,
    point=None,
    refnis: str | None = None,
    record: bool = True,
) -> Notice:
    """The one entry point other apps call where people write (a request, a message, a note).

    Returns what to show the writer, in their language and for their place. With `record`, a
    text of tier moderate or above opens (or updates) a case for staff; a crisis an urgent one.
    """
    person = selectors.Person(point=point, language=user.preferred_language, refnis=refnis)
    screening = screen(text, None, {})
    notice = notice_for(screening=screening, person=person)
    if record and _at_least(screening.tier, CASE_FROM_TIER):
        case = case_open(person=user, screening=screening, source=source, source_ref=source_ref)
        return dataclasses.replace(notice, case=case)
    return notice


def _short_evidence(screening) -> list[dict]:
    return [
        {"rule": e.rule, "text": e.text[:MAX_QUOTE]}
        for e in list(screening.evidence)[:MAX_EVIDENCE]
    ]


def case_open(*, person, screening, source: str, source_ref: str = "", by=None) -> Case:
    """Open a case, or raise the tier of the open one from the same source. Returns it."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(person=person, source=source, source_ref=source_ref)
            .exclude(status__in=Case.CLOSED)
            .first()
        )
        now = timezone.now()
        if case is not None:
            if TIERS.index(screening.tier) > TIERS.index(case.tier):
                case.tier = screening.tier
                case.due_at = min(case.due_at, now + RESPONSE_TARGETS[screening.tier])
            case.needs = sorted(set(case.needs) | set(screening.needs))
            case.save(update_fields=["tier", "due_at", "needs"])
            _event(case, by, "updated", {"tier": case.tier})
            return case
        case = Case.objects.create(
            person=person,
            tier=screening.tier,
            needs=list(screening.needs),
            orientation=list(screening.orientation),
            rules=[e.rule for e in screening.evidence],
            evidence=_short_evidence(screening),
            source=source,
            source_ref=source_ref,
            created_at=now,
            due_at=now + RESPONSE_TARGETS[screening.tier],
        )
        _event(case, by, "opened", {"tier": case.tier, "source": source})
    return case


def _event(case: Case, by, action: str, detail: dict | None = None) -> None:
    CaseEvent.objects.create(case=case, by=by, action=action, detail=detail or {})
    if by is not None:
        AccessLog.objects.create(user=by, case=case, case_ref=case.pk, action=action)


def access_log(*, user, case: Case | None, action: str = "view") -> None:
    AccessLog.objects.create(
        user=user, case=case, case_ref=case.pk if case else None, action=action
    )


def _require_worker(by) -> None:
    if not selectors.may_work_cases(by):
        raise PermissionDenied


def case_move(*, case: Case, to: str, by, outcome: str = "", note: str = "") -> Case:
    """Move a case along requested → accepted → in progress → completed | failed | cancelled."""
    _require_worker(by)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if to not in Case.TRANSITIONS.get(case.status, set()):
            raise ValidationError(
                _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": case.get_status_display(), "to": Case.Status(to).label}
            )
        if to in ("completed", "failed") and outcome not in Case.Outcome.values:
            raise ValidationError({"outcome": _("Say how it ended.")})
        previous = case.status
        case.status = to
        case.outcome = outcome if to != "cancelled" else (outcome or "")
        if to == "accepted" and case.assigned_to_id is None:
            case.assigned_to = by
        if to in Case.CLOSED:
            case.closed_at = timezone.now()
        if note:
            case.note = f"{case.note}\n{note}".strip()
        case.save()
        _event(case, by, "moved", {"from": previous, "to": to, "outcome": case.outcome})
        if note:
            _screen_staff_note(case=case, note=note, by=by)
    return case


def _screen_staff_note(*, case: Case, note: str, by) -> None:
    """A coordinator's note is screened too: what it reveals raises the tier of the open case,
    or opens a new one when the case is being closed."""
    screening = screen(note, None, {})
    if not _at_least(screening.tier, CASE_FROM_TIER):
        return
    if case.status in Case.CLOSED:
        case_open(
            person=case.person,
            screening=screening,
            source=Case.Source.STAFF_NOTE,
            source_ref=f"case:{case.pk}",
            by=by,
        )
        return
    if TIERS.index(screening.tier) <= TIERS.index(case.tier):
        return
    case.tier = screening.tier
    case.due_at = min(case.due_at, timezone.now() + RESPONSE_TARGETS[screening.tier])
    case.needs = sorted(set(case.needs) | set(screening.needs))
    case.rules = list(dict.fromkeys([*case.rules, *(e.rule for e in screening.evidence)]))
    case.evidence = [*case.evidence, *_short_evidence(screening)][: MAX_EVIDENCE * 2]
    case.save(update_fields=["tier", "due_at", "needs", "rules", "evidence"])
    _event(case, by, "raised", {"tier": case.tier, "source": Case.Source.STAFF_NOTE})


def consent_record(
    *,
    person,
    purpose: str,
    channel: str,
    by=None,
    service: Service | None = None,
    case: Case | None = None,
) -> Consent:
    """Record the person's explicit agreement for one purpose (online by them, or by phone)."""
    if channel == Consent.Channel.PHONE:
        _require_worker(by)
    elif by is not None and by.pk != person.pk:
        raise PermissionDenied
    if purpose == Consent.Purpose.SHARE and service is None:
        raise ValidationError(_("Name the service the person agrees to be referred to."))
    consent = Consent.objects.create(
        person=person, purpose=purpose, channel=channel, obtained_by=by, service=service, case=case
    )
    if case is not None:
        _event(case, by, "consent", {"purpose": purpose, "channel": channel})
    return consent


def consent_withdraw(*, consent: Consent, by) -> Consent:
    """Withdraw a consent: what depended on it stops (referrals, queued alerts, contact)."""
    if by.pk != consent.person_id:
        _require_worker(by)
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        consent.referrals.exclude(status=Referral.Status.DONE).update(
            status=Referral.Status.STOPPED
        )
        consent.alerts.filter(status=SentinelAlert.Status.QUEUED).update(
            status=SentinelAlert.Status.STOPPED
        )
        if consent.purpose == Consent.Purpose.CONTACT:
            for case in Case.objects.filter(person=consent.person, source=Case.Source.SELF).exclude(
                status__in=Case.CLOSED
            ):
                case.status, case.closed_at = Case.Status.CANCELLED, timezone.now()
                case.save(update_fields=["status", "closed_at"])
                _event(case, by, "cancelled", {"reason": "consent withdrawn"})
        if consent.case_id:
            _event(consent.case, by, "consent_withdrawn", {"purpose": consent.purpose})
    return consent


def _active_consent(person, purpose: str, service: Service | None = None) -> Consent | None:
    consents = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
    if service is not None:
        consents = consents.filter(service=service)
    return consents.order_by("-given_at").first()


def coordinator_contact_ask(
    *, person, channel: str = Consent.Channel.WEB, tier: str = "low"
) -> Case:
    """The person asks to talk to a coordinator: consent to be contacted, and a case."""
    with transaction.atomic():
        consent = consent_record(
            person=person, purpose=Consent.Purpose.CONTACT, channel=channel, by=person
        )
        case = (
            Case.objects.filter(person=person, source=Case.Source.SELF)
            .exclude(status__in=Case.CLOSED)
            .first()
        )
        if case is None:
            now = timezone.now()
            case = Case.objects.create(
                person=person,
                tier=tier,
                source=Case.Source.SELF,
                created_at=now,
                due_at=now + RESPONSE_TARGETS[tier],
            )
            _event(case, None, "opened", {"source": "self"})
        consent.case = case
        consent.save(update_fields=["case"])
    return case


def referral_make(*, case: Case, service: Service, by, follow_up_on: date) -> Referral:
    """Refer the person to a service of the social map. Needs their consent to share with it."""
    _require_worker(by)
    consent = _active_consent(case.person, Consent.Purpose.SHARE, service)
    if consent is None:
        raise ValidationError(_("The person has not agreed to be referred to this service."))
    if follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": _("The follow-up date has already passed.")})
    referral = Referral.objects.create(
        case=case, service=service, consent=consent, made_by=by, follow_up_on=follow_up_on
    )
    _event(
        case, by, "referred", {"service": str(service.pk), "follow_up_on": follow_up_on.isoformat()}
    )
    return referral


def sentinel_alert_raise(*, case: Case, by, self_employed: bool) -> SentinelAlert:
    """A coordinator decides to alert the sentinel programme about a self-employed person in
    distress who agreed to it. The alert is sent by a background task, after commit."""
    _require_worker(by)
    if not self_employed:
        raise ValidationError(
            _("The sentinel programme is for people who are (or were on 14/03/2020) self-employed.")
        )
    consent = _active_consent(case.person, Consent.Purpose.SENTINEL_ALERT)
    if consent is None:
        raise ValidationError(_("The person has not agreed to an alert being sent."))
    person = case.person
    payload = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "email": person.email or "",
        "language": person.preferred_language,
        "needs": case.needs,
        "consent_given_at": consent.given_at.isoformat(),
        "consent_channel": consent.channel,
        "coordinator": by.full_name,
    }
    alert = SentinelAlert.objects.create(
        case=case,
        consent=consent,
        decided_by=by,
        recipient=settings.SENTINEL_ALERT_ADDRESS,
        payload=payload,
    )
    _event(case, by, "sentinel_alert", {"alert": alert.pk})
    from referrals import tasks

    transaction.on_commit(lambda: tasks.send_sentinel_alert.enqueue(alert.pk))
    return alert


# What a helpper can tick after a visit, as the screening's vocabulary.
CONCERNS = {
    "lonely": ("low", ("isolation",), ("befriending",)),
    "money": ("moderate", ("financial_hardship",), ("cpas",)),
    "fall": ("moderate", ("frailty",), ("personal_alarm",)),
    "low_mood": ("moderate", ("psychological_distress",), ("psychologist",)),
    "not_wanting_to_live": ("crisis", ("suicide_risk", "psychological_distress"), ("crisis_line",)),
}


def _merge(result, concerns: list[str]):
    """The free text's screening, raised by what was ticked."""
    tier, needs, orientation = result.tier, list(result.needs), list(result.orientation)
    for concern in concerns:
        floor, more_needs, more_kinds = CONCERNS[concern]
        if TIERS.index(floor) > TIERS.index(tier):
            tier = floor
        needs += [n for n in more_needs if n not in needs]
        orientation += [k for k in more_kinds if k not in orientation]
    if tier == "crisis" and "crisis_line" in orientation:
        orientation.remove("crisis_line")
        orientation.insert(0, "crisis_line")
    return dataclasses.replace(
        result, tier=tier, needs=tuple(needs), orientation=tuple(orientation)
    )


def visit_report_submit(*, visit, helpper, concerns: list[str], text: str = "") -> VisitReport:
    """A helpper says what they noticed after a visit. The ticks and the free text are screened
    together; the helppie gets a case at the tier of the most serious signal. The free text
    itself is not stored, only what fired."""
    if visit.helpper_id != helpper.pk or visit.status != "done":
        raise ValidationError(_("You can report only on a visit you made."))
    if set(concerns) - set(CONCERNS):
        raise ValidationError({"concerns": _("Unknown concern.")})
    with transaction.atomic():
        report, created = VisitReport.objects.get_or_create(
            visit=visit, helpper=helpper, defaults={"concerns": concerns}
        )
        if not created:
            raise ValidationError(_("You have already reported on this visit. Thank you!"))
        result = _merge(screen(text, None, {}), concerns)
        if _at_least(result.tier, "low"):
            report.case = case_open(
                person=visit.request.helppie,
                screening=result,
                source=Case.Source.VISIT_REPORT,
                source_ref=f"visit:{visit.pk}",
            )
            report.save(update_fields=["case"])
    return report


def _in_english(text) -> str:
    with translation.override("en"):
        return str(text)


def _signal_case(person, rule: str) -> Case | None:
    """A low-tier case for a pattern noticed over time, once per person and rule while open.
    The evidence keeps the rule and its note in English; staff read it in their language
    (labels.SIGNAL_TEXTS)."""
    if (
        Case.objects.filter(person=person, source=Case.Source.SIGNAL, source_ref=rule)
        .exclude(status__in=Case.CLOSED)
        .exists()
    ):
        return None
    now = timezone.now()
    case = Case.objects.create(
        person=person,
        tier="low",
        source=Case.Source.SIGNAL,
        source_ref=rule,
        rules=[rule],
        evidence=[{"rule": rule, "text": _in_english(SIGNAL_TEXTS[rule])}],
        created_at=now,
        due_at=now + RESPONSE_TARGETS["low"],
    )
    _event(case, None, "opened", {"source": "signal", "rule": rule})
    return case


def signals_scan(*, now=None) -> list[Case]:
    """Daily: patterns that may hide a need, as low-tier cases for staff to review.

    - a regular helppie (3+ visits done in 90 days) cancelling all visits of the last 14 days;
    - a sharp rise in requests for company (3+ in 14 days, after none in the 90 before);
    - silence after a long weekly series ended (8+ visits, ended 14-30 days ago, nothing since);
    - repeated concern reports (2+ helpper reports with concerns in 60 days).
    """
    from marketplace.models import HelpRequest, User, Visit

    now = now or timezone.now()
    opened: list[Case] = []
    recent, quarter = now - timedelta(days=14), now - timedelta(days=90)
    regulars = User.objects.annotate(
        done=Count(
            "help_requests__visits",
            filter=Q(
                help_requests__visits__status="done", help_requests__visits__starts_at__gte=quarter
            ),
        ),
        cancelled=Count(
            "help_requests__visits",
            filter=Q(
                help_requests__visits__status="cancelled",
                help_requests__visits__starts_at__gte=recent,
            ),
        ),
        kept=Count(
            "help_requests__visits",
            filter=Q(
                help_requests__visits__status__in=["planned", "done"],
                help_requests__visits__starts_at__gte=recent,
            ),
        ),
    ).filter(done__gte=3, cancelled__gte=1, kept=0)
    for person in regulars:
        opened.append(_signal_case(person, "signal.cancels_everything"))
    company = User.objects.annotate(
        lately=Count(
            "help_requests",
            filter=Q(help_requests__category="company", help_requests__created_at__gte=recent),
        ),
        before=Count(
            "help_requests",
            filter=Q(
                help_requests__category="company",
                help_requests__created_at__gte=quarter,
                help_requests__created_at__lt=recent,
            ),
        ),
    ).filter(lately__gte=3, before=0)
    for person in company:
        opened.append(_signal_case(person, "signal.company_rise"))
    ended = (
        HelpRequest.objects.filter(
            recurrence="weekly",
            ends_on__gte=(now - timedelta(days=30)).date(),
            ends_on__lte=recent.date(),
        )
        .annotate(done=Count("visits", filter=Q(visits__status="done")))
        .filter(done__gte=8)
    )
    for series in ended.select_related("helppie"):
        if not Visit.objects.filter(
            request__helppie=series.helppie, starts_at__gte=recent
        ).exists():
            opened.append(_signal_case(series.helppie, "signal.silence_after_series"))
    reported = (
        VisitReport.objects.filter(created_at__gte=now - timedelta(days=60))
        .exclude(concerns=[])
        .values("visit__request__helppie")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
    )
    for row in reported:
        person = User.objects.get(pk=row["visit__request__helppie"])
        opened.append(_signal_case(person, "signal.repeated_concerns"))
    return [case for case in opened if case is not None]


def purge_closed(*, older_than: timedelta | None = None) -> int:
    """Delete closed cases older than the retention period (default REFERRALS_RETENTION_DAYS).
    The access log keeps the case number, not the case."""
    older_than = older_than or timedelta(days=settings.REFERRALS_RETENTION_DAYS)
    doomed = Case.objects.filter(closed_at__lt=timezone.now() - older_than)
    count = doomed.count()
    VisitReport.objects.filter(case__in=doomed).update(case=None)
    doomed.delete()
    return count
