"""Writes of payments: hours and their answers, fund memberships, and the earnings cap.

Each function is keyword-only (except `ensure_below_cap`, called from other apps), typed, and
says what it guarantees. Errors meant for people are ValidationErrors with translated messages,
keyed by field where a field is at fault; on any error nothing is written.
Billing (statements, charges, payouts, refunds) lives in `payments_stub.billing`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.models import User, Visit
from marketplace.templatetags.money import euro
from payments_stub import ledger, money, periods, selectors
from payments_stub.models import Account, FundMembership, HoursEvent, HoursLog, PartnerFund

MAX_HOURS_PER_VISIT = 12
Action = HoursEvent.Action
How = HoursLog.Validation


class Outcome(models.TextChoices):
    """How a coordinator settles questioned hours."""

    ACCEPT = "accept", gettext_lazy("Accept the hours as logged")
    CORRECT = "correct", gettext_lazy("Correct the hours")
    REJECT = "reject", gettext_lazy("Do not count these hours")


# --- the earnings cap -------------------------------------------------------------------------


def ensure_below_cap(helpper: User, *, year: int | None = None) -> None:
    """Refuse (ValidationError, code "earnings_cap") when `helpper` has reached the yearly cap.

    Call it wherever a helpper takes on a new visit (an accepted offer, an assignment): past the
    cap, no new visit may be accepted until the next year. Hours already worked are still paid.
    """
    status = selectors.cap_status(helpper, year=year)
    if status.blocked:
        raise ValidationError(
            _(
                "The yearly earnings limit of %(cap)s for %(year)s is reached (%(earned)s so "
                "far): no new visits can be accepted until next year."
            ),
            code="earnings_cap",
            params={
                "cap": euro(status.cap_cents),
                "earned": euro(status.earned_cents),
                "year": status.year,
            },
        )


# --- logging hours ----------------------------------------------------------------------------


def _times_errors(
    *, visit: Visit, started_at: datetime, ended_at: datetime, break_minutes: int, now: datetime
) -> dict[str, str]:
    errors = {}
    spent = ended_at - started_at
    if break_minutes < 0:
        errors["break_minutes"] = _("Breaks cannot be negative.")
    if spent <= timedelta(0):
        errors["ended_at"] = _("The end must come after the start.")
    elif spent > timedelta(hours=MAX_HOURS_PER_VISIT):
        errors["ended_at"] = _("A visit lasts %(hours)d hours at most.") % {
            "hours": MAX_HOURS_PER_VISIT
        }
    elif ended_at > now:
        errors["ended_at"] = _("This time has not come yet: log the hours once they are worked.")
    elif break_minutes >= 0 and spent <= timedelta(minutes=break_minutes):
        errors["break_minutes"] = _("The breaks are as long as the time spent, or longer.")
    if timezone.localdate(started_at) != timezone.localdate(visit.starts_at):
        errors["started_at"] = _("The hours start on the day of the visit, %(day)s.") % {
            "day": date_format(timezone.localdate(visit.starts_at))
        }
    return errors


def _minutes(started_at: datetime, ended_at: datetime, break_minutes: int) -> int:
    return int((ended_at - started_at).total_seconds() // 60) - break_minutes


def _snapshot(hours: HoursLog) -> dict:
    keep = ["status", "minutes", "break_minutes", "gross_cents", "fee_cents"]
    keep += ["contribution_cents", "withheld_cents"]
    values = {name: getattr(hours, name) for name in keep}
    values["started_at"] = hours.started_at.isoformat()
    values["ended_at"] = hours.ended_at.isoformat()
    return values


def _record(hours: HoursLog, action: str, *, by: User | None, old: dict, note: str = "") -> None:
    HoursEvent.objects.create(
        hours=hours, action=action, by=by, old=old, new=_snapshot(hours), note=note
    )


def hours_log(
    *,
    visit: Visit,
    helpper: User,
    started_at: datetime,
    ended_at: datetime,
    break_minutes: int = 0,
    note: str = "",
    now: datetime | None = None,
) -> HoursLog:
    """The helpper of a done visit logs the hours they spent, once.

    Refuses someone else's visit, a visit not done, times that do not make sense (end before
    start, breaks as long as the visit, negative breaks, a future end, another day). The
    helppie then has until the deadline to answer; the automatic validation is scheduled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("request").get(pk=visit.pk)
        if visit.helpper_id != helpper.pk:
            raise ValidationError(_("You can only log hours for your own visits."), "not_yours")
        if visit.status != Visit.Status.DONE:
            raise ValidationError(_("Hours can be logged once the visit is done."), "not_done")
        if HoursLog.objects.filter(visit=visit).exists():
            raise ValidationError(_("The hours of this visit are already logged."), "logged")
        errors = _times_errors(
            visit=visit,
            started_at=started_at,
            ended_at=ended_at,
            break_minutes=break_minutes,
            now=now,
        )
        if errors:
            raise ValidationError(errors)
        hours = HoursLog.objects.create(
            visit=visit,
            helpper=helpper,
            helppie_id=visit.request.helppie_id,
            started_at=started_at,
            ended_at=ended_at,
            break_minutes=break_minutes,
            minutes=_minutes(started_at, ended_at, break_minutes),
            note=note.strip()[:500],
            hourly_allowance_cents=visit.request.hourly_allowance_cents,
            fee_per_hour_cents=settings.PAYMENTS_PLATFORM_FEE_CENTS,
            deadline=periods.validation_deadline(visit_start=visit.starts_at, logged_at=now),
            created_at=now,
            updated_at=now,
        )
        _record(hours, Action.LOGGED, by=helpper, old={})
        transaction.on_commit(partial(_schedule_validation, hours.deadline))
    return hours


def _schedule_validation(at: datetime) -> None:
    from payments_stub import tasks

    tasks.schedule_validation(at)


# --- answering hours --------------------------------------------------------------------------


def _locked(hours: HoursLog) -> HoursLog:
    return HoursLog.objects.select_for_update().get(pk=hours.pk)


def _may_answer(hours: HoursLog, by: User) -> None:
    if not (by.is_staff or by.pk == hours.helppie_id):
        raise PermissionDenied


def _contributed(hours: HoursLog, fund_id: int) -> int:
    start, end = periods.year_bounds(timezone.localdate(hours.started_at).year)
    done = HoursLog.objects.filter(
        helppie_id=hours.helppie_id,
        fund_id=fund_id,
        status=HoursLog.Status.VALIDATED,
        started_at__gte=start,
        started_at__lt=end,
    ).exclude(pk=hours.pk)
    return done.aggregate(total=Sum("contribution_cents"))["total"] or 0


def _price(hours: HoursLog) -> None:
    """Fix the amounts of `hours`, with the fund's contribution within its yearly cap. The
    membership row is locked so two validations at once cannot both use the last of the cap."""
    membership = (
        FundMembership.objects.select_for_update(of=("self",))
        .select_related("fund")
        .filter(helppie_id=hours.helppie_id, ended_at__isnull=True, fund__is_active=True)
        .first()
    )
    fund = membership.fund if membership else None
    amounts = money.hours_amounts(
        minutes=hours.minutes,
        allowance_per_hour=hours.hourly_allowance_cents,
        fee_per_hour=hours.fee_per_hour_cents,
        withholding_bp=settings.PAYMENTS_WITHHOLDING_BP,
        contribution_per_hour=fund.contribution_per_hour_cents if fund else 0,
        contribution_room=fund.annual_cap_cents - _contributed(hours, fund.pk) if fund else 0,
    )
    hours.fund = fund if amounts.contribution_cents else None
    hours.gross_cents, hours.fee_cents = amounts.gross_cents, amounts.fee_cents
    hours.contribution_cents = amounts.contribution_cents
    hours.withheld_cents = amounts.withheld_cents


def _post(hours: HoursLog, *, by: User | None) -> None:
    """Price `hours` and post them: the helppie (and fund) owe, the helpper, the tax authority
    and the platform are owed. All amounts zero (a free visit, no fee): nothing to post."""
    _price(hours)
    lines = [
        (Account.Kind.HELPPIE_RECEIVABLE, hours.helppie_id, None, hours.helppie_cents),
        (Account.Kind.FUND_RECEIVABLE, None, hours.fund_id, hours.contribution_cents),
        (Account.Kind.HELPPER_PAYABLE, hours.helpper_id, None, -hours.net_cents),
        (Account.Kind.WITHHOLDING, None, None, -hours.withheld_cents),
        (Account.Kind.PLATFORM_FEES, None, None, -hours.fee_cents),
    ]
    lines = [
        (ledger.account(kind, user_id=user, fund_id=fund), amount)
        for kind, user, fund, amount in lines
        if amount
    ]
    hours.posting = (
        ledger.transaction_post(
            kind="hours", lines=lines, memo=f"hours #{hours.pk} of visit #{hours.visit_id}", by=by
        )
        if lines
        else None
    )


def _validate(hours: HoursLog, *, by: User | None, how: str, action: str, old: dict, note=""):
    _post(hours, by=by)
    hours.status, hours.validated_how = HoursLog.Status.VALIDATED, how
    hours.updated_at = timezone.now()
    hours.save()
    _record(hours, action, by=by, old=old, note=note)


def hours_validate(*, hours: HoursLog, by: User) -> HoursLog:
    """The helppie (or a coordinator for them) agrees with the hours: their amounts are fixed
    and posted to the ledger, exactly once even if two answers arrive at the same instant."""
    _may_answer(hours, by)
    with transaction.atomic():
        hours = _locked(hours)
        if hours.status != HoursLog.Status.SUBMITTED:
            raise ValidationError(_("These hours have already been answered."), "answered")
        how = How.HELPPIE if by.pk == hours.helppie_id else How.STAFF
        _validate(hours, by=by, how=how, action=Action.VALIDATED, old=_snapshot(hours))
    return hours


def hours_dispute(*, hours: HoursLog, by: User, reason: str) -> HoursLog:
    """The helppie (or a coordinator for them) questions the hours; staff will settle them.
    Nothing is posted until then."""
    _may_answer(hours, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Please say in a few words what is not right.")})
    with transaction.atomic():
        hours = _locked(hours)
        if hours.status != HoursLog.Status.SUBMITTED:
            raise ValidationError(_("These hours have already been answered."), "answered")
        old = _snapshot(hours)
        hours.status, hours.dispute_reason = HoursLog.Status.DISPUTED, reason.strip()[:1000]
        hours.updated_at = timezone.now()
        hours.save(update_fields=["status", "dispute_reason", "updated_at"])
        _record(hours, Action.DISPUTED, by=by, old=old, note=hours.dispute_reason)
    return hours


def hours_validate_overdue(*, now: datetime | None = None) -> int:
    """Validate every hours log still unanswered at its deadline; returns how many.

    Safe to run from several workers at once: each log is locked and re-read, and a log
    another worker holds is left to it.
    """
    now = now or timezone.now()
    waiting = HoursLog.objects.filter(status=HoursLog.Status.SUBMITTED, deadline__lte=now)
    count = 0
    for pk in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            hours = waiting.select_for_update(skip_locked=True).filter(pk=pk).first()
            if hours is None:
                continue
            old = _snapshot(hours)
            _validate(hours, by=None, how=How.AUTOMATIC, action=Action.AUTO_VALIDATED, old=old)
            count += 1
    return count


# --- staff: settling and correcting -----------------------------------------------------------


def _set_times(hours, *, started_at, ended_at, break_minutes) -> None:
    if started_at is None or ended_at is None or break_minutes is None:
        raise ValidationError({"started_at": _("Please give the corrected start and end.")})
    errors = _times_errors(
        visit=hours.visit,
        started_at=started_at,
        ended_at=ended_at,
        break_minutes=break_minutes,
        now=timezone.now(),
    )
    if errors:
        raise ValidationError(errors)
    hours.started_at, hours.ended_at, hours.break_minutes = started_at, ended_at, break_minutes
    hours.minutes = _minutes(started_at, ended_at, break_minutes)


def hours_settle(
    *,
    hours: HoursLog,
    by: User,
    outcome: str,
    note: str = "",
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    break_minutes: int | None = None,
) -> HoursLog:
    """A coordinator settles questioned hours: accepts them, corrects them, or does not count
    them. Correcting or not counting needs a note. Accepted or corrected hours are posted once."""
    if not by.is_staff:
        raise PermissionDenied
    if outcome != Outcome.ACCEPT and not note.strip():
        raise ValidationError({"note": _("Please note why, for the history.")})
    with transaction.atomic():
        hours = _locked(hours)
        if hours.status != HoursLog.Status.DISPUTED:
            raise ValidationError(_("Only questioned hours can be settled."), "not_disputed")
        old, note = _snapshot(hours), note.strip()
        if outcome == Outcome.REJECT:
            hours.status, hours.updated_at = HoursLog.Status.REJECTED, timezone.now()
            hours.save(update_fields=["status", "updated_at"])
            _record(hours, Action.REJECTED, by=by, old=old, note=note)
            return hours
        action = Action.ACCEPTED
        if outcome == Outcome.CORRECT:
            _set_times(hours, started_at=started_at, ended_at=ended_at, break_minutes=break_minutes)
            action = Action.CORRECTED
        _validate(hours, by=by, how=How.STAFF, action=action, old=old, note=note)
    return hours


def hours_correct(
    *,
    hours: HoursLog,
    by: User,
    started_at: datetime,
    ended_at: datetime,
    break_minutes: int,
    note: str,
) -> HoursLog:
    """A coordinator corrects validated hours not yet on a statement: the posting is reversed
    (never edited) and the corrected hours posted anew. Billed hours are refunded instead."""
    if not by.is_staff:
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Please note why, for the history.")})
    with transaction.atomic():
        hours = _locked(hours)
        if hours.status != HoursLog.Status.VALIDATED or hours.is_billed:
            raise ValidationError(
                _("Only validated hours not yet on a statement can be corrected."), "billed"
            )
        old = _snapshot(hours)
        _set_times(hours, started_at=started_at, ended_at=ended_at, break_minutes=break_minutes)
        if hours.posting is not None:
            ledger.transaction_reverse(
                original=hours.posting, by=by, memo=f"correction of hours #{hours.pk}"
            )
        _validate(hours, by=by, how=How.STAFF, action=Action.CORRECTED, old=old, note=note.strip())
    return hours


# --- partner funds ----------------------------------------------------------------------------


def membership_set(
    *, helppie: User, fund: PartnerFund, member_number: str, by: User
) -> FundMembership:
    """Record that `helppie` is a member of `fund` (ending any earlier membership), if the
    number has the fund's shape. From then on, validated hours get the fund's contribution."""
    if not (by.is_staff or by.pk == helppie.pk):
        raise PermissionDenied
    number = member_number.strip()
    if not fund.is_active:
        raise ValidationError({"fund": _("This fund is no longer a partner.")})
    if not fund.accepts(number):
        raise ValidationError(
            {
                "member_number": _(
                    "This is not a member number of %(fund)s. It looks like %(example)s."
                )
                % {"fund": fund.name, "example": fund.member_number_example}
            }
        )
    with transaction.atomic():
        # Two changes of one person's membership at once: the second waits, then replaces.
        User.objects.select_for_update().filter(pk=helppie.pk).first()
        membership_end(helppie=helppie, by=by)
        return FundMembership.objects.create(helppie=helppie, fund=fund, member_number=number)


def membership_end(*, helppie: User, by: User) -> None:
    """End `helppie`'s current membership, if any. Hours already validated keep their amounts."""
    if not (by.is_staff or by.pk == helppie.pk):
        raise PermissionDenied
    FundMembership.objects.filter(helppie=helppie, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
